#!/usr/bin/python3
"""GPU parity: cuda artifacts against PyTorch, for inference and N training steps.

    gpu_parity.py make BIN_DIR PEER_SCRIPT CASE_DIR [--arch sm_90]   (no GPU needed)
        exports mlp, lenet and transformer from the PyTorch peer, compiles them with
        --target cuda (inference; training with Adam) and stores PyTorch's float32
        outputs, per-step losses and final parameters on the same inputs.
    gpu_parity.py check LIB_DIR CASE_DIR
        runs the artifacts through libdlcrt on the GPU and compares: inference outputs and
        every step's loss within 1e-4 relative (max |dlc - torch| / max |torch|), final
        parameters within 1e-3. Exits 77 (skipped) when no CUDA driver or GPU is present.
    gpu_parity.py all BIN_DIR LIB_DIR PEER_SCRIPT CASE_DIR   both, for ctest
"""
import ctypes, json, os, subprocess, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ["mlp", "lenet", "transformer"]
BATCH, STEPS, LR = 64, 5, 1e-3
RTOL, PARAM_RTOL = 1e-4, 1e-3

def gpu_reason():
    """Why no GPU run is possible here, or None."""
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
    except OSError as e:
        return f"no CUDA driver/GPU found ({e})"
    if cuda.cuInit(0) != 0:
        return "no CUDA driver/GPU found (cuInit failed)"
    n = ctypes.c_int(0)
    if cuda.cuDeviceGetCount(ctypes.byref(n)) != 0 or n.value == 0:
        return "no CUDA driver/GPU found (no device)"
    return None

def make(bin_dir, peer_path, case_dir, arch):
    import torch, torch.nn as nn
    peer = {"__name__": "peer"}
    exec(compile(open(peer_path).read(), peer_path, "exec"), peer)
    os.makedirs(case_dir, exist_ok=True)
    cases = []
    for name in MODELS:
        shape = peer["MODELS"][name][1]
        rng = np.random.default_rng(7)
        # Inference.
        model = peer["build"](name).eval()
        onnx_path = f"{case_dir}/{name}.onnx"
        torch.onnx.export(model, torch.zeros(BATCH, *shape), onnx_path, input_names=["x"], output_names=["y"],
                          opset_version=17, do_constant_folding=False)
        for a in sorted({arch, "sm_80"}):
            subprocess.run([f"{bin_dir}/dlc", "compile", onnx_path, "--target", "cuda", "--cuda-arch", a,
                            "-o", f"{case_dir}/{name}_infer_{a}.so"], check=True)
        x = rng.standard_normal((BATCH, *shape)).astype(np.float32)
        with torch.no_grad():
            y = model(torch.from_numpy(x)).numpy()
        # Training: Adam on cross-entropy, the same batches on both sides.
        model = peer["build"](name).train()
        train_onnx = f"{case_dir}/{name}_train.onnx"
        torch.onnx.export(model, torch.zeros(BATCH, *shape), train_onnx, input_names=["x"], output_names=["y"],
                          opset_version=17, do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING)
        subprocess.run([f"{bin_dir}/dlc", "compile", train_onnx, "--target", "cuda", "--cuda-arch", arch, "--train",
                        "--loss", "cross_entropy", "--optimizer", "adam", "--lr", str(LR),
                        "-o", f"{case_dir}/{name}_train_{arch}.so"], check=True)
        opt = torch.optim.Adam(model.parameters(), LR)
        lf = nn.CrossEntropyLoss()
        xs = rng.standard_normal((STEPS, BATCH, *shape)).astype(np.float32)
        ts = rng.integers(0, 10, (STEPS, BATCH)).astype(np.int64)
        losses = []
        # Parameters whose gradient is zero in exact arithmetic (the key projection's bias
        # of attention: softmax ignores a constant shift) get Adam steps of +-lr from
        # rounding noise on either side; their values are not compared.
        grad_max = {k: torch.zeros_like(p) for k, p in model.named_parameters()}
        for s in range(STEPS):
            opt.zero_grad()
            loss = lf(model(torch.from_numpy(xs[s])), torch.from_numpy(ts[s]))
            loss.backward()
            for k, p in model.named_parameters():
                grad_max[k] = torch.maximum(grad_max[k], p.grad.abs())
            opt.step()
            losses.append(loss.item())
        top = max(g.max().item() for g in grad_max.values())
        compared = {k: (g > 1e-7 * top).numpy() for k, g in grad_max.items()}
        params = {k: v.detach().numpy() for k, v in model.named_parameters()}
        np.savez(f"{case_dir}/{name}_ref.npz", x=x, y=y, xs=xs, ts=ts, losses=np.array(losses, np.float32),
                 **{"param:" + k: v for k, v in params.items()}, **{"mask:" + k: v for k, v in compared.items()})
        cases.append({"name": name, "infer": [f"{name}_infer_{a}.so" for a in sorted({arch, "sm_80"})],
                      "train": f"{name}_train_{arch}.so", "ref": f"{name}_ref.npz"})
    with open(f"{case_dir}/cases.json", "w") as f:
        json.dump(cases, f, indent=1)

def rel(got, ref):
    if got.shape != ref.shape:
        return float("inf")
    return float(np.abs(got.astype(np.float64) - ref).max() / max(np.abs(ref).max(), 1e-30))

def check(lib_dir, case_dir):
    reason = gpu_reason()
    if reason:
        print(f"SKIP: {reason}; the GPU parity tests need an NVIDIA GPU")
        sys.exit(77)
    sys.path.insert(0, os.path.join(HERE, "..", "parity"))
    import dlcrt
    lib = f"{lib_dir}/libdlcrt.so"
    cases = json.load(open(f"{case_dir}/cases.json"))
    failures = 0
    for c in cases:
        ref = np.load(f"{case_dir}/{c['ref']}")
        for so in c["infer"]:
            try:
                m = dlcrt.Model(lib, f"{case_dir}/{so}")
                err = rel(m.run("infer", {"x": ref["x"]})[0], ref["y"])
            except RuntimeError as e:
                err, so = float("inf"), f"{so} ({e})"
            ok = err <= RTOL
            failures += not ok
            print(f"{'PASS' if ok else 'FAIL'} {c['name']} infer {so}: max relative error {err:.3g}", flush=True)
        try:
            m = dlcrt.Model(lib, f"{case_dir}/{c['train']}")
            got = [float(m.run("train_step", {"x": ref["xs"][s], "label": ref["ts"][s]})[0])
                   for s in range(len(ref["losses"]))]
            loss_err = max(abs(g - r) / abs(r) for g, r in zip(got, ref["losses"]))
            errs, skipped = {}, []
            for k in (f[6:] for f in ref.files if f.startswith("param:")):
                mask = ref["mask:" + k]
                got_p = m.param(k)
                errs[k] = rel(got_p[mask], ref["param:" + k][mask]) if got_p.shape == mask.shape else float("inf")
                if not mask.all():
                    skipped.append(f"{(~mask).sum()} of {k}")
            worst_param = max(errs, key=errs.get)
            param_err = errs[worst_param]
            step = int(m.param("optimizer.step"))
        except (RuntimeError, KeyError) as e:
            loss_err = param_err = float("inf")
            step, got, worst_param, skipped = -1, str(e), "", []
        ok = loss_err <= RTOL and param_err <= PARAM_RTOL and step == len(ref["losses"])
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'} {c['name']} train_step x{len(ref['losses'])} (adam): losses {got}, "
              f"worst loss error {loss_err:.3g}, parameters {param_err:.3g} ({worst_param})"
              + (f" (not compared, zero gradient: {', '.join(skipped)})" if skipped else "")
              + f", optimizer.step {step}", flush=True)
    print(f"{'all passed' if not failures else f'{failures} failed'}")
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "make":
        arch = sys.argv[sys.argv.index("--arch") + 1] if "--arch" in sys.argv else "sm_90"
        make(*sys.argv[2:5], arch)
    elif cmd == "check":
        check(*sys.argv[2:4])
    elif cmd == "all":
        if gpu_reason():
            print(f"SKIP: {gpu_reason()}; the GPU parity tests need an NVIDIA GPU")
            sys.exit(77)
        make(sys.argv[2], sys.argv[4], sys.argv[5], "sm_90")
        check(sys.argv[3], sys.argv[5])
    else:
        print(__doc__)
        sys.exit(2)
