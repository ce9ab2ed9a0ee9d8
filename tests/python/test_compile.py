"""dlc.compile: every way to give a model, the options as keywords, the errors."""
import os

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import dlc


def test_compile_returns_the_artifact_it_wrote(linreg_onnx, tmp_path):
    out = tmp_path / "m.so"
    assert dlc.compile(linreg_onnx, out) == str(out)
    s = dlc.load(out)
    assert s.entries == ["infer"] and s.target == "cpu"


def test_compile_takes_a_model_proto_and_bytes(linreg_onnx):
    proto = onnx.load(linreg_onnx)
    for model in (proto, proto.SerializeToString()):
        path = dlc.compile(model)  # no output: a new temporary directory
        assert os.path.isfile(path)
        assert [t.name for t in dlc.load(path).inputs] == ["x"]


def test_without_output_nothing_is_overwritten(linreg_onnx):
    a, b = dlc.compile(linreg_onnx), dlc.compile(linreg_onnx)
    assert a != b and os.path.isfile(a) and os.path.isfile(b)


def test_emit_returns_the_stage(linreg_onnx):
    text = dlc.compile(linreg_onnx, emit="graph")
    assert "graph.matmul" in text or "graph.gemm" in text
    assert "func.func" in text


def test_training_keywords_reach_the_compiler(linreg_onnx, tmp_path):
    s = dlc.load(dlc.compile(linreg_onnx, tmp_path / "t.so", train=True, loss="mse", optimizer="adam",
                             lr=0.05, weight_decay=0.01, clip_grad_norm=1.0))
    assert s.entries == ["infer", "train_step", "eval_step"]
    names = {p.name for p in s.parameters}
    assert {"weight/adam.m", "weight/adam.v"} <= names
    assert s.lr == pytest.approx(0.05)
    frozen = dlc.load(dlc.compile(linreg_onnx, tmp_path / "f.so", train=True, loss="mse", freeze="^bias$"))
    trainable = {p.name: p.trainable for p in frozen.parameters}
    assert trainable["weight"] and not trainable["bias"]


def test_data_parallel_keywords_reach_the_compiler(linreg_onnx):
    # A bucket smaller than either gradient: weight's and bias's are averaged separately.
    one = dlc.compile(linreg_onnx, train=True, loss="mse", emit="graph")
    two = dlc.compile(linreg_onnx, train=True, loss="mse", grad_bucket_mb=1e-9, emit="graph")
    assert one.count("dlc.grad_reduce_start") == 1 and two.count("dlc.grad_reduce_start") == 2
    s = helper.make_tensor("s", TensorProto.FLOAT, [1, 3, 1, 1], [1.0, 2.0, 3.0])
    stats = [helper.make_tensor(n, TensorProto.FLOAT, [3], v) for n, v in
             (("g", [1.0] * 3), ("b", [0.0] * 3), ("m", [0.0] * 3), ("v", [1.0] * 3))]
    g = helper.make_graph([helper.make_node("Mul", ["x", "s"], ["xs"]),
                           helper.make_node("BatchNormalization", ["xs", "g", "b", "m", "v"], ["y"])], "bn",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3, 4, 4])], [s, *stats])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    assert "graph.rank_mean" not in dlc.compile(m, train=True, loss="mse", emit="graph")
    assert "graph.rank_mean" in dlc.compile(m, train=True, loss="mse", sync_batchnorm=True, emit="graph")


def test_input_shapes_fix_symbolic_dims(tmp_path):
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(dlc.CompileError, match="x"):
        dlc.compile(m)
    s = dlc.load(dlc.compile(m, input_shapes={"x": (5, 3)}))
    assert s.inputs[0].shape == (5, 3)
    np.testing.assert_array_equal(s.infer(x=np.full((5, 3), -2, np.float32))["y"], np.zeros((5, 3)))


def test_compile_error_names_node_and_op(tmp_path):
    g = helper.make_graph([helper.make_node("NonMaxSuppression", ["b", "s"], ["i"], name="nms0")], "nms",
                          [helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 4, 4]),
                           helper.make_tensor_value_info("s", TensorProto.FLOAT, [1, 1, 4])],
                          [helper.make_tensor_value_info("i", TensorProto.INT64, [4, 3])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(dlc.CompileError) as e:
        dlc.compile(m, tmp_path / "x.so")
    assert "NonMaxSuppression" in str(e.value) and "nms0" in str(e.value)
    assert not (tmp_path / "x.so").exists()


def test_missing_and_garbage_models(tmp_path):
    with pytest.raises(dlc.CompileError, match="nope.onnx"):
        dlc.compile(tmp_path / "nope.onnx", tmp_path / "x.so")
    with pytest.raises(dlc.CompileError):
        dlc.compile(b"not a protobuf at all", tmp_path / "x.so")


@pytest.mark.parametrize("kw, message", [
    (dict(target="tpu"), "unknown --target 'tpu'"),
    (dict(train=True, loss="mse", label_smoothing=1.5), r"\[0, 1\]"),
    (dict(train=True, freeze="w("), "not a valid regular expression"),
    (dict(emit="asm"), "unknown --emit stage 'asm'"),
    (dict(opt_level=7), "-O7"),
    (dict(precision="tf32"), "--precision needs --target cuda"),
])
def test_bad_option_values_raise_value_error(linreg_onnx, tmp_path, kw, message):
    with pytest.raises(ValueError, match=message):
        dlc.compile(linreg_onnx, tmp_path / "x.so", **kw)


def test_bad_option_types_raise_type_error(linreg_onnx):
    with pytest.raises(TypeError, match="model must be a path"):
        dlc.compile(42)
    with pytest.raises(TypeError, match="opt_level"):
        dlc.compile(linreg_onnx, opt_level="3")
    with pytest.raises(TypeError):
        dlc.compile(linreg_onnx, not_an_option=1)
