"""End-to-end checks of 'dlc-run train' (and 'eval --checkpoint') on the training fixtures
linreg.c and softmax.c. Every number is checked against an independent reference: the
fixtures' arithmetic replayed step by step in Python/NumPy (with the data set library's
shuffle re-implemented here from the C++ standard's definitions of std::seed_seq and
std::mt19937_64), NumPy's least-squares solution, and checkpoints read with a
safetensors parser written here (and with the safetensors package when installed).

usage: dlc_run_train_test.py DLC_RUN FIXTURE_DIR CASE
CASE is one of the functions named case_* below.
"""
import gzip
import json
import math
import os
import re
import signal
import struct
import subprocess

import numpy as np

from dlc_run_harness import expect, expect_error, expect_ok, fixture, run, run_case, start

DLC_RUN, FIXTURES, CASE = start("dlc_run_train_test.py")
BATCH = 4

LINREG, MOMENTUM, SOFTMAX = fixture("linreg"), fixture("linreg_momentum"), fixture("softmax")


def read_log(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


# --- An independent safetensors reader.

ST_DTYPES = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4",
             "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?"}


def read_safetensors(path):
    """(tensors in header order as a dict, metadata, header length) per the format's spec."""
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    tensors, end = {}, 0
    for name, d in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        b, e = d["data_offsets"]
        assert b == end, "gap or overlap before %s" % name
        end = e
        tensors[name] = np.frombuffer(body[b:e], dtype=ST_DTYPES[d["dtype"]]).reshape(d["shape"])
    assert end == len(body), "trailing bytes"
    ordered = {name: tensors[name] for name in header}
    return ordered, meta, n


def write_safetensors(path, arrays, metadata=None):
    """A writer per the format's spec, independent of dlc's."""
    names = {np.dtype("<f4"): "F32", np.dtype("<i8"): "I64"}
    header, offset, body = {}, 0, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, a in arrays.items():
        raw = np.ascontiguousarray(a).tobytes()
        header[name] = {"dtype": names[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        body += raw
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + body)


# --- The data set library's shuffle: std::seed_seq and std::mt19937_64 as the C++
# standard defines them, and the Fisher-Yates loop of dataset_batch.cpp.

M32, M64 = 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF


def seed_seq_generate(v, n):
    b = [0x8b8b8b8b] * n
    s = len(v)
    t = 11 if n >= 623 else 7 if n >= 68 else 5 if n >= 39 else 3 if n >= 7 else (n - 1) // 2
    p = (n - t) // 2
    q = p + t
    m = max(s + 1, n)
    T = lambda x: x ^ (x >> 27)
    for k in range(m):
        r1 = (1664525 * T(b[k % n] ^ b[(k + p) % n] ^ b[(k - 1) % n])) & M32
        r2 = (r1 + (s if k == 0 else (k % n + v[k - 1] if k <= s else k % n))) & M32
        b[(k + p) % n] = (b[(k + p) % n] + r1) & M32
        b[(k + q) % n] = (b[(k + q) % n] + r2) & M32
        b[k % n] = r2
    for k in range(m, m + n):
        r3 = (1566083941 * T((b[k % n] + b[(k + p) % n] + b[(k - 1) % n]) & M32)) & M32
        r4 = (r3 - k % n) & M32
        b[(k + p) % n] ^= r3
        b[(k + q) % n] ^= r4
        b[k % n] = r4
    return b


class MT19937_64:
    N, M, R = 312, 156, 31
    A = 0xb5026f5aa96619e9
    UPPER, LOWER = (M64 << 31) & M64, (1 << 31) - 1

    def __init__(self, seq):
        a = seed_seq_generate(seq, 2 * self.N)
        self.x = [a[2 * i] | (a[2 * i + 1] << 32) for i in range(self.N)]
        if (self.x[0] & self.UPPER) == 0 and not any(self.x[1:]):
            self.x[0] = 1 << 63
        self.i = self.N

    def __call__(self):
        if self.i >= self.N:
            x = self.x
            for k in range(self.N):
                y = (x[k] & self.UPPER) | (x[(k + 1) % self.N] & self.LOWER)
                x[k] = x[(k + self.M) % self.N] ^ (y >> 1) ^ (self.A if y & 1 else 0)
            self.i = 0
        z = self.x[self.i]
        self.i += 1
        z ^= (z >> 29) & 0x5555555555555555
        z ^= (z << 17) & 0x71d67fffeda60000
        z ^= (z << 37) & 0xfff7eee000000000
        z ^= z >> 43
        return z & M64


def shuffled_order(n, seed, epoch):
    order = list(range(n))
    rng = MT19937_64([seed & M32, seed >> 32, epoch & M32, epoch >> 32])
    for i in range(n - 1, 0, -1):
        rng_range = i + 1
        threshold = ((1 << 64) - rng_range) % rng_range
        x = rng()
        while x < threshold:
            x = rng()
        j = x % rng_range
        order[i], order[j] = order[j], order[i]
    return order


def batches(n, seed, shuffle, steps):
    """The sample indices of each of `steps` training steps (last partial batch dropped)."""
    k = n // BATCH
    out = []
    for s in range(steps):
        e, p = divmod(s, k)
        order = shuffled_order(n, seed, e) if shuffle else list(range(n))
        out.append(order[p * BATCH:(p + 1) * BATCH])
    return out


# --- The fixtures' arithmetic (see linreg.c and softmax.c).

f32 = np.float32


class LinReg:
    def __init__(self, momentum=False, d=3):
        self.w = [f32(v) for v in (0.1, -0.2, 0.3, -0.4)[:d]]
        self.b = f32(0.5)
        self.momentum = momentum
        self.vw, self.vb = [f32(0)] * d, f32(0)

    def predict(self, x):
        out = []
        for row in x:
            s = float(self.b)
            for xi, wi in zip(row, self.w):
                s += float(xi) * float(wi)
            out.append(f32(s))
        return out

    def step(self, x, t, lr):
        pred = self.predict(x)
        d = [float(p) - float(ti) for p, ti in zip(pred, t)]
        sq = 0.0
        for v in d:
            sq += v * v
        loss = f32(sq / BATCH)
        gw = []
        for i in range(len(self.w)):
            s = 0.0
            for r in range(BATCH):
                s += d[r] * float(x[r][i])
            gw.append(f32(2.0 * s / BATCH))
        sb = 0.0
        for v in d:
            sb += v
        gb = f32(2.0 * sb / BATCH)
        lr = float(lr)
        for i in range(len(self.w)):
            g = gw[i]
            if self.momentum:
                self.vw[i] = f32(0.9 * float(self.vw[i]) + float(g))
                g = self.vw[i]
            self.w[i] = f32(float(self.w[i]) - lr * float(g))
        g = gb
        if self.momentum:
            self.vb = f32(0.9 * float(self.vb) + float(g))
            g = self.vb
        self.b = f32(float(self.b) - lr * float(g))
        return float(loss)


class Softmax:
    C = 3

    def __init__(self):
        self.w = [[f32((i - j) / 100) for j in range(3)] for i in range(3)]
        self.b = [f32(0)] * 3

    def logits(self, x):
        z = []
        for row in x:
            zr = []
            for j in range(self.C):
                s = float(self.b[j])
                for i in range(3):
                    s += float(row[i]) * float(self.w[i][j])
                zr.append(f32(s))
            z.append(zr)
        return z

    def step(self, x, labels, lr):
        z = self.logits(x)
        total, g = 0.0, []
        for zr, lab in zip(z, labels):
            m = float(zr[0])
            for j in range(1, self.C):
                if float(zr[j]) > m:
                    m = float(zr[j])
            e = [math.exp(float(v) - m) for v in zr]
            s = 0.0
            for v in e:
                s += v
            total += math.log(s) + m - float(zr[lab])
            g.append([(e[j] / s - (1.0 if j == lab else 0.0)) / BATCH for j in range(self.C)])
        lr = float(lr)
        for i in range(3):
            for j in range(self.C):
                s = 0.0
                for r in range(BATCH):
                    s += float(x[r][i]) * g[r][j]
                self.w[i][j] = f32(float(self.w[i][j]) - lr * float(f32(s)))
        for j in range(self.C):
            s = 0.0
            for r in range(BATCH):
                s += g[r][j]
            self.b[j] = f32(float(self.b[j]) - lr * float(f32(s)))
        return float(f32(total / BATCH))


def replay(model, x, y, seed, shuffle, lrs):
    """Losses of len(lrs) steps of `model` on (x, y) with the given per-step rates."""
    losses = []
    for idx, lr in zip(batches(len(x), seed, shuffle, len(lrs)), lrs):
        losses.append(model.step([x[i] for i in idx], [y[i] for i in idx], lr))
    return losses


def regression_data(tmp, n, seed=0, name="d.npz", noise=0.1):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype(np.float32)
    y = (x.astype(np.float64) @ [1.5, -2.0, 0.5] + 0.7 + noise * rng.standard_normal(n)).astype(np.float32)
    path = os.path.join(tmp, name)
    np.savez(path, x=x, target=y)
    return x, y, "npz:" + path


def blobs(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    centers = np.array([[2.0, 0.0, -1.0], [-2.0, 1.5, 0.0], [0.0, -2.0, 2.0]])
    x = (centers[y] + 0.6 * rng.standard_normal((n, 3))).astype(np.float32)
    return x, y.astype(np.int64)


def same_losses(label, got, want):
    g = [r["loss"] for r in got]
    w = [float(v) for v in want]
    if not expect(len(g) == len(w), "%s: %d logged steps, want %d" % (label, len(g), len(w))):
        return
    bad = [(i + 1, a, b) for i, (a, b) in enumerate(zip(g, w)) if a != b]
    expect(not bad, "%s: losses differ at (step, got, want) %s" % (label, bad[:5]))


# --- Cases.

def case_train_replay(tmp):
    """Shuffled SGD on linreg: every logged loss, lr and the final parameters equal the
    replay exactly; the note about the dropped partial batch comes once."""
    x, y, spec = regression_data(tmp, 22)  # 5 batches of 4 per epoch, 2 samples dropped
    ck = os.path.join(tmp, "c.safetensors")
    log = os.path.join(tmp, "log.jsonl")
    r = run("train", LINREG, "--data", spec, "--epochs", "3", "--seed", "7", "--lr", "0.05",
            "--log", log, "--checkpoint", ck, "--threads", "1")
    if not expect_ok(r, "train linreg"):
        return
    expect(r.stdout.count("last partial batch") == 1 and "2 of 22 samples" in r.stdout,
           "train: the dropped-batch note: %r" % r.stdout)
    expect(len(re.findall(r"^epoch \d/3 done", r.stdout, re.M)) == 3, "train: epoch lines in %r" % r.stdout)
    model = LinReg()
    want = replay(model, x, y, 7, True, [f32(0.05)] * 15)
    got = read_log(log)
    same_losses("train linreg", got, want)
    expect([g["step"] for g in got] == list(range(1, 16)), "train: steps %r" % [g["step"] for g in got])
    expect([g["epoch"] for g in got] == [1] * 5 + [2] * 5 + [3] * 5, "train: epochs %r" % [g["epoch"] for g in got])
    expect(all(g["lr"] == float(f32(0.05)) for g in got), "train: lr %r" % got[0])
    t, meta, _ = read_safetensors(ck)
    expect(list(t) == ["w", "b", "optimizer.lr", "optimizer.step"], "checkpoint tensors %r" % list(t))
    expect(np.array_equal(t["w"][:, 0], np.array(model.w, np.float32)) and t["b"][0] == model.b,
           "checkpoint w %r b %r, replay %r %r" % (t["w"], t["b"], model.w, model.b))
    expect(int(t["optimizer.step"]) == 15, "optimizer.step = %r" % t["optimizer.step"])
    expect(meta.get("step") == "15" and meta.get("epoch") == "3" and meta.get("position") == "0"
           and meta.get("seed") == "7" and meta.get("shuffle") == "true", "metadata %r" % meta)

    # Without shuffling the batches are 0..3, 4..7, ... in every epoch.
    r = run("train", LINREG, "--data", spec, "--steps", "7", "--no-shuffle", "--log", log)
    if expect_ok(r, "train --no-shuffle"):
        same_losses("train --no-shuffle", read_log(log), replay(LinReg(), x, y, 0, False, [f32(0.05)] * 7))


def case_train_lstsq(tmp):
    """Trained long enough, with a cosine schedule, linreg lands on NumPy's least-squares
    solution; eval --checkpoint reports its loss."""
    x, y, spec = regression_data(tmp, 64, seed=1, noise=0.01)
    ck = os.path.join(tmp, "c.safetensors")
    r = run("train", LINREG, "--data", spec, "--epochs", "60", "--lr", "0.05", "--lr-schedule", "cosine",
            "--checkpoint", ck, "--seed", "5")
    if not expect_ok(r, "train lstsq"):
        return
    t, _, _ = read_safetensors(ck)
    a = np.hstack([x.astype(np.float64), np.ones((len(x), 1))])
    sol = np.linalg.lstsq(a, y.astype(np.float64), rcond=None)[0]
    got = np.concatenate([t["w"][:, 0], t["b"]]).astype(np.float64)
    expect(np.allclose(got, sol, atol=2e-3), "lstsq: trained %r, NumPy %r" % (got, sol))
    m = os.path.join(tmp, "m.json")
    r = run("eval", LINREG, "--data", spec, "--checkpoint", ck, "--metrics", m)
    if expect_ok(r, "eval lstsq"):
        j = json.load(open(m))
        pred = (x.astype(np.float64) @ t["w"][:, 0].astype(np.float64) + float(t["b"][0])).astype(np.float32)
        mse = np.mean((pred.astype(np.float64) - y) ** 2)
        expect(j["entry"] == "eval_step" and j["loss_kind"] == "compiled (eval_step)", "eval json %r" % j)
        expect(np.isclose(j["loss"], mse, rtol=1e-5) and np.isclose(j["mse"], mse, rtol=1e-9),
               "eval loss %r mse %r, want %r" % (j["loss"], j["mse"], mse))


def case_train_momentum_resume(tmp):
    """Interrupted and resumed runs (optimizer state in the checkpoint) log exactly the
    losses of an uninterrupted run and end with the same parameters."""
    x, y, spec = regression_data(tmp, 18, seed=2)  # 4 batches per epoch
    full_log, full_ck = os.path.join(tmp, "full.jsonl"), os.path.join(tmp, "full.safetensors")
    common = ["--data", spec, "--seed", "3", "--lr", "0.02"]
    r = run("train", MOMENTUM, *common, "--steps", "10", "--log", full_log, "--checkpoint", full_ck)
    if not expect_ok(r, "full run"):
        return
    full = read_log(full_log)
    same_losses("momentum replay", full, replay(LinReg(momentum=True), x, y, 3, True, [f32(0.02)] * 10))

    half_ck, part_log = os.path.join(tmp, "half.safetensors"), os.path.join(tmp, "part.jsonl")
    r = run("train", MOMENTUM, *common, "--steps", "5", "--log", part_log, "--checkpoint", half_ck)
    expect_ok(r, "first half")
    t, meta, _ = read_safetensors(half_ck)
    expect(meta.get("step") == "5" and meta.get("epoch") == "1" and meta.get("position") == "1",
           "half checkpoint metadata %r" % meta)
    expect(np.any(t["w/momentum.v"] != 0), "momentum state not saved: %r" % t["w/momentum.v"])
    end_ck = os.path.join(tmp, "end.safetensors")
    r = run("train", MOMENTUM, "--data", spec, "--steps", "10", "--resume", half_ck, "--log", part_log,
            "--checkpoint", end_ck)
    if expect_ok(r, "resume"):
        expect("resumed from %s at step 5 (epoch 2, batch 1)" % half_ck in r.stdout, "resume line: %r" % r.stdout)
        same_losses("resumed log", read_log(part_log), [g["loss"] for g in full])
        expect(read_log(part_log) == full, "resumed log differs from the full run's")
        a, ma, _ = read_safetensors(full_ck)
        b, mb, _ = read_safetensors(end_ck)
        expect(all(np.array_equal(a[k], b[k]) for k in a) and list(a) == list(b),
               "resumed parameters differ: %r vs %r" % (a, b))
        expect(ma == mb, "metadata differ: %r vs %r" % (ma, mb))

    # By epochs, with a step schedule and a checkpoint mid-epoch; the resumed run takes
    # the seed, lr and schedule from the checkpoint.
    e_log = os.path.join(tmp, "e.jsonl")
    r = run("train", MOMENTUM, *common, "--epochs", "3", "--lr-schedule", "step:3:0.5", "--log", e_log)
    expect_ok(r, "epochs run")
    ck7, p_log = os.path.join(tmp, "s7.safetensors"), os.path.join(tmp, "p.jsonl")
    r = run("train", MOMENTUM, *common, "--steps", "7", "--lr-schedule", "step:3:0.5", "--log", p_log,
            "--checkpoint", ck7)
    expect_ok(r, "7 steps")
    r = run("train", MOMENTUM, "--data", spec, "--epochs", "3", "--resume", ck7, "--log", p_log)
    if expect_ok(r, "resume by epochs"):
        expect(read_log(p_log) == read_log(e_log), "resumed epochs log: %r\nwant %r" % (read_log(p_log), read_log(e_log)))
    lrs = [f32(0.02 * 0.5 ** (s // 3)) for s in range(12)]
    same_losses("step schedule replay", read_log(e_log), replay(LinReg(momentum=True), x, y, 3, True, lrs))


def case_train_crash_in_checkpoint(tmp):
    """A run killed while writing a checkpoint leaves the previous checkpoint intact and
    loadable, and nothing else; resuming from it reproduces the uninterrupted run."""
    x, y, spec = regression_data(tmp, 20, seed=4)
    work = os.path.join(tmp, "work")
    os.makedirs(work)
    ck = os.path.join(work, "c.safetensors")
    log = os.path.join(tmp, "crash.jsonl")
    args = ["train", MOMENTUM, "--data", spec, "--steps", "10", "--lr", "0.03", "--lr-schedule", "cosine",
            "--checkpoint", ck, "--checkpoint-every", "5"]
    # The first write is killed: no file under the final name at all.
    r = run(*args, env={"DLC_TEST_CRASH_IN_CHECKPOINT_WRITE": "1"})
    expect(r.returncode == -signal.SIGABRT, "crash on write 1: exit %d, stderr %r" % (r.returncode, r.stderr))
    expect(os.listdir(work) == [], "crash on write 1 left %r" % os.listdir(work))
    # The second write (step 10) is killed: the step-5 checkpoint stays as it was.
    r = run(*args, "--log", log, env={"DLC_TEST_CRASH_IN_CHECKPOINT_WRITE": "2"})
    expect(r.returncode == -signal.SIGABRT, "crash on write 2: exit %d, stderr %r" % (r.returncode, r.stderr))
    expect("DLC_TEST_CRASH_IN_CHECKPOINT_WRITE=2: aborting after writing" in r.stderr, "hook: %r" % r.stderr)
    expect(os.listdir(work) == ["c.safetensors"], "crash on write 2 left %r" % os.listdir(work))
    t, meta, _ = read_safetensors(ck)
    expect(meta.get("step") == "5" and int(t["optimizer.step"]) == 5, "surviving checkpoint: %r" % meta)
    expect(len(read_log(log)) == 10, "the crashed run logged %d steps" % len(read_log(log)))
    r = run("eval", MOMENTUM, "--data", spec, "--checkpoint", ck)
    expect_ok(r, "eval the surviving checkpoint")
    # The same command with --resume finishes the run as if nothing had happened.
    r = run(*args, "--log", log, "--resume", ck)
    if expect_ok(r, "resume after crash"):
        full_log = os.path.join(tmp, "full.jsonl")
        expect_ok(run(*args[:-4], "--log", full_log), "uninterrupted")
        expect(read_log(log) == read_log(full_log), "resumed %r\nuninterrupted %r" % (read_log(log), read_log(full_log)))
        lrs = [f32(0.03 * 0.5 * (1 + math.cos(math.pi * s / 10))) for s in range(10)]
        same_losses("crash replay", read_log(full_log), replay(LinReg(momentum=True), x, y, 0, True, lrs))
        expect(read_safetensors(ck)[1].get("step") == "10", "final checkpoint step")


def case_train_schedules(tmp):
    """The lr of every step in the log follows the documented formulas exactly."""
    x, y, spec = regression_data(tmp, 16, seed=6)  # 4 batches per epoch
    log = os.path.join(tmp, "l.jsonl")

    def lrs_of(*extra):
        r = run("train", LINREG, "--data", spec, "--no-shuffle", "--log", log, *extra)
        if not expect_ok(r, "schedule %s" % (extra,)):
            return None
        return [g["lr"] for g in read_log(log)]

    cases = [
        (["--steps", "12", "--lr", "0.1", "--lr-schedule", "step:5:0.5"],
         [0.1 * 0.5 ** (s // 5) for s in range(12)]),
        (["--steps", "12", "--lr", "0.1", "--lr-schedule", "cosine"],
         [0.1 * 0.5 * (1 + math.cos(math.pi * s / 12)) for s in range(12)]),
        (["--epochs", "2", "--lr", "0.2", "--lr-schedule", "cosine"],
         [0.2 * 0.5 * (1 + math.cos(math.pi * s / 8)) for s in range(8)]),
        (["--steps", "5", "--lr", "0.01", "--lr-schedule", "step:2:0.1"],
         [0.01 * 0.1 ** (s // 2) for s in range(5)]),
        (["--steps", "3", "--lr", "0.3"], [0.3] * 3),
        (["--steps", "3", "--lr-schedule", "constant"], [float(f32(0.05))] * 3),  # the compiled lr
        (["--steps", "3"], [float(f32(0.05))] * 3),
    ]
    for extra, want in cases:
        got = lrs_of(*extra)
        want = [float(f32(v)) for v in want]
        if got is not None:
            expect(got == want, "schedule %s: lr %r, want %r" % (extra, got, want))
            same_losses("schedule %s" % (extra,), read_log(log), replay(LinReg(), x, y, 0, False, want))

    # A resumed run takes the schedule and base lr from the checkpoint.
    ck = os.path.join(tmp, "c.safetensors")
    expect_ok(run("train", LINREG, "--data", spec, "--steps", "6", "--lr", "0.1", "--lr-schedule", "cosine",
                  "--checkpoint", ck), "first half")
    # The uninterrupted run has total steps 6, so the schedule matches only up to there;
    # check instead the lr of the resumed steps against the formula with total 6.
    log = os.path.join(tmp, "resumed.jsonl")  # a log of this run only
    r = run("train", LINREG, "--data", spec, "--steps", "9", "--resume", ck, "--log", log)
    if expect_ok(r, "resume with schedule"):
        got = [g["lr"] for g in read_log(log)]
        want = [float(f32(0.1 * 0.5 * (1 + math.cos(math.pi * s / 9)))) for s in range(6, 9)]
        expect(got == want, "resumed schedule: %r, want %r" % (got, want))
    log = os.path.join(tmp, "resumed2.jsonl")
    r = run("train", LINREG, "--data", spec, "--steps", "8", "--resume", ck, "--lr", "0.5",
            "--lr-schedule", "constant", "--log", log)
    if expect_ok(r, "resume with a new schedule"):
        expect([g["lr"] for g in read_log(log)] == [0.5, 0.5], "new schedule: %r" % read_log(log))
        expect("replaces the checkpoint's" in r.stdout, "no note on replacing the lr: %r" % r.stdout)


def write_idx(path, arr):
    codes = {np.dtype(np.uint8): 8}
    data = struct.pack(">BBBB", 0, 0, codes[arr.dtype], arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    with gzip.open(path + ".gz", "wb") as f:
        f.write(data + arr.tobytes())


def case_train_classifier(tmp):
    """Softmax regression: exact replay, accuracy after training, --eval-data each epoch,
    the eval_step loss over a data set with a partial last batch, idx data."""
    x, y = blobs(60, 1)
    xt, yt = blobs(30, 2)  # 7 full batches and one of 2
    np.savez(os.path.join(tmp, "train.npz"), x=x, label=y)
    np.savez(os.path.join(tmp, "test.npz"), x=xt, label=yt)
    spec, test = "npz:" + os.path.join(tmp, "train.npz"), "npz:" + os.path.join(tmp, "test.npz")
    log, ck = os.path.join(tmp, "l.jsonl"), os.path.join(tmp, "c.safetensors")
    r = run("train", SOFTMAX, "--data", spec, "--epochs", "4", "--lr", "0.5", "--seed", "11",
            "--eval-data", test, "--log", log, "--checkpoint", ck)
    if not expect_ok(r, "train softmax"):
        return
    model = Softmax()
    same_losses("softmax replay", read_log(log), replay(model, x, y, 11, True, [f32(0.5)] * 60))
    evals = re.findall(r"^epoch (\d)/4  eval: loss (\S+)  accuracy (\S+) \((\d+)/30\)$", r.stdout, re.M)
    expect(len(evals) == 4, "eval lines: %r" % r.stdout)
    t, _, _ = read_safetensors(ck)
    expect(np.array_equal(t["fc.weight"], np.array(model.w, np.float32)), "fc.weight %r vs %r" % (t["fc.weight"], model.w))

    # Reference metrics from the trained weights.
    z = np.array(model.logits(xt), np.float32).astype(np.float64)
    mx = z.max(1, keepdims=True)
    ce = (mx[:, 0] + np.log(np.exp(z - mx).sum(1))) - z[np.arange(30), yt]
    acc = np.mean(z.argmax(1) == yt)
    expect(acc >= 0.9, "softmax accuracy only %r" % acc)
    if evals:
        last = evals[-1]
        expect(np.isclose(float(last[1]), ce.mean(), rtol=1e-3) and int(last[3]) == round(acc * 30),
               "last eval %r, want loss %r accuracy %r" % (last, ce.mean(), acc))
    m = os.path.join(tmp, "m.json")
    r = run("eval", SOFTMAX, "--data", test, "--checkpoint", ck, "--metrics", m)
    if expect_ok(r, "eval softmax"):
        j = json.load(open(m))
        expect(j["accuracy"] == acc and j["samples"] == 30 and j["entry"] == "eval_step", "eval json %r" % j)
        # eval_step's float32 loss per batch, recombined so that the partial batch counts
        # only its real samples.
        expect(np.isclose(j["loss"], ce.mean(), rtol=1e-6), "eval loss %r, want %r" % (j["loss"], ce.mean()))
        expect(j["checkpoint"] == ck, "eval json names no checkpoint")

    # idx: u8 images of 3x1 pixels (train-* for training, t10k-* for --eval-data).
    d = os.path.join(tmp, "idx")
    os.makedirs(d)
    rng = np.random.default_rng(3)
    imgs = {}
    for prefix, n in (("train", 12), ("t10k", 8)):
        labels = rng.integers(0, 3, n).astype(np.uint8)
        images = rng.integers(0, 256, (n, 3, 1)).astype(np.uint8)
        write_idx(os.path.join(d, prefix + "-images-idx3-ubyte"), images)
        write_idx(os.path.join(d, prefix + "-labels-idx1-ubyte"), labels)
        imgs[prefix] = (images.reshape(n, 3).astype(np.float32) / np.float32(255), labels.astype(np.int64))
    r = run("train", SOFTMAX, "--data", "idx:" + d, "--epochs", "2", "--eval-data", "idx:" + d, "--log", log)
    if expect_ok(r, "train idx"):
        xi, yi = imgs["train"]
        same_losses("idx replay", read_log(log), replay(Softmax(), xi, yi, 0, True, [f32(0.1)] * 6))
        expect(re.search(r"eval: loss \S+  accuracy \S+ \(\d+/8\)", r.stdout), "idx eval line: %r" % r.stdout)


def case_train_errors(tmp):
    x, y, spec = regression_data(tmp, 12)
    npz = lambda name, **arrays: (np.savez(os.path.join(tmp, name), **arrays), "npz:" + os.path.join(tmp, name))[1]
    ck = os.path.join(tmp, "never.safetensors")
    steps = ["--steps", "2", "--checkpoint", ck]
    expect_error(run("train", fixture("classifier"), "--data", spec, "--steps", "1"), "inference artifact",
                 "'train' needs an artifact compiled with --train ('%s' has no train_step entry point; "
                 "compile with dlc compile --train)" % fixture("classifier"))
    expect_error(run("train", LINREG, "--data", npz("wide.npz", x=np.zeros((8, 5), np.float32),
                                                     target=np.zeros(8, np.float32)), *steps),
                 "data shape", "npz array 'x' is 5 values per sample, input 'x' expects 3")
    xc, yc = blobs(12, 0)
    bad = yc.copy()
    bad[5] = 3
    expect_error(run("train", SOFTMAX, "--data", npz("bad.npz", x=xc, label=bad), *steps), "label range",
                 "label 3 at sample 5 >= 3 classes")
    bad[5] = -1
    expect_error(run("train", SOFTMAX, "--data", npz("neg.npz", x=xc, label=bad), *steps), "negative label",
                 "label -1 at sample 5 is negative")
    expect_error(run("train", SOFTMAX, "--data", npz("float.npz", x=xc, label=yc.astype(np.float32) + 0.5),
                     *steps), "float labels", "input 'label' (4 i64) of entry 'train_step' takes class indices")
    expect_error(run("train", SOFTMAX, "--data", npz("good.npz", x=xc, label=yc), "--steps", "1", "--eval-data",
                     npz("badeval.npz", x=xc, label=bad)), "eval label range", "label -1 at sample 5 is negative")
    expect_error(run("train", LINREG, "--data", npz("tiny.npz", x=x[:3], target=y[:3]), *steps), "tiny",
                 "3 samples, fewer than one batch of 4")
    expect_error(run("train", LINREG, "--data", npz("nolabel.npz", x=x), *steps), "no labels",
                 "no label array for input 'target' of train_step")
    expect_error(run("train", LINREG, "--data", "npz:" + os.path.join(tmp, "nope.npz"), *steps), "missing data",
                 "nope.npz': No such file or directory")
    expect_error(run("train", LINREG, "--data", spec), "no length", "give exactly one of --epochs N and --steps N")
    expect_error(run("train", LINREG, "--data", spec, "--epochs", "1", "--steps", "1"), "both lengths",
                 "give exactly one of --epochs N and --steps N")
    expect_error(run("train", LINREG, "--steps", "1"), "no data", "train: --data SPEC is required")
    expect_error(run("train", LINREG, "--data", spec, "--steps", "1", "--checkpoint-every", "2"), "every",
                 "--checkpoint-every needs --checkpoint")
    for sched, frag in (("linear", "--lr-schedule expects constant, step:EVERY:GAMMA or cosine, got 'linear'"),
                        ("step:0:0.5", "EVERY must be a positive integer, got '0'"),
                        ("step:3:-1", "GAMMA must be a positive number, got '-1'"),
                        ("step:3", "--lr-schedule expects constant")):
        expect_error(run("train", LINREG, "--data", spec, "--steps", "1", "--lr-schedule", sched), sched, frag)
    expect_error(run("train", LINREG, "--data", spec, "--steps", "1", "--lr", "-1"), "negative lr",
                 "--lr must not be negative")
    expect_error(run("train", LINREG, "--data", spec, "--steps", "1", "--lr", "fast"), "bad lr",
                 "--lr expects a number, got 'fast'")
    expect_error(run("train", LINREG, "--data", spec, "--steps", "1", "--progress", "fancy"), "bad progress",
                 "--progress expects auto, bar or lines")
    expect_error(run("train", fixture("linreg_nostep"), "--data", spec, *steps), "no step count",
                 "train_step of '%s' left 'optimizer.step' at 0 after step 1" % fixture("linreg_nostep"))
    add_train = fixture("add_train")
    expect_error(run("train", add_train, "--data", spec, "--steps", "1", "--lr", "0.1"), "no optimizer.lr",
                 "has no parameter 'optimizer.lr'")
    expect_error(run("train", SOFTMAX, "--data", "idx:" + tmp, "--label", "y", "--steps", "1"), "label on idx",
                 "--label applies to npz: and csv: data sets")
    expect_error(run("train", LINREG, "--data", spec, "--steps", "1", "--checkpoint",
                     os.path.join(tmp, "no-such-dir", "c.safetensors")), "checkpoint dir",
                 "cannot write the checkpoint '%s': directory '%s/': No such file or directory"
                 % (os.path.join(tmp, "no-such-dir", "c.safetensors"), os.path.join(tmp, "no-such-dir")))
    expect(not os.path.exists(ck), "a failed run wrote a checkpoint")


def case_train_checkpoint_errors(tmp):
    x, y, spec = regression_data(tmp, 12)
    ck = os.path.join(tmp, "c.safetensors")
    expect_ok(run("train", LINREG, "--data", spec, "--steps", "2", "--checkpoint", ck), "train")
    whole = open(ck, "rb").read()

    def variant(name, data):
        p = os.path.join(tmp, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    half = variant("half.safetensors", whole[:len(whole) // 2])
    for cmd in (["train", LINREG, "--data", spec, "--steps", "4", "--resume", half],
                ["eval", LINREG, "--data", spec, "--checkpoint", half]):
        expect_error(run(*cmd), cmd[0] + " truncated", "checkpoint '%s': truncated" % half)
    short = variant("short.safetensors", whole[:-4])
    expect_error(run("eval", LINREG, "--data", spec, "--checkpoint", short), "short data",
                 "checkpoint '%s': tensor 'optimizer.step': data_offsets [" % short)
    corrupt = bytearray(whole)
    corrupt[8 + 1] = ord("X")  # the first key's opening quote
    corrupt = variant("json.safetensors", bytes(corrupt))
    expect_error(run("train", LINREG, "--data", spec, "--steps", "4", "--resume", corrupt), "bad json",
                 "checkpoint '%s': bad header JSON at byte 1: expected a string key" % corrupt)
    garbage = variant("garbage.safetensors", b"\xff" * 100)
    expect_error(run("eval", LINREG, "--data", spec, "--checkpoint", garbage), "garbage",
                 "checkpoint '%s': not a safetensors file" % garbage)
    expect_error(run("eval", LINREG, "--data", spec, "--checkpoint", os.path.join(tmp, "none.safetensors")),
                 "missing", "none.safetensors': No such file or directory")

    # Hand-written files: wrong shape, another model, weights without training state.
    w = np.zeros((3, 1), np.float32)
    params = {"w": w, "b": np.zeros(1, np.float32), "optimizer.lr": np.float32(0.05).reshape(()),
              "optimizer.step": np.int64(0).reshape(())}
    wrong = os.path.join(tmp, "wrong.safetensors")
    write_safetensors(wrong, dict(params, w=np.zeros((1, 3), np.float32)))
    expect_error(run("train", LINREG, "--data", spec, "--steps", "4", "--resume", wrong), "wrong shape",
                 "checkpoint '%s': tensor 'w' is f32 1x3, but the artifact's parameter 'w' is f32 3x1" % wrong)
    soft_ck = os.path.join(tmp, "soft.safetensors")
    xc, yc = blobs(8, 0)
    np.savez(os.path.join(tmp, "b.npz"), x=xc, label=yc)
    expect_ok(run("train", SOFTMAX, "--data", "npz:" + os.path.join(tmp, "b.npz"), "--steps", "1",
                  "--checkpoint", soft_ck), "softmax checkpoint")
    expect_error(run("train", LINREG, "--data", spec, "--steps", "4", "--resume", soft_ck), "other model",
                 "checkpoint '%s' has no tensor 'w' for the parameter of that name (f32 3x1)" % soft_ck)
    mom_ck = os.path.join(tmp, "mom.safetensors")
    expect_ok(run("train", MOMENTUM, "--data", spec, "--steps", "1", "--checkpoint", mom_ck), "momentum")
    expect_error(run("train", LINREG, "--data", spec, "--steps", "4", "--resume", mom_ck), "extra tensor",
                 "tensor 'w/momentum.v' (f32 3x1) is not a parameter of artifact")
    weights = os.path.join(tmp, "weights.safetensors")
    write_safetensors(weights, dict(params, w=np.array([[1.0], [2.0], [3.0]], np.float32)), {"format": "pt"})
    expect_error(run("train", LINREG, "--data", spec, "--steps", "4", "--resume", weights), "no state",
                 "checkpoint '%s' has no training state to resume from (its metadata 'format' is 'pt'" % weights)
    bare = os.path.join(tmp, "bare.safetensors")
    write_safetensors(bare, params)
    expect_error(run("train", LINREG, "--data", spec, "--steps", "4", "--resume", bare), "no metadata",
                 "checkpoint '%s' has no training state to resume from (no 'format' in its metadata)" % bare)
    m = os.path.join(tmp, "m.json")
    r = run("eval", LINREG, "--data", spec, "--checkpoint", weights, "--metrics", m)
    if expect_ok(r, "eval hand-written weights"):
        pred = x.astype(np.float64) @ [1.0, 2.0, 3.0]
        mse = np.mean((pred.astype(np.float32).astype(np.float64) - y) ** 2)
        expect(np.isclose(json.load(open(m))["mse"], mse, rtol=1e-9), "eval with hand-written weights")

    # Resuming needs the same data set and, when given, the same seed and order.
    x2, y2, spec2 = regression_data(tmp, 16, name="other.npz")
    expect_error(run("train", LINREG, "--data", spec2, "--steps", "4", "--resume", ck), "other data",
                 "was written training on 12 samples in batches of 4; %s has 16 samples in batches of 4" % spec2)
    expect_error(run("train", LINREG, "--data", spec, "--steps", "4", "--resume", ck, "--seed", "9"), "seed",
                 "--seed 9 differs from the seed 0 of checkpoint '%s'" % ck)
    expect_error(run("train", LINREG, "--data", spec, "--steps", "4", "--resume", ck, "--no-shuffle"), "order",
                 "--no-shuffle, but checkpoint '%s' was written by a shuffled run" % ck)
    r = run("train", LINREG, "--data", spec, "--steps", "2", "--resume", ck)
    expect(r.returncode == 0 and "nothing to do" in r.stdout, "resume at the end: %r %r" % (r.stdout, r.stderr))
    expect(open(ck, "rb").read() == whole, "a failed resume changed the checkpoint")


def case_train_progress(tmp):
    x, y, spec = regression_data(tmp, 40, seed=9)  # 10 batches per epoch
    r = subprocess.run([DLC_RUN, "train", LINREG, "--data", spec, "--epochs", "2", "--progress", "bar"],
                       capture_output=True, timeout=120)
    r.stdout, r.stderr = r.stdout.decode(), r.stderr.decode()  # keeping the carriage returns
    if expect_ok(r, "bar"):
        expect("\r" in r.stdout and "ETA" in r.stdout and "samples/s" in r.stdout and "\x1b[K" in r.stdout,
               "bar: %r" % r.stdout)
        expect(re.search(r"epoch 1/2 \[=+\] 10/10  loss \d+\.\d{4}", r.stdout), "bar line: %r" % r.stdout)
        expect(len(re.findall(r"epoch \d/2 done: step \d+/20", r.stdout)) == 2, "bar epoch lines: %r" % r.stdout)
    r = run("train", LINREG, "--data", spec, "--epochs", "2", "--print-every", "3")
    if expect_ok(r, "lines"):
        expect("\r" not in r.stdout, "plain output holds a carriage return")
        steps = re.findall(r"^epoch (\d)/2  step (\d+)/20 \(batch (\d+)/10\)  loss \S+  lr 0\.05  \d+ samples/s  ETA \S+$",
                           r.stdout, re.M)
        expect([int(s[1]) for s in steps] == [3, 6, 9, 12, 15, 18], "step lines %r in %r" % (steps, r.stdout))
        expect(len(re.findall(r"^epoch \d/2 done: step (10|20)/20, loss \d+\.\d{4} \(mean of 10 steps\)", r.stdout,
                              re.M)) == 2, "epoch lines: %r" % r.stdout)
        expect(re.search(r"^trained to step 20 in \d+\.\d+ s; last loss ", r.stdout, re.M), "final line")
    r = run("train", LINREG, "--data", spec, "--steps", "3", "--print-every", "0", "--eval-data", spec)
    if expect_ok(r, "stopped mid-epoch"):
        expect(re.search(r"^epoch 1/1 \(stopped\): step 3/3", r.stdout, re.M), "stopped line: %r" % r.stdout)
        expect(re.search(r"^epoch 1/1  eval: loss \S+  mse \S+  mae \S+$", r.stdout, re.M), "eval line: %r" % r.stdout)


def case_eval_checkpoint(tmp):
    x, y, spec = regression_data(tmp, 10, seed=8)  # 2 full batches and one of 2
    ck = os.path.join(tmp, "c.safetensors")
    expect_ok(run("train", MOMENTUM, "--data", spec, "--steps", "6", "--checkpoint", ck), "train")
    t, _, _ = read_safetensors(ck)
    lin = LinReg()
    lin.w, lin.b = list(t["w"][:, 0]), t["b"][0]
    pred = np.array(lin.predict(x), np.float32).astype(np.float64)
    mse = np.mean((pred - y) ** 2)
    for artifact, entry, extra in ((MOMENTUM, "eval_step", 0), (LINREG, "eval_step", 2),
                                   (fixture("linreg_noeval"), "infer", 2)):
        m = os.path.join(tmp, "m.json")
        r = run("eval", artifact, "--data", spec, "--checkpoint", ck, "--metrics", m)
        if not expect_ok(r, "eval %s" % artifact):
            continue
        j = json.load(open(m))
        expect(j["entry"] == entry and j["task"] == "regression" and j["samples"] == 10, "eval %s: %r" % (artifact, j))
        expect(np.isclose(j["mse"], mse, rtol=1e-12), "eval %s: mse %r, want %r" % (artifact, j["mse"], mse))
        expect(np.isclose(j["loss"], mse, rtol=1e-6), "eval %s: loss %r, want %r" % (artifact, j["loss"], mse))
        expect((("%d tensor(s) the artifact has no parameter for ignored" % extra) in r.stdout) == (extra > 0),
               "eval %s: ignored tensors line: %r" % (artifact, r.stdout))
    # Without a checkpoint: the artifact's initial weights.
    r = run("eval", LINREG, "--data", spec, "--metrics", os.path.join(tmp, "i.json"))
    if expect_ok(r, "eval initial"):
        p0 = np.array(LinReg().predict(x), np.float32).astype(np.float64)
        expect(np.isclose(json.load(open(os.path.join(tmp, "i.json")))["mse"], np.mean((p0 - y) ** 2), rtol=1e-12),
               "eval initial weights")


def case_checkpoint_interop(tmp):
    """dlc-run's checkpoints as other readers see them."""
    x, y, spec = regression_data(tmp, 12)
    ck = os.path.join(tmp, "c.safetensors")
    expect_ok(run("train", MOMENTUM, "--data", spec, "--steps", "4", "--seed", "2", "--checkpoint", ck,
                  "--lr", "0.01", "--lr-schedule", "step:2:0.5"), "train")
    t, meta, n = read_safetensors(ck)
    expect(n % 8 == 0, "header length %d is not a multiple of 8" % n)
    expect(list(t) == ["w", "b", "w/momentum.v", "b/momentum.v", "optimizer.lr", "optimizer.step"],
           "tensors %r" % list(t))
    expect(t["optimizer.lr"].dtype == np.float32 and t["optimizer.lr"].shape == ()
           and t["optimizer.step"].dtype == np.int64 and int(t["optimizer.step"]) == 4, "scalars %r" % t)
    expect(float(t["optimizer.lr"]) == float(f32(0.01 * 0.5)), "last lr %r" % t["optimizer.lr"])
    want = {"format": "dlc-checkpoint", "format_version": "1", "producer": "dlc test fixture",
            "model_name": "linreg", "runtime": "dlc-run", "step": "4", "epoch": "1", "position": "1",
            "seed": "2", "shuffle": "true", "batch_size": "4", "ranks": "1", "batches_per_epoch": "3", "samples": "12",
            "data": spec, "total_steps": "4", "lr": "0.01", "lr_schedule": "step:2:0.5"}
    expect(meta == want, "metadata %r\nwant %r" % (meta, want))
    model = LinReg(momentum=True)
    replay(model, x, y, 2, True, [f32(0.01 * 0.5 ** (s // 2)) for s in range(4)])
    expect(np.array_equal(t["w/momentum.v"][:, 0], np.array(model.vw, np.float32)), "momentum state vs replay")
    try:
        from safetensors.numpy import load_file
        from safetensors import safe_open
    except ImportError:
        print("note: the safetensors package is not installed; checked with this test's own reader only")
        return
    ref = load_file(ck)
    expect(set(ref) == set(t) and all(np.array_equal(ref[k], t[k]) for k in t), "safetensors.numpy reads %r" % ref)
    with safe_open(ck, "np") as f:
        expect(f.metadata() == want, "safetensors metadata %r" % f.metadata())


run_case(globals(), CASE, "dlc-run-train-test-")
