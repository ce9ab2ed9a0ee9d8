#!/usr/bin/python3
"""The model zoo (tests/e2e/zoo/models.py) for bench.py, under /usr/bin/python3 (torch 1.13):

    zoo_peer.py DIR [--threads T] [--iters N] [MODEL ...]   (default: the whole zoo)

For each model: DIR/MODEL.onnx, its eval-mode export at batch 8 as export.py writes it (same
function, same inputs: the Spec's inputs for default_rng(0)), DIR/MODEL.npz those inputs, and
one line 'MODEL torch_ms=X' with the median of N calls of the module's forward in eval mode
under no_grad (T threads), or 'MODEL error=REASON' when the export or the forward fails."""
import argparse, os, sys, time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e", "zoo"))
from export import export
from models import ZOO, build

BATCH = 8


def median_ms(f, iters, warmup=5):
    for _ in range(warmup):
        f()
    times = []
    for _ in range(iters):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2] * 1e3


def one(name, out, iters):
    spec = ZOO[name]
    inputs = spec.inputs(np.random.default_rng(0), BATCH)
    net = build(name).eval()
    export(net, inputs, spec.outputs, f"{out}/{name}.onnx", training=False)
    np.savez(f"{out}/{name}.npz", **inputs)
    args = [torch.from_numpy(a) for a in inputs.values()]
    with torch.no_grad():
        return median_ms(lambda: net(*args), iters)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir"); p.add_argument("models", nargs="*")
    p.add_argument("--threads", type=int, default=1); p.add_argument("--iters", type=int, default=100)
    a = p.parse_intermixed_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.dir, exist_ok=True)
    for name in a.models or ZOO:
        try:
            print(f"{name} torch_ms={one(name, a.dir, a.iters):.4f}", flush=True)
        except Exception as e:  # noqa: BLE001 -- bench.py prints the reason in the model's row
            print(f"{name} error={str(e).splitlines()[0] if str(e) else type(e).__name__}", flush=True)


if __name__ == "__main__":
    main()
