"""Models the suite compiles once per session, exported from PyTorch (Debian's 1.13) or
written with onnx.helper, and the references they are checked against."""
import os

import numpy as np
import onnx
import pytest
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

import dlc


def export(net, example, path, names=("x",), training=False):
    kw = dict(input_names=list(names), output_names=["y"], opset_version=17)
    if training:
        kw.update(do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING)
    torch.onnx.export(net, example, path, **kw)
    return path


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def linreg_onnx(workdir):
    """y = x W^T + b, x: 8x4 -> y: 8x2, with known weights."""
    torch.manual_seed(0)
    net = nn.Linear(4, 2)
    return export(net, torch.zeros(8, 4), str(workdir / "linreg.onnx"), training=True)


@pytest.fixture(scope="session")
def linreg_train(linreg_onnx, workdir):
    """The linear model with MSE and plain SGD (lr 0.1): a step any test can replay in NumPy."""
    return dlc.compile(linreg_onnx, workdir / "linreg_train.so", train=True, loss="mse", optimizer="sgd", lr=0.1)


@pytest.fixture(scope="session")
def linreg_infer(linreg_onnx, workdir):
    return dlc.compile(linreg_onnx, workdir / "linreg.so")


@pytest.fixture(scope="session")
def matmul_big(workdir):
    """One 1024^3 matmul (about 70 ms on one core): long enough to see the GIL released."""
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((1024, 1024)).astype(np.float32), "w")
    g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "mm",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1024, 1024])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1024, 1024])], [w])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    return dlc.compile(m, workdir / "mm.so")


def relerr(got, ref):
    return float(np.abs(got - ref).max() / max(np.abs(ref).max(), 1e-30))
