#!/usr/bin/python3
"""One zoo model (models.py) against PyTorch:

- inference: the eval-mode export at batch 1 and at batch 8, dlc's infer against the module's
  forward, every output within 1e-4 relative (max |dlc - torch| / max |torch|);
- training, for each of the model's optimizers: `dlc compile --train` of the training-mode
  export, STEPS train_steps through the runtime's C API and torch.optim on the same batches
  from the same initial weights: every loss within 1e-4 relative, afterwards every parameter
  and batch norm running statistic within 1e-3, then eval_step and infer on a new batch
  against the module in eval mode (running statistics) within 1e-4.

With --opset N (18 and later) both exports are converted from opset 17 to N by ONNX 1.23.2's
version converter, as a current exporter would write them, and inference is checked against
onnxruntime as well as PyTorch; both run under the test venv's python (onnx_current.py).

A model on expected_failures.txt must fail (the list says why); when it passes the check
fails too, so that the entry is removed.

    zoo_check.py MODEL BIN_DIR LIB_DIR WORK_DIR [--opset N --venv-python PYTHON]"""
import copy, os, subprocess, sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "parity"))
import dlcrt
from export import OPSET as EXPORT_OPSET, export
from models import ZOO, build
from parity_common import guarded, relerr, results, torch_optimizer
from train_parity import loss_fn

STEPS, LOSS_RTOL, PARAM_RTOL, INFER_RTOL = 20, 1e-4, 1e-3, 1e-4
# How far another float32 implementation's rounding moves the weights within a few steps:
# the conditioning check perturbs PyTorch's initial weights by this much (relative).
PERTURB = 1e-6


def is_statistic(name):
    return "running_" in name or "num_batches_tracked" in name


def torch_outputs(net, inputs):
    out = net(*[torch.from_numpy(a) for a in inputs.values()])
    return list(out) if isinstance(out, tuple) else [out]


def compile_model(onnx_path, so, *args):
    r = subprocess.run([f"{BIN}/dlc", "compile", onnx_path, "-o", so, *args], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"dlc compile {' '.join(args)}: {r.stderr.strip()}")


def current_onnx(*args):
    r = subprocess.run([VENV_PYTHON, os.path.join(HERE, "onnx_current.py"), *args], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"onnx_current.py {args[0]}: {r.stderr.strip()[-2000:]}")


def export_at_opset(net, inputs, outputs, path, training):
    export(net, inputs, outputs, path, training=training)
    if OPSET != EXPORT_OPSET:
        current_onnx("convert", path, str(OPSET))


def onnxruntime_outputs(path, inputs):
    np.savez(path + ".in.npz", **inputs)
    current_onnx("ort", path, path + ".in.npz", path + ".out.npz")
    out = np.load(path + ".out.npz")
    return [out[f"arr_{i}"] for i in range(len(out.files))]


def inference(name, batch):
    spec = ZOO[name]
    net = build(name).eval()
    inputs = spec.inputs(np.random.default_rng(10 + batch), batch)
    tag = f"{WORK}/{name}_infer_b{batch}"
    export_at_opset(net, inputs, spec.outputs, tag + ".onnx", training=False)
    compile_model(tag + ".onnx", tag + ".so")
    got = dlcrt.Model(f"{LIB}/libdlcrt.so", tag + ".so").run("infer", inputs)
    with torch.no_grad():
        ref = [t.numpy() for t in torch_outputs(net, inputs)]
    errs = [relerr(g, r) for g, r in zip(got, ref)]
    message = "max relative error against PyTorch " + ", ".join(f"{o} {e:.2e}" for o, e in zip(spec.outputs, errs))
    if OPSET != EXPORT_OPSET:
        ort = onnxruntime_outputs(tag + ".onnx", inputs)
        ort_errs = [relerr(g, r) for g, r in zip(got, ort)]
        errs += ort_errs
        message += f"; opset {OPSET}, against onnxruntime " + ", ".join(f"{o} {e:.2e}" for o, e in zip(spec.outputs, ort_errs))
    return max(errs) <= INFER_RTOL, message


def labels(spec, rng, inputs, out):
    if spec.reconstruct:
        return inputs["x"].copy()
    if spec.loss in ("cross_entropy", "nll"):
        return rng.integers(0, out.shape[1], out.shape[0]).astype(np.int64)
    if spec.loss in ("bce", "bce_logits"):
        return rng.integers(0, 2, out.shape).astype(np.float32)
    return np.tanh(rng.standard_normal(out.shape)).astype(np.float32)


def saved_initializers(path):
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}


def torch_training(name, opt, onnx_path, feeds=None, dtype=torch.float32, perturb=0.0, snapshots=None):
    """STEPS steps of the module (PyTorch's initial weights, the running statistics the ONNX
    file holds) with torch.optim, in `dtype`, the initial weights scaled by 1 + perturb * N(0, 1)
    elementwise. Without feeds it draws them (inputs, labels) and returns them. With snapshots
    (a list) it appends torch_state before every step and after the last. Returns (net,
    feeds, losses, largest |gradient| per parameter element over the steps, steps on which
    clipping was active)."""
    spec = ZOO[name]
    net = build(name).train().to(dtype)
    saved = saved_initializers(onnx_path)
    with torch.no_grad():
        for key, buf in net.state_dict().items():
            if is_statistic(key) and key in saved:
                buf.copy_(torch.from_numpy(saved[key].copy()))
        noise = torch.Generator().manual_seed(5)
        for p in net.parameters() if perturb else ():
            p.mul_(1 + perturb * torch.randn(p.shape, generator=noise, dtype=dtype))
    params = list(net.parameters())
    optim = torch_optimizer(opt.name, params, opt.lr, opt.wd)
    lf = None if spec.loss == "output" else loss_fn(spec.loss, spec.smoothing)
    rng = np.random.default_rng(1)
    widen = lambda d: {k: v.astype(np.float64) if dtype == torch.float64 and v.dtype == np.float32 else v
                       for k, v in d.items()}
    drawn, losses, clipped = [], [], 0
    grad_max = [torch.zeros_like(p) for p in params]
    for step in range(STEPS):
        if snapshots is not None:
            snapshots.append(torch_state(net, optim, step))
        feed = dict(feeds[step]) if feeds else spec.inputs(rng, spec.batch)
        inputs = widen({k: v for k, v in feed.items() if k != "label"})
        optim.zero_grad()
        out = torch_outputs(net, inputs)
        if lf is None:
            ref = out[0]
        else:
            if "label" not in feed:
                feed["label"] = labels(spec, rng, feed, out[0].detach().numpy())
            ref = lf(out[0], torch.from_numpy(widen({"label": feed["label"]})["label"]))
        ref.backward()
        for g, p in zip(grad_max, params):
            torch.maximum(g, p.grad.abs(), out=g)
        if opt.clip:
            clipped += float(torch.nn.utils.clip_grad_norm_(params, opt.clip)) > opt.clip
        optim.step()
        drawn.append(feed)
        losses.append(ref.item())
    if snapshots is not None:
        snapshots.append(torch_state(net, optim, STEPS))
    return net, drawn, np.array(losses), grad_max, clipped


# torch.optim's state under the names dlc gives a parameter's optimizer state
STATE_NAMES = {"momentum_buffer": "momentum", "exp_avg": "adam.m", "exp_avg_sq": "adam.v", "square_avg": "square_avg",
               "sum": "sum"}


def torch_state(net, optim, step):
    """{dlc parameter name: array}: parameters, optimizer state and running statistics, named
    as PyTorch names them (which the exporter keeps for all but recurrent weights), and
    optimizer.step."""
    out = {"optimizer.step": np.array(step)}
    for key, p in net.named_parameters():
        out[key] = p.detach().numpy().copy()
        for k, v in optim.state.get(p, {}).items():
            if k in STATE_NAMES and v is not None:
                out[f"{key}/{STATE_NAMES[k]}"] = v.detach().numpy().copy()
    for key, b in net.named_buffers():
        if is_statistic(key) and b.is_floating_point():
            out[key] = b.numpy().copy()
    return out


def onnx_layout(name, net, tag, values=None):
    """{ONNX initializer name: array} of net's parameters (or of `values`, one tensor per
    parameter) in the layout the exporter writes (LSTM/GRU gates reordered and stacked):
    an export of a float32 copy traced on the model's first training inputs."""
    copy_ = copy.deepcopy(net).float()
    if values is not None:
        with torch.no_grad():
            for p, v in zip(copy_.parameters(), values):
                p.copy_(v)
    spec = ZOO[name]
    inputs = spec.inputs(np.random.default_rng(1), spec.batch)
    export(copy_, inputs, spec.outputs, tag + ".onnx", training=True)
    return saved_initializers(tag + ".onnx")


def sensitive_relerr(got, ref, mask):
    """relerr over the elements the loss depends on (mask true)."""
    if got.shape != ref.shape:
        return float("inf")
    if not mask.any():
        return 0.0
    return float(np.abs(got - ref)[mask].max() / max(np.abs(ref)[mask].max(), 1e-30))


def dlc_params(m):
    """The names of the artifact's parameters, optimizer state and statistics, less what only
    dlc has (the learning rate, the dropout seed and rank)."""
    names = []
    for i in range(m.lib.dlc_model_num_params(m.model)):
        name = m.lib.dlc_model_param(m.model, i).contents.tensor.name.decode()
        if name not in ("optimizer.lr", "rng.seed", "rng.rank") and not name.endswith("num_batches_tracked"):
            names.append(name)
    return names


def compare_params(m, ref, masks):
    """dlc's parameters against ref {ONNX name: array} over their loss-dependent elements, and
    the running statistics: (worst relative error, its parameter, worst statistic error,
    parameters compared, loss-invariant elements left out). A running mean is measured
    against its channel's standard deviation too: where the batch mean is 0 by construction
    (a batch norm after a bias-free conv of a normalized input) it is rounding noise."""
    worst, worst_name, compared, invariant = 0.0, "", 0, 0
    for key, r in ref.items():
        if is_statistic(key) or key not in masks or r.dtype != np.float32:
            continue
        try:
            got = m.param(key)
        except KeyError:
            continue  # folded into the graph by dlc (a constant, not a parameter)
        e = sensitive_relerr(got, r, masks[key])
        invariant += int((~masks[key]).sum())
        compared += 1
        if e > worst:
            worst, worst_name = e, key
    stat = 0.0
    for key, r in ref.items():
        if not is_statistic(key) or r.dtype != np.float32:
            continue
        scale = np.abs(r).max()
        if key.endswith("running_mean"):
            scale = max(scale, float(np.sqrt(ref[key[:-len("mean")] + "var"]).max()))
        stat = max(stat, float(np.abs(m.param(key) - r).max() / max(scale, 1e-30)))
    return worst, worst_name, stat, compared, invariant


def training(name, opt):
    """dlc's train_step against torch.optim in float32 (the reference). PyTorch also runs in
    float64 and in float32 from weights perturbed by PERTURB: if either differs from the
    reference by more than a third of a tolerance, the configuration is chaotic at these step
    sizes (a ReLU whose input is within rounding of 0 flips, and with a few positions per
    channel that moves a whole layer's gradient), and every dlc step starts from PyTorch's
    state instead of free-running over all steps. Parameter elements the loss does not depend
    on (their float64 gradient stays at rounding level: an attention key bias, which softmax
    cancels) are left out of the parameter comparison: adaptive optimizers move them by
    rounding noise in any float32 implementation, PyTorch's too."""
    spec = ZOO[name]
    tag = f"{WORK}/{name}_train_{opt.name}"
    inputs0 = spec.inputs(np.random.default_rng(1), spec.batch)
    export_at_opset(build(name).train(), inputs0, spec.outputs, tag + ".onnx", training=True)

    snapshots = []
    net, feeds, ref_losses, _, clipped = torch_training(name, opt, tag + ".onnx", snapshots=snapshots)
    net64, _, losses64, grad64, _ = torch_training(name, opt, tag + ".onnx", feeds, torch.float64)
    _, _, losses_p, _, _ = torch_training(name, opt, tag + ".onnx", feeds, perturb=PERTURB)
    scale = max(float(g.max()) for g in grad64)
    sensitive = [(g > 1e-9 * scale).float() for g in grad64]
    final = onnx_layout(name, net, tag + "_final")
    final64 = onnx_layout(name, net64, tag + "_final64")
    masks = {k: v > 0.5 for k, v in onnx_layout(name, net, tag + "_mask", sensitive).items()}
    cond_loss = max(float(np.max(np.abs(ref_losses - other) / np.maximum(np.abs(other), 1e-12)))
                    for other in (losses64, losses_p))
    cond_param = max((sensitive_relerr(final[k], final64[k], masks[k]) for k in final
                      if not is_statistic(k) and final[k].dtype == np.float32), default=0.0)
    conditioned = cond_loss <= LOSS_RTOL / 3 and cond_param <= PARAM_RTOL / 3
    if TORCH_ONLY:
        return (conditioned and (not opt.clip or clipped > 0),
                f"PyTorch float32 against float64 and perturbed float32: losses {cond_loss:.2e}, parameters {cond_param:.2e}"
                + (f", clipped on {clipped}/{STEPS} steps" if opt.clip else ""))

    args = ["--train", "--optimizer", opt.name, "--lr", repr(opt.lr)]
    args += ["--loss-output", "loss"] if spec.loss == "output" else ["--loss", spec.loss]
    args += ["--weight-decay", repr(opt.wd)] if opt.wd else []
    args += ["--clip-grad-norm", repr(opt.clip)] if opt.clip else []
    args += ["--label-smoothing", repr(spec.smoothing)] if spec.smoothing else []
    compile_model(tag + ".onnx", tag + ".so", *args)
    m = dlcrt.Model(f"{LIB}/libdlcrt.so", tag + ".so")
    # Ill-conditioned: every step starts from PyTorch's state (parameters, optimizer state,
    # running statistics, step), so each step's loss and update are compared, not the noise
    # earlier steps amplified.
    sync = not conditioned
    if sync and any(k not in snapshots[-1] for k in dlc_params(m)):
        return False, (f"ill-conditioned ({cond_loss:.2e} losses, {cond_param:.2e} parameters, PyTorch against "
                       "itself) and not synchronizable: a dlc parameter has no PyTorch name")
    worst, param_worst, param_name, stat_worst, compared, invariant = 0.0, 0.0, "", 0.0, 0, 0
    statistics = {k: v for k, v in snapshots[-1].items() if is_statistic(k)}
    for step, feed in enumerate(feeds):
        if sync:
            for key in dlc_params(m):
                # torch.optim creates its state at the first step, as zeros updated once
                m.param(key)[...] = snapshots[step].get(key, 0)
        got = float(m.run("train_step", feed)[0])
        err = abs(got - ref_losses[step]) / max(abs(ref_losses[step]), 1e-12)
        worst = max(worst, err)
        if VERBOSE:
            print(f"  step {step}: dlc {got:.7f} torch {ref_losses[step]:.7f} ({err:.1e})", flush=True)
        if sync or step == STEPS - 1:
            # final's statistics moved once more when the copy was traced: the module's own
            p, n, s_, c, i = compare_params(m, snapshots[step + 1] if sync else {**final, **statistics}, masks)
            if p > param_worst:
                param_worst, param_name = p, n
            stat_worst, compared, invariant = max(stat_worst, s_), c, i
    steps_done = int(m.param("optimizer.step"))
    if sync:  # eval_step and infer on PyTorch's trained state: the updates are compared above
        for key in dlc_params(m):
            m.param(key)[...] = snapshots[-1].get(key, 0)

    # eval_step and infer after training: running statistics, trained weights
    net.eval()
    rng = np.random.default_rng(2)
    inputs = spec.inputs(rng, spec.batch)
    with torch.no_grad():
        out = [t.numpy() for t in torch_outputs(net, inputs)]
    lf = None if spec.loss == "output" else loss_fn(spec.loss, spec.smoothing)
    if lf is None:
        ev = m.run("eval_step", inputs)
        ev_ref = [out[0]] + out[1:]
        eval_err = max(relerr(g, r) for g, r in zip(ev, ev_ref))
    else:
        label = labels(spec, rng, inputs, out[0])
        ev = m.run("eval_step", {**inputs, "label": label})
        with torch.no_grad():
            ev_loss = lf(torch.from_numpy(out[0]), torch.from_numpy(label)).numpy()
        eval_err = max(relerr(g, r) for g, r in zip(ev, [ev_loss] + out))
    inf = m.run("infer", inputs)
    infer_err = max(relerr(g, r) for g, r in zip(inf, out))
    ok = (worst <= LOSS_RTOL and param_worst <= PARAM_RTOL and stat_worst <= PARAM_RTOL and eval_err <= INFER_RTOL
          and infer_err <= INFER_RTOL and steps_done == STEPS and compared > 0 and (not opt.clip or clipped > 0))
    return ok, ((f"ill-conditioned ({cond_loss:.2e} PyTorch against itself), synchronized per step: " if sync else "")
                + f"losses {worst:.2e} over {STEPS} steps" + ("" if sync else f" (PyTorch against itself {cond_loss:.2e})")
                + ", parameters "
                f"{param_worst:.2e} ({compared} compared{', worst ' + param_name if param_name else ''}"
                f"{f', {invariant} loss-invariant elements left out' if invariant else ''}), running statistics "
                f"{stat_worst:.2e}, eval_step {eval_err:.2e}, infer {infer_err:.2e}"
                + (f", clipped on {clipped}/{STEPS} steps" if opt.clip else ""))


def expected_failures():
    out = {}
    for line in open(os.path.join(HERE, "expected_failures.txt")):
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, reason = line.partition(":")
            out[name.strip()] = reason.strip()
    return out


def main():
    global BIN, LIB, WORK, VERBOSE, TORCH_ONLY, OPSET, VENV_PYTHON
    usage = f"usage: zoo_check.py MODEL BIN_DIR LIB_DIR WORK_DIR [--opset N --venv-python PYTHON] (MODEL: {', '.join(ZOO)})"
    if len(sys.argv) not in (5, 9) or sys.argv[1] not in ZOO:
        sys.exit(usage)
    name, BIN, LIB, WORK = sys.argv[1:5]
    if len(sys.argv) == 9:
        if sys.argv[5] != "--opset" or sys.argv[7] != "--venv-python" or not sys.argv[6].isdigit():
            sys.exit(usage)
        OPSET, VENV_PYTHON = int(sys.argv[6]), sys.argv[8]
        if OPSET < EXPORT_OPSET:
            sys.exit(f"--opset {OPSET}: the export is opset {EXPORT_OPSET}; the converter only goes up")
    VERBOSE = os.environ.get("DLC_ZOO_VERBOSE")
    # DLC_ZOO_TORCH_ONLY=1: only how well conditioned each training configuration is
    TORCH_ONLY = os.environ.get("DLC_ZOO_TORCH_ONLY")
    os.makedirs(WORK, exist_ok=True)
    spec = ZOO[name]
    for batch in () if TORCH_ONLY else (1, 8):
        guarded(f"{name} infer batch {batch}", lambda: inference(name, batch))
    for opt in spec.optimizers:
        label = f"{name} train {spec.loss}{' smoothing=' + str(spec.smoothing) if spec.smoothing else ''} {opt.name} lr={opt.lr}"
        label += (f" wd={opt.wd}" if opt.wd else "") + (f" clip={opt.clip}" if opt.clip else "")
        guarded(label, lambda: training(name, opt))
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    xfail = expected_failures()
    if name in xfail:
        print(f"{name} is on expected_failures.txt: {xfail[name]}")
        if not failed:
            print(f"{name} passes now: remove it from expected_failures.txt")
        sys.exit(0 if failed else 1)
    sys.exit(1 if failed else 0)


BIN = LIB = WORK = VENV_PYTHON = None
VERBOSE = TORCH_ONLY = False
OPSET = EXPORT_OPSET
if __name__ == "__main__":
    main()
