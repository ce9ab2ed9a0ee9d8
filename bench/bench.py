#!/usr/bin/python3
"""dlc side by side with its peers, in one run, on the same machine and thread count:

  * inference of the torch_peer.py models (PyTorch CPU, `torch_peer.py time`) at batch
    64 and 1: dlc-run bench median against PyTorch's mean per call;
  * one Adam train step (batch 64; cross-entropy, MSE for linreg) of the same models
    against PyTorch's (`torch_peer.py time`'s train_ms);
  * fp32 matmul n x n x n for n = 256, 1024, 2048: dlc's artifact against NumPy's
    matmul (OpenBLAS), in GFLOP/s.

    bench.py BIN_DIR PEER_SCRIPT WORK_DIR [--threads T] [--only mlp,lenet]
Prints one line per measurement and the ratio dlc / peer (time: lower is better)."""
import argparse, os, re, subprocess, sys, time

# OpenBLAS reads its thread count when NumPy loads: set it from --threads first.
_threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
os.environ["OPENBLAS_NUM_THREADS"] = _threads
import numpy as np

def dlc_bench(bin_dir, so, threads, iters):
    out = subprocess.run([os.path.join(bin_dir, "dlc-run"), "bench", so, "--iters", str(iters), "--threads", str(threads)],
                         check=True, capture_output=True, text=True).stdout
    return float(re.search(r"median_ms=([0-9.]+)", out.strip().splitlines()[-1]).group(1))

def compile_model(bin_dir, onnx_path, so):
    subprocess.run([os.path.join(bin_dir, "dlc"), "compile", onnx_path, "-o", so], check=True)

def models(args):
    names = args.only.split(",")
    for batch in (64, 1):
        subprocess.run(["/usr/bin/python3", args.peer, "export", f"{args.work}/b{batch}", "--batch", str(batch),
                        "--only", args.only], check=True, capture_output=True)
    peer = subprocess.run(["/usr/bin/python3", args.peer, "time", "--threads", str(args.threads), "--batch", "64",
                           "--only", args.only], check=True, capture_output=True, text=True).stdout
    torch_ms = {}
    for line in peer.splitlines():
        fields = line.split()
        torch_ms[fields[0]] = {k: float(v) for k, v in (f.split("=") for f in fields[1:])}
    print(f"{'model':<12} {'train step':>10} {'dlc ms':>9} {'torch ms':>9} {'dlc/torch':>9}")
    for name in names:
        loss = "mse" if name == "linreg" else "cross_entropy"
        so = f"{args.work}/b64/{name}_train.so"
        built = subprocess.run([os.path.join(args.bin, "dlc"), "compile", f"{args.work}/b64/{name}.onnx", "-o", so,
                                "--train", "--loss", loss, "--optimizer", "adam", "--lr", "1e-3"],
                               capture_output=True, text=True)
        if built.returncode != 0:  # a model dlc cannot train yet: say why, time the others
            reason = (built.stderr.strip().splitlines() or ["?"])[0]
            print(f"{name:<12} {'adam b64':>10} not compiled: {reason}", flush=True)
            continue
        out = subprocess.run([os.path.join(args.bin, "dlc-run"), "bench", so, "--entry", "train_step", "--iters", "50",
                              "--threads", str(args.threads)], check=True, capture_output=True, text=True).stdout
        ms = float(re.search(r"median_ms=([0-9.]+)", out.strip().splitlines()[-1]).group(1))
        ref = torch_ms[name]["train_ms"]
        print(f"{name:<12} {'adam b64':>10} {ms:>9.3f} {ref:>9.3f} {ms / ref:>9.2f}", flush=True)
    print(f"{'model':<12} {'batch':>5} {'dlc ms':>9} {'torch ms':>9} {'dlc/torch':>9}")
    for name in names:
        for batch in (64, 1):
            so = f"{args.work}/b{batch}/{name}.so"
            compile_model(args.bin, f"{args.work}/b{batch}/{name}.onnx", so)
            ms = dlc_bench(args.bin, so, args.threads, 500 if batch == 1 else 100)
            ref = torch_ms[name][f"infer_b{batch}_ms" if batch == 1 else "infer_b64_ms"]
            print(f"{name:<12} {batch:>5} {ms:>9.3f} {ref:>9.3f} {ms / ref:>9.2f}", flush=True)

def matmul(args):
    import onnx
    from onnx import TensorProto, helper
    print(f"{'matmul n':<12} {'dlc GFLOP/s':>12} {'numpy GFLOP/s':>14} {'dlc/numpy':>9}")
    for n in (256, 1024, 2048):
        g = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"])], "mm",
                              [helper.make_tensor_value_info(v, TensorProto.FLOAT, [n, n]) for v in "ab"],
                              [helper.make_tensor_value_info("c", TensorProto.FLOAT, [n, n])])
        path = f"{args.work}/mm{n}.onnx"
        onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), path)
        compile_model(args.bin, path, f"{args.work}/mm{n}.so")
        iters = 50 if n <= 1024 else 10
        ms = dlc_bench(args.bin, f"{args.work}/mm{n}.so", args.threads, iters)
        a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32)
        for _ in range(3):
            a @ b
        ts = []
        for _ in range(iters):
            t = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t)
        np_ms = sorted(ts)[len(ts) // 2] * 1e3
        flop = 2.0 * n ** 3
        print(f"{n:<12} {flop / ms / 1e6:>12.1f} {flop / np_ms / 1e6:>14.1f} {np_ms / ms:>9.2f}", flush=True)

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("bin"); p.add_argument("peer"); p.add_argument("work")
    p.add_argument("--threads", type=int, default=1); p.add_argument("--only", default="linreg,mlp,lenet,lstm,gru,transformer")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    models(args)
    matmul(args)
