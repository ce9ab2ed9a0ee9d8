"""dlc.load and Session: signatures, entry points on NumPy arrays, parameter views,
checkpoints, shared parameters; every error path. References are NumPy formulas."""
import gc
import json
import os
import struct
import threading
import time
import tracemalloc

import numpy as np
import pytest
import torch
import torch.nn as nn

import dlc
from conftest import export, relerr


def batch(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((8, 4)).astype(np.float32), rng.standard_normal((8, 2)).astype(np.float32)


def sgd_step(w, b, x, t, lr):
    """One SGD step on mean((x w^T + b - t)^2) over all elements: the reference."""
    d = 2.0 * (x @ w.T + b - t) / t.size
    return w - lr * d.T @ x, b - lr * d.sum(0)


def test_signatures(linreg_train):
    s = dlc.load(linreg_train)
    assert s.entries == ["infer", "train_step", "eval_step"]
    assert [(t.name, t.shape, t.dtype) for t in s.inputs] == [("x", (8, 4), "float32")]
    assert [(t.name, t.shape, t.dtype) for t in s.outputs] == [("y", (8, 2), "float32")]
    ins, outs = s.signature("train_step")
    assert [(t.name, t.shape) for t in ins] == [("x", (8, 4)), ("label", (8, 2))]
    assert [(t.name, t.shape, t.dtype) for t in outs] == [("loss", (), "float32")]
    params = {p.name: p for p in s.parameters}
    assert params["weight"].shape == (2, 4) and params["weight"].trainable
    assert params["optimizer.lr"].dtype == "float32" and not params["optimizer.lr"].trainable
    assert repr(s.inputs[0]) == "TensorSpec(name='x', shape=(8, 4), dtype='float32')"
    assert "linreg_train.so" in repr(s) and s.model_name
    with pytest.raises(AttributeError, match="no entry point 'predict'"):
        s.signature("predict")


def test_infer_matches_numpy(linreg_infer):
    s = dlc.load(linreg_infer)
    x, _ = batch()
    w, b = s.params["weight"], s.params["bias"]
    # Stored transposed (prepacked for the matmul), presented in the model's layout.
    assert w.shape == (2, 4) and not w.flags.c_contiguous and s.parameters[0].shape == (2, 4)
    y = s.infer(x=x)
    assert list(y) == ["y"] and y["y"].dtype == np.float32 and y["y"].flags.c_contiguous
    assert relerr(y["y"], x @ w.T + b) < 1e-6
    assert relerr(s.run("infer", x=x)["y"], x @ w.T + b) < 1e-6


def test_arrays_in(linreg_infer):
    s = dlc.load(linreg_infer)
    x, _ = batch()
    ref = s.infer(x=x)["y"]
    # Other strides: copied once. A list: converted. A torch tensor: read through DLPack.
    np.testing.assert_array_equal(s.infer(x=np.asfortranarray(x))["y"], ref)
    np.testing.assert_array_equal(s.infer(x=np.repeat(x, 2, axis=1)[:, ::2])["y"], ref)
    np.testing.assert_array_equal(s.infer(x=x.tolist())["y"], ref)
    np.testing.assert_array_equal(s.infer(x=torch.from_numpy(x))["y"], ref)
    ro = x.copy()
    ro.flags.writeable = False
    np.testing.assert_array_equal(s.infer(x=ro)["y"], ref)


def test_array_errors_name_input_and_both_signatures(linreg_infer):
    s = dlc.load(linreg_infer)
    x, _ = batch()
    with pytest.raises(TypeError, match=r"input 'x' expects float32 \(8, 4\), got float64 \(8, 4\)"):
        s.infer(x=x.astype(np.float64))
    with pytest.raises(ValueError, match=r"input 'x' expects float32 \(8, 4\), got float32 \(4, 8\)"):
        s.infer(x=x.T.copy())
    with pytest.raises(TypeError, match="missing input 'x'"):
        s.infer()
    with pytest.raises(TypeError, match="unexpected input 'z'"):
        s.infer(x=x, z=x)
    with pytest.raises(TypeError, match="input 'x'"):
        s.infer(x="not numbers")


def test_inputs_are_not_copied(linreg_infer, matmul_big):
    s = dlc.load(matmul_big)
    x = np.ones((1024, 1024), np.float32)
    tracemalloc.start()
    s.infer(x=x)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < x.nbytes // 8  # the binding made no NumPy copy of the 4 MiB input
    assert s.staged_bytes == 0   # and the runtime staged nothing: used in place
    # An array not aligned to its element is the one case the runtime copies (and says so).
    small = dlc.load(linreg_infer)
    raw = np.zeros(8 * 4 * 4 + 1, np.uint8)
    odd = np.frombuffer(raw.data, np.float32, 32, offset=1).reshape(8, 4)
    small.infer(x=odd)
    assert small.staged_bytes == odd.nbytes


def test_param_views_are_live(linreg_train):
    s = dlc.load(linreg_train)
    x, t = batch()
    w = s.params["weight"]
    assert np.shares_memory(w, s.params["weight"]) and w.flags.writeable
    w0, b0 = w.copy(), s.params["bias"].copy()
    loss = s.train_step(x=x, label=t)
    assert loss == pytest.approx(float(np.mean((x @ w0.T + b0 - t) ** 2)), rel=1e-5)
    w1, b1 = sgd_step(w0, b0, x, t, 0.1)
    assert relerr(w, w1) < 1e-5  # the view taken before the step sees the update
    w[...] = 0  # and what is written to a view is what the kernels read
    s.params["bias"][...] = [1, 2]
    np.testing.assert_array_equal(s.infer(x=x)["y"], np.tile([1, 2], (8, 1)))


def test_lr_and_step(linreg_train, linreg_infer):
    s = dlc.load(linreg_train)
    x, t = batch()
    assert s.lr == pytest.approx(0.1) and s.step == 0
    s.lr = 0.5
    w0, b0 = s.params["weight"].copy(), s.params["bias"].copy()
    s.train_step(x=x, label=t)
    assert relerr(s.params["weight"], sgd_step(w0, b0, x, t, 0.5)[0]) < 1e-5
    assert s.step == 1
    s.step = 10
    assert s.params["optimizer.step"] == 10
    plain = dlc.load(linreg_infer)
    with pytest.raises(KeyError, match="optimizer.lr"):
        plain.lr
    with pytest.raises(AttributeError, match="train=True"):
        plain.train_step(x=x, label=t)


def test_eval_step_changes_nothing(linreg_train):
    s = dlc.load(linreg_train)
    x, t = batch()
    w0 = s.params["weight"].copy()
    out = s.eval_step(x=x, label=t)
    ref = float(np.mean((x @ w0.T + s.params["bias"] - t) ** 2))
    assert float(out["loss"]) == pytest.approx(ref, rel=1e-5)
    np.testing.assert_array_equal(s.params["weight"], w0)
    assert s.step == 0


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]],
                                {"F32": np.float32, "I64": np.int64}[v["dtype"]]).reshape(v["shape"])
               for k, v in header.items()}
    return tensors, meta


def test_save_and_restore(linreg_train, linreg_infer, tmp_path):
    s = dlc.load(linreg_train)
    x, t = batch()
    s.train_step(x=x, label=t)
    path = tmp_path / "ckpt.safetensors"
    s.save(path, metadata={"epoch": 3})
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]  # written through a temporary file, renamed
    tensors, meta = read_safetensors(path)  # an independent reader of the format
    np.testing.assert_array_equal(tensors["weight"], s.params["weight"])
    assert tensors["optimizer.step"] == 1 and meta["epoch"] == "3"
    saved = s.params["weight"].copy()
    s.train_step(x=x, label=t)
    assert s.restore(path)["epoch"] == "3"
    np.testing.assert_array_equal(s.params["weight"], saved)
    assert s.step == 1
    other = dlc.load(linreg_infer)  # no optimizer state: the checkpoint has tensors it lacks
    with pytest.raises(ValueError, match="optimizer"):
        other.restore(path)
    other.restore(path, allow_extra=True)
    np.testing.assert_array_equal(other.params["weight"], saved)
    with pytest.raises(ValueError):
        s.restore(tmp_path / "missing.safetensors")


def test_bind_shares_storage(linreg_train):
    trainer, server = dlc.load(linreg_train), dlc.load(linreg_train)
    server.bind(trainer, ["weight", "bias"])
    assert np.shares_memory(server.params["weight"], trainer.params["weight"])
    x, t = batch()
    for _ in range(3):
        trainer.train_step(x=x, label=t)
    w, b = trainer.params["weight"].copy(), trainer.params["bias"].copy()
    assert relerr(server.infer(x=x)["y"], x @ w.T + b) < 1e-6  # no copy between the steps
    del trainer
    gc.collect()
    assert relerr(server.infer(x=x)["y"], x @ w.T + b) < 1e-6  # the storage outlives its owner


def test_bind_by_mapping_and_its_errors(linreg_train, linreg_infer):
    a, b = dlc.load(linreg_train), dlc.load(linreg_train)
    b.bind(a, {"bias": "bias"})
    assert np.shares_memory(b.params["bias"], a.params["bias"])
    before = b.params["weight"].copy()
    with pytest.raises(KeyError, match="no parameter 'nope'"):
        b.bind(a, ["weight", "nope"])
    assert not np.shares_memory(b.params["weight"], a.params["weight"])  # nothing changed
    np.testing.assert_array_equal(b.params["weight"], before)
    with pytest.raises(ValueError, match=r"parameter 'weight' of .* is f32 2x4 but 'bias'"):
        b.bind(a, {"weight": "bias"})
    with pytest.raises(TypeError, match="not one string"):
        b.bind(a, "weight")
    # An inference-only artifact stores the weight it reads transposed: another layout.
    with pytest.raises(ValueError, match="laid out differently"):
        dlc.load(linreg_infer).bind(a, ["weight"])


def test_gil_is_released_while_kernels_run(matmul_big):
    s = dlc.load(matmul_big, threads=1)
    x = np.ones((1024, 1024), np.float32)
    start = time.perf_counter()
    s.infer(x=x)
    kernel = time.perf_counter() - start
    worker = threading.Thread(target=lambda: [s.infer(x=x) for _ in range(3)])
    gaps, last = [], time.perf_counter()
    worker.start()
    while worker.is_alive():
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    worker.join()
    dlc.set_num_threads(0)
    # Held, the GIL would stop this loop for a whole kernel; released, only for a switch interval.
    assert max(gaps) < kernel / 2, (max(gaps), kernel)


def test_kernels_find_the_thread_pool(linreg_infer):
    """Python loads the extension (and libdlcrt) with RTLD_LOCAL; compiled kernels find
    dlc_parallel_for by name (weakly: unresolved, they run on one thread), so loading an
    artifact must make the runtime's symbols global."""
    import ctypes
    dlc.load(linreg_infer)
    assert ctypes.CDLL(None).dlc_parallel_for  # resolved through the global scope


def test_load_errors(tmp_path):
    with pytest.raises(OSError, match="nope.so"):
        dlc.load(tmp_path / "nope.so")
    (tmp_path / "junk.so").write_bytes(b"\x7fELF garbage")
    with pytest.raises(RuntimeError, match="junk.so"):
        dlc.load(tmp_path / "junk.so")
    with pytest.raises(ValueError, match="threads"):
        dlc.load(tmp_path / "junk.so", threads=0)


def test_threads(linreg_infer):
    dlc.load(linreg_infer, threads=2)
    assert dlc.get_num_threads() == 2
    dlc.set_num_threads(0)
    assert dlc.abi_version() >= 1


def test_cuda_artifact_through_the_same_api(linreg_onnx, linreg_infer, tmp_path):
    s = dlc.load(dlc.compile(linreg_onnx, tmp_path / "cuda.so", target="cuda"))
    assert s.target == "cuda" and [t.name for t in s.inputs] == ["x"]
    cpu = dlc.load(linreg_infer)
    with pytest.raises(RuntimeError, match="two CPU artifacts"):
        s.bind(cpu, ["weight"])
    x, _ = batch()
    try:
        y = s.infer(x=x)["y"]
    except RuntimeError as e:  # no GPU or driver on this machine: a clear error, not a crash
        assert "CUDA" in str(e) or "libcuda" in str(e) or "GPU" in str(e), str(e)
    else:
        assert relerr(y, cpu.infer(x=x)["y"]) < 1e-5


def test_plot_lines(tmp_path):
    path = tmp_path / "loss.svg"
    dlc.plot_lines(str(path), {"D": ([0, 1, 2], [1.0, 0.7, 0.6]), "G": ([0, 1, 2], [2.0, 1.5, 1.2])},
                   title="losses")
    svg = path.read_text()
    assert svg.startswith("<svg") or svg.startswith("<?xml")
    assert svg.count('class="series"') == 2 and "losses" in svg
    with pytest.raises(TypeError, match="pair"):
        dlc.plot_lines(str(path), {"D": [1, 2, 3]})
    with pytest.raises(ValueError):
        dlc.plot_lines(str(tmp_path / "missing" / "x.svg"), {"D": ([0], [1])})


def test_labels_and_token_ids_out_of_range_are_refused(workdir):
    """The compiled code reads memory at token ids and class labels: the runtime refuses values
    outside their range before it runs (a ValueError naming the input, the value and where),
    as PyTorch's embedding and cross_entropy do, instead of reading out of bounds."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Embedding(10, 4), nn.Flatten(), nn.Linear(12, 5))
    path = export(net, torch.zeros(2, 3, dtype=torch.long), str(workdir / "tokens.onnx"), names=("tokens",),
                  training=True)
    s = dlc.load(dlc.compile(path, workdir / "tokens.so", train=True, loss="cross_entropy"))
    tokens = np.array([[1, 2, 3], [4, 5, 9]], np.int64)
    s.train_step(tokens=tokens, label=np.array([0, 4], np.int64))
    with pytest.raises(ValueError, match=r"input 'label' holds 5 at \[1\]; loss 'cross_entropy' takes values in \[0, 5\)"):
        s.train_step(tokens=tokens, label=np.array([0, 5], np.int64))
    with pytest.raises(ValueError, match=r"input 'tokens' holds 10 at \[1, 2\]; Gather '.*' takes values in \[-10, 10\)"):
        s.infer(tokens=np.array([[1, 2, 3], [4, 5, 10]], np.int64))
    steps = s.step
    with pytest.raises(ValueError, match="input 'tokens' holds -11"):
        s.train_step(tokens=np.array([[1, 2, 3], [4, 5, -11]], np.int64), label=np.array([0, 1], np.int64))
    assert s.step == steps  # a refused call changes nothing
