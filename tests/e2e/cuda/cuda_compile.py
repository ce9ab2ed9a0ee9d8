#!/usr/bin/python3
"""Every test model compiles for --target cuda, for inference and training, for sm_80 and
sm_90, and CUDA's ptxas accepts the PTX; mlp, lenet and transformer also with
--precision tf32 and bf16, whose PTX must use the tensor cores (mma.sync). The models of
the PyTorch parity tests (parity_models.py), for inference and for each training case with
its loss and optimizer, compile for sm_80 and ptxas accepts that PTX for sm_80 and sm_90
(an sm_80 module runs on sm_90 too); those that cannot yet are in XFAIL. Needs no GPU.

    cuda_compile.py BIN_DIR PEER_SCRIPT WORK_DIR"""
import os, shutil, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

BIN, PEER, WORK = sys.argv[1:4]
MODELS = ["linreg", "mlp", "lenet", "transformer", "lstm", "gru"]
LOSS = {"linreg": "mse"}
PRECISION_MODELS = ["mlp", "lenet", "transformer"]
# The instruction each --precision must put in the PTX.
MMA = {"tf32": "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32",
       "bf16": "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32"}

# Parity models that do not compile for cuda yet: label (as printed) -> why. One that
# passes fails the test, so that this list stays true.
XFAIL = {}


def ptxas():
    for p in [os.path.join(os.environ.get("CUDA_HOME", "/nonexistent"), "bin/ptxas"), "/usr/local/cuda/bin/ptxas"]:
        if os.path.exists(p):
            return p
    return shutil.which("ptxas")

def gpu_present():
    import ctypes
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return False
    count = ctypes.c_int(0)
    return cuda.cuInit(0) == 0 and cuda.cuDeviceGetCount(ctypes.byref(count)) == 0 and count.value > 0

def compile_parity_model(assembler, job):
    """(label, None or what failed, kernel count): dlc --emit ptx for sm_80, then ptxas for
    sm_80 and sm_90."""
    label, onnx_path, options = job
    ptx = subprocess.run([f"{BIN}/dlc", "compile", onnx_path, "--target", "cuda", "--cuda-arch", "sm_80",
                          "--emit", "ptx"] + options, capture_output=True, text=True)
    if ptx.returncode != 0 or ".entry" not in ptx.stdout:
        return label, f"dlc --emit ptx: {ptx.stderr.strip()[:2000]}", 0
    base = os.path.join(WORK, "parity", "".join(c if c.isalnum() else "_" for c in label))
    with open(base + ".ptx", "w") as f:
        f.write(ptx.stdout)
    for arch in ("sm_80", "sm_90"):
        asm = subprocess.run([assembler, f"-arch={arch}", base + ".ptx", "-o", f"{base}_{arch}.cubin"],
                             capture_output=True, text=True)
        if asm.returncode != 0:
            return label, f"ptxas -arch={arch}: {asm.stderr.strip()[:2000]}", 0
    return label, None, ptx.stdout.count(".entry")


def parity_models(assembler):
    """Compiles every parity model (two at a time); returns (checks, failed labels)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import parity_models as pm
    start = time.time()
    jobs = pm.export_all(os.path.join(WORK, "parity"), PEER)
    labels = [j[0] for j in jobs]
    failures = [f"XFAIL entry {l!r} names no parity model" for l in XFAIL if l not in labels]
    for f in failures:
        print(f"FAIL {f}")
    passed = xfailed = 0
    with ThreadPoolExecutor(2) as pool:
        for label, error, kernels in pool.map(lambda j: compile_parity_model(assembler, j), jobs):
            if label in XFAIL and error:
                xfailed += 1
                print(f"XFAIL {label} (cuda sm_80/sm_90): {XFAIL[label]}\n  {error[:300]}")
            elif label in XFAIL:
                failures.append(label)
                print(f"FAIL {label}: compiles and ptxas accepts it now; remove it from XFAIL ({XFAIL[label]})")
            elif error:
                failures.append(label)
                print(f"FAIL {label} (cuda sm_80/sm_90): {error}")
            else:
                passed += 1
                print(f"PASS {label} (cuda sm_80, ptxas sm_80 and sm_90): {kernels} kernels")
    print(f"parity models: {len(jobs)} compiles, {passed} passed, {xfailed} expected failures, "
          f"{len(failures)} failed, {time.time() - start:.0f} s")
    return len(jobs), failures


def main():
    assembler = ptxas()
    if not assembler:
        print("SKIP: CUDA's ptxas is not installed (set CUDA_HOME or install the CUDA toolkit)")
        sys.exit(77)
    subprocess.run(["/usr/bin/python3", PEER, "export", WORK, "--batch", "16", "--only", ",".join(MODELS)],
                   check=True, capture_output=True)
    failures = []
    variants = [(m, "fp32") for m in MODELS] + [(m, p) for p in MMA for m in PRECISION_MODELS]
    for name, precision in variants:
        for train in (False, True):
            for arch in ("sm_80", "sm_90"):
                suffix = "" if precision == "fp32" else f"_{precision}"
                label = f"{name} {'train' if train else 'infer'} {arch}" + (f" {precision}" if suffix else "")
                base = os.path.join(WORK, f"{name}_{'train' if train else 'infer'}_{arch}{suffix}")
                cmd = [f"{BIN}/dlc", "compile", f"{WORK}/{name}.onnx", "--target", "cuda", "--cuda-arch", arch]
                if suffix:
                    cmd += ["--precision", precision]
                if train:
                    cmd += ["--train", "--loss", LOSS.get(name, "cross_entropy"), "--optimizer", "adam"]
                ptx = subprocess.run(cmd + ["--emit", "ptx"], capture_output=True, text=True)
                if ptx.returncode != 0 or ".entry" not in ptx.stdout:
                    failures.append(label)
                    print(f"FAIL {label}: dlc --emit ptx: {ptx.stderr.strip()[:2000]}")
                    continue
                if suffix and MMA[precision] not in ptx.stdout:
                    failures.append(label)
                    print(f"FAIL {label}: no {MMA[precision]} in the PTX")
                    continue
                with open(base + ".ptx", "w") as f:
                    f.write(ptx.stdout)
                asm = subprocess.run([assembler, f"-arch={arch}", base + ".ptx", "-o", base + ".cubin"],
                                     capture_output=True, text=True)
                if asm.returncode != 0:
                    failures.append(label)
                    print(f"FAIL {label}: ptxas: {asm.stderr.strip()[:2000]}")
                    continue
                so = subprocess.run(cmd + ["-o", base + ".so"], capture_output=True, text=True)
                if so.returncode != 0 or not os.path.exists(base + ".so"):
                    failures.append(label)
                    print(f"FAIL {label}: dlc compile: {so.stderr.strip()[:2000]}")
                    continue
                kernels = ptx.stdout.count(".entry")
                print(f"PASS {label}: {kernels} kernels, ptxas accepted, artifact {os.path.getsize(base + '.so')} bytes")
    total = len(variants) * 4
    checks, parity_failures = parity_models(assembler)
    total += checks
    failures += parity_failures
    # Bad options: one clear error each, nonzero exit.
    onnx_path = f"{WORK}/mlp.onnx"
    for args, expected in [(["--target", "cuda", "--cuda-arch", "sm_5"], "unknown CUDA architecture 'sm_5'"),
                           (["--target", "cuda", "--cuda-arch", "sm_60"], "is not supported"),
                           (["--emit", "ptx"], "--emit ptx needs --target cuda"),
                           (["--cuda-arch", "sm_90"], "--cuda-arch needs --target cuda"),
                           (["--target", "cuda", "--precision", "fp8"], "unknown --precision 'fp8'"),
                           (["--precision", "tf32"], "--precision needs --target cuda")]:
        total += 1
        r = subprocess.run([f"{BIN}/dlc", "compile", onnx_path, "-o", f"{WORK}/bad.so"] + args,
                           capture_output=True, text=True)
        ok = r.returncode != 0 and expected in r.stderr
        if not ok:
            failures.append(" ".join(args))
        print(f"{'PASS' if ok else 'FAIL'} {' '.join(args)}: {r.stderr.strip()[:200]}")
    # Without a GPU the runtime still loads a cuda artifact (dlc-run info works) and
    # refuses to run it with a clear message instead of crashing.
    so = os.path.join(WORK, "mlp_infer_sm_80.so")
    if not gpu_present() and os.path.exists(so):
        total += 1
        info = subprocess.run([f"{BIN}/dlc-run", "info", so], capture_output=True, text=True)
        run = subprocess.run([f"{BIN}/dlc-run", "bench", so, "--iters", "1"], capture_output=True, text=True)
        ok = (info.returncode == 0 and "target:      cuda" in info.stdout and run.returncode != 0 and
              "no CUDA driver/GPU found" in run.stderr)
        if not ok:
            failures.append("no-GPU error")
        print(f"{'PASS' if ok else 'FAIL'} without a GPU: info {info.returncode}, run {run.returncode}: "
              f"{run.stderr.strip()[:300]}")
    print(f"{total - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    main()
