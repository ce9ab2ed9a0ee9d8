#!/usr/bin/python3
"""Training through a loss the ONNX graph computes: an MLP whose exported graph ends in
SoftmaxCrossEntropyLoss (torch.nn.CrossEntropyLoss) or NegativeLogLikelihoodLoss
(torch.nn.NLLLoss), compiled with `dlc compile --train --loss-output loss`, trained N steps
through the artifact's train_step and by torch.optim.SGD on the same batches. Every
step's loss must agree within 1e-4 relative, and the parameters after the last step too.
Covers class weights, ignore_index (labels that hit it) and the sum and mean reductions.

    onnx_loss_train.py BIN_DIR LIB_DIR WORK_DIR"""
import os, subprocess, sys
import numpy as np
import onnx
import torch, torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlcrt

BIN = LIB = WORK = None  # set from the command line
STEPS, RTOL, BATCH, FEATURES, CLASSES = 8, 1e-4, 12, 10, 5
results = []


class WithLoss(nn.Module):
    """An MLP and its loss in one module, so that the export holds the loss node."""

    def __init__(self, loss, log_probs):
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(FEATURES, 16), nn.Tanh(), nn.Linear(16, CLASSES))
        self.log_probs = log_probs
        self.loss = loss

    def forward(self, x, label):
        y = self.net(x)
        if self.log_probs:
            # log(softmax) rather than log_softmax: the exporter fuses log_softmax + nll_loss
            # into SoftmaxCrossEntropyLoss, and this case is about NegativeLogLikelihoodLoss.
            y = torch.log(torch.softmax(y, 1))
        return self.loss(y, label)


def export_with_loss(model, onnx_path, expected_op):
    """model (a WithLoss) to ONNX: inputs x and label, output loss, the loss node kept."""
    torch.onnx.export(model, (torch.zeros(BATCH, FEATURES), torch.zeros(BATCH, dtype=torch.int64)), onnx_path,
                      input_names=["x", "label"], output_names=["loss"], opset_version=13,
                      do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING)
    ops = [n.op_type for n in onnx.load(onnx_path).graph.node]
    if expected_op not in ops:  # the point of the test is the ONNX loss op, not a decomposition
        raise RuntimeError(f"the export holds no {expected_op} node: {ops}")


def case(name, loss, log_probs, expected_op, ignore_index=None, lr=0.1):
    try:
        run_case(name, loss, log_probs, expected_op, ignore_index, lr)
    except Exception as e:  # a compile or run failure fails this case, not the others
        results.append(False)
        print(f"FAIL {name}: {e}", flush=True)


def run_case(name, loss, log_probs, expected_op, ignore_index, lr):
    model = WithLoss(loss, log_probs)
    onnx_path, so = f"{WORK}/{name}.onnx", f"{WORK}/{name}.so"
    export_with_loss(model, onnx_path, expected_op)
    subprocess.run([f"{BIN}/dlc", "compile", onnx_path, "-o", so, "--train", "--loss-output", "loss",
                    "--optimizer", "sgd", "--lr", str(lr)], check=True)
    m = dlcrt.Model(f"{LIB}/libdlcrt.so", so)
    opt = torch.optim.SGD(model.parameters(), lr)
    rng = np.random.default_rng(2)
    worst = 0.0
    for step in range(STEPS):
        x = rng.standard_normal((BATCH, FEATURES)).astype(np.float32)
        label = rng.integers(0, CLASSES, BATCH).astype(np.int64)
        if ignore_index is not None:
            label[rng.random(BATCH) < 0.3] = ignore_index
            label[0] = ignore_index  # at least one ignored sample every step
        got = float(m.run("train_step", {"x": x, "label": label})[0])
        opt.zero_grad()
        ref = model(torch.from_numpy(x), torch.from_numpy(label))
        ref.backward()
        opt.step()
        worst = max(worst, abs(got - ref.item()) / abs(ref.item()))
    params = {k: v for k, v in model.state_dict().items() if not k.startswith("loss.")}
    for key, value in params.items():
        got = m.param(key)
        worst = max(worst, float(np.abs(got - value.numpy()).max() / np.abs(value.numpy()).max()))
    ok = worst <= RTOL
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {name} ({expected_op}): worst relative difference {worst:.2e} "
          f"(losses of {STEPS} SGD steps and the final parameters)", flush=True)


def loss_cases(case):
    """Calls case(name, loss module, log_probs, expected ONNX op, ...) for every case
    (cuda_compile.py compiles the same list for the GPU)."""
    weights = torch.tensor([0.5, 2.0, 1.0, 0.25, 3.0])
    case("sce_mean", nn.CrossEntropyLoss(), False, "SoftmaxCrossEntropyLoss")
    case("sce_sum_weights", nn.CrossEntropyLoss(weight=weights, reduction="sum"), False, "SoftmaxCrossEntropyLoss",
         lr=0.02)
    case("sce_mean_weights_ignore", nn.CrossEntropyLoss(weight=weights, ignore_index=2), False,
         "SoftmaxCrossEntropyLoss", ignore_index=2)
    case("nll_mean_ignore", nn.NLLLoss(ignore_index=-1), True, "NegativeLogLikelihoodLoss", ignore_index=-1)
    case("nll_mean_weights", nn.NLLLoss(weight=weights), True, "NegativeLogLikelihoodLoss")


def main():
    global BIN, LIB, WORK
    BIN, LIB, WORK = sys.argv[1:4]
    os.makedirs(WORK, exist_ok=True)
    loss_cases(case)
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if results and all(results) else 1)


if __name__ == "__main__":
    main()
