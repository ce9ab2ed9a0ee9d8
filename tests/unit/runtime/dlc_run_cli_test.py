"""End-to-end checks of the dlc-run binary on the fixture artifacts; output numbers are
compared with NumPy.

usage: dlc_run_cli_test.py DLC_RUN FIXTURE_DIR CASE
CASE is one of the functions named case_* below.
"""
import gzip
import json
import os
import re
import struct

import numpy as np

from dlc_run_harness import binary_data, expect, expect_error, expect_ok, fixture, run, run_case, start

DLC_RUN, FIXTURES, CASE = start("dlc_run_cli_test.py")
ADD = fixture("add")
ADD_TRAIN = fixture("add_train")
AFFINE = fixture("affine")
W = np.array([0.5, -1.25, 2.0, 100.0], dtype=np.float32)  # add.c's weights
B = np.array([1.0, 2.0, 3.0], dtype=np.float32)  # affine.c's b


def case_info(tmp):
    r = run("info", ADD_TRAIN)
    expect_ok(r, "info add_train")
    out = r.stdout
    for pattern in [
        r"^target:\s+cpu$",
        r"^producer:\s+dlc test fixture$",
        r"^abi_version:\s+2$",
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
    r = run("info", fixture("classifier_wt"))
    expect_ok(r, "info classifier_wt")
    expect(re.search(r"^\s+w\s+f32\s+2x3 \(stored 3x2\)\s+yes\s+24$", r.stdout, re.M),
           "info classifier_wt: the transposed weight's line shows both shapes:\n" + r.stdout)


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
    expect_error(run("info", fixture("wrong_abi")), "wrong ABI",
                 "built for runtime ABI version 1, but this runtime implements ABI version 2")
    expect_error(run("info"), "no model", "missing MODEL.so")
    crash = fixture("crashes_on_load")
    expect_error(run("info", crash), "crash on load", "artifact '%s' is corrupt: loading it crashed" % crash)


def case_bench(tmp):
    line = re.compile(r"^median_ms=\d+\.\d{4} min_ms=\d+\.\d{4} max_ms=\d+\.\d{4}$")
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
    # Training itself is tested by dlc_run_train_test.py on the training fixtures.
    expect_error(run("train", ADD, "--data", "npz:x.npz", "--steps", "1"), "train inference-only",
                 "'train' needs an artifact compiled with --train")
    expect_error(run("train", ADD_TRAIN, "--epochs"), "train missing value", "option '--epochs' needs a value")
    # add_train's train_step predates the training ABI (its learning rate is an input).
    expect_error(run("train", ADD_TRAIN, "--data", "npz:x.npz", "--steps", "1", "--lr", "0.1"),
                 "train without optimizer.lr", "has no parameter 'optimizer.lr'")


# --- eval on the "classifier" fixtures (classifier.c): y = x w + b.

def classifier_params(d, c):
    w = np.array([[((7 * i + 3 * j) % 5 - 2) * 0.5 for j in range(c)] for i in range(d)], np.float32)
    b = np.array([np.float32(j * 0.25) - np.float32(0.1) for j in range(c)], np.float32)
    return w, b


def classifier_logits(x, c):
    """What the fixture computes: float32 logits, summed in double, for rows of x."""
    x = x.reshape(len(x), -1)
    w, b = classifier_params(x.shape[1], c)
    z = (x.astype(np.float64) @ w.astype(np.float64) + b.astype(np.float64)).astype(np.float32)
    return z if c > 1 else z[:, 0]


def reference_classification(z, y, classes):
    """The metrics eval reports, computed with NumPy from float32 logits z and labels y."""
    z = z.astype(np.float64)
    if z.ndim == 1:  # one logit column: sigmoid, binary cross-entropy
        loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
        pred = (z > 0).astype(np.int64)
    else:
        m = z.max(1, keepdims=True)
        lse = (m + np.log(np.exp(z - m).sum(1, keepdims=True)))[:, 0]
        loss = np.mean(lse - z[np.arange(len(y)), y])
        pred = z.argmax(1)
    cm = np.zeros((classes, classes), np.int64)
    np.add.at(cm, (y, pred), 1)
    tp = np.diag(cm).astype(np.float64)
    npred, support = cm.sum(0), cm.sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        prec = np.where(npred > 0, tp / npred, 0.0)
        rec = np.where(support > 0, tp / support, 0.0)
        f1 = np.where(npred + support > 0, 2 * tp / (npred + support), 0.0)
    present = (npred + support) > 0
    return dict(loss=loss, accuracy=np.mean(pred == y), confusion_matrix=cm, precision=prec,
                recall=rec, f1=f1, support=support, macro_f1=f1[present].mean(),
                macro_precision=prec[present].mean(), macro_recall=rec[present].mean())


def check_metrics(label, m, ref, samples):
    expect(m.get("samples") == samples, "%s: samples %r, want %d" % (label, m.get("samples"), samples))
    for key in ("loss", "accuracy", "macro_f1", "macro_precision", "macro_recall"):
        expect(key in m and np.isclose(m[key], ref[key], rtol=1e-9, atol=1e-12),
               "%s: %s = %r, want %r" % (label, key, m.get(key), ref[key]))
    for key in ("precision", "recall", "f1"):
        expect(key in m and np.allclose(m[key], ref[key], rtol=1e-12, atol=0),
               "%s: %s = %r, want %r" % (label, key, m.get(key), ref[key]))
    expect(np.array_equal(np.array(m.get("confusion_matrix")), ref["confusion_matrix"]),
           "%s: confusion_matrix = %r, want %r" % (label, m.get("confusion_matrix"), ref["confusion_matrix"]))
    expect(m.get("support") == ref["support"].tolist(), "%s: support %r" % (label, m.get("support")))


def eval_json(label, args, path):
    r = run("eval", *args, "--metrics", path)
    if not expect_ok(r, label):
        return None
    expect("accuracy" in r.stdout or "regression" in r.stdout, "%s: no summary: %r" % (label, r.stdout))
    expect(re.search(r"^  elapsed\s+\d+\.\d+ s \(\d+ samples/s", r.stdout, re.M),
           "%s: no elapsed line in %r" % (label, r.stdout))
    with open(path) as f:
        return json.load(f)


def case_eval(tmp):
    rng = np.random.default_rng(7)
    n = 10  # batch 4: three batches, the last with two real rows
    x = rng.standard_normal((n, 3)).astype(np.float32)
    y = np.array([0, 1, 2, 2, 1, 0, 0, 2, 1, 1], np.int64)
    np.savez(os.path.join(tmp, "d.npz"), x=x, label=y)
    ref = reference_classification(classifier_logits(x, 3), y, 3)
    m = eval_json("eval npz", [fixture("classifier"), "--data", "npz:" + os.path.join(tmp, "d.npz")],
                  os.path.join(tmp, "m.json"))
    if m:
        check_metrics("eval npz", m, ref, n)
        expect(m["output_kind"] == "logits" and m["num_classes"] == 3 and m["batch_size"] == 4
               and m["batches"] == 3 and "pr_curve" not in m, "eval npz: header fields %r" % m)
        expect(not [f for f in os.listdir(tmp) if ".tmp." in f], "eval npz: a temporary file is left")

    # Labels under another name (--label), i32 labels, --batches.
    np.savez(os.path.join(tmp, "d2.npz"), x=x, cls=y.astype(np.int32))
    m = eval_json("eval --label", [fixture("classifier"), "--data", "npz:" + os.path.join(tmp, "d2.npz"),
                                    "--label", "cls", "--batches", "2", "--threads", "1"],
                  os.path.join(tmp, "m2.json"))
    if m:
        check_metrics("eval --batches 2", m, reference_classification(classifier_logits(x[:8], 3), y[:8], 3), 8)

    # csv with integer labels: the same numbers.
    with open(os.path.join(tmp, "d.csv"), "w") as f:
        f.write("a,b,species,c\n")
        for row, lab in zip(x, y):
            f.write("%r,%r,%d,%r\n" % (float(row[0]), float(row[1]), lab, float(row[2])))
    m = eval_json("eval csv", [fixture("classifier"), "--data", "csv:%s:label=species" % os.path.join(tmp, "d.csv")],
                  os.path.join(tmp, "m3.json"))
    if m:
        check_metrics("eval csv", m, ref, n)


def case_eval_binary(tmp):
    from sklearn.metrics import average_precision_score, precision_recall_curve
    n = 23
    x, y, spec = binary_data(tmp, n, np.random.default_rng(3))
    for name, cols in (("classifier_binary", 1), ("classifier_two", 2)):
        z = classifier_logits(x, cols)
        m = eval_json("eval " + name, [fixture(name), "--data", spec],
                      os.path.join(tmp, name + ".json"))
        if not m:
            continue
        check_metrics("eval " + name, m, reference_classification(z, y, 2), n)
        margin = z.astype(np.float64) if cols == 1 else z[:, 1].astype(np.float64) - z[:, 0]
        ap = average_precision_score(y, margin)
        expect(np.isclose(m.get("average_precision", -1), ap, rtol=1e-12),
               "eval %s: average_precision %r, want %r" % (name, m.get("average_precision"), ap))
        expect(m.get("output_kind") == ("logit" if cols == 1 else "logits")
               and m.get("output_transform") == ("sigmoid" if cols == 1 else "softmax"),
               "eval %s: output_kind %r" % (name, m.get("output_kind")))
        p, r, t = precision_recall_curve(y, margin)
        curve = m.get("pr_curve", {})
        expect(np.allclose(curve.get("precision"), p[:-1][::-1], rtol=1e-12)
               and np.allclose(curve.get("recall"), r[:-1][::-1], rtol=1e-12)
               and np.allclose(curve.get("threshold"), (1 / (1 + np.exp(-t)))[::-1], rtol=1e-12),
               "eval %s: pr_curve %r, want precision %r recall %r" % (name, curve, p, r))


def case_eval_regression(tmp):
    rng = np.random.default_rng(5)
    n = 9
    x = rng.standard_normal((n, 3)).astype(np.float32)
    t = rng.standard_normal(n).astype(np.float32)
    with open(os.path.join(tmp, "r.csv"), "w") as f:
        f.write("f0,f1,f2,target\n")
        for row, v in zip(x, t):
            f.write("%r,%r,%r,%r\n" % (float(row[0]), float(row[1]), float(row[2]), float(v)))
    z = classifier_logits(x, 1).astype(np.float64)
    m = eval_json("eval regression", [fixture("classifier_binary"), "--data",
                                      "csv:%s:label=target" % os.path.join(tmp, "r.csv")],
                  os.path.join(tmp, "r.json"))
    if m:
        d = z - t.astype(np.float64)
        expect(m.get("task") == "regression" and m.get("samples") == n, "eval regression: %r" % m)
        expect(np.isclose(m.get("loss"), np.mean(d * d), rtol=1e-12), "eval regression: loss %r" % m.get("loss"))
        expect(np.isclose(m.get("mae"), np.mean(np.abs(d)), rtol=1e-12), "eval regression: mae %r" % m.get("mae"))
        expect("accuracy" not in m, "eval regression reports an accuracy")


def write_idx(path, arr, gz):
    codes = {np.dtype(np.uint8): 8, np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D}
    data = struct.pack(">BBBB", 0, 0, codes[arr.dtype], arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    data += arr.tobytes()
    if gz:
        with gzip.open(path + ".gz", "wb") as f:
            f.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def make_idx_dir(d, n_test=10, n_train=7, side=2, classes=3, gz=True):
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(11)
    out = {}
    for prefix, n in (("t10k", n_test), ("train", n_train)):
        images = rng.integers(0, 256, (n, side, side), dtype=np.uint8)
        labels = rng.integers(0, classes, n).astype(np.uint8)
        write_idx(os.path.join(d, prefix + "-images-idx3-ubyte"), images, gz)
        write_idx(os.path.join(d, prefix + "-labels-idx1-ubyte"), labels, gz)
        out[prefix] = (images, labels)
    return out


def case_eval_idx(tmp):
    for gz in (True, False):
        d = os.path.join(tmp, "gz" if gz else "plain")
        data = make_idx_dir(d, gz=gz)
        for split, prefix in (("test", "t10k"), ("train", "train")):
            images, labels = data[prefix]
            x = images.astype(np.float32) / np.float32(255)
            ref = reference_classification(classifier_logits(x, 3), labels.astype(np.int64), 3)
            label = "eval idx %s %s" % ("gz" if gz else "plain", split)
            args = [fixture("classifier_img"), "--data", "idx:" + d]
            if split == "train":
                args += ["--split", "train"]
            m = eval_json(label, args, os.path.join(tmp, "m.json"))
            if m:
                check_metrics(label, m, ref, len(labels))
                expect(m.get("split") == split, "%s: split %r" % (label, m.get("split")))


def case_eval_errors(tmp):
    cls = fixture("classifier")
    x = np.zeros((6, 3), np.float32)
    npz = lambda name, **arrays: (np.savez(os.path.join(tmp, name), **arrays), "npz:" + os.path.join(tmp, name))[1]
    bad = npz("bad.npz", x=x, label=np.array([0, 1, 2, 1, 0, 3]))
    expect_error(run("eval", cls, "--data", bad), "label range", "label 3 at sample 5 >= 3 classes")
    neg = npz("neg.npz", x=x, label=np.array([0, 1, -1, 1, 0, 0]))
    expect_error(run("eval", cls, "--data", neg), "negative label", "label -1 at sample 2 is negative")
    noarr = npz("noarr.npz", z=x, label=np.zeros(6, np.int64))
    expect_error(run("eval", cls, "--data", noarr), "missing array",
                 "has no array 'x' for input 'x' (4x3 f32) of entry 'infer' (arrays: z, label (the labels))")
    wide = npz("wide.npz", x=np.zeros((6, 5), np.float32), label=np.zeros(6, np.int64))
    expect_error(run("eval", cls, "--data", wide), "npz shape",
                 "npz array 'x' is 5 values per sample, input 'x' expects 3")
    nolabel = npz("nolabel.npz", x=x)
    expect_error(run("eval", cls, "--data", nolabel), "no labels", "no label array; name it with --label NAME")
    expect_error(run("eval", cls, "--data", nolabel, "--label", "lbl"), "missing label",
                 "has no label array 'lbl' (arrays: x)")
    expect_error(run("eval", cls, "--data", "npz:" + os.path.join(tmp, "nope.npz")), "missing npz",
                 "nope.npz': No such file or directory")
    idx = os.path.join(tmp, "idx")
    make_idx_dir(idx)
    expect_error(run("eval", cls, "--data", "idx:" + idx), "idx shape",
                 "idx images are 2x2 = 4 values per sample, input 'x' expects 3")
    expect_error(run("eval", cls, "--data", "idx:" + os.path.join(tmp, "none")), "missing dir",
                 "directory '%s' does not exist" % os.path.join(tmp, "none"))
    os.remove(os.path.join(idx, "train-labels-idx1-ubyte.gz"))
    expect_error(run("eval", fixture("classifier_img"), "--data", "idx:" + idx, "--split", "train"),
                 "missing idx file", "no train-split labels in %s (looked for train-labels-idx1-ubyte and "
                 "train-labels-idx1-ubyte.gz)" % idx)
    blob = gzip.decompress(open(os.path.join(idx, "t10k-images-idx3-ubyte.gz"), "rb").read())
    open(os.path.join(idx, "t10k-images-idx3-ubyte.gz"), "wb").write(gzip.compress(blob[:-3]))
    expect_error(run("eval", fixture("classifier_img"), "--data", "idx:" + idx), "truncated idx",
                 "t10k-images-idx3-ubyte.gz: truncated: the header declares 10x2x2 u8 values (40 bytes), "
                 "the file holds 37 bytes of data")
    whole = gzip.compress(blob)
    open(os.path.join(idx, "t10k-images-idx3-ubyte.gz"), "wb").write(whole[:len(whole) // 2])
    expect_error(run("eval", fixture("classifier_img"), "--data", "idx:" + idx), "truncated gzip",
                 "t10k-images-idx3-ubyte.gz: truncated gzip file")
    csv = os.path.join(tmp, "d.csv")
    open(csv, "w").write("a,b,c,label\n1,2,3,0\n1,2,x,1\n")
    expect_error(run("eval", cls, "--data", "csv:%s:label=label" % csv), "csv value",
                 "%s:3: column 'c': 'x' is not a number" % csv)
    expect_error(run("eval", cls, "--data", "csv:%s:label=kind" % csv), "csv label",
                 "no column named 'kind' in the header row (a, b, c, label)")
    expect_error(run("eval", cls, "--data", "csv:" + csv), "csv no label", "no label column; write csv:FILE:label=COLUMN")
    good = npz("good.npz", x=x, label=np.zeros(6, np.int64))
    expect_error(run("eval", cls, "--data", good, "--split", "train"), "split on npz",
                 "--split applies only to idx: data sets")
    expect_error(run("eval", cls, "--data", good, "--split", "dev"), "bad split", "--split expects 'train' or 'test'")
    expect_error(run("eval", cls, "--data", good, "--checkpoint", os.path.join(tmp, "c.safetensors")),
                 "checkpoint", "checkpoint '%s': cannot open" % os.path.join(tmp, "c.safetensors"))
    expect_error(run("eval", cls), "no data", "eval: --data SPEC is required")
    expect_error(run("eval", cls, "--data", "tsv:" + csv), "bad spec", "unknown format 'tsv'")
    expect_error(run("eval", cls, "--data", good, "--batches", "0"), "bad batches", "--batches expects an integer")
    expect(not os.path.exists(os.path.join(tmp, "m.json")), "a failed eval wrote metrics")


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


run_case(globals(), CASE, "dlc-run-test-")
