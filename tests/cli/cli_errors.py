#!/usr/bin/python3
"""Bad input to `dlc compile` and `dlc-run`: each case must exit with status 1 (2 for bad
arguments to `dlc compile`; not a signal), print exactly one line starting with `dlc: error:`
or `dlc-run: error:`, and name what is wrong.

    cli_errors.py BIN_DIR WORK_DIR"""
import os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from harness import Cases, f32

cases = Cases.from_argv()
path, tool, expect_error, save_model = cases.path, cases.tool, cases.expect_error, cases.save_model

# A small real model: y = relu(x @ w).
w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3), "w")
good = save_model("good", [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Relu", ["h"], ["y"])],
                  [f32("x", [2, 4])], [f32("y", [2, 3])], [w])
p = subprocess.run([tool("dlc"), "compile", good, "-o", path("good.so")], capture_output=True, text=True)
# A successful compile says nothing (the LLVM IR translation once warned about every
# entry argument's dlc attributes and printed the whole function).
ok = cases.check("a good model compiles silently", p.returncode == 0 and p.stderr == "" and p.stdout == "",
                 f"exit {p.returncode}, stderr {p.stderr[:300]!r}")
if p.returncode != 0:
    sys.exit(1)
# --time-passes: the artifact as without it, and on stderr a tree of every stage (each
# line "user (share) wall (share) name") whose shares add up to the total.
p = subprocess.run([tool("dlc"), "compile", good, "-o", path("timed.so"), "--time-passes"], capture_output=True,
                   text=True)
stages, rest = {}, 0.0
for line in p.stderr.splitlines():
    # A stage is a tree's top level: its name 2 spaces after the wall time, passes deeper.
    # "Rest" is the time outside every stage (writing the artifact): a few percent of this
    # 0.1 s compile, so the stages alone may sum to less than 99%.
    m = re.match(r"\s+[0-9.]+ \(\s*[0-9.]+%\)\s+[0-9.]+ \(\s*([0-9.]+)%\)  (\S+)$", line)
    if m and m.group(2) == "Rest":
        rest = float(m.group(1))
    elif m and m.group(2) != "Total":
        stages[m.group(2)] = float(m.group(1))
want = ["onnx-import", "graph-to-kernel", "kernel-to-linalg", "bufferize", "lowering", "llvm-codegen"]
cases.check("--time-passes reports each stage's share of the compile",
            p.returncode == 0 and os.path.getsize(path("timed.so")) > 0 and all(s in stages for s in want)
            and 99.0 <= sum(stages.values()) + rest <= 101.0 and sum(stages.values()) >= 90.0
            and "VectorizeMatmul" in p.stderr,
            f"exit {p.returncode}, stages {stages}, rest {rest}, stderr {p.stderr[:400]!r}")

# dlc compile
with open(path("garbage.onnx"), "wb") as f:
    f.write(os.urandom(1000))
expect_error("malformed model", [tool("dlc"), "compile", path("garbage.onnx"), "-o", path("x.so")], "garbage.onnx")
expect_error("missing model", [tool("dlc"), "compile", path("nope.onnx"), "-o", path("x.so")], "nope.onnx")
unsupported = save_model("unsupported", [helper.make_node("NonMaxSuppression", ["b", "s"], ["y"], name="nms0")],
                         [f32("b", [1, 4, 4]), f32("s", [1, 1, 4])],
                         [helper.make_tensor_value_info("y", TensorProto.INT64, [4, 3])])
expect_error("unsupported op", [tool("dlc"), "compile", unsupported, "-o", path("x.so")], "NonMaxSuppression", "nms0", "17")
symbolic = save_model("symbolic", [helper.make_node("Relu", ["x"], ["y"])], [f32("x", ["batch", 4])], [f32("y", ["batch", 4])])
expect_error("symbolic dim without --input-shape", [tool("dlc"), "compile", symbolic, "-o", path("x.so")], "x")
expect_error("unknown option", [tool("dlc"), "compile", good, "-o", path("x.so"), "--frobnicate"], "--frobnicate", status=2)
expect_error("bad --emit", [tool("dlc"), "compile", good, "--emit", "asm"], "asm", status=2)
train = [tool("dlc"), "compile", good, "-o", path("x.so"), "--train", "--loss", "mse"]
expect_error("--label-smoothing above 1", train[:-2] + ["--label-smoothing", "1.5"], "--label-smoothing 1.5", "[0, 1]", status=2)
expect_error("--label-smoothing below 0", train[:-2] + ["--label-smoothing", "-0.1"], "--label-smoothing -0.1", "[0, 1]", status=2)
expect_error("--label-smoothing with mse", train + ["--label-smoothing", "0.1"], "cross_entropy", "'mse'")
expect_error("invalid --freeze regex", train + ["--freeze", "w("], "--freeze 'w('", "not a valid regular expression", status=2)
expect_error("--freeze matching nothing", train + ["--freeze", "^bias"], "--freeze '^bias'", "none of the trainable", "(w)")
expect_error("unknown loss", train[:-1] + ["bce_logit"], "unknown loss 'bce_logit'", "bce_logits")
assert not os.path.exists(path("x.so")), "a failed compile left an artifact behind"

# dlc-run infer
np.save(path("x_ok.npy"), np.ones((2, 4), np.float32))
np.save(path("x_shape.npy"), np.ones((3, 4), np.float32))
np.save(path("x_dtype.npy"), np.ones((2, 4), np.float64))
expect_error("wrong input shape", [tool("dlc-run"), "infer", path("good.so"), "--input", "x=" + path("x_shape.npy"),
                                   "--output-dir", path("out")], "'x'", "2x4", "3x4")
expect_error("wrong input dtype", [tool("dlc-run"), "infer", path("good.so"), "--input", "x=" + path("x_dtype.npy"),
                                   "--output-dir", path("out")], "'x'", "f32", "f64")
expect_error("missing input", [tool("dlc-run"), "infer", path("good.so"), "--output-dir", path("out")], "'x'")
expect_error("unknown input", [tool("dlc-run"), "infer", path("good.so"), "--input", "x=" + path("x_ok.npy"),
                               "--input", "z=" + path("x_ok.npy"), "--output-dir", path("out")], "'z'")
data = open(path("good.so"), "rb").read()
with open(path("truncated.so"), "wb") as f:
    f.write(data[: len(data) // 2])
expect_error("truncated artifact", [tool("dlc-run"), "infer", path("truncated.so"), "--input", "x=" + path("x_ok.npy"),
                                    "--output-dir", path("out")], "truncated.so")
expect_error("not an artifact", [tool("dlc-run"), "info", good], "good.onnx")

# and the good path still works
p = subprocess.run([tool("dlc-run"), "infer", path("good.so"), "--input", "x=" + path("x_ok.npy"), "--output-dir", path("out")],
                   capture_output=True, text=True)
ref = np.maximum(np.ones((2, 4), np.float32) @ np.arange(12, dtype=np.float32).reshape(4, 3), 0)
cases.check("good model runs and matches NumPy", p.returncode == 0 and np.allclose(np.load(path("out/y.npy")), ref))
cases.finish()
