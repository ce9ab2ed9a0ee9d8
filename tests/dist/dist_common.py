"""What the data-parallel tests share: two small models exported at any batch size, their
data, the mpirun command line and the comparison of two runs' losses."""
import os, shutil, subprocess, sys

import numpy as np
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from harness import Cases, f32, losses  # noqa: E402, F401 (losses: for the tests)

SAMPLES = 96


def mlp(cases, batch, dropout=False):
    """20 -> 32 (ReLU) -> 5; with `dropout`, dropout (p = 0.3) after the hidden layer."""
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array((rng.standard_normal((20, 32)) * 0.3).astype(np.float32), "w1"),
             numpy_helper.from_array((rng.standard_normal(32) * 0.1).astype(np.float32), "b1"),
             numpy_helper.from_array((rng.standard_normal((32, 5)) * 0.3).astype(np.float32), "w2")]
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["h"]), helper.make_node("Add", ["h", "b1"], ["hb"]),
             helper.make_node("Relu", ["hb"], ["r"])]
    if dropout:
        inits.append(numpy_helper.from_array(np.array(0.3, np.float32), "ratio"))
        nodes.append(helper.make_node("Dropout", ["r", "ratio"], ["d"]))
    nodes.append(helper.make_node("MatMul", ["d" if dropout else "r", "w2"], ["y"]))
    name = f"mlp{'_dropout' if dropout else ''}_b{batch}"
    return cases.save_model(name, nodes, [f32("x", [batch, 20])], [f32("y", [batch, 5])], inits)


def cnn(cases, batch):
    rng = np.random.default_rng(1)
    inits = [numpy_helper.from_array((rng.standard_normal((4, 1, 3, 3)) * 0.4).astype(np.float32), "k"),
             numpy_helper.from_array((rng.standard_normal(4) * 0.1).astype(np.float32), "kb"),
             numpy_helper.from_array((rng.standard_normal((64, 5)) * 0.2).astype(np.float32), "fc"),
             numpy_helper.from_array((rng.standard_normal(5) * 0.1).astype(np.float32), "fcb")]
    nodes = [helper.make_node("Conv", ["x", "k", "kb"], ["c"], pads=[1, 1, 1, 1]), helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p"], ["f"]), helper.make_node("Gemm", ["f", "fc", "fcb"], ["y"])]
    return cases.save_model(f"cnn_b{batch}", nodes, [f32("x", [batch, 1, 8, 8])], [f32("y", [batch, 5])], inits)


def cnn_bn(cases, batch):
    """Conv -> BatchNorm -> ReLU -> pool -> Gemm: batch statistics in train_step."""
    rng = np.random.default_rng(2)
    inits = [numpy_helper.from_array((rng.standard_normal((4, 1, 3, 3)) * 0.4).astype(np.float32), "k"),
             numpy_helper.from_array((1 + 0.1 * rng.standard_normal(4)).astype(np.float32), "gamma"),
             numpy_helper.from_array((0.1 * rng.standard_normal(4)).astype(np.float32), "beta"),
             numpy_helper.from_array(np.zeros(4, np.float32), "mean"),
             numpy_helper.from_array(np.ones(4, np.float32), "var"),
             numpy_helper.from_array((rng.standard_normal((64, 5)) * 0.2).astype(np.float32), "fc"),
             numpy_helper.from_array((rng.standard_normal(5) * 0.1).astype(np.float32), "fcb")]
    nodes = [helper.make_node("Conv", ["x", "k"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["n"]),
             helper.make_node("Relu", ["n"], ["r"]),
             helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p"], ["f"]), helper.make_node("Gemm", ["f", "fc", "fcb"], ["y"])]
    return cases.save_model(f"cnn_bn_b{batch}", nodes, [f32("x", [batch, 1, 8, 8])], [f32("y", [batch, 5])], inits)


MODELS = {"mlp": (mlp, (20,)), "mlp_dropout": (lambda cases, batch: mlp(cases, batch, dropout=True), (20,)), "cnn": (cnn, (1, 8, 8)),
          "cnn_bn": (cnn_bn, (1, 8, 8))}


def data(cases, model):
    path = cases.path(f"{model}.npz")
    if not os.path.exists(path):
        rng = np.random.default_rng(7)
        np.savez(path, x=rng.standard_normal((SAMPLES, *MODELS[model][1])).astype(np.float32),
                 label=rng.integers(0, 5, SAMPLES).astype(np.int64))
    return "npz:" + path


def compile_model(cases, model, batch, flags, name):
    out = cases.path(name + ".so")
    p = subprocess.run([cases.tool("dlc"), "compile", MODELS[model][0](cases, batch), "-o", out, "--train", *flags],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"dlc compile {model} {flags}: {p.stderr}")
    return out


def mpirun():
    """mpirun with what a CI container needs: root allowed, more ranks than cores, no binding."""
    exe = shutil.which("mpirun")
    if not exe:
        sys.exit("mpirun not found: scripts/bootstrap.sh installs Open MPI (openmpi-bin, libopenmpi-dev)")
    return [exe, "--oversubscribe", "--bind-to", "none"]


def mpi_env():
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    return env


def compare(a, b, rtol=1e-5):
    """(ok, worst relative difference, detail) for two step -> loss maps."""
    if sorted(a) != sorted(b) or not a:
        return False, float("inf"), f"steps differ: {sorted(a)[:3]}... vs {sorted(b)[:3]}..."
    worst, where = 0.0, None
    for s in a:
        d = abs(a[s] - b[s]) / max(abs(a[s]), 1e-6)
        if d > worst:
            worst, where = d, s
    return worst <= rtol, worst, f"worst relative difference {worst:.2e} at step {where}"
