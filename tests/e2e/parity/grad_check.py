#!/usr/bin/python3
"""Finite-difference checks of every gradient rule, in float64. Each case is a small ONNX
model whose parameter `w` feeds the op under test; it is compiled with
`--train --loss mse --optimizer sgd --lr 1`, so one train_step moves w by exactly
-dL/dw. The gradient read back that way is compared with central differences of
eval_step's loss: |analytic - numeric| <= 1e-6 * max(1, |numeric|).

    grad_check.py BIN_DIR LIB_DIR WORK_DIR"""
import os, subprocess, sys, zlib
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlcrt

BIN, LIB, WORK = sys.argv[1:4]
os.makedirs(WORK, exist_ok=True)
D = TensorProto.DOUBLE
results = []

def model(name, nodes, x_shape, w, y_shape, extra_inits=()):
    inits = [numpy_helper.from_array(w, "w")] + list(extra_inits)
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", D, x_shape)],
                          [helper.make_tensor_value_info("y", D, y_shape)], initializer=inits)
    path = f"{WORK}/{name}.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path

def check(name, nodes, x_shape, w_shape, y_shape, positive=False, extra_inits=()):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    w = rng.standard_normal(w_shape)
    x = rng.standard_normal(x_shape)
    if positive:
        w, x = np.abs(w) + 0.5, np.abs(x) + 0.5
    t = rng.standard_normal(y_shape)
    path = model(name, nodes, list(x_shape), w, list(y_shape), extra_inits)
    so = f"{WORK}/{name}.so"
    try:
        subprocess.run([f"{BIN}/dlc", "compile", path, "-o", so, "--train", "--loss", "mse", "--optimizer", "sgd",
                        "--lr", "1"], check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as e:
        results.append(False)
        print(f"FAIL {name}: {e.stderr.strip()}")
        return
    m = dlcrt.Model(f"{LIB}/libdlcrt.so", so)
    wv = m.param("w")
    w0 = wv.copy()
    def loss_at(values):
        wv[...] = values
        return float(m.run("eval_step", {"x": x, "label": t})[0])
    numeric = np.zeros_like(w0)
    eps = 1e-6
    flat = numeric.reshape(-1)
    for i in range(w0.size):
        e = np.zeros(w0.size)
        e[i] = eps
        flat[i] = (loss_at(w0 + e.reshape(w0.shape)) - loss_at(w0 - e.reshape(w0.shape))) / (2 * eps)
    wv[...] = w0
    m.run("train_step", {"x": x, "label": t})
    analytic = w0 - wv  # sgd with lr 1
    err = float(np.max(np.abs(analytic - numeric) / np.maximum(1.0, np.abs(numeric))))
    ok = err <= 1e-6
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {name}: max scaled difference {err:.2e} over {w0.size} entries")

N = helper.make_node
unary = {"Relu": {}, "Sigmoid": {}, "Tanh": {}, "Exp": {}, "Neg": {}, "Abs": {}, "LeakyRelu": {"alpha": 0.2}}
for op, attrs in unary.items():
    check(op.lower(), [N("Mul", ["x", "w"], ["h"]), N(op, ["h"], ["y"], **attrs)], (3, 4), (3, 4), (3, 4))
for op in ["Log", "Sqrt"]:
    check(op.lower(), [N("Mul", ["x", "w"], ["h"]), N(op, ["h"], ["y"])], (3, 4), (3, 4), (3, 4), positive=True)
for op in ["Add", "Sub", "Mul", "Div"]:
    check(op.lower() + "_broadcast_rhs", [N(op, ["x", "w"], ["y"])], (2, 3, 4), (3, 1), (2, 3, 4), positive=op == "Div")
    check(op.lower() + "_broadcast_lhs", [N(op, ["w", "x"], ["y"])], (2, 3, 4), (4,), (2, 3, 4), positive=op == "Div")
check("matmul", [N("MatMul", ["x", "w"], ["y"])], (3, 4), (4, 5), (3, 5))
check("matmul_lhs", [N("MatMul", ["w", "x"], ["y"])], (4, 5), (3, 4), (3, 5))
check("matmul_rows", [N("MatMul", ["x", "w"], ["y"])], (2, 3, 4), (4, 5), (2, 3, 5))
check("matmul_batched", [N("MatMul", ["x", "w"], ["y"])], (2, 3, 4), (2, 4, 5), (2, 3, 5))
check("reshape_transpose", [N("Transpose", ["w"], ["t"], perm=[1, 0, 2]),
                            N("Reshape", ["t", "s"], ["r"]), N("Mul", ["r", "x"], ["y"])],
      (6, 4), (2, 3, 4), (6, 4), extra_inits=[numpy_helper.from_array(np.array([6, 4], np.int64), "s")])
check("reduce_sum", [N("Mul", ["x", "w"], ["h"]), N("ReduceSum", ["h", "axes"], ["y"], keepdims=0)],
      (3, 4), (3, 4), (3,), extra_inits=[numpy_helper.from_array(np.array([1], np.int64), "axes")])
check("reduce_mean", [N("Mul", ["x", "w"], ["h"]), N("ReduceMean", ["h"], ["y"], axes=[0], keepdims=1)],
      (3, 4), (3, 4), (1, 4))
check("softmax", [N("Mul", ["x", "w"], ["h"]), N("Softmax", ["h"], ["y"], axis=1)], (3, 4), (3, 4), (3, 4))
check("log_softmax", [N("Mul", ["x", "w"], ["h"]), N("LogSoftmax", ["h"], ["y"], axis=1)], (3, 4), (3, 4), (3, 4))
check("conv", [N("Conv", ["x", "w", "b"], ["y"], pads=[1, 0, 1, 2], strides=[2, 1], dilations=[1, 2])],
      (2, 3, 7, 6), (4, 3, 3, 2), (2, 4, 4, 6), extra_inits=[numpy_helper.from_array(np.zeros(4), "b")])
check("conv_bias", [N("Conv", ["x", "k", "w"], ["y"], pads=[1, 1, 1, 1])],
      (2, 3, 5, 5), (4,), (2, 4, 5, 5),
      extra_inits=[numpy_helper.from_array(np.random.default_rng(3).standard_normal((4, 3, 3, 3)), "k")])
check("conv_input", [N("Conv", ["w", "k"], ["y"], pads=[0, 1, 2, 1], strides=[2, 2])],
      (1,), (2, 3, 6, 5), (2, 4, 3, 3),
      extra_inits=[numpy_helper.from_array(np.random.default_rng(4).standard_normal((4, 3, 3, 3)), "k")])
check("max_pool", [N("Mul", ["x", "w"], ["h"]), N("MaxPool", ["h"], ["y"], kernel_shape=[3, 2], strides=[2, 1], pads=[1, 0, 1, 1])],
      (2, 3, 6, 5), (2, 3, 6, 5), (2, 3, 3, 5))
check("max_pool_tiled", [N("Mul", ["x", "w"], ["h"]), N("MaxPool", ["h"], ["y"], kernel_shape=[2, 2], strides=[2, 2])],
      (2, 3, 6, 4), (2, 3, 6, 4), (2, 3, 3, 2))
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
