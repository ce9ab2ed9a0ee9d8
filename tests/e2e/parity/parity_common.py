"""What the PyTorch parity scripts share: PASS/FAIL bookkeeping, the relative error they
all compare with, torch.onnx.export as dlc expects it, and the two comparisons they run on
a model: dlc-run infer against the module's forward, and N train_step calls through the
runtime's C API against torch.optim on the same batches."""
import os, subprocess, sys
import numpy as np
import torch, torch.nn as nn

import dlcrt

results = []


def check(label, ok, detail):
    results.append(bool(ok))
    print(f"{'PASS' if ok else 'FAIL'} {label}: {detail}", flush=True)


def guarded(label, fn):
    """fn() -> (ok, detail); a compile or run failure fails this check, not the others."""
    try:
        ok, detail = fn()
    except Exception as e:
        ok, detail = False, e
    check(label, ok, detail)


def finish():
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def relerr(got, ref):
    """max |got - ref| / max |ref| (inf when the shapes differ)."""
    if got.shape != ref.shape:
        return float("inf")
    return float(np.abs(got - ref).max() / max(np.abs(ref).max(), 1e-30))


def export(net, x, path, training=False, fold_constants=True):
    """net with input x (NumPy) to ONNX: input "x", output "y", opset 17. For training the
    graph keeps its constants unfolded and its training-mode ops."""
    kw = dict(input_names=["x"], output_names=["y"], opset_version=17, do_constant_folding=fold_constants)
    if training:
        kw.update(do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING)
    torch.onnx.export(net, torch.from_numpy(x), path, **kw)


def torch_optimizer(opt, params, lr, wd=0.0):
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


def dlc_infer(bin_dir, tag, inputs):
    """Compiles tag.onnx and runs dlc-run infer on inputs {name: array} (saved beside it);
    returns {output name: array}."""
    subprocess.run([f"{bin_dir}/dlc", "compile", tag + ".onnx", "-o", tag + ".so"], check=True)
    cmd = [f"{bin_dir}/dlc-run", "infer", tag + ".so", "--output-dir", tag]
    for name, a in inputs.items():
        np.save(f"{tag}_{name}.npy", a)
        cmd += ["--input", f"{name}={tag}_{name}.npy"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return {f[:-4]: np.load(os.path.join(tag, f)) for f in os.listdir(tag) if f.endswith(".npy")}


def infer_parity(bin_dir, net, x, tag, fold_constants=True):
    """dlc-run infer of net (exported to tag.onnx) on x against net's own forward: the
    relative error of output y."""
    net.eval()
    export(net, x, tag + ".onnx", fold_constants=fold_constants)
    got = dlc_infer(bin_dir, tag, {"x": x})["y"]
    with torch.no_grad():
        return relerr(got, net(torch.from_numpy(x)).numpy())


def train_parity(bin_dir, lib_dir, net, tag, x0, opt, lr, sample, rng, batch, steps, compile_args=(), clip=0.0, wd=0.0):
    """Exports net (in training mode, traced on x0) to tag.onnx, compiles it with --train,
    cross-entropy and optimizer `opt`, then runs `steps` steps of the artifact's train_step
    and of torch.optim on the same batches: x = sample(), `batch` class labels drawn from rng. With
    clip, torch clips the gradient norm (compile_args must pass --clip-grad-norm to dlc); wd is
    the weight decay of both.
    Returns (worst relative loss difference, [(dlc loss, torch loss)] per step, the number
    of steps where clipping was active)."""
    net.train()
    export(net, x0, tag + ".onnx", training=True)
    subprocess.run([f"{bin_dir}/dlc", "compile", tag + ".onnx", "-o", tag + ".so", "--train", "--loss",
                    "cross_entropy", "--optimizer", opt, "--lr", str(lr), "--weight-decay", str(wd), *compile_args],
                   check=True)
    m = dlcrt.Model(f"{lib_dir}/libdlcrt.so", tag + ".so")
    params = list(net.parameters())
    opt_t = torch_optimizer(opt, params, lr, wd)
    lf = nn.CrossEntropyLoss()
    worst, losses, clipped = 0.0, [], 0
    for _ in range(steps):
        x = sample()
        with torch.no_grad():
            classes = net(torch.from_numpy(x)).shape[-1]
        t = rng.integers(0, classes, batch).astype(np.int64)
        got = float(m.run("train_step", {"x": x, "label": t})[0])
        opt_t.zero_grad()
        ref = lf(net(torch.from_numpy(x)), torch.from_numpy(t))
        ref.backward()
        if clip:
            clipped += float(nn.utils.clip_grad_norm_(params, clip)) > clip
        opt_t.step()
        worst = max(worst, abs(got - ref.item()) / abs(ref.item()))
        losses.append((got, ref.item()))
    return worst, losses, clipped
