#!/usr/bin/python3
"""Every test model compiles for --target cuda, for inference and training, for sm_80 and
sm_90, and CUDA's ptxas accepts the PTX. Needs no GPU.

    cuda_compile.py BIN_DIR PEER_SCRIPT WORK_DIR"""
import os, shutil, subprocess, sys

BIN, PEER, WORK = sys.argv[1:4]
MODELS = ["linreg", "mlp", "lenet", "transformer"]
LOSS = {"linreg": "mse"}

def ptxas():
    for p in [os.path.join(os.environ.get("CUDA_HOME", "/nonexistent"), "bin/ptxas"), "/usr/local/cuda/bin/ptxas"]:
        if os.path.exists(p):
            return p
    return shutil.which("ptxas")

def main():
    assembler = ptxas()
    if not assembler:
        print("SKIP: CUDA's ptxas is not installed (set CUDA_HOME or install the CUDA toolkit)")
        sys.exit(77)
    subprocess.run(["/usr/bin/python3", PEER, "export", WORK, "--batch", "16", "--only", ",".join(MODELS)],
                   check=True, capture_output=True)
    failures = []
    for name in MODELS:
        for train in (False, True):
            for arch in ("sm_80", "sm_90"):
                label = f"{name} {'train' if train else 'infer'} {arch}"
                base = os.path.join(WORK, f"{name}_{'train' if train else 'infer'}_{arch}")
                cmd = [f"{BIN}/dlc", "compile", f"{WORK}/{name}.onnx", "--target", "cuda", "--cuda-arch", arch]
                if train:
                    cmd += ["--train", "--loss", LOSS.get(name, "cross_entropy"), "--optimizer", "adam"]
                ptx = subprocess.run(cmd + ["--emit", "ptx"], capture_output=True, text=True)
                if ptx.returncode != 0 or ".entry" not in ptx.stdout:
                    failures.append(label)
                    print(f"FAIL {label}: dlc --emit ptx: {ptx.stderr.strip()[:2000]}")
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
    total = len(MODELS) * 4
    print(f"{total - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    main()
