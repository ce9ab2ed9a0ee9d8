"""End-to-end checks of the dlc-run binary on the fixture artifacts; output numbers are
compared with NumPy.

usage: dlc_run_cli_test.py DLC_RUN FIXTURE_DIR CASE
CASE is one of the functions named case_* below.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

DLC_RUN, FIXTURES, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
ADD = os.path.join(FIXTURES, "add.so")
ADD_TRAIN = os.path.join(FIXTURES, "add_train.so")
AFFINE = os.path.join(FIXTURES, "affine.so")
W = np.array([0.5, -1.25, 2.0, 100.0], dtype=np.float32)  # add.c's weights
B = np.array([1.0, 2.0, 3.0], dtype=np.float32)  # affine.c's b

failures = []


def run(*args):
    return subprocess.run([DLC_RUN, *args], capture_output=True, text=True, timeout=120)


def expect(cond, what):
    if not cond:
        failures.append(what)
    return cond


def expect_ok(r, label):
    return expect(r.returncode == 0, "%s: exit %d, stderr: %s" % (label, r.returncode, r.stderr))


def expect_error(r, label, fragment, code=1):
    """One 'dlc-run: error: ...' line on stderr containing fragment, and the exit code."""
    lines = r.stderr.splitlines()
    expect(r.returncode == code, "%s: exit %d, want %d (stderr: %s)" % (label, r.returncode, code, r.stderr))
    expect(len(lines) == 1 and lines[0].startswith("dlc-run: error: "),
           "%s: stderr is not one error line: %r" % (label, r.stderr))
    expect(fragment in r.stderr, "%s: %r not in stderr %r" % (label, fragment, r.stderr))


def case_info(tmp):
    r = run("info", ADD_TRAIN)
    expect_ok(r, "info add_train")
    out = r.stdout
    for pattern in [
        r"^target:\s+cpu$",
        r"^producer:\s+dlc test fixture$",
        r"^abi_version:\s+1$",
        r"^entry infer: 1 input, 1 output, arena 64 bytes$",
        r"^\s+input\s+x\s+f32\s+4$",
        r"^\s+output\s+y\s+f32\s+4$",
        r"^entry train_step: 3 inputs, 1 output, arena 0 bytes$",
        r"^\s+input\s+lr\s+f32\s+scalar$",
        r"^\s+name\s+dtype\s+shape\s+trainable\s+bytes$",
        r"^\s+w\s+f32\s+4\s+yes\s+16$",
        r"^total_param_bytes: 16$",
    ]:
        expect(re.search(pattern, out, re.M), "info add_train: no line matching %r in:\n%s" % (pattern, out))
    r = run("info", AFFINE)
    expect_ok(r, "info affine")
    for pattern in [r"^\s+input\s+x\s+f32\s+2x3$", r"^\s+input\s+k\s+i32\s+scalar$",
                    r"^\s+output\s+s\s+f64\s+scalar$", r"^\s+steps\s+i64\s+2\s+no\s+16$",
                    r"^\s+b\s+f32\s+3\s+yes\s+12$", r"^total_param_bytes: 28$"]:
        expect(re.search(pattern, r.stdout, re.M), "info affine: no line matching %r" % pattern)


def case_infer(tmp):
    x = np.array([1.0, -2.5, 3.25, 1e6], dtype=np.float32)
    np.save(os.path.join(tmp, "x.npy"), x)
    out_dir = os.path.join(tmp, "out", "nested")
    r = run("infer", ADD, "--input", "x=" + os.path.join(tmp, "x.npy"), "--output-dir", out_dir)
    if expect_ok(r, "infer add"):
        y = np.load(os.path.join(out_dir, "y.npy"))
        expect(y.dtype == np.float32 and y.shape == (4,), "infer add: y is %s %s" % (y.dtype, y.shape))
        expect(np.array_equal(y, x + W), "infer add: y = %s, want %s" % (y, x + W))
        expect(os.listdir(out_dir) == ["y.npy"], "infer add: output dir holds %s" % os.listdir(out_dir))

    # --inputs: arrays named like the inputs; extra arrays (a label) are ignored.
    xa = np.random.default_rng(1).standard_normal((2, 3)).astype(np.float32)
    np.savez_compressed(os.path.join(tmp, "in.npz"), x=xa, k=np.int32(-4), label=np.arange(3))
    r = run("infer", AFFINE, "--inputs", os.path.join(tmp, "in.npz"), "--output-dir", tmp, "--threads", "2")
    if expect_ok(r, "infer affine"):
        y = np.load(os.path.join(tmp, "y.npy"))
        s = np.load(os.path.join(tmp, "s.npy"))
        want = xa * np.float32(-4) + B
        expect(np.allclose(y, want, rtol=1e-6, atol=0), "infer affine: y = %s, want %s" % (y, want))
        expect(s.dtype == np.float64 and s.shape == () and np.isclose(s, want.astype(np.float64).sum()),
               "infer affine: s = %r, want %r" % (s, want.sum()))

    # --input overrides the archive.
    np.save(os.path.join(tmp, "k.npy"), np.int32(2))
    r = run("infer", AFFINE, "--inputs", os.path.join(tmp, "in.npz"), "--input",
            "k=" + os.path.join(tmp, "k.npy"), "--output-dir", tmp)
    if expect_ok(r, "infer affine override"):
        y = np.load(os.path.join(tmp, "y.npy"))
        expect(np.allclose(y, xa * 2 + B, rtol=1e-6), "infer affine override: y = %s" % y)


def case_infer_errors(tmp):
    np.save(os.path.join(tmp, "x.npy"), np.zeros(4, np.float32))
    np.save(os.path.join(tmp, "x3.npy"), np.zeros(3, np.float32))
    np.save(os.path.join(tmp, "x64.npy"), np.zeros(4, np.float64))
    x = "x=" + os.path.join(tmp, "x.npy")
    out = ["--output-dir", os.path.join(tmp, "out")]
    expect_error(run("infer", ADD, *out), "missing input",
                 "missing input 'x' (4 f32) for entry 'infer'; pass --input x=FILE.npy")
    expect_error(run("infer", ADD, "--input", "x=" + os.path.join(tmp, "x3.npy"), *out), "wrong shape",
                 "input 'x' (%s): expected shape 4 f32, got 3 f32" % os.path.join(tmp, "x3.npy"))
    expect_error(run("infer", ADD, "--input", "x=" + os.path.join(tmp, "x64.npy"), *out), "wrong dtype",
                 "expected shape 4 f32, got 4 f64")
    expect_error(run("infer", ADD, "--input", "z=" + os.path.join(tmp, "x.npy"), *out), "unknown input",
                 "unknown input 'z'")
    expect_error(run("infer", ADD, "--input", x, "--input", x, *out), "input twice", "input 'x' is given twice")
    expect_error(run("infer", ADD, "--input", "x", *out), "no '='", "--input expects NAME=FILE.npy, got 'x'")
    expect_error(run("infer", ADD, "--input", "x=" + os.path.join(tmp, "nope.npy"), *out), "missing file",
                 "nope.npy': No such file or directory")
    expect_error(run("infer", ADD, "--input", x), "no output dir", "--output-dir DIR is required")
    expect_error(run("infer", ADD, "--input", x, "--frobnicate", *out), "unknown flag",
                 "unknown option '--frobnicate'")
    expect_error(run("infer", ADD, "--input", x, "--threads", "zero", *out), "bad threads",
                 "--threads expects an integer")
    expect_error(run("infer", ADD, "--input", x, ADD, *out), "two models", "unexpected argument")
    expect(not os.path.exists(os.path.join(tmp, "out", "y.npy")), "a failed infer wrote an output")


def case_artifact_errors(tmp):
    whole = open(ADD, "rb").read()
    half = os.path.join(tmp, "half.so")
    open(half, "wb").write(whole[: len(whole) // 2])
    text = os.path.join(tmp, "text.so")
    open(text, "w").write("not an ELF\n")
    for cmd in (["info"], ["infer", "--output-dir", tmp], ["bench"]):
        expect_error(run(cmd[0], half, *cmd[1:]), cmd[0] + " truncated", "artifact '%s' is truncated" % half)
    expect_error(run("info", text), "not ELF", "is not an ELF shared object")
    expect_error(run("info", os.path.join(tmp, "missing.so")), "missing artifact", "No such file or directory")
    expect_error(run("info", os.path.join(FIXTURES, "wrong_abi.so")), "wrong ABI",
                 "built for runtime ABI version 2, but this runtime implements ABI version 1")
    expect_error(run("info"), "no model", "missing MODEL.so")
    crash = os.path.join(FIXTURES, "crashes_on_load.so")
    expect_error(run("info", crash), "crash on load", "artifact '%s' is corrupt: loading it crashed" % crash)


def case_bench(tmp):
    line = re.compile(r"^median_ms=\d+\.\d{3} min_ms=\d+\.\d{3} max_ms=\d+\.\d{3}$")
    for args in (["bench", ADD, "--iters", "20", "--warmup", "2", "--threads", "1"],
                 ["bench", ADD_TRAIN, "--entry", "train_step", "--iters", "5"],
                 ["bench", AFFINE, "--iters", "3", "--warmup", "0"]):
        r = run(*args)
        if expect_ok(r, " ".join(args[:2])):
            last = r.stdout.strip().splitlines()[-1]
            expect(line.match(last), "bench: last line %r" % last)
            nums = [float(v) for v in re.findall(r"=(\d+\.\d+)", last)]
            expect(nums[1] <= nums[0] <= nums[2], "bench: not min <= median <= max: %r" % last)
    expect_error(run("bench", ADD, "--entry", "train_step"), "bench no entry",
                 "has no entry point 'train_step' (it has: infer)")
    expect_error(run("bench", ADD, "--iters", "0"), "bench iters", "--iters expects an integer in 1..")


def case_train_eval(tmp):
    for cmd in ("train", "eval"):
        expect_error(run(cmd, ADD, "--data", "npz:x.npz"), cmd + " inference-only",
                     "'%s' needs an artifact compiled with --train" % cmd)
        expect_error(run(cmd, ADD_TRAIN, "--data", "npz:x.npz"), cmd + " trainable",
                     "'%s' is not available in this build" % cmd, code=2)
    expect_error(run("train", ADD_TRAIN, "--epochs"), "train missing value", "option '--epochs' needs a value")


def case_help(tmp):
    r = run("--help")
    expect_ok(r, "--help")
    for cmd in ("info", "infer", "bench", "train", "eval"):
        expect(re.search(r"^\s+%s\s" % cmd, r.stdout, re.M), "--help does not list %s" % cmd)
        h = run(cmd, "--help")
        expect_ok(h, cmd + " --help")
        expect(h.stdout.startswith("usage: dlc-run " + cmd), "%s --help: %r" % (cmd, h.stdout[:60]))
    expect_error(run("frobnicate"), "unknown command", "unknown command 'frobnicate'")
    r = run()
    expect(r.returncode == 1 and "usage:" in r.stderr, "no arguments: exit %d" % r.returncode)


cases = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}
if CASE not in cases:
    sys.exit("unknown case %r (have: %s)" % (CASE, ", ".join(cases)))
tmp = tempfile.mkdtemp(prefix="dlc-run-test-")
try:
    cases[CASE](tmp)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
