#!/usr/bin/python3
"""`mpirun -np 2 dlc-run train` at batch B equals one process at batch 2B: the losses of 50
steps agree within 1e-5 relative, for every optimizer, with weight decay, with gradient
clipping (the global norm of the averaged gradients), on an MLP and a CNN, with gradients in
several buckets, with dropout (each rank's masks its slice of the global batch's), and with
batch norm on the global batch's statistics (--sync-batchnorm);
`dlc-run eval` and `train --eval-data` under mpirun share the batches and report what one
process would; a 2-rank run resumed from its checkpoint continues exactly; a checkpoint of
another rank count is refused.

    data_parallel.py BIN_DIR WORK_DIR"""
import os, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dist_common import Cases, compare, compile_model, data, losses, mpi_env, mpirun  # noqa: E402

cases = Cases.from_argv()
RUN = cases.tool("dlc-run")
STEPS = 50
MPI, ENV = mpirun(), mpi_env()

CONFIGS = [
    ("mlp", ["--optimizer", "sgd", "--lr", "0.05"]),
    ("mlp", ["--optimizer", "momentum", "--lr", "0.05", "--weight-decay", "0.01"]),
    ("mlp", ["--optimizer", "nesterov", "--lr", "0.05"]),
    ("mlp", ["--optimizer", "adam", "--lr", "0.01"]),
    ("mlp", ["--optimizer", "adamw", "--lr", "0.01", "--weight-decay", "0.05"]),
    ("mlp", ["--optimizer", "rmsprop", "--lr", "0.005"]),
    ("mlp", ["--optimizer", "adagrad", "--lr", "0.05"]),
    ("mlp", ["--optimizer", "adam", "--lr", "0.01", "--clip-grad-norm", "0.5"]),
    ("cnn", ["--optimizer", "momentum", "--lr", "0.05"]),
    ("cnn", ["--optimizer", "adam", "--lr", "0.01", "--clip-grad-norm", "1.0"]),
    # Batch norm on the global batch's statistics: the mean and variance averaged over the
    # ranks in the forward pass, and their gradients in the backward pass.
    # Dropout: rank r's masks are its slice of the masks of the global batch.
    ("mlp_dropout", ["--optimizer", "adam", "--lr", "0.01"]),
    ("cnn_bn", ["--optimizer", "momentum", "--lr", "0.05", "--sync-batchnorm"]),
]


def train(artifact, model, log, ranks, *extra):
    cmd = [RUN, "train", artifact, "--data", data(cases, model), "--steps", str(STEPS), "--threads", "1",
           "--seed", "5", "--log", log, "--progress", "lines", *extra]
    if ranks > 1:
        cmd = MPI + ["-np", str(ranks)] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    return p, (losses(log) if p.returncode == 0 and os.path.exists(log) else {})


for k, (model, flags) in enumerate(CONFIGS):
    what = f"{model} {' '.join(flags)}"
    # Small buckets: the 2-rank artifact averages its gradients in several pieces.
    half = compile_model(cases, model, 4, flags + ["--grad-bucket-mb", "0.002"], f"c{k}_b4")
    full = compile_model(cases, model, 8, flags, f"c{k}_b8")
    p1, one = train(full, model, cases.path(f"c{k}_one.jsonl"), 1)
    p2, two = train(half, model, cases.path(f"c{k}_two.jsonl"), 2)
    ok, worst, detail = compare(one, two)
    cases.check(f"{what}: 2 ranks at batch 4 = 1 process at batch 8 over {STEPS} steps", ok and len(one) == STEPS,
                detail if p1.returncode == 0 and p2.returncode == 0 else f"exit {p1.returncode}/{p2.returncode}: "
                f"{(p1.stderr + p2.stderr).strip()[-400:]!r}")
    if k == 0:
        cases.check("rank 0 alone reports: one 'trained to step' line, the ranks and the allreduce figures",
                    p2.stdout.count("trained to step") == 1 and "data-parallel: 2 ranks, batch 4 on each" in p2.stdout
                    and "allreduce: " in p2.stdout, p2.stdout[-300:])

# Without --sync-batchnorm each rank normalizes with its own batch's statistics (DDP's
# default): a different computation, so the losses must differ from the 1-process run.
half = compile_model(cases, "cnn_bn", 4, ["--optimizer", "momentum", "--lr", "0.05"], "bn_local_b4")
p2, two = train(half, "cnn_bn", cases.path("bn_local_two.jsonl"), 2)
one = losses(cases.path(f"c{len(CONFIGS) - 1}_one.jsonl"))
ok, worst, detail = compare(one, two)
cases.check("without --sync-batchnorm, batch norm uses each rank's statistics (the losses differ)",
            p2.returncode == 0 and not ok and worst > 1e-4, detail)

# Evaluation under mpirun: the ranks share the batches (23 of batch 4 for 90 samples, the
# last one partial) and rank 0 reports the whole set's metrics, equal to one process's.
import json  # noqa: E402
import numpy as np  # noqa: E402
rng = np.random.default_rng(3)
np.savez(cases.path("eval.npz"), x=rng.standard_normal((90, 20)).astype(np.float32),
         label=rng.integers(0, 5, 90).astype(np.int64))
art = cases.path("c3_b4.so")
ev = [RUN, "eval", art, "--data", "npz:" + cases.path("eval.npz"), "--threads", "1"]
p1 = subprocess.run(ev + ["--metrics", cases.path("m1.json")], capture_output=True, text=True)
p2 = subprocess.run(MPI + ["-np", "2"] + ev + ["--metrics", cases.path("m2.json")], capture_output=True, text=True,
                    env=ENV)
timing = {"elapsed_s", "samples_per_s", "load_s"}
if p1.returncode == 0 and p2.returncode == 0:
    m1, m2 = (json.load(open(cases.path(f"m{i}.json"))) for i in (1, 2))
    differ = {k: (m1[k], m2.get(k)) for k in m1 if k not in timing and k != "loss" and m1[k] != m2.get(k)}
    cases.check("eval on 2 ranks = eval in one process (accuracy, confusion matrix, F1, every count; loss within 1e-12)",
                not differ and abs(m1["loss"] - m2["loss"]) <= 1e-12 * abs(m1["loss"]) and m1["samples"] == 90,
                str(differ)[:300])
else:
    cases.check("eval on 2 ranks", False, (p1.stderr + p2.stderr)[-300:])
p2, _ = train(art, "mlp", cases.path("with_eval.jsonl"), 2, "--eval-data", "npz:" + cases.path("eval.npz"))
evals = [l for l in p2.stdout.splitlines() if "eval: loss" in l]
cases.check("train --eval-data under mpirun: rank 0 prints one evaluation per epoch", p2.returncode == 0 and
            len(evals) == 5, f"{len(evals)} lines; {p2.stderr[-300:]}")

# Resume: 2 ranks stop at step 20 with a checkpoint and continue to 50; equal to the run
# that did not stop (c3: mlp adam).
art = cases.path("c3_b4.so")
ck = cases.path("resume.safetensors")
p, _ = train(art, "mlp", cases.path("first.jsonl"), 2, "--checkpoint", ck)
cases.check("a 2-rank run writes its checkpoint from rank 0", p.returncode == 0 and os.path.exists(ck), p.stderr[-300:])
# --steps applies to the first run: redo it with 20.
p = subprocess.run(MPI + ["-np", "2", RUN, "train", art, "--data", data(cases, "mlp"), "--steps", "20", "--threads", "1",
                          "--seed", "5", "--checkpoint", ck], capture_output=True, text=True, env=ENV)
p2, resumed = train(art, "mlp", cases.path("resumed.jsonl"), 2, "--resume", ck)
whole = losses(cases.path("c3_two.jsonl"))
ok, worst, detail = compare({s: whole[s] for s in resumed}, resumed, rtol=1e-6)
cases.check("2 ranks resumed at step 20 continue as the uninterrupted run", p.returncode == 0 and p2.returncode == 0
            and sorted(resumed) == list(range(21, STEPS + 1)) and ok, detail + " " + (p.stderr + p2.stderr)[-300:])
cases.expect_error("a checkpoint of 2 ranks does not resume in one process",
                   [RUN, "train", art, "--data", data(cases, "mlp"), "--steps", "30", "--resume", ck],
                   "in batches of 4 on each of 2 ranks")
cases.finish()
