#!/usr/bin/python3
"""Checkpoints survive crashes and full disks: `dlc-run train --checkpoint` killed with
SIGKILL at random moments always leaves no checkpoint, the previous one or the new one,
complete, and `--resume` from it reproduces the uninterrupted run's losses; a write that
fails (the file size limit reached, as on a full disk) keeps the old checkpoint intact.

    checkpoint_faults.py BIN_DIR WORK_DIR [KILLS]"""
import glob, os, random, resource, signal, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
from onnx import helper, numpy_helper

from harness import Cases, f32, losses

KILLS = int(sys.argv[3]) if len(sys.argv) > 3 else 40
cases = Cases.from_argv()
path, tool = cases.path, cases.tool
RUN = tool("dlc-run")
STEPS = 30

# An MLP with 4 MiB of weights and Adam's state (12 MiB per checkpoint): each checkpoint
# takes a while to write, so kills land inside writes too.
rng = np.random.default_rng(0)
w1 = numpy_helper.from_array((rng.standard_normal((1024, 1024)) * 0.03).astype(np.float32), "w1")
w2 = numpy_helper.from_array((rng.standard_normal((1024, 10)) * 0.05).astype(np.float32), "w2")
model = cases.save_model("mlp", [helper.make_node("MatMul", ["x", "w1"], ["h"]), helper.make_node("Relu", ["h"], ["r"]),
                                 helper.make_node("MatMul", ["r", "w2"], ["y"])], [f32("x", [16, 1024])],
                         [f32("y", [16, 10])], [w1, w2])
p = subprocess.run([tool("dlc"), "compile", model, "-o", path("mlp.so"), "--train", "--optimizer", "adam", "--lr", "0.001"],
                   capture_output=True, text=True)
if p.returncode != 0:
    sys.exit(p.stderr)
np.savez(path("data.npz"), x=rng.standard_normal((160, 1024)).astype(np.float32),
         label=rng.integers(0, 10, 160).astype(np.int64))
train = [RUN, "train", path("mlp.so"), "--data", "npz:" + path("data.npz"), "--threads", "1", "--seed", "3"]


# The uninterrupted run.
cases.run_ok("uninterrupted run", train + ["--steps", str(STEPS), "--log", path("ref.jsonl")])
ref = losses(path("ref.jsonl"))
cases.check(f"the reference has {STEPS} steps", len(ref) == STEPS)
t0 = time.time()
subprocess.run(train + ["--steps", str(STEPS), "--checkpoint", path("timing.safetensors"), "--checkpoint-every", "1"],
               capture_output=True)
duration = time.time() - t0

# Killed runs: each writes a checkpoint after every step and dies at a random moment.
rand = random.Random(7)
outcomes = {"none": 0, "resumed": 0}
resumed_from = set()
bad = []
for k in range(KILLS):
    d = path(f"kill{k}")
    os.makedirs(d)
    ck = os.path.join(d, "ck.safetensors")
    proc = subprocess.Popen(train + ["--steps", str(STEPS), "--checkpoint", ck, "--checkpoint-every", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rand.uniform(0, duration))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if not os.path.exists(ck):
        outcomes["none"] += 1
        continue
    log = os.path.join(d, "resumed.jsonl")
    r = subprocess.run(train + ["--steps", str(STEPS), "--resume", ck, "--log", log], capture_output=True, text=True)
    got = losses(log) if r.returncode == 0 and os.path.exists(log) else {}
    # The resumed run logs the steps after the checkpoint's (none when the killed run had
    # finished); each must equal the reference.
    same = r.returncode == 0 and all(abs(got[s] - ref[s]) <= 1e-6 * max(1.0, abs(ref[s])) for s in got) \
        and (not got or max(got) == STEPS)
    if same:
        outcomes["resumed"] += 1
        resumed_from.add(min(got) - 1 if got else STEPS)
    else:
        bad.append((k, r.returncode, r.stderr.strip()[-300:], sorted(got)[:3]))
cases.check(f"{KILLS} runs killed with SIGKILL: every checkpoint left loads and resumes to the reference losses "
            f"({outcomes['resumed']} resumed from {len(resumed_from)} different steps, {outcomes['none']} killed before "
            f"the first checkpoint)", not bad,
            "; ".join(map(str, bad[:3])))
cases.check("the kills landed at several points of the run", len(resumed_from) >= min(5, KILLS // 4))

# A run killed between naming its temporary file and the rename (or at any point where the
# file system lacks O_TMPFILE) leaves `.ck.safetensors.tmp.<pid>.<n>`: the next checkpoint
# written to that path removes it, once its writer is gone and it is 10 s old (the age
# guards a writer in another pid namespace). The files are aged here instead of waiting; a
# made-up one from a dead pid makes sure the check exercises the cleanup on every machine.
leftovers = glob.glob(path("kill*/.ck.safetensors.tmp.*"))
gone = subprocess.Popen(["true"])
gone.wait()
made_up = path(f"kill0/.ck.safetensors.tmp.{gone.pid}.1")
with open(made_up, "wb") as f:
    f.write(b"partial")
old = time.time() - 60
for t in leftovers + [made_up]:
    os.utime(t, (old, old))
cleaned_dirs = sorted({os.path.dirname(t) for t in leftovers + [made_up]})
for d in cleaned_dirs:
    subprocess.run(train + ["--steps", "1", "--checkpoint", os.path.join(d, "ck.safetensors")], capture_output=True)
remaining = glob.glob(path("kill*/.ck*"))
cases.check(f"the next checkpoint removes what killed runs left ({len(leftovers)} temporary files left by the "
            f"{KILLS} kills, plus one made up)", not remaining, str(remaining[:3]))

# A write that fails: the file size limit (SIGXFSZ ignored, so write() gets EFBIG, as on a
# full disk). The old checkpoint must stay as it was, and loadable.
ck = path("full.safetensors")
cases.run_ok("a first checkpoint", train + ["--steps", "3", "--checkpoint", ck])
before = open(ck, "rb").read()
limit = len(before) // 2


def small_fsize():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


p = subprocess.run(train + ["--steps", "6", "--resume", ck, "--checkpoint", ck], capture_output=True, text=True,
                   preexec_fn=small_fsize)
errors = [l for l in p.stderr.splitlines() if "error:" in l]
cases.check("a failing checkpoint write is a clear error", p.returncode == 1 and len(errors) == 1 and
            "full.safetensors" in errors[0], f"exit {p.returncode}: {p.stderr.strip()[-300:]!r}")
cases.check("the old checkpoint is unchanged", open(ck, "rb").read() == before)
cases.check("no temporary file is left behind", not glob.glob(path(".full.safetensors.tmp*")))
cases.run_ok("the old checkpoint still resumes", train + ["--steps", "6", "--resume", ck])

cases.finish()
