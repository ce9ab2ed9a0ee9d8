#!/usr/bin/python3
"""Data-parallel training on this machine: steps per second of `mpirun -np 2 dlc-run train`
(one thread per rank) against one process at the same global batch with one and with two
threads, the scaling efficiency over one rank, and the time the ranks spent in allreduce;
then the same for PyTorch DistributedDataParallel (gloo backend, CPU) on the same models.

    data_parallel.py BIN_DIR PEER_SCRIPT WORK_DIR [--steps S] [--only mlp,lenet,transformer]

Per-rank batch 32 (global 64), Adam, cross-entropy, synthetic data. Efficiency (weak
scaling) = samples/s of 2 ranks / (2 x samples/s of 1 rank at batch 32, one thread)."""
import argparse, importlib.util, os, re, shutil, subprocess, sys, time

import numpy as np


def peer_module(path):
    spec = importlib.util.spec_from_file_location("torch_peer", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def mpi_env():
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    return env


def dlc_runs(args, name, shape):
    for b in (32, 64):
        subprocess.run(["/usr/bin/python3", args.peer, "export", f"{args.work}/b{b}", "--batch", str(b), "--only", name],
                       check=True, capture_output=True)
        subprocess.run([os.path.join(args.bin, "dlc"), "compile", f"{args.work}/b{b}/{name}.onnx", "-o",
                        f"{args.work}/b{b}/{name}_train.so", "--train", "--optimizer", "adam", "--lr", "1e-3"],
                       check=True, capture_output=True)
    data = f"{args.work}/{name}.npz"
    rng = np.random.default_rng(0)
    np.savez(data, x=rng.standard_normal((512, *shape)).astype(np.float32), label=rng.integers(0, 10, 512))
    run = os.path.join(args.bin, "dlc-run")

    def train(batch, threads, ranks=1):
        cmd = [run, "train", f"{args.work}/b{batch}/{name}_train.so", "--data", "npz:" + data, "--steps",
               str(args.steps), "--threads", str(threads), "--no-shuffle", "--progress", "lines", "--print-every", "0"]
        if ranks > 1:
            cmd = [shutil.which("mpirun"), "-np", str(ranks), "--oversubscribe", "--bind-to", "none"] + cmd
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=mpi_env()).stdout
        secs = float(re.search(r"trained to step \d+ in ([0-9.]+) s", out).group(1))
        ar = re.search(r"allreduce: \d+ buckets, ([0-9.]+) MB in all; ([0-9.]+) s reducing .*?, ([0-9.]+) s of "
                       r"train_step waiting", out)
        return secs, (float(ar.group(1)), float(ar.group(2)), float(ar.group(3))) if ar else None

    one32, _ = train(32, 1)
    one64, _ = train(64, 1)
    two_threads, _ = train(64, 2)
    ranks, (mb, reduce_s, wait_s) = train(32, 1, 2)
    return one32, one64, two_threads, ranks, mb, reduce_s, wait_s


DDP_WORKER = r'''
import os, sys, time, importlib.util, torch, torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP
spec = importlib.util.spec_from_file_location("torch_peer", sys.argv[1]); peer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(peer)
name, steps, batch = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
torch.set_num_threads(1)
dist.init_process_group("gloo", rank=rank, world_size=world)
m = DDP(peer.build(name))
opt = torch.optim.Adam(m.parameters(), 1e-3); lf = torch.nn.CrossEntropyLoss()
x = torch.randn(batch, *peer.MODELS[name][1]); y = torch.randint(0, 10, (batch,))
def step():
    opt.zero_grad(); lf(m(x), y).backward(); opt.step()
for _ in range(3): step()
dist.barrier(); t = time.perf_counter()
for _ in range(steps): step()
dist.barrier(); el = time.perf_counter() - t
if rank == 0: print(f"seconds={el:.4f}")
dist.destroy_process_group()
'''


def ddp(args, name, ranks, batch):
    worker = os.path.join(args.work, "ddp_worker.py")
    with open(worker, "w") as f:
        f.write(DDP_WORKER)
    procs = []
    for r in range(ranks):
        env = dict(os.environ, RANK=str(r), WORLD_SIZE=str(ranks), MASTER_ADDR="127.0.0.1", MASTER_PORT="29517",
                   OMP_NUM_THREADS="1")
        procs.append(subprocess.Popen(["/usr/bin/python3", worker, args.peer, name, str(args.steps), str(batch)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
    outs = [p.communicate() for p in procs]
    if any(p.returncode for p in procs):
        raise RuntimeError(f"DDP {name}: " + " ".join(o[1][-300:] for o in outs))
    return float(re.search(r"seconds=([0-9.]+)", outs[0][0]).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin"); ap.add_argument("peer"); ap.add_argument("work")
    ap.add_argument("--steps", type=int, default=300); ap.add_argument("--only", default="mlp,lenet,transformer")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    peer = peer_module(args.peer)
    S = args.steps
    print(f"{S} steps, global batch 64; steps/s (higher is better)")
    print(f"{'model':<12} {'who':<6} {'1r b32':>8} {'1r b64':>8} {'1r b64 2t':>9} {'2r b32':>8} {'eff':>5} "
          f"{'2r/2t':>6} {'wait':>6} {'reduce':>7} {'MB/step':>8} {'GB/s':>5}")
    for name in args.only.split(","):
        shape = peer.MODELS[name][1]
        one32, one64, two_t, two_r, mb, reduce_s, wait_s = dlc_runs(args, name, shape)
        eff = (64 / two_r) / (2 * 32 / one32)
        print(f"{name:<12} {'dlc':<6} {S / one32:>8.1f} {S / one64:>8.1f} {S / two_t:>9.1f} {S / two_r:>8.1f} "
              f"{eff:>5.2f} {two_t / two_r:>6.2f} {100 * wait_s / two_r:>5.1f}% {100 * reduce_s / two_r:>6.1f}% "
              f"{mb / S:>8.2f} {mb / 1e3 / reduce_s:>5.2f}", flush=True)
        t32, t64 = ddp(args, name, 1, 32), ddp(args, name, 1, 64)
        t2 = ddp(args, name, 2, 32)
        eff = (64 / t2) / (2 * 32 / t32)
        print(f"{name:<12} {'torch':<6} {S / t32:>8.1f} {S / t64:>8.1f} {'':>9} {S / t2:>8.1f} {eff:>5.2f} {'':>6} "
              f"{'':>9}", flush=True)
    print("wait: the share of the 2-rank run's time train_step spent waiting for the averaged gradients; reduce:\n"
          "the share the background thread spent in MPI_Allreduce (overlapping the backward pass); GB/s: the\n"
          "gradient bytes over the reduce time")


if __name__ == "__main__":
    main()
