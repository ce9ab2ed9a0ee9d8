#!/usr/bin/python3
"""Training parity with PyTorch: models exported with their initial weights, compiled
with `dlc compile --train`, then trained N steps through the artifact's train_step (called
with the runtime's C API) and by torch.optim on the same batches. Every step's loss must
agree within 1e-4 relative; eval_step's loss and outputs too.

    train_parity.py BIN_DIR LIB_DIR PEER_SCRIPT WORK_DIR"""
import os, subprocess, sys
import numpy as np
import torch, torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlcrt

BIN, LIB, PEER, WORK = sys.argv[1:5]
os.makedirs(WORK, exist_ok=True)
peer = {"__name__": "peer"}
exec(compile(open(PEER).read(), PEER, "exec"), peer)
STEPS, RTOL = 5, 1e-4
VERBOSE = os.environ.get("DLC_TRAIN_PARITY_VERBOSE")
results = []

def small(name):
    torch.manual_seed(0)
    if name == "binary":  # probabilities for bce
        return nn.Sequential(nn.Linear(10, 8), nn.Tanh(), nn.Linear(8, 1), nn.Sigmoid()), (10,)
    if name == "logprobs":  # log-probabilities for nll
        return nn.Sequential(nn.Linear(10, 16), nn.LeakyReLU(0.1), nn.Linear(16, 4), nn.LogSoftmax(1)), (10,)
    if name == "bn_cnn":  # batch norm in training mode, running statistics checked too
        # No bias before a batch norm: its exact gradient is 0, and Adam would amplify the
        # rounding noise there into steps of +-lr that differ between any two implementations.
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(4 * 4 * 4, 8, bias=False), nn.BatchNorm1d(8), nn.Tanh(),
                             nn.Linear(8, 3)), (1, 8, 8)
    model = peer["build"](name)
    return model, peer["MODELS"][name][1]

def torch_optimizer(opt, params, lr, wd):
    if opt == "sgd":
        return torch.optim.SGD(params, lr, weight_decay=wd)
    if opt == "momentum":
        return torch.optim.SGD(params, lr, momentum=0.9, weight_decay=wd)
    if opt == "nesterov":
        return torch.optim.SGD(params, lr, momentum=0.9, nesterov=True, weight_decay=wd)
    if opt == "adam":
        return torch.optim.Adam(params, lr, weight_decay=wd)
    if opt == "adamw":
        return torch.optim.AdamW(params, lr, weight_decay=wd)
    if opt == "rmsprop":
        return torch.optim.RMSprop(params, lr, weight_decay=wd)
    return torch.optim.Adagrad(params, lr, weight_decay=wd)

def loss_fn(loss):
    return {"mse": nn.MSELoss(), "l1": nn.L1Loss(), "bce": nn.BCELoss(), "cross_entropy": nn.CrossEntropyLoss(),
            "nll": nn.NLLLoss()}[loss]

def labels(loss, rng, out_shape):
    if loss in ("cross_entropy", "nll"):
        return rng.integers(0, out_shape[1], out_shape[0]).astype(np.int64)
    if loss == "bce":
        return rng.integers(0, 2, out_shape).astype(np.float32)
    return rng.standard_normal(out_shape).astype(np.float32)

def case(model_name, loss, opt, lr=0.01, wd=0.0, clip=0.0, batch=16):
    label = f"{model_name} {loss} {opt}" + (f" wd={wd}" if wd else "") + (f" clip={clip}" if clip else "")
    try:
        run_case(label, model_name, loss, opt, lr, wd, clip, batch)
    except Exception as e:  # a compile or run failure fails this case, not the others
        results.append(False)
        print(f"FAIL {label}: {e}", flush=True)

def run_case(label, model_name, loss, opt, lr, wd, clip, batch):
    model, shape = small(model_name)
    model.train()
    tag = f"{model_name}_{loss}_{opt}_{wd}_{clip}_{lr}_{batch}".replace(".", "p")
    onnx_path, so = f"{WORK}/{tag}.onnx", f"{WORK}/{tag}.so"
    torch.onnx.export(model, torch.zeros(batch, *shape), onnx_path, input_names=["x"], output_names=["y"],
                      opset_version=17, do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING)
    cmd = [f"{BIN}/dlc", "compile", onnx_path, "-o", so, "--train", "--loss", loss, "--optimizer", opt, "--lr", str(lr)]
    if wd:
        cmd += ["--weight-decay", str(wd)]
    if clip:
        cmd += ["--clip-grad-norm", str(clip)]
    subprocess.run(cmd, check=True)
    m = dlcrt.Model(f"{LIB}/libdlcrt.so", so)
    opt_t = torch_optimizer(opt, model.parameters(), lr, wd)
    lf = loss_fn(loss)
    rng = np.random.default_rng(1)
    worst = 0.0
    with torch.no_grad():
        out_shape = tuple(model(torch.zeros(batch, *shape)).shape)
    # Tracing for export and the shape probe ran forward passes that moved batch norm's
    # running statistics; both sides start from the values the ONNX file holds.
    import onnx
    from onnx import numpy_helper
    saved = {i.name: numpy_helper.to_array(i) for i in onnx.load(onnx_path).graph.initializer}
    with torch.no_grad():
        for key, buf in model.state_dict().items():
            if "running_" in key and key in saved:
                buf.copy_(torch.from_numpy(saved[key].copy()))
    for step in range(STEPS):
        x = rng.standard_normal((batch, *shape)).astype(np.float32)
        t = labels(loss, rng, out_shape)
        if step == 0:  # eval_step on the initial parameters: loss and outputs
            ev_loss, ev_y = m.run("eval_step", {"x": x, "label": t})
            model.eval()  # eval_step normalizes with the running statistics, as PyTorch's eval mode
            with torch.no_grad():
                ty = model(torch.from_numpy(x))
                tl = lf(ty, torch.from_numpy(t)).item()
            model.train()
            worst = max(worst, abs(float(ev_loss) - tl) / abs(tl),
                        float(np.abs(ev_y - ty.numpy()).max() / max(np.abs(ty.numpy()).max(), 1e-12)))
        got = float(m.run("train_step", {"x": x, "label": t})[0])
        opt_t.zero_grad()
        ref = lf(model(torch.from_numpy(x)), torch.from_numpy(t))
        ref.backward()
        if clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt_t.step()
        worst = max(worst, abs(got - ref.item()) / abs(ref.item()))
        if VERBOSE:
            print(f"  step {step}: dlc {got:.7f} torch {ref.item():.7f}")
    for key, buf in model.state_dict().items():
        if "running_" in key:
            try:
                got_buf = m.param(key)
            except KeyError:
                continue  # torch.onnx.export may rename buffers; the losses still cover them
            worst = max(worst, float(np.abs(got_buf - buf.numpy()).max() / max(np.abs(buf.numpy()).max(), 1e-12)))
    steps_done = int(m.param("optimizer.step"))
    ok = worst <= RTOL and steps_done == STEPS
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {label}: worst relative difference {worst:.2e} (losses of {STEPS} steps, eval_step, running statistics)"
          f" (optimizer.step = {steps_done})", flush=True)

if os.environ.get("DLC_TRAIN_PARITY_ONLY"):
    exec(os.environ["DLC_TRAIN_PARITY_ONLY"])
    sys.exit(0 if all(results) else 1)
for opt in ["sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"]:
    case("linreg", "mse", opt, wd=0.01 if opt == "adamw" else 0.0)
case("linreg", "mse", "sgd", wd=0.05)
case("linreg", "l1", "sgd")
case("binary", "bce", "adam")
case("logprobs", "nll", "momentum")
case("mlp", "cross_entropy", "sgd", clip=0.5)
case("mlp", "cross_entropy", "adam", lr=1e-3, batch=64)
case("bn_cnn", "cross_entropy", "sgd", lr=0.05)
case("bn_cnn", "cross_entropy", "adam", lr=1e-3)
case("lenet", "cross_entropy", "sgd", lr=0.05)
case("lenet", "cross_entropy", "adam", lr=1e-3, batch=64)
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
