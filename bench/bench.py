#!/usr/bin/python3
"""dlc side by side with its peers, in one run, on the same machine and thread count. Prints
four tables, one line per measurement, times in ms (median of the timed calls unless said),
ratios dlc / peer (below 1.0: dlc is faster):

  * train step: one Adam step (batch 64; cross-entropy, MSE for linreg) of the
    ../shared/bench/torch_peer.py models, `dlc-run bench --entry train_step` against
    PyTorch CPU's (`torch_peer.py time`'s train_ms, a mean). ONNX Runtime does not train.
  * inference of the same models at batch 64 and 1: `dlc-run bench` against PyTorch
    (`torch_peer.py time`, a mean) and ONNX Runtime (ort_peer.py: CPU provider, intra- and
    inter-op threads = --threads, ORT_ENABLE_ALL, sequential execution).
  * zoo inference: the tests/e2e/zoo models at batch 8 (their eval-mode export, zoo_peer.py),
    dlc against ONNX Runtime and PyTorch eager (no_grad, eval mode).
  * fp32 matmul n x n x n for n = 256, 1024, 2048: dlc's artifact against NumPy's matmul
    (OpenBLAS), in GFLOP/s (ratio dlc / NumPy: above 1.0, dlc is faster).

Every inference row also has `agree`: the largest relative difference, max |dlc - ORT| / max |ORT|
over the model's outputs, of `dlc-run infer` and ONNX Runtime on the same inputs (N(0, 1)
floats for the torch_peer models, the Spec's inputs for the zoo); a '!' marks one above 1e-3.
`dlc-run bench` feeds its own synthetic inputs (uniform floats, zero integers and masks),
the peers the agreement inputs. A model that dlc cannot compile or run gets the reason in its
row; the others go on.

    bench.py BIN_DIR PEER_SCRIPT WORK_DIR [--threads T] [--only NAME,...] [--quick]
             [--ort-python PYTHON]

--only takes torch_peer.py and zoo model names (default: all of both). --quick (for CI:
mlp, lenet and one zoo model, few iterations, matmul at 256 only) exits with status 1 when
any step failed; ratios are not checked."""
import argparse, os, re, shutil, subprocess, sys, time

# OpenBLAS reads its thread count when NumPy loads: set it from --threads first.
_threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
os.environ["OPENBLAS_NUM_THREADS"] = _threads
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TORCH_MODELS = ["linreg", "mlp", "lenet", "lstm", "gru", "transformer"]
QUICK = ["mlp", "lenet", "transformer2_postnorm_relu"]
AGREE_RTOL = 1e-3
failures, disagreements = [], []


class StepError(Exception):
    """A command that failed; str() is one line saying which and why."""


def run(cmd, what):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:  # the program is missing or not executable
        raise StepError(f"{what}: {e}") from e
    if r.returncode:
        lines = [l for l in r.stderr.strip().splitlines() if l.strip()] or [f"exit status {r.returncode}"]
        raise StepError(f"{what}: {lines[-1] if 'Traceback' in r.stderr else lines[0]}")
    return r.stdout


def median_ms(out):
    return float(re.search(r"median_ms=([0-9.]+)", out.strip().splitlines()[-1]).group(1))


def compile_model(args, onnx_path, so, *extra):
    run([os.path.join(args.bin, "dlc"), "compile", onnx_path, "-o", so, *extra], "dlc compile")


def dlc_bench(args, so, iters, entry="infer"):
    return median_ms(run([os.path.join(args.bin, "dlc-run"), "bench", so, "--entry", entry, "--iters", str(iters),
                          "--threads", str(args.threads)], "dlc-run bench"))


def dlc_infer(args, so, npz, out_dir):
    """{output name ('/' as '_'): array} of `dlc-run infer` on the arrays of npz."""
    shutil.rmtree(out_dir, ignore_errors=True)
    run([os.path.join(args.bin, "dlc-run"), "infer", so, "--inputs", npz, "--output-dir", out_dir,
         "--threads", str(args.threads)], "dlc-run infer")
    return {f[:-4]: np.load(os.path.join(out_dir, f)) for f in os.listdir(out_dir) if f.endswith(".npy")}


def ort_run(args, onnx_path, npz, iters):
    """(median ms, {output name ('/' as '_'): array}) of ort_peer.py on the arrays of npz."""
    out_npz = onnx_path[:-5] + ".ort.npz"
    out = run([args.ort_python, os.path.join(HERE, "ort_peer.py"), onnx_path, npz, "--threads", str(args.threads),
               "--iters", str(iters), "--outputs", out_npz], "onnxruntime")
    outputs = np.load(out_npz)
    return median_ms(out), {k.replace("/", "_"): outputs[k] for k in outputs.files}


def relerr(got, ref):
    """max |got - ref| / max |ref|, as tests/e2e/parity/parity_common.py measures (inf on a shape mismatch)."""
    if got.shape != ref.shape:
        return float("inf")
    return float(np.abs(got.astype(np.float64) - ref).max() / max(np.abs(ref).max(), 1e-30))


def agreement(dlc, ort):
    if set(dlc) != set(ort):
        return float("inf")
    return max(relerr(dlc[k], ort[k]) for k in ort)


def graph_inputs(onnx_path, seed):
    """{input name: array} for the graph's inputs at their fixed shapes: N(0, 1) floats, zero integers."""
    import onnx
    from onnx import mapping
    rng, graph = np.random.default_rng(seed), onnx.load(onnx_path).graph
    inits = {i.name for i in graph.initializer}
    feeds = {}
    for v in graph.input:
        if v.name in inits:
            continue
        t = v.type.tensor_type
        dtype = mapping.TENSOR_TYPE_TO_NP_TYPE[t.elem_type]
        shape = [d.dim_value for d in t.shape.dim]
        feeds[v.name] = (rng.standard_normal(shape).astype(dtype) if np.issubdtype(dtype, np.floating)
                         else np.zeros(shape, dtype))
    return feeds


def side_by_side(args, onnx_path, npz, iters):
    """dlc and ONNX Runtime on one inference model: (dlc ms, ORT ms, agreement)."""
    so = onnx_path[:-5] + ".so"
    compile_model(args, onnx_path, so)
    ms = dlc_bench(args, so, iters)
    got = dlc_infer(args, so, npz, onnx_path[:-5] + ".dlc-out")
    ort_ms, ref = ort_run(args, onnx_path, npz, iters)
    return ms, ort_ms, agreement(got, ref)


INFER_HEADER = (f"{'model':<26} {'batch':>5} {'dlc ms':>9} {'torch ms':>9} {'ORT ms':>9} {'dlc/torch':>9} "
                f"{'dlc/ORT':>8} {'agree':>9}")


def not_run(label, batch, reason):
    """A row whose step failed: its reason instead of figures, remembered for the summary."""
    failures.append(f"{label}{f' b{batch}' if batch else ''}: {reason}")
    print(f"{label:<26} {batch or '':>5} not run: {reason}", flush=True)


def infer_row(args, name, batch, onnx_path, npz, iters, torch_ms):
    """One inference line (torch_ms None: no PyTorch figure)."""
    try:
        ms, ort_ms, agree = side_by_side(args, onnx_path, npz, iters)
    except StepError as e:
        return not_run(name, batch, e)
    flag = "!" if not agree <= AGREE_RTOL else ""
    if flag:
        disagreements.append(f"{name} b{batch}: {agree:.2e}")
    torch_col, ratio = (f"{torch_ms:>9.4f}", f"{ms / torch_ms:>9.2f}") if torch_ms else (f"{'-':>9}", f"{'-':>9}")
    print(f"{name:<26} {batch:>5} {ms:>9.4f} {torch_col} {ort_ms:>9.4f} {ratio} {ms / ort_ms:>8.2f} "
          f"{agree:>8.1e}{flag}", flush=True)


def torch_peer_times(args, names):
    """{model: {train_ms, infer_b64_ms, infer_b1_ms}} from `torch_peer.py time`."""
    out = run(["/usr/bin/python3", args.peer, "time", "--threads", str(args.threads), "--batch", "64",
               "--only", ",".join(names)], "torch_peer.py time")
    return {f[0]: {k: float(v) for k, v in (kv.split("=") for kv in f[1:])}
            for f in map(str.split, out.splitlines()) if "=" in "".join(f[1:])}


def train_steps(args, names, torch_ms):
    print(f"{'train step (Adam, b64)':<26} {'dlc ms':>9} {'torch ms':>9} {'dlc/torch':>9}")
    for name in names:
        loss = "mse" if name == "linreg" else "cross_entropy"
        so = f"{args.work}/b64/{name}_train.so"
        try:
            compile_model(args, f"{args.work}/b64/{name}.onnx", so, "--train", "--loss", loss, "--optimizer", "adam",
                          "--lr", "1e-3")
            ms = dlc_bench(args, so, args.train_iters, entry="train_step")
        except StepError as e:  # a model dlc cannot train yet: say why, time the others
            not_run(name, None, e)
            continue
        ref = torch_ms[name]["train_ms"]
        print(f"{name:<26} {ms:>9.4f} {ref:>9.4f} {ms / ref:>9.2f}", flush=True)


def torch_models(args, names):
    """The torch_peer.py models: train step against PyTorch, inference against PyTorch and ORT."""
    for batch in (64, 1):
        run(["/usr/bin/python3", args.peer, "export", f"{args.work}/b{batch}", "--batch", str(batch),
             "--only", ",".join(names)], "torch_peer.py export")
    torch_ms = torch_peer_times(args, names)
    train_steps(args, names, torch_ms)
    print(f"\n{'inference':<26}" + INFER_HEADER[26:])
    for name in names:
        for batch in (64, 1):
            onnx_path = f"{args.work}/b{batch}/{name}.onnx"
            npz = f"{args.work}/b{batch}/{name}.npz"
            np.savez(npz, **graph_inputs(onnx_path, seed=batch))
            infer_row(args, name, batch, onnx_path, npz, args.infer_iters[batch], torch_ms[name][f"infer_b{batch}_ms"])


def zoo(args, names):
    """The zoo models at batch 8: inference against ORT and PyTorch eager."""
    out_dir = f"{args.work}/zoo"
    print(f"\n{'zoo inference':<26}" + INFER_HEADER[26:])
    try:
        out = run(["/usr/bin/python3", os.path.join(HERE, "zoo_peer.py"), out_dir, "--threads", str(args.threads),
                   "--iters", str(args.infer_iters[8]), *names], "zoo_peer.py")
    except StepError as e:
        return not_run("zoo", None, e)
    for line in out.splitlines():
        name, result = line.split(" ", 1)
        key, value = result.split("=", 1)
        if key == "error":
            not_run(name, 8, f"export: {value}")
        else:
            infer_row(args, name, 8, f"{out_dir}/{name}.onnx", f"{out_dir}/{name}.npz", args.infer_iters[8], float(value))


def matmul(args):
    import onnx
    from onnx import TensorProto, helper
    print(f"\n{'matmul n':<26} {'dlc GFLOP/s':>12} {'numpy GFLOP/s':>14} {'dlc/numpy':>9}")
    for n in args.matmul_sizes:
        g = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"])], "mm",
                              [helper.make_tensor_value_info(v, TensorProto.FLOAT, [n, n]) for v in "ab"],
                              [helper.make_tensor_value_info("c", TensorProto.FLOAT, [n, n])])
        path = f"{args.work}/mm{n}.onnx"
        onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), path)
        iters = 10 if args.quick or n > 1024 else 50
        try:
            compile_model(args, path, f"{args.work}/mm{n}.so")
            ms = dlc_bench(args, f"{args.work}/mm{n}.so", iters)
        except StepError as e:
            not_run(f"matmul {n}", None, e)
            continue
        a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32)
        for _ in range(3):
            a @ b
        ts = []
        for _ in range(iters):
            t = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t)
        np_ms = sorted(ts)[len(ts) // 2] * 1e3
        flop = 2.0 * n ** 3
        print(f"{n:<26} {flop / ms / 1e6:>12.1f} {flop / np_ms / 1e6:>14.1f} {np_ms / ms:>9.2f}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("bin"); p.add_argument("peer"); p.add_argument("work")
    p.add_argument("--threads", type=int, default=1, help="threads of dlc and of every peer (default: 1)")
    p.add_argument("--only", help="torch_peer.py and zoo model names, comma-separated (default: all)")
    p.add_argument("--quick", action="store_true", help="CI: a few models and iterations; status 1 on any failure")
    p.add_argument("--ort-python", default=os.path.join(HERE, "..", ".deps", "venv", "bin", "python"),
                   help="a python with onnxruntime (default: the project's .deps/venv)")
    args = p.parse_args()
    names = args.only.split(",") if args.only else QUICK if args.quick else None
    torch_names = [n for n in names if n in TORCH_MODELS] if names else TORCH_MODELS
    zoo_names = [n for n in names if n not in TORCH_MODELS] if names else []  # [] with no --only: the whole zoo
    args.infer_iters = {1: 20, 64: 10, 8: 20} if args.quick else {1: 500, 64: 100, 8: 200}
    args.train_iters = 10 if args.quick else 50
    args.matmul_sizes = (256,) if args.quick else (256, 1024, 2048)
    os.makedirs(args.work, exist_ok=True)
    if torch_names:
        torch_models(args, torch_names)
    if zoo_names or not names:
        zoo(args, zoo_names)
    matmul(args)
    if disagreements:
        print(f"\ndlc and ONNX Runtime differ by more than {AGREE_RTOL:g}: " + "; ".join(disagreements))
    if failures:
        print(f"\n{len(failures)} step(s) failed:\n  " + "\n  ".join(failures))
        if args.quick:
            sys.exit(1)


if __name__ == "__main__":
    main()
