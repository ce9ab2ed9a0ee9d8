#!/usr/bin/python3
"""Hostile and broken files through `dlc compile` and `dlc-run`: models, external data,
artifacts, checkpoints, arrays, data sets, indices and options. Each must give one clear
`error:` line and a non-zero status, never a signal, and nothing outside the model's
directory may be read.

    bad_input.py BIN_DIR WORK_DIR"""
import json, os, struct, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from harness import Cases, f32

cases = Cases.from_argv()
path, tool, expect_error, save_model = cases.path, cases.tool, cases.expect_error, cases.save_model
DLC, RUN = tool("dlc"), tool("dlc-run")


def compile_error(label, model, *needles, extra=()):
    out = path("x.so")
    expect_error(label, [DLC, "compile", model, "-o", out, *extra], *needles)
    cases.check(label + ": no artifact left behind", not os.path.exists(out))


def compile_ok(model, out, *extra):
    p = subprocess.run([DLC, "compile", model, "-o", out, *extra], capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stderr)
        sys.exit(f"cannot compile {model}")


# --- ONNX models -------------------------------------------------------------------------
w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3), "w")
mm = [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Relu", ["h"], ["y"])]
good = save_model("good", mm, [f32("x", [2, 4])], [f32("y", [2, 3])], [w])
data = open(good, "rb").read()
open(path("truncated.onnx"), "wb").write(data[: len(data) * 2 // 3])
compile_error("truncated model", path("truncated.onnx"), "truncated.onnx")
open(path("empty.onnx"), "wb").close()
compile_error("empty model file", path("empty.onnx"), "empty.onnx")

compile_error("negative dimension", save_model("negdim", mm, [f32("x", [-3, 4])], [f32("y", [2, 3])], [w]),
              "'x'", "-3")
huge = 1 << 40
compile_error("dimensions whose product overflows int64",
              save_model("overflow", [helper.make_node("Relu", ["x"], ["y"])], [f32("x", [huge, huge])],
                         [f32("y", [huge, huge])]), "'x'")
big = onnx.TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1 << 62, 8], raw_data=b"\0" * 16)
compile_error("initializer with an overflowing shape", save_model("bigw", mm, [f32("x", [2, 4])], [f32("y", [2, 3])], [big]),
              "bigw.onnx", "overflow")
short = onnx.TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4, 3], raw_data=b"\0" * 20)
compile_error("initializer raw data shorter than its shape",
              save_model("shortw", mm, [f32("x", [2, 4])], [f32("y", [2, 3])], [short]), "tensor name: w", "20 bytes")
cycle = [helper.make_node("Relu", ["b"], ["a"], name="r1"), helper.make_node("Relu", ["a"], ["b"], name="r2"),
         helper.make_node("Add", ["x", "a"], ["y"], name="add")]
compile_error("graph with a cycle", save_model("cycle", cycle, [f32("x", [2])], [f32("y", [2])]), "cycle")
foreign = save_model("foreign", [helper.make_node("Frob", ["x"], ["y"], domain="com.example")], [f32("x", [2])],
                     [f32("y", [2])], extra_opsets=[helper.make_opsetid("com.example", 1)])
compile_error("op of an unknown domain", foreign, "com.example")


def external_model(name, location):
    t = onnx.TensorProto()
    t.name, t.data_type = "w", TensorProto.FLOAT
    t.dims.extend([4, 3])
    t.data_location = TensorProto.EXTERNAL
    e = t.external_data.add()
    e.key, e.value = "location", location
    d = path(name)
    os.makedirs(d, exist_ok=True)
    g = helper.make_graph(mm, name, [f32("x", [2, 4])], [f32("y", [2, 3])], initializer=[t])
    p = os.path.join(d, "model.onnx")
    with open(p, "wb") as f:
        f.write(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString())
    return p


secret = path("secret.bin")
np.arange(12, dtype=np.float32).tofile(secret)
compile_error("external data outside the model's directory (../)", external_model("ext_up", "../secret.bin"),
              "../secret.bin")
compile_error("external data at an absolute path", external_model("ext_abs", secret), secret)
link_model = external_model("ext_link", "w.bin")
os.symlink(secret, os.path.join(path("ext_link"), "w.bin"))
compile_error("external data through a symlink that leaves the directory", link_model, "w.bin")
compile_error("missing external data file", external_model("ext_missing", "nope.bin"), "nope.bin")
inside = external_model("ext_ok", "w.bin")
np.arange(12, dtype=np.float32).tofile(os.path.join(path("ext_ok"), "w.bin"))
cases.run_ok("external data inside the directory still loads", [DLC, "compile", inside, "-o", path("ext_ok.so")])

# --- artifacts ----------------------------------------------------------------------------
compile_ok(good, path("good.so"))
blob = open(path("good.so"), "rb").read()
x_ok = path("x_ok.npy")
np.save(x_ok, np.ones((2, 4), np.float32))
infer = lambda so, *extra: [RUN, "infer", so, "--input", "x=" + x_ok, "--output-dir", path("out"), *extra]

magic = struct.pack("<II", 0x434C44, 2)  # dlc_manifest.magic, abi_version
at = blob.find(magic)
cases.check("the manifest is found in the artifact", at >= 0 and blob.find(magic, at + 1) < 0)
open(path("abi9.so"), "wb").write(blob[:at] + struct.pack("<II", 0x434C44, 9) + blob[at + 8:])
expect_error("artifact from another dlc version", infer(path("abi9.so")), "ABI version 9", "recompile")
arm = bytearray(blob)
arm[18:20] = struct.pack("<H", 183)  # e_machine: EM_AARCH64
open(path("arm.so"), "wb").write(arm)
expect_error("artifact for another machine", infer(path("arm.so")), "arm.so")
for frac in (0.1, 0.5, 0.9, 0.999):
    open(path("cut.so"), "wb").write(blob[: int(len(blob) * frac)])
    expect_error(f"artifact truncated to {frac:.1%}", infer(path("cut.so")), "cut.so")
expect_error("empty artifact", infer(path("empty.onnx")), "empty.onnx")

# --- .npy and .npz --------------------------------------------------------------------------
np.save(path("fortran.npy"), np.asfortranarray(np.ones((2, 4), np.float32)))
expect_error(".npy in Fortran order", [RUN, "infer", path("good.so"), "--input", "x=" + path("fortran.npy"),
                                       "--output-dir", path("out")], "fortran.npy", "Fortran")
np.save(path("x_i32.npy"), np.ones((2, 4), np.int32))
expect_error(".npy of the wrong dtype", [RUN, "infer", path("good.so"), "--input", "x=" + path("x_i32.npy"),
                                         "--output-dir", path("out")], "'x'", "i32")
np.save(path("x_shape.npy"), np.ones((4, 2), np.float32))
expect_error(".npy of the wrong shape", [RUN, "infer", path("good.so"), "--input", "x=" + path("x_shape.npy"),
                                         "--output-dir", path("out")], "'x'", "4x2")
raw = open(x_ok, "rb").read()
open(path("x_cut.npy"), "wb").write(raw[:-5])
expect_error("truncated .npy", [RUN, "infer", path("good.so"), "--input", "x=" + path("x_cut.npy"),
                                "--output-dir", path("out")], "x_cut.npy")
np.savez(path("no_x.npz"), z=np.ones((2, 4), np.float32))
expect_error(".npz without the input", [RUN, "infer", path("good.so"), "--inputs", path("no_x.npz"),
                                        "--output-dir", path("out")], "'x'")
open(path("cut.npz"), "wb").write(open(path("no_x.npz"), "rb").read()[:100])
expect_error("truncated .npz", [RUN, "infer", path("good.so"), "--inputs", path("cut.npz"),
                                "--output-dir", path("out")], "cut.npz")
open(path("afile"), "w").write("not a directory")
expect_error("output directory that cannot be created", [RUN, "infer", path("good.so"), "--input", "x=" + x_ok,
                                                           "--output-dir", path("afile/out")], "afile/out")

# --- indices: token ids and labels ---------------------------------------------------------
emb = numpy_helper.from_array(np.random.default_rng(0).random((10, 4), np.float32), "emb")
w2 = numpy_helper.from_array(np.random.default_rng(1).random((4, 5), np.float32), "w2")
tok_model = save_model("tokens", [helper.make_node("Gather", ["emb", "tokens"], ["e"], name="embed"),
                                  helper.make_node("ReduceMean", ["e"], ["m"], axes=[1], keepdims=0),
                                  helper.make_node("MatMul", ["m", "w2"], ["y"])],
                       [helper.make_tensor_value_info("tokens", TensorProto.INT64, [4, 3])], [f32("y", [4, 5])],
                       [emb, w2])
compile_ok(tok_model, path("tokens.so"), "--train", "--loss", "cross_entropy")
info = subprocess.run([RUN, "info", path("tokens.so")], capture_output=True, text=True).stdout
cases.check("dlc-run info shows what each index input may hold",
            "values in [-10, 10): Gather 'embed'" in info and "values in [0, 5): loss 'cross_entropy'" in info)
for bad in (10, -11, 1 << 40):
    ids = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, 1, bad]], np.int64)
    np.save(path("ids.npy"), ids)
    expect_error(f"token id {bad} out of range for Gather", [RUN, "infer", path("tokens.so"), "--input",
                                                            "tokens=" + path("ids.npy"), "--output-dir", path("out")],
                 "'tokens'", str(bad), "[3, 2]", "[-10, 10)", "Gather 'embed'")
np.save(path("ids.npy"), np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, -1, -10]], np.int64))
cases.run_ok("negative token ids in range still run", [RUN, "infer", path("tokens.so"), "--input",
                                                        "tokens=" + path("ids.npy"), "--output-dir", path("out")])
tokens = np.tile(np.arange(12, dtype=np.int64).reshape(4, 3) % 10, (2, 1))
np.savez(path("labels_bad.npz"), tokens=tokens, label=np.array([0, 1, 2, 3, 4, 5, 0, 1], np.int64))
expect_error("label out of range for cross-entropy", [RUN, "train", path("tokens.so"), "--data",
                                                       "npz:" + path("labels_bad.npz"), "--steps", "2"], "label 5")
np.savez(path("labels_neg.npz"), tokens=tokens, label=np.array([0, 1, 2, 3, -1, 0, 0, 1], np.int64))
expect_error("negative label for cross-entropy", [RUN, "eval", path("tokens.so"), "--data",
                                                   "npz:" + path("labels_neg.npz")], "-1")
np.savez(path("tokens_bad.npz"), tokens=tokens * 2, label=np.array([0, 1, 2, 3, 4, 0, 0, 1], np.int64) % 5)
expect_error("token ids out of range during training", [RUN, "train", path("tokens.so"), "--data",
                                                         "npz:" + path("tokens_bad.npz"), "--steps", "2"],
             "'tokens'", "Gather 'embed'")

# --- CSV and options -----------------------------------------------------------------------
lin = save_model("lin", [helper.make_node("MatMul", ["x", "w"], ["y"])], [f32("x", [2, 4])], [f32("y", [2, 3])], [w])
compile_ok(lin, path("lin.so"), "--train", "--loss", "mse")
with open(path("text.csv"), "w") as f:
    f.write("a,b,c,d,t0,t1,t2\n1,2,3,4,0,0,0\n1,2,x3,4,0,0,0\n1,2,3,4,0,0,0\n")
expect_error("CSV with text in a numeric column", [RUN, "train", path("lin.so"), "--data", "csv:" + path("text.csv") +
                                                    ":label=t0", "--steps", "1"], "text.csv", "x3")
np.savez(path("lin.npz"), x=np.ones((8, 4), np.float32), label=np.ones((8, 3), np.float32))
train = [RUN, "train", path("lin.so"), "--data", "npz:" + path("lin.npz")]
expect_error("--threads 0", train + ["--steps", "1", "--threads", "0"], "--threads")
expect_error("--steps -1", train + ["--steps", "-1"], "--steps")
expect_error("--epochs 0", train + ["--epochs", "0"], "--epochs")
expect_error("checkpoint into an unwritable place", train + ["--steps", "1", "--checkpoint", path("afile/c.safetensors")],
             "afile/c.safetensors")

# --- checkpoints -----------------------------------------------------------------------------
ckpt = path("lin.safetensors")
cases.run_ok("a checkpoint is written", train + ["--steps", "2", "--checkpoint", ckpt])


def read_safetensors(p):
    b = open(p, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    return json.loads(b[8:8 + n]), b[8 + n:]


def write_safetensors(p, header, body):
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    open(p, "wb").write(struct.pack("<Q", len(h)) + h + body)


header, body = read_safetensors(ckpt)
resume = lambda c: train + ["--steps", "4", "--resume", c]
infer_ck = lambda c: [RUN, "infer", path("lin.so"), "--input", "x=" + x_ok, "--output-dir", path("out"),
                      "--checkpoint", c]
for frac in (0.0, 0.3, 0.99):
    b = open(ckpt, "rb").read()
    open(path("cut.safetensors"), "wb").write(b[: int(len(b) * frac)])
    expect_error(f"checkpoint truncated to {frac:.0%}", resume(path("cut.safetensors")), "cut.safetensors")
wrong, data = {"__metadata__": header.get("__metadata__", {})}, b""
for name, t in header.items():
    if name == "__metadata__":
        continue
    s, e = t["data_offsets"]
    chunk = body[s:e]
    if name == "w":  # the same values as f64: a well-formed file, the wrong dtype
        t = dict(t, dtype="F64")
        chunk = np.frombuffer(chunk, np.float32).astype(np.float64).tobytes()
    wrong[name] = dict(t, data_offsets=[len(data), len(data) + len(chunk)])
    data += chunk
write_safetensors(path("f64.safetensors"), wrong, data)
expect_error("checkpoint with a wrong dtype", infer_ck(path("f64.safetensors")), "'w'", "f64 4x3", "f32 4x3")
wrong = json.loads(json.dumps(header))
wrong["w"]["shape"] = [3, 4]
write_safetensors(path("shape.safetensors"), wrong, body)
expect_error("checkpoint with a wrong shape", infer_ck(path("shape.safetensors")), "'w'", "3x4")
nan = bytearray(body)
s, _ = header["w"]["data_offsets"]
nan[s:s + 4] = struct.pack("<f", float("nan"))
write_safetensors(path("nan.safetensors"), header, bytes(nan))
expect_error("checkpoint with NaN", infer_ck(path("nan.safetensors")), "'w'", "NaN")
expect_error("resume from a checkpoint with NaN", resume(path("nan.safetensors")), "'w'", "NaN")
compile_ok(tok_model, path("tokens_infer.so"))
np.save(path("ids.npy"), np.zeros((4, 3), np.int64))
expect_error("checkpoint of another model", [RUN, "infer", path("tokens_infer.so"), "--input", "tokens=" + path("ids.npy"),
                                             "--output-dir", path("out"), "--checkpoint", ckpt], "lin.safetensors")
np.savez(path("labels_ok.npz"), tokens=tokens, label=np.array([0, 1, 2, 3, 4, 0, 0, 1], np.int64))
expect_error("resume from a checkpoint of another model", [RUN, "train", path("tokens.so"), "--data",
                                                           "npz:" + path("labels_ok.npz"), "--steps", "1", "--resume",
                                                           ckpt], "lin.safetensors")
expect_error("missing checkpoint", infer_ck(path("nope.safetensors")), "nope.safetensors")

cases.finish()
