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

def model(name, nodes, x_shape, w, y_shape, extra_inits=(), opset=17):
    inits = [numpy_helper.from_array(w, "w")] + list(extra_inits)
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", D, x_shape)],
                          [helper.make_tensor_value_info("y", D, y_shape)], initializer=inits)
    path = f"{WORK}/{name}.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)]), path)
    return path

def check(name, nodes, x_shape, w_shape, y_shape, positive=False, extra_inits=(), w=None, x=None, eps=1e-6,
          reference=None, opset=17):
    """w / x: the parameter's and the input's values where the op needs its own domain
    (default: standard normal, or |.| + 0.5 with positive). reference(x, w) -> y: a NumPy
    forward whose MSE loss gives the central differences, for ops whose train_step forward
    differs from eval_step's (batch norm on the batch's statistics)."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    w_given, x_given = w, x
    w = rng.standard_normal(w_shape)
    x = rng.standard_normal(x_shape)
    if positive:
        w, x = np.abs(w) + 0.5, np.abs(x) + 0.5
    if w_given is not None:
        w = np.asarray(w_given, np.float64).reshape(w_shape)
    if x_given is not None:
        x = np.asarray(x_given, np.float64).reshape(x_shape)
    t = rng.standard_normal(y_shape)
    path = model(name, nodes, list(x_shape), w, list(y_shape), extra_inits, opset)
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
        if reference is not None:
            return float(np.mean((reference(x, values) - t) ** 2))
        wv[...] = values
        return float(m.run("eval_step", {"x": x, "label": t})[0])
    numeric = np.zeros_like(w0)
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

# Activations and elementwise math: h = x * w feeds the op.
def uniform(name, shape, lo, hi):
    return np.random.default_rng(zlib.crc32(name.encode()) + 1).uniform(lo, hi, shape)
def act(name, op, attrs=None, x=None, w=None, positive=False, shape=(3, 4)):
    check(name, [N("Mul", ["x", "w"], ["h"]), N(op, ["h"], ["y"], **(attrs or {}))], shape, shape, shape,
          positive=positive, x=x, w=w)
act("elu", "Elu", {"alpha": 0.5})
act("celu", "Celu", {"alpha": 1.5})
act("selu", "Selu")
act("thresholded_relu", "ThresholdedRelu", {"alpha": 0.3})
act("hard_sigmoid", "HardSigmoid", {"alpha": 0.3, "beta": 0.4})
act("hard_swish", "HardSwish", x=uniform("hs_x", (3, 4), -5, 5))
act("softplus", "Softplus")
act("softsign", "Softsign")
act("erf", "Erf")
act("reciprocal", "Reciprocal", positive=True)
for op in ["Sin", "Cos", "Sinh", "Cosh", "Asinh", "Atan"]:
    act(op.lower(), op)
act("tan", "Tan", x=uniform("tan_x", (3, 4), -1, 1), w=uniform("tan_w", (3, 4), -1, 1))
for op in ["Asin", "Acos", "Atanh"]:
    act(op.lower(), op, x=uniform(op + "_x", (3, 4), -0.9, 0.9), w=uniform(op + "_w", (3, 4), -0.9, 0.9))
act("acosh", "Acosh", x=uniform("acosh_x", (3, 4), 1.1, 1.5), w=uniform("acosh_w", (3, 4), 1.1, 1.5))
# Piecewise-constant ops pass no gradient; the x * w beside them does.
for op in ["Floor", "Ceil", "Round", "Sign"]:
    check(op.lower() + "_zero", [N("Mul", ["x", "w"], ["h"]), N(op, ["h"], ["f"]), N("Add", ["f", "h"], ["y"])],
          (3, 4), (3, 4), (3, 4), x=uniform(op, (3, 4), 0.5, 2) * 3)
check("clip", [N("Mul", ["x", "w"], ["h"]), N("Clip", ["h", "lo", "hi"], ["y"])], (3, 4), (3, 4), (3, 4),
      extra_inits=[numpy_helper.from_array(np.array(-0.4), "lo"), numpy_helper.from_array(np.array(0.6), "hi")])
check("clip_min_only", [N("Mul", ["x", "w"], ["h"]), N("Clip", ["h", "lo"], ["y"])], (3, 4), (3, 4), (3, 4),
      extra_inits=[numpy_helper.from_array(np.array(-0.4), "lo")])
check("silu", [N("Mul", ["x", "w"], ["h"]), N("Sigmoid", ["h"], ["s"]), N("Mul", ["h", "s"], ["y"])], (3, 4), (3, 4), (3, 4))
# GELU as torch.onnx.export writes it: erf form, and the tanh approximation (Pow x^3).
consts = lambda **kv: [numpy_helper.from_array(np.array(v), k) for k, v in kv.items()]
check("gelu_erf", [N("Mul", ["x", "w"], ["h"]), N("Div", ["h", "sqrt2"], ["a"]), N("Erf", ["a"], ["e"]),
                   N("Add", ["e", "one"], ["b"]), N("Mul", ["h", "b"], ["c"]), N("Mul", ["c", "half"], ["y"])],
      (3, 4), (3, 4), (3, 4), extra_inits=consts(sqrt2=np.sqrt(2.0), one=1.0, half=0.5))
check("gelu_tanh", [N("Mul", ["x", "w"], ["h"]), N("Pow", ["h", "three"], ["p"]), N("Mul", ["p", "k"], ["q"]),
                    N("Add", ["h", "q"], ["r"]), N("Mul", ["r", "c"], ["t"]), N("Tanh", ["t"], ["u"]),
                    N("Add", ["u", "one"], ["v"]), N("Mul", ["h", "v"], ["z"]), N("Mul", ["z", "half"], ["y"])],
      (3, 4), (3, 4), (3, 4), extra_inits=consts(three=3.0, k=0.044715, c=np.sqrt(2 / np.pi), one=1.0, half=0.5))
check("cast_float", [N("Cast", ["w"], ["f"], to=TensorProto.FLOAT), N("Cast", ["f"], ["d"], to=D),
                     N("Identity", ["d"], ["i"]), N("Mul", ["i", "x"], ["y"])], (3, 4), (3, 4), (3, 4),
      # values and steps exact in float32; the loss is quadratic in w, so central differences are exact
      w=np.round(uniform("cast", (3, 4), -2, 2) * 256) / 256, eps=2.0 ** -10)
check("cast_bool", [N("Greater", ["w", "x"], ["c"]), N("Cast", ["c"], ["f"], to=D), N("Mul", ["f", "w"], ["y"])],
      (3, 4), (3, 4), (3, 4))

# Binary ops: both operands, with broadcasting.
check("pow_base", [N("Pow", ["w", "x"], ["y"])], (2, 3, 4), (3, 1), (2, 3, 4), positive=True)
check("pow_exponent", [N("Pow", ["x", "w"], ["y"])], (2, 3, 4), (4,), (2, 3, 4), positive=True)
check("pow_int_exponent", [N("Pow", ["w", "e"], ["y"])], (1,), (3, 4), (3, 4),
      extra_inits=[numpy_helper.from_array(np.array(3, np.int64), "e")])
for op in ["Max", "Min"]:
    check(op.lower() + "_lhs", [N(op, ["w", "x"], ["y"])], (2, 3, 4), (3, 1), (2, 3, 4))
    check(op.lower() + "_rhs", [N(op, ["x", "w"], ["y"])], (2, 3, 4), (2, 3, 4), (2, 3, 4))
check("mod_lhs", [N("Mod", ["w", "x"], ["y"], fmod=1)], (3, 4), (3, 4), (3, 4),
      w=uniform("mod_w", (3, 4), -5, 5), x=uniform("mod_x", (3, 4), 0.7, 1.3))
check("mod_rhs", [N("Mod", ["x", "w"], ["y"], fmod=1)], (3, 4), (3, 4), (3, 4),
      x=uniform("modr_x", (3, 4), -5, 5), w=uniform("modr_w", (3, 4), 0.7, 1.3))
check("prelu_slope", [N("PRelu", ["x", "w"], ["y"])], (2, 3, 4, 5), (3, 1, 1), (2, 3, 4, 5))
check("prelu_input", [N("Mul", ["x", "w"], ["h"]), N("PRelu", ["h", "s"], ["y"])], (2, 3, 4), (2, 3, 4), (2, 3, 4),
      extra_inits=[numpy_helper.from_array(np.array([0.1, 0.3, -0.2, 0.5]), "s")])
check("where", [N("Greater", ["x", "zero"], ["c"]), N("Where", ["c", "w", "x"], ["a"]), N("Where", ["c", "x", "w"], ["b"]),
                N("Mul", ["a", "b"], ["y"])], (2, 3, 4), (3, 1), (2, 3, 4), extra_inits=consts(zero=0.0))

# Pooling.
check("avg_pool", [N("Mul", ["x", "w"], ["h"]), N("AveragePool", ["h"], ["y"], kernel_shape=[3, 2], strides=[2, 1],
                                                  pads=[1, 0, 1, 1])],
      (2, 3, 6, 5), (2, 3, 6, 5), (2, 3, 3, 5))
check("avg_pool_include_pad", [N("Mul", ["x", "w"], ["h"]), N("AveragePool", ["h"], ["y"], kernel_shape=[3, 3], strides=[2, 2],
                                                              pads=[1, 1, 1, 1], count_include_pad=1)],
      (2, 3, 6, 5), (2, 3, 6, 5), (2, 3, 3, 3))
check("avg_pool_ceil", [N("Mul", ["x", "w"], ["h"]), N("AveragePool", ["h"], ["y"], kernel_shape=[2, 2], strides=[2, 2],
                                                       ceil_mode=1)],
      (1, 2, 5, 5), (1, 2, 5, 5), (1, 2, 3, 3))
check("avg_pool_tiled", [N("Mul", ["x", "w"], ["h"]), N("AveragePool", ["h"], ["y"], kernel_shape=[2, 2], strides=[2, 2])],
      (2, 3, 6, 4), (2, 3, 6, 4), (2, 3, 3, 2))
check("avg_pool_1d", [N("Mul", ["x", "w"], ["h"]), N("AveragePool", ["h"], ["y"], kernel_shape=[3], strides=[1], pads=[1, 1])],
      (2, 3, 7), (2, 3, 7), (2, 3, 7))
check("max_pool_overlap_dilated", [N("Mul", ["x", "w"], ["h"]), N("MaxPool", ["h"], ["y"], kernel_shape=[3, 3], strides=[1, 2],
                                                                  dilations=[2, 1], pads=[2, 1, 2, 1])],
      (2, 2, 7, 6), (2, 2, 7, 6), (2, 2, 7, 3))
check("avg_pool_overlap_dilated", [N("Mul", ["x", "w"], ["h"]), N("AveragePool", ["h"], ["y"], kernel_shape=[3, 3],
                                                                  strides=[1, 2], dilations=[2, 1], pads=[2, 1, 2, 1])],
      (2, 2, 7, 6), (2, 2, 7, 6), (2, 2, 7, 3), opset=19)  # AveragePool-19 dilates
check("global_avg_pool", [N("Mul", ["x", "w"], ["h"]), N("GlobalAveragePool", ["h"], ["y"])], (2, 3, 4, 5), (2, 3, 4, 5), (2, 3, 1, 1))
check("global_max_pool", [N("Mul", ["x", "w"], ["h"]), N("GlobalMaxPool", ["h"], ["y"])], (2, 3, 4, 5), (2, 3, 4, 5), (2, 3, 1, 1))

# Normalization: input, scale and bias.
ln_scale, ln_bias = np.random.default_rng(5).standard_normal(6), np.random.default_rng(6).standard_normal(6)
check("layer_norm_input", [N("Mul", ["x", "w"], ["h"]), N("LayerNormalization", ["h", "s", "b"], ["y"], axis=-1, epsilon=1e-3)],
      (2, 3, 6), (2, 3, 6), (2, 3, 6), extra_inits=[numpy_helper.from_array(ln_scale, "s"), numpy_helper.from_array(ln_bias, "b")])
check("layer_norm_axis1", [N("Mul", ["x", "w"], ["h"]), N("LayerNormalization", ["h", "s"], ["y"], axis=1)],
      (2, 3, 4), (2, 3, 4), (2, 3, 4), extra_inits=[numpy_helper.from_array(np.random.default_rng(7).standard_normal((3, 4)), "s")])
check("layer_norm_scale", [N("LayerNormalization", ["x", "w", "b"], ["y"], axis=-1)], (2, 3, 6), (6,), (2, 3, 6),
      extra_inits=[numpy_helper.from_array(ln_bias, "b")])
check("layer_norm_bias", [N("LayerNormalization", ["x", "s", "w"], ["y"], axis=-1)], (2, 3, 6), (6,), (2, 3, 6),
      extra_inits=[numpy_helper.from_array(ln_scale, "s")])
in_scale, in_bias = np.random.default_rng(8).standard_normal(3), np.random.default_rng(9).standard_normal(3)
check("instance_norm_input", [N("Mul", ["x", "w"], ["h"]), N("InstanceNormalization", ["h", "s", "b"], ["y"], epsilon=1e-3)],
      (2, 3, 4, 5), (2, 3, 4, 5), (2, 3, 4, 5), extra_inits=[numpy_helper.from_array(in_scale, "s"), numpy_helper.from_array(in_bias, "b")])
check("instance_norm_scale", [N("InstanceNormalization", ["x", "w", "b"], ["y"])], (2, 3, 4, 5), (3,), (2, 3, 4, 5),
      extra_inits=[numpy_helper.from_array(in_bias, "b")])
check("instance_norm_bias", [N("InstanceNormalization", ["x", "s", "w"], ["y"])], (2, 3, 4, 5), (3,), (2, 3, 4, 5),
      extra_inits=[numpy_helper.from_array(in_scale, "s")])

# Reductions.
for kind in ["Max", "Min", "Prod", "L1", "L2", "LogSumExp", "SumSquare"]:
    check("reduce_" + kind.lower(), [N("Mul", ["x", "w"], ["h"]), N("Reduce" + kind, ["h"], ["y"], axes=[1], keepdims=0)],
          (3, 4, 2), (3, 4, 2), (3, 2))
check("reduce_log_sum", [N("Mul", ["x", "w"], ["h"]), N("ReduceLogSum", ["h"], ["y"], axes=[0, 2], keepdims=1)],
      (3, 4, 2), (3, 4, 2), (1, 4, 1), positive=True)
# zeros in the product: one in row 0 (its element gets the others' product), two in row 1
check("reduce_prod_zero", [N("Mul", ["x", "w"], ["h"]), N("ReduceProd", ["h"], ["y"], axes=[1], keepdims=1)],
      (3, 4), (3, 4), (3, 1), w=[[0.7, 0, -1.2, 0.9], [0, 1.1, 0, -0.8], [0.6, -1.3, 1.4, 0.5]])

# Data movement.
table_idx = numpy_helper.from_array(np.array([[1, 4, 1], [-1, 0, 4]], np.int64), "i")
check("gather_embedding", [N("Gather", ["w", "i"], ["e"], axis=0), N("Mul", ["e", "x"], ["y"])],
      (2, 3, 4), (5, 4), (2, 3, 4), extra_inits=[table_idx])
check("gather_axis1", [N("Gather", ["w", "i"], ["e"], axis=1), N("Mul", ["e", "x"], ["y"])],
      (3, 2, 3, 2), (3, 5, 2), (3, 2, 3, 2), extra_inits=[table_idx])
check("gather_scalar_index", [N("Gather", ["w", "j"], ["e"], axis=1), N("Mul", ["e", "x"], ["y"])],
      (3,), (3, 4), (3,), extra_inits=[numpy_helper.from_array(np.array(-2, np.int64), "j")])
check("concat", [N("Mul", ["x", "w"], ["h"]), N("Concat", ["h", "x", "w"], ["y"], axis=1)], (2, 3), (2, 3), (2, 9))
check("split", [N("Split", ["w", "sizes"], ["a", "b"], axis=1), N("Mul", ["b", "x"], ["c"]), N("Mul", ["a", "a"], ["d"]),
                N("Concat", ["c", "d"], ["y"], axis=1)], (3, 4), (3, 6), (3, 6),
      extra_inits=[numpy_helper.from_array(np.array([2, 4], np.int64), "sizes")])
ints = lambda **kv: [numpy_helper.from_array(np.array(v, np.int64), k) for k, v in kv.items()]
check("slice_steps", [N("Slice", ["w", "st", "en", "ax", "sp"], ["s"]), N("Mul", ["s", "x"], ["y"])], (2, 3), (4, 7), (2, 3),
      extra_inits=ints(st=[1, 0], en=[4, 7], ax=[0, 1], sp=[2, 3]))
check("slice_negative_step", [N("Slice", ["w", "st", "en", "ax", "sp"], ["s"]), N("Mul", ["s", "x"], ["y"])], (4, 3), (4, 7),
      (4, 3), extra_inits=ints(st=[-1, 5], en=[-100, 0], ax=[0, 1], sp=[-1, -2]))
check("pad_constant", [N("Pad", ["w", "p", "v"], ["q"], mode="constant"), N("Mul", ["q", "x"], ["y"])], (5, 4), (3, 5), (5, 4),
      extra_inits=ints(p=[1, 0, 1, -1]) + consts(v=0.5))
for mode in ["reflect", "edge"]:
    check("pad_" + mode, [N("Pad", ["w", "p"], ["q"], mode=mode), N("Mul", ["q", "x"], ["y"])], (6, 5), (3, 4), (6, 5),
          extra_inits=ints(p=[2, 0, 1, 1]))
check("gather_elements", [N("GatherElements", ["w", "i"], ["e"], axis=1), N("Mul", ["e", "x"], ["y"])], (3, 4), (3, 5),
      (3, 4), extra_inits=ints(i=[[0, 4, 4, -1], [2, 2, 1, 0], [3, 0, 3, 1]]))
check("expand", [N("Expand", ["w", "shape"], ["e"]), N("Mul", ["e", "x"], ["y"])], (2, 3, 4), (3, 1), (2, 3, 4),
      extra_inits=ints(shape=[2, 3, 4]))
check("squeeze_unsqueeze_flatten", [N("Unsqueeze", ["w", "a0"], ["u"]), N("Squeeze", ["u", "a0"], ["s"]),
                                     N("Flatten", ["s"], ["f"], axis=1), N("Mul", ["f", "x"], ["y"])],
      (2, 12), (2, 3, 4), (2, 12), extra_inits=ints(a0=[1]))
check("tile", [N("Tile", ["w", "r"], ["t"]), N("Mul", ["t", "x"], ["y"])], (4, 9), (2, 3), (4, 9), extra_inits=ints(r=[2, 3]))
check("cumsum", [N("CumSum", ["w", "ax"], ["c"]), N("Mul", ["c", "x"], ["y"])], (3, 4), (3, 4), (3, 4),
      extra_inits=ints(ax=1))
check("cumsum_exclusive_reverse", [N("CumSum", ["w", "ax"], ["c"], exclusive=1, reverse=1), N("Mul", ["c", "x"], ["y"])],
      (3, 4), (3, 4), (3, 4), extra_inits=ints(ax=0))
check("trilu", [N("Trilu", ["w", "k"], ["t"], upper=0), N("Mul", ["t", "x"], ["y"])], (3, 4), (3, 4), (3, 4),
      extra_inits=ints(k=1))
check("gemm_trans", [N("Gemm", ["x", "w", "c"], ["y"], transB=1, alpha=0.7, beta=1.3)], (3, 4), (5, 4), (3, 5),
      extra_inits=[numpy_helper.from_array(np.random.default_rng(10).standard_normal(5), "c")])
check("gemm_c", [N("Gemm", ["x", "b", "w"], ["y"], transA=1, beta=0.5)], (4, 3), (3, 1), (3, 5),
      extra_inits=[numpy_helper.from_array(np.random.default_rng(11).standard_normal((4, 5)), "b")])
check("matmul_broadcast_batch", [N("MatMul", ["x", "w"], ["y"])], (2, 3, 4), (1, 4, 5), (2, 3, 5))
check("matmul_2d_lhs_batched_rhs", [N("MatMul", ["w", "x"], ["y"])], (2, 4, 5), (3, 4), (2, 3, 5))
check("matmul_vector", [N("MatMul", ["x", "w"], ["y"])], (2, 3, 4), (4,), (2, 3))
check("matmul_vector_lhs", [N("MatMul", ["w", "x"], ["y"])], (2, 4, 5), (4,), (2, 5))
check("conv_grouped", [N("Conv", ["x", "w", "b"], ["y"], group=2, pads=[1, 0, 1, 2], strides=[2, 1], dilations=[1, 2])],
      (2, 4, 7, 6), (6, 2, 3, 2), (2, 6, 4, 6), extra_inits=[numpy_helper.from_array(np.zeros(6), "b")])
check("conv_depthwise", [N("Conv", ["x", "w"], ["y"], group=3, pads=[1, 1, 1, 1], strides=[2, 2])],
      (2, 3, 6, 5), (3, 1, 3, 3), (2, 3, 3, 3))
check("conv_grouped_input", [N("Conv", ["w", "k"], ["y"], group=2, pads=[0, 1, 2, 1], strides=[2, 2], dilations=[2, 1])],
      (1,), (2, 4, 6, 5), (2, 4, 2, 3),
      extra_inits=[numpy_helper.from_array(np.random.default_rng(12).standard_normal((4, 2, 3, 3)), "k")])
check("conv_depthwise_input", [N("Conv", ["w", "k"], ["y"], group=2, pads=[2, 2, 2, 2], dilations=[2, 2])],
      (1,), (1, 2, 5, 5), (1, 4, 5, 5),
      extra_inits=[numpy_helper.from_array(np.random.default_rng(13).standard_normal((4, 1, 3, 3)), "k")])

# Recurrent layers (backpropagation through time): the gradient of each of W, R, B, X,
# initial_h/c in turn (`w` takes that input's place), through Y, Y_h or Y_c.
def recurrent(name, op, w_input, hidden=4, dirs=1, layout=0, output=0, seq=3, batch=2, feat=3, **attrs):
    gates = {"RNN": 1, "GRU": 3, "LSTM": 4}[op]
    shapes = {"X": (batch, seq, feat) if layout else (seq, batch, feat), "W": (dirs, gates * hidden, feat),
              "R": (dirs, gates * hidden, hidden), "B": (dirs, 2 * gates * hidden),
              "initial_h": (batch, dirs, hidden) if layout else (dirs, batch, hidden)}
    shapes["initial_c"] = shapes["initial_h"]
    order = ["X", "W", "R", "B", "", "initial_h"] + (["initial_c"] if op == "LSTM" else [])
    rng = np.random.default_rng(zlib.crc32(name.encode()) + 2)
    inits, inputs, nodes = [], [], []
    for k in order:
        if not k:
            inputs.append("")
        elif k == w_input:
            # through a Mul with x, so that initial states are computed values (not constants)
            nodes.append(N("Mul", ["w", "x"], [k]))
            inputs.append(k)
        else:
            inits.append(numpy_helper.from_array(rng.standard_normal(shapes[k]) * 0.5, k))
            inputs.append(k)
    outs = ["", "", ""][: 3 if op == "LSTM" else 2]
    outs[output] = "y"
    direction = {1: attrs.pop("direction", "forward"), 2: "bidirectional"}[dirs]
    nodes.append(N(op, inputs, outs, hidden_size=hidden, direction=direction, layout=layout, **attrs))
    y_shape = ((batch, seq, dirs, hidden) if layout else (seq, dirs, batch, hidden)) if output == 0 else shapes["initial_h"]
    check(name, nodes, shapes[w_input], shapes[w_input], y_shape, extra_inits=inits)
for op, extra in [("RNN", {}), ("GRU", {"linear_before_reset": 1}), ("LSTM", {})]:
    for k in ["X", "W", "R", "B", "initial_h"] + (["initial_c"] if op == "LSTM" else []):
        recurrent(f"{op.lower()}_{k}", op, k, **extra)
recurrent("rnn_relu_W", "RNN", "W", activations=["Relu"])
recurrent("rnn_sigmoid_R_reverse", "RNN", "R", activations=["Sigmoid"], direction="reverse")
recurrent("gru_R_bidirectional", "GRU", "R", dirs=2, linear_before_reset=1)
recurrent("gru_W_final_state_batch_first", "GRU", "W", layout=1, output=1, linear_before_reset=1)
recurrent("lstm_R_bidirectional", "LSTM", "R", dirs=2)
recurrent("lstm_X_bidirectional_batch_first", "LSTM", "X", dirs=2, layout=1)
recurrent("lstm_W_final_state", "LSTM", "W", output=1)
recurrent("lstm_B_final_cell", "LSTM", "B", output=2, direction="reverse")

# ConvTranspose: w as weight (C x M/group x K...), as bias, and as the input.
def conv_transpose(name, x_shape, w_shape, wrt="weight", group=1, strides=None, pads=None, dilations=None,
                   output_padding=None, seed=0):
    s = len(x_shape) - 2
    st, dl = strides or [1] * s, dilations or [1] * s
    pd, op = pads or [0] * (2 * s), output_padding or [0] * s
    y_shape = [x_shape[0], w_shape[1] * group] + [st[i] * (x_shape[i + 2] - 1) + op[i] + (w_shape[i + 2] - 1) * dl[i]
                                                  + 1 - pd[i] - pd[i + s] for i in range(s)]
    attrs = dict(group=group, strides=st, pads=pd, dilations=dl, output_padding=op)
    rng = np.random.default_rng(seed)
    k_weight = numpy_helper.from_array(rng.standard_normal(w_shape), "k")
    if wrt == "weight":
        nodes, shapes, inits = [N("ConvTranspose", ["x", "w"], ["y"], **attrs)], (x_shape, w_shape), []
    elif wrt == "bias":
        nodes, shapes, inits = [N("ConvTranspose", ["x", "k", "w"], ["y"], **attrs)], (x_shape, (y_shape[1],)), [k_weight]
    else:
        nodes, shapes, inits = [N("ConvTranspose", ["w", "k"], ["y"], **attrs)], ((1,), x_shape), [k_weight]
    check(name, nodes, shapes[0], shapes[1], tuple(y_shape), extra_inits=inits)
conv_transpose("conv_transpose", (2, 3, 4, 5), (3, 2, 3, 3))
conv_transpose("conv_transpose_stride2_pads_output_padding", (2, 3, 3, 4), (3, 2, 3, 2), strides=[2, 2],
               pads=[1, 0, 0, 1], output_padding=[1, 0])
conv_transpose("conv_transpose_dilation", (1, 2, 4, 3), (2, 3, 2, 3), strides=[1, 2], pads=[1, 1, 0, 1],
               dilations=[2, 1])
conv_transpose("conv_transpose_grouped", (2, 4, 3, 3), (4, 2, 2, 3), group=2, strides=[2, 1], pads=[0, 1, 1, 0],
               dilations=[1, 2], output_padding=[1, 0])
conv_transpose("conv_transpose_depthwise", (2, 3, 4, 4), (3, 1, 3, 3), group=3, strides=[2, 2], pads=[1, 1, 1, 1],
               output_padding=[1, 1])
conv_transpose("conv_transpose_1d", (2, 2, 5), (2, 3, 4), strides=[3], pads=[2, 1], output_padding=[2])
conv_transpose("conv_transpose_bias", (2, 3, 3, 3), (3, 2, 3, 3), wrt="bias", strides=[2, 2], pads=[1, 1, 1, 1],
               seed=1)
conv_transpose("conv_transpose_input", (2, 3, 3, 4), (3, 2, 3, 3), wrt="input", strides=[2, 2], pads=[1, 0, 1, 1],
               output_padding=[1, 1], seed=2)
conv_transpose("conv_transpose_grouped_input", (1, 4, 4, 3), (4, 3, 2, 3), wrt="input", group=2, strides=[2, 1],
               dilations=[2, 2], pads=[0, 1, 1, 0], output_padding=[1, 1], seed=3)

# BatchNormalization in training mode (train_step normalizes with the batch's statistics):
# the differences come from a NumPy forward. w as the input (through x * w), the scale, the bias.
def bn_train(h, s, b, eps=1e-5):
    mean = h.mean(axis=(0, 2, 3), keepdims=True)
    var = h.var(axis=(0, 2, 3), keepdims=True)
    return (h - mean) / np.sqrt(var + eps) * s.reshape(1, -1, 1, 1) + b.reshape(1, -1, 1, 1)
bn_rng = np.random.default_rng(7)
bn_s, bn_b = np.abs(bn_rng.standard_normal(3)) + 0.5, bn_rng.standard_normal(3)
bn_stats = consts(mean=np.zeros(3), var=np.ones(3))
bn = lambda ins: [N("BatchNormalization", ins, ["y"], epsilon=1e-5, momentum=0.9, training_mode=1)]
check("batch_norm_train_input", [N("Mul", ["x", "w"], ["h"])] + bn(["h", "s", "b", "mean", "var"]), (4, 3, 2, 3),
      (4, 3, 2, 3), (4, 3, 2, 3), extra_inits=consts(s=bn_s, b=bn_b) + bn_stats,
      reference=lambda x, w: bn_train(x * w, bn_s, bn_b))
check("batch_norm_train_scale", bn(["x", "w", "b", "mean", "var"]), (4, 3, 2, 3), (3,), (4, 3, 2, 3),
      extra_inits=consts(b=bn_b) + bn_stats, reference=lambda x, w: bn_train(x, w, bn_b))
check("batch_norm_train_bias", bn(["x", "s", "w", "mean", "var"]), (4, 3, 2, 3), (3,), (4, 3, 2, 3),
      extra_inits=consts(s=bn_s) + bn_stats, reference=lambda x, w: bn_train(x, bn_s, w))

# Resize as torch exports nn.Upsample(scale_factor=2, mode="nearest") (opset 17).
check("resize_nearest_upsample", [N("Mul", ["x", "w"], ["h"]),
      N("Resize", ["h", "", "scales"], ["y"], mode="nearest", coordinate_transformation_mode="asymmetric",
        nearest_mode="floor")], (2, 3, 2, 3), (2, 3, 2, 3), (2, 3, 4, 6),
      extra_inits=[numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")])
# Resize as torch exports nn.Upsample(mode="bilinear") and F.interpolate(mode="bicubic", antialias=True)
# to a smaller size: the interpolation matrices' MatMuls train like any other.
check("resize_bilinear_upsample", [N("Mul", ["x", "w"], ["h"]),
      N("Resize", ["h", "", "scales"], ["y"], mode="linear", coordinate_transformation_mode="pytorch_half_pixel")],
      (2, 3, 2, 3), (2, 3, 2, 3), (2, 3, 4, 6), opset=18,
      extra_inits=[numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")])
check("resize_bicubic_antialias_down", [N("Mul", ["x", "w"], ["h"]),
      N("Resize", ["h", "", "", "sizes"], ["y"], mode="cubic", coordinate_transformation_mode="half_pixel",
        antialias=1)],
      (1, 2, 6, 5), (1, 2, 6, 5), (1, 2, 4, 3), opset=18,
      extra_inits=[numpy_helper.from_array(np.array([1, 2, 4, 3], np.int64), "sizes")])
# Mish (opset 18): differences of dlc's forward, and of a NumPy forward.
mish = lambda h: h * np.tanh(np.log1p(np.exp(h)))
check("mish", [N("Mul", ["x", "w"], ["h"]), N("Mish", ["h"], ["y"])], (3, 4), (3, 4), (3, 4), opset=18)
check("mish_numpy", [N("Mul", ["x", "w"], ["h"]), N("Mish", ["h"], ["y"])], (3, 4), (3, 4), (3, 4), opset=18,
      reference=lambda x, w: mish(x * w))
# Gelu (opset 20), both approximations: differences of dlc's forward, and of a NumPy forward.
from math import erf as _erf
gelu_ref = {"none": lambda h: 0.5 * h * (1 + np.vectorize(_erf)(h / np.sqrt(2))),
            "tanh": lambda h: 0.5 * h * (1 + np.tanh(np.sqrt(2 / np.pi) * (h + 0.044715 * h ** 3)))}
for approx, f in gelu_ref.items():
    nodes = [N("Mul", ["x", "w"], ["h"]), N("Gelu", ["h"], ["y"], approximate=approx)]
    check("gelu_op_" + approx, nodes, (3, 4), (3, 4), (3, 4), opset=20)
    check("gelu_op_" + approx + "_numpy", nodes, (3, 4), (3, 4), (3, 4), opset=20, reference=lambda x, w, f=f: f(x * w))
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
