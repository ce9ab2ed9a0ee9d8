#!/usr/bin/python3
"""GPU parity: cuda artifacts against PyTorch, for inference and N training steps.

    gpu_parity.py make BIN_DIR PEER_SCRIPT CASE_DIR [--arch sm_90] [--precisions fp32,tf32,bf16]
        exports the models from the PyTorch peer, compiles them with --target cuda
        (inference; training with Adam) and stores PyTorch's float32 outputs, per-step
        losses and final parameters on the same inputs. Each --precision besides fp32
        (default: fp32 only) adds artifacts of mlp, lenet and transformer whose matmuls
        run on the tensor cores, checked against PyTorch float32 with that precision's
        tolerances (PRECISION_RTOL); their training uses SGD, and the check compares the
        parameter updates (final - initial) norm-wise.
    gpu_parity.py check LIB_DIR CASE_DIR
        runs the artifacts through libdlcrt on the GPU and compares: inference outputs and
        every step's loss within 1e-4 relative (max |dlc - torch| / max |torch|), final
        parameters within 1e-3. Exits 77 (skipped) when no CUDA driver or GPU is present.
    gpu_parity.py all BIN_DIR LIB_DIR PEER_SCRIPT CASE_DIR   both, for ctest
"""
import ctypes, json, os, subprocess, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ["mlp", "lenet", "transformer", "lstm", "gru"]
BATCH, STEPS, LR = 64, 5, 1e-3
RTOL, PARAM_RTOL = 1e-4, 1e-3
# Tolerances of the tensor-core variants (outputs and losses, parameters): tf32 keeps 10
# mantissa bits, bf16 7, fp16 10 (operands rounded once; f32 accumulation).
# The parameter tolerance applies to the SGD updates (final - initial parameters), norm-
# wise: rounding only Linear's operands in PyTorch itself moves them by up to 0.018 (mlp),
# 0.051 (lenet), 0.012 (transformer) in tf32 and 0.065, 0.081, 0.032 in bf16
# (rounding_effect.py): ReLU and max-pool decisions flip near their kinks.
PRECISION_RTOL = {"tf32": (2e-3, 0.1), "bf16": (1.5e-2, 0.25), "fp16": (2e-3, 0.1)}
SGD_LR = 0.05
PRECISION_MODELS = ["mlp", "lenet", "transformer"]

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

def make(bin_dir, peer_path, case_dir, arch, precisions=("fp32",)):
    import torch, torch.nn as nn
    peer = {"__name__": "peer"}
    exec(compile(open(peer_path).read(), peer_path, "exec"), peer)
    os.makedirs(case_dir, exist_ok=True)
    cases = []
    models = MODELS if "fp32" in precisions else PRECISION_MODELS
    lowered = [p for p in precisions if p != "fp32"]
    for name in models:
        shape = peer["MODELS"][name][1]
        rng = np.random.default_rng(7)
        # Inference.
        model = peer["build"](name).eval()
        onnx_path = f"{case_dir}/{name}.onnx"
        torch.onnx.export(model, torch.zeros(BATCH, *shape), onnx_path, input_names=["x"], output_names=["y"],
                          opset_version=17, do_constant_folding=False)
        if "fp32" in precisions:
            for a in sorted({arch, "sm_80"}):
                subprocess.run([f"{bin_dir}/dlc", "compile", onnx_path, "--target", "cuda", "--cuda-arch", a,
                                "-o", f"{case_dir}/{name}_infer_{a}.so"], check=True)
        if name in PRECISION_MODELS:
            for p in lowered:
                subprocess.run([f"{bin_dir}/dlc", "compile", onnx_path, "--target", "cuda", "--cuda-arch", arch,
                                "--precision", p, "-o", f"{case_dir}/{name}_infer_{arch}_{p}.so"], check=True)
        x = rng.standard_normal((BATCH, *shape)).astype(np.float32)
        with torch.no_grad():
            y = model(torch.from_numpy(x)).numpy()
        xs = rng.standard_normal((STEPS, BATCH, *shape)).astype(np.float32)
        ts = rng.integers(0, 10, (STEPS, BATCH)).astype(np.int64)

        def train(optimizer, lr, suffix, precs):
            """Compiles train_step with `optimizer` for each precision in `precs` and stores
            PyTorch's float32 run of the same steps in {name}_ref{suffix}.npz."""
            model = peer["build"](name).train()
            train_onnx = f"{case_dir}/{name}_train{suffix}.onnx"
            torch.onnx.export(model, torch.zeros(BATCH, *shape), train_onnx, input_names=["x"], output_names=["y"],
                              opset_version=17, do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING)
            cmd = [f"{bin_dir}/dlc", "compile", train_onnx, "--target", "cuda", "--cuda-arch", arch, "--train",
                   "--loss", "cross_entropy", "--optimizer", optimizer, "--lr", str(lr)]
            for p in precs:
                extra = [] if p == "fp32" else ["--precision", p]
                subprocess.run(cmd + extra + ["-o", f"{case_dir}/{name}_train_{arch}{'' if p == 'fp32' else '_' + p}.so"],
                               check=True)
            init = {k: v.detach().numpy().copy() for k, v in model.named_parameters()}
            opt = (torch.optim.Adam if optimizer == "adam" else torch.optim.SGD)(model.parameters(), lr)
            lf = nn.CrossEntropyLoss()
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
            # With SGD the check compares what training changed (final - initial), which
            # rounding in the gradients perturbs in proportion to the precision.
            np.savez(f"{case_dir}/{name}_ref{suffix}.npz", x=x, y=y, xs=xs, ts=ts, losses=np.array(losses, np.float32),
                     **{"param:" + k: v for k, v in params.items()}, **{"mask:" + k: v for k, v in compared.items()},
                     **({"init:" + k: v for k, v in init.items()} if optimizer == "sgd" else {}))

        # Training: Adam on cross-entropy, the same batches on both sides (fp32).
        if "fp32" in precisions:
            train("adam", LR, "", ["fp32"])
            if name == "mlp":
                # Inputs for device_run.sh's dlc-run infer/train/eval commands.
                np.save(f"{case_dir}/x64.npy", x)
                np.savez(f"{case_dir}/train_data.npz", x=xs.reshape(-1, *shape), label=ts.reshape(-1))
            cases.append({"name": name, "infer": [f"{name}_infer_{a}.so" for a in sorted({arch, "sm_80"})],
                          "train": f"{name}_train_{arch}.so", "ref": f"{name}_ref.npz"})
        # The tensor-core precisions train with SGD: Adam's per-element normalization turns
        # gradients near zero into +-lr steps whose sign rounding decides.
        if name in PRECISION_MODELS and lowered:
            train("sgd", SGD_LR, "_sgd", lowered)
            for p in lowered:
                cases.append({"name": f"{name} {p}", "infer": [f"{name}_infer_{arch}_{p}.so"],
                              "train": f"{name}_train_{arch}_{p}.so", "ref": f"{name}_ref_sgd.npz", "precision": p})
    with open(f"{case_dir}/cases.json", "w") as f:
        json.dump(cases, f, indent=1)

def rel(got, ref):
    if got.shape != ref.shape:
        return float("inf")
    return float(np.abs(got.astype(np.float64) - ref).max() / max(np.abs(ref).max(), 1e-30))

def rel_norm(got, ref):
    """||got - ref|| / ||ref||. The tensor-core precisions are compared norm-wise: a
    pre-activation that rounding moves across ReLU's kink zeroes one sample's share of a
    whole weight column, a large error in a few entries that the max norm would report."""
    d = got.astype(np.float64) - ref
    return float(np.linalg.norm(d) / max(np.linalg.norm(ref), 1e-30))

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
        rtol, param_rtol = PRECISION_RTOL.get(c.get("precision"), (RTOL, PARAM_RTOL))
        for so in c["infer"]:
            try:
                m = dlcrt.Model(lib, f"{case_dir}/{so}")
                err = rel(m.run("infer", {"x": ref["x"]})[0], ref["y"])
            except RuntimeError as e:
                err, so = float("inf"), f"{so} ({e})"
            ok = err <= rtol
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
                if got_p.shape != mask.shape:
                    errs[k] = float("inf")
                elif "init:" + k in ref.files:
                    init = ref["init:" + k][mask]
                    errs[k] = rel_norm(got_p[mask] - init, ref["param:" + k][mask] - init)
                else:
                    errs[k] = rel(got_p[mask], ref["param:" + k][mask])
                if not mask.all():
                    skipped.append(f"{(~mask).sum()} of {k}")
            worst_param = max(errs, key=errs.get)
            param_err = errs[worst_param]
            step = int(m.param("optimizer.step"))
        except (RuntimeError, KeyError) as e:
            loss_err = param_err = float("inf")
            step, got, worst_param, skipped = -1, str(e), "", []
        ok = loss_err <= rtol and param_err <= param_rtol and step == len(ref["losses"])
        failures += not ok
        optimizer = "sgd, parameter updates norm-wise" if c.get("precision") else "adam"
        print(f"{'PASS' if ok else 'FAIL'} {c['name']} train_step x{len(ref['losses'])} ({optimizer}): losses {got}, "
              f"worst loss error {loss_err:.3g}, parameters {param_err:.3g} ({worst_param})"
              + (f" (not compared, zero gradient: {', '.join(skipped)})" if skipped else "")
              + f", optimizer.step {step}", flush=True)
    print(f"{'all passed' if not failures else f'{failures} failed'}")
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "make":
        arch = sys.argv[sys.argv.index("--arch") + 1] if "--arch" in sys.argv else "sm_90"
        precisions = sys.argv[sys.argv.index("--precisions") + 1].split(",") if "--precisions" in sys.argv else ["fp32"]
        bad = [p for p in precisions if p != "fp32" and p not in PRECISION_RTOL]
        if bad:
            sys.exit(f"unknown precision {bad} (fp32, {', '.join(PRECISION_RTOL)})")
        make(*sys.argv[2:5], arch, precisions)
    elif cmd == "check":
        check(*sys.argv[2:4])
    elif cmd == "all":
        if gpu_reason():
            print(f"SKIP: {gpu_reason()}; the GPU parity tests need an NVIDIA GPU")
            sys.exit(77)
        make(sys.argv[2], sys.argv[4], sys.argv[5], "sm_90", ("fp32", "tf32", "bf16"))
        check(sys.argv[3], sys.argv[5])
    else:
        print(__doc__)
        sys.exit(2)
