#!/usr/bin/python3
"""PyTorch parity: the models of ../shared/bench/torch_peer.py, exported to ONNX by its
`export` command, compiled by dlc and run by dlc-run, must match PyTorch's own outputs
to 1e-4 (max |dlc - torch| / max |torch|), at batch 64 and batch 1.

    torch_parity.py BIN_DIR PEER_SCRIPT WORK_DIR [MODEL ...]"""
import os, subprocess, sys
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parity_common import relerr

def peer_module(path):
    ns = {"__name__": "torch_peer"}
    exec(compile(open(path).read(), path, "exec"), ns)
    return ns

def main():
    bin_dir, peer_path, work = sys.argv[1:4]
    names = sys.argv[4:] or ["linreg", "mlp", "lenet", "transformer"]
    peer = peer_module(peer_path)
    failures = []
    for batch in (64, 1):
        out = os.path.join(work, f"b{batch}")
        subprocess.run(["/usr/bin/python3", peer_path, "export", out, "--batch", str(batch), "--only", ",".join(names)],
                       check=True, capture_output=True)
        for name in names:
            model = peer["build"](name).eval()
            rng = np.random.default_rng(batch)
            x = rng.standard_normal((batch, *peer["MODELS"][name][1])).astype(np.float32)
            np.save(os.path.join(out, f"{name}_x.npy"), x)
            so = os.path.join(out, f"{name}.so")
            subprocess.run([os.path.join(bin_dir, "dlc"), "compile", os.path.join(out, f"{name}.onnx"), "-o", so], check=True)
            subprocess.run([os.path.join(bin_dir, "dlc-run"), "infer", so, "--input", f"x={out}/{name}_x.npy",
                            "--output-dir", os.path.join(out, name)], check=True, stdout=subprocess.DEVNULL)
            with torch.no_grad():
                ref = model(torch.from_numpy(x)).numpy()
            got = np.load(os.path.join(out, name, "y.npy"))
            err = relerr(got, ref)
            ok = err <= 1e-4
            print(f"{'PASS' if ok else 'FAIL'} {name} batch {batch}: max relative error {err:.3g}")
            if not ok:
                failures.append(f"{name}@{batch}")
    print(f"{2 * len(names) - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    main()
