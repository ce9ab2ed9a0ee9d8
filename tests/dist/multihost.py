#!/usr/bin/python3
"""Data-parallel training across hosts, simulated on this machine: two network namespaces
joined by a veth pair, each a "host" with its own address, Open MPI starting the remote rank
through an rsh agent that enters the other namespace (netns_rsh.sh) instead of ssh, and the
ranks talking TCP over the veth link only. `mpirun -np 2 -H A,B dlc-run train` at batch 4
must equal one process at batch 8. Needs root (network namespaces).

    multihost.py BIN_DIR WORK_DIR"""
import os, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dist_common import Cases, compare, compile_model, data, losses, mpi_env, mpirun  # noqa: E402

cases = Cases.from_argv()
RUN = cases.tool("dlc-run")
HERE = os.path.dirname(os.path.abspath(__file__))
tag = str(os.getpid() % 100000)
NS = (f"dlcA{tag}", f"dlcB{tag}")
VETH = (f"dva{tag}", f"dvb{tag}")
# A /24 of the private range per run, so that two runs of the test never share one.
net = f"10.{200 + os.getpid() % 50}.{os.getpid() // 50 % 250}"
ADDR = (f"{net}.1", f"{net}.2")


def sh(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {p.stderr.strip()}")


def cleanup():
    for ns in NS:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    subprocess.run(["ip", "link", "del", VETH[0]], capture_output=True)  # if never moved into a namespace


if os.geteuid() != 0:
    sys.exit("multihost.py needs root to create network namespaces (CI runs as root)")
flags = ["--optimizer", "adam", "--lr", "0.01", "--clip-grad-norm", "1.0"]
half = compile_model(cases, "mlp", 4, flags + ["--grad-bucket-mb", "0.002"], "mlp_b4")
full = compile_model(cases, "mlp", 8, flags, "mlp_b8")
spec = data(cases, "mlp")
common = ["--data", spec, "--steps", "30", "--threads", "1", "--seed", "5", "--progress", "lines"]
cases.run_ok("one process at batch 8", [RUN, "train", full, *common, "--log", cases.path("one.jsonl")])

try:
    cleanup()  # what a killed earlier run with the same pid may have left
    for ns in NS:
        sh("ip", "netns", "add", ns)
    sh("ip", "link", "add", VETH[0], "type", "veth", "peer", "name", VETH[1])
    for ns, dev, addr in zip(NS, VETH, ADDR):
        sh("ip", "link", "set", dev, "netns", ns)
        sh("ip", "netns", "exec", ns, "ip", "addr", "add", addr + "/24", "dev", dev)
        sh("ip", "netns", "exec", ns, "ip", "link", "set", dev, "up")
        sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
    env = mpi_env()
    env["DLC_NETNS_HOSTS"] = f"{ADDR[0]}={NS[0]} {ADDR[1]}={NS[1]}"
    launch = ["ip", "netns", "exec", NS[0]] + mpirun() + [
        "-np", "2", "-H", f"{ADDR[0]}:1,{ADDR[1]}:1",
        "-x", "DLC_NETNS_HOSTS", "-x", "OMPI_ALLOW_RUN_AS_ROOT", "-x", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM",
        "--mca", "plm_rsh_agent", os.path.join(HERE, "netns_rsh.sh"),
        "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", net + ".0/24",
        "--mca", "oob_tcp_if_include", net + ".0/24"]
    # Each rank on its own "host": rank r sees address r.
    p = subprocess.run(launch + ["sh", "-c", 'echo "rank=$OMPI_COMM_WORLD_RANK $(ip -4 -o addr show | tr "\\n" " ")"'],
                       capture_output=True, text=True, env=env, timeout=120)
    where = {}
    for line in p.stdout.splitlines():
        if line.startswith("rank="):
            rank, _, rest = line[5:].partition(" ")
            where[rank] = [a for a in ADDR if a + "/" in rest]
    cases.check("each rank runs in its own namespace, seeing only its host's address",
                where == {"0": [ADDR[0]], "1": [ADDR[1]]}, f"{where} {p.stderr.strip()[-300:]}")
    cmd = launch + [RUN, "train", half, *common, "--log", cases.path("two.jsonl")]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    cases.check("mpirun across two network namespaces", p.returncode == 0, (p.stdout + p.stderr).strip()[-600:])
    hosts = [l for l in p.stdout.splitlines() if "data-parallel:" in l]
    cases.check("rank 0 reports 2 ranks over MPI", len(hosts) == 1 and "2 ranks" in hosts[0], str(hosts))
    if p.returncode == 0:
        ok, worst, detail = compare(losses(cases.path("one.jsonl")), losses(cases.path("two.jsonl")))
        cases.check("2 hosts at batch 4 = 1 process at batch 8 over 30 steps", ok, detail)
finally:
    cleanup()
cases.finish()
