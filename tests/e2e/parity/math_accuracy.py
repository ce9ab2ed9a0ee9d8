#!/usr/bin/python3
"""The accuracy of compiled transcendental functions (dlc-approximate-math's polynomials and
libm) against NumPy / math in float64, in ulps of the f32 result, on a CPU artifact whose
elementwise kernels are vectorized: Exp, Log, Tanh, Erf, Sigmoid, Softplus and Elu over
[-100, 100], N(0, 5) samples, the edges of exp's range, subnormals and inf/NaN.

Where the reference is a normal float, the error must be within the op's ulp bound; where it
is below FLT_MIN, within FLT_MIN (exp of x < -87.3 is flushed to 0); non-finite references
must be reproduced exactly (inf, -inf, NaN).

    math_accuracy.py BIN_DIR WORK_DIR"""
import math, os, subprocess, sys
import numpy as np
import onnx
from onnx import TensorProto, helper

# ulp bounds. Measured maxima (2026-12-07): exp 4.6 (at 88.72, the top of its range; 0.5
# elsewhere), log 0.74 (libm), tanh 4.2, erf 4.0, sigmoid, softplus and elu about 2.
BOUNDS = {"Exp": 6, "Log": 2, "Tanh": 6, "Erf": 6, "Sigmoid": 4, "Softplus": 4, "Elu": 4}
FLT_MIN = float(np.finfo(np.float32).tiny)


def inputs(n):
    rng = np.random.default_rng(0)
    edges = [0.0, -0.0, 1e-30, -1e-30, 1e-45, 88.7, 88.73, 89.0, -87.3, -87.4, -103.9, -104.0,
             np.inf, -np.inf, np.nan, 3.4e38, -3.4e38]
    x = np.concatenate([np.linspace(-100, 100, n // 2), rng.standard_normal(n // 2 - len(edges)) * 5, edges])
    pos = np.abs(x) + 1e-38  # Log's domain, with subnormals and its edges
    pos[:8] = [0, 1e-45, 1e-40, 1, np.inf, 3.4e38, np.nan, 0.5]
    return x.astype(np.float32), pos.astype(np.float32)


def references(x, pos):
    xd = x.astype(np.float64)
    with np.errstate(all="ignore"):
        return {"Exp": np.exp(xd), "Log": np.log(pos.astype(np.float64)), "Tanh": np.tanh(xd),
                "Erf": np.array([math.erf(v) if np.isfinite(v) else np.sign(v) if not np.isnan(v) else np.nan for v in xd]),
                "Sigmoid": 1 / (1 + np.exp(-xd)), "Softplus": np.logaddexp(0, xd),
                "Elu": np.where(xd > 0, xd, np.expm1(xd))}


def main():
    bin_dir, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    n = 1 << 16
    x, pos = inputs(n)
    ops = list(BOUNDS)
    nodes = [helper.make_node(op, ["pos" if op == "Log" else "x"], [op.lower()]) for op in ops]
    graph = helper.make_graph(nodes, "math", [helper.make_tensor_value_info(v, TensorProto.FLOAT, [n]) for v in ("x", "pos")],
                              [helper.make_tensor_value_info(op.lower(), TensorProto.FLOAT, [n]) for op in ops])
    model = os.path.join(work, "math.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), model)
    so = os.path.join(work, "math.so")
    subprocess.run([os.path.join(bin_dir, "dlc"), "compile", model, "-o", so], check=True)
    np.savez(os.path.join(work, "in.npz"), x=x, pos=pos)
    out = os.path.join(work, "out")
    subprocess.run([os.path.join(bin_dir, "dlc-run"), "infer", so, "--inputs", os.path.join(work, "in.npz"),
                    "--output-dir", out], check=True, capture_output=True)
    refs, failures = references(x, pos), []
    for op in ops:
        got = np.load(os.path.join(out, op.lower() + ".npy")).astype(np.float64)
        ref = refs[op]
        with np.errstate(over="ignore"):
            ref32 = ref.astype(np.float32)
        finite = np.isfinite(ref32)
        if not np.array_equal(got[~finite], ref32[~finite].astype(np.float64), equal_nan=True):
            failures.append(f"{op}: non-finite results differ")
        normal = finite & (np.abs(ref32) >= FLT_MIN)
        ulp = np.abs(got[normal] - ref[normal]) / np.spacing(np.abs(ref32[normal])).astype(np.float64)
        tiny = finite & ~normal
        tiny_err = np.abs(got[tiny] - ref[tiny]).max(initial=0)
        worst = int(np.argmax(ulp))
        src = pos if op == "Log" else x
        print(f"{op:9s} max {ulp[worst]:6.2f} ulp (bound {BOUNDS[op]}) at x={src[normal][worst]:.7g}; "
              f"below FLT_MIN: max abs error {tiny_err:.3g}")
        if ulp[worst] > BOUNDS[op]:
            failures.append(f"{op}: {ulp[worst]:.2f} ulp at x={src[normal][worst]:.7g}")
        if tiny_err > FLT_MIN:
            failures.append(f"{op}: error {tiny_err:.3g} where the result is below FLT_MIN")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
