#!/usr/bin/env python3
"""The cost of calling dlc from Python: `Session.infer` at batch 1 against the C++
`dlc-run bench` on the same artifact (the difference is what the binding adds: argument
checks, the output array, the dict), and against onnxruntime's `InferenceSession.run` on
the same ONNX model (CPU EP, one thread, all graph optimizations). Models: those of
../shared/bench/torch_peer.py, exported at batch 1.

    .deps/pyvenv/bin/python bench/python_overhead.py [--only linreg,mlp,lenet] [--iters 5000]

Run with the bootstrap's pyvenv and PYTHONPATH=build/python (or an installed package);
onnxruntime runs in the bootstrap's other venv (.deps/venv), in a subprocess."""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORT_SNIPPET = r"""
import sys, time, statistics, numpy as np, onnxruntime as ort
path, iters = sys.argv[1], int(sys.argv[2])
o = ort.SessionOptions(); o.intra_op_num_threads = 1; o.inter_op_num_threads = 1
o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
s = ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])
i = s.get_inputs()[0]
x = np.random.default_rng(0).uniform(-1, 1, i.shape).astype(np.float32)
feed = {i.name: x}
for _ in range(100): s.run(None, feed)
times = []
for _ in range(iters):
    t = time.perf_counter(); s.run(None, feed); times.append(time.perf_counter() - t)
print(statistics.median(times) * 1e6)
"""


def median_us(f, iters):
    for _ in range(100):
        f()
    times = []
    for _ in range(iters):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e6


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", default="linreg,mlp,lenet")
    p.add_argument("--iters", type=int, default=5000)
    p.add_argument("--work", default="/tmp/dlc-bench-python")
    p.add_argument("--peer", default=os.path.join(ROOT, "..", "shared", "bench", "torch_peer.py"))
    p.add_argument("--ort-python", default=os.path.join(ROOT, ".deps", "venv", "bin", "python"))
    a = p.parse_args()
    import numpy as np
    import dlc

    names = a.only.split(",")
    subprocess.run(["/usr/bin/python3", a.peer, "export", a.work, "--batch", "1", "--only", ",".join(names)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bin_dir = os.path.join(ROOT, "build", "bin")
    print(f"machine: {os.uname().machine}, {os.cpu_count()} cores; one thread; median of {a.iters} calls, µs")
    print(f"{'model':<8} {'dlc-run':>9} {'Session.infer':>14} {'added':>7} {'ORT run':>9} {'infer/ORT':>10}")
    for name in names:
        onnx_path = os.path.join(a.work, f"{name}.onnx")
        so = dlc.compile(onnx_path, os.path.join(a.work, f"{name}.so"))
        out = subprocess.run([os.path.join(bin_dir, "dlc-run"), "bench", so, "--iters", str(a.iters),
                              "--threads", "1"], check=True, capture_output=True, text=True).stdout
        cpp = float(re.search(r"median_ms=([0-9.]+)", out).group(1)) * 1e3
        s = dlc.load(so, threads=1)
        spec = s.inputs[0]
        x = np.random.default_rng(0).uniform(-1, 1, spec.shape).astype(spec.dtype)
        py = median_us(lambda: s.infer(**{spec.name: x}), a.iters)
        ort = float(subprocess.run([a.ort_python, "-c", ORT_SNIPPET, onnx_path, str(a.iters)], check=True,
                                   capture_output=True, text=True).stdout)
        print(f"{name:<8} {cpp:9.1f} {py:14.1f} {py - cpp:7.1f} {ort:9.1f} {py / ort:10.2f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
