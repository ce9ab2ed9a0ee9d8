"""The ONNX Runtime peer for bench.py: run under the project's venv python (onnxruntime 1.31;
the system python3 has none).

    ort_peer.py MODEL.onnx INPUTS.npz [--threads T] [--iters N] [--warmup W] [--outputs OUT.npz]

Runs MODEL.onnx on the arrays of INPUTS.npz (named like the graph's inputs) with the
CPUExecutionProvider, intra_op_num_threads = inter_op_num_threads = T, ORT_ENABLE_ALL graph
optimizations and sequential execution; writes the first run's outputs to OUT.npz (named like
the graph's outputs), then runs W untimed and N timed calls. The last line printed is
'median_ms=X min_ms=Y' (as `dlc-run bench` prints it)."""
import argparse, time

import numpy as np
import onnxruntime as ort


def session(path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model"); p.add_argument("inputs")
    p.add_argument("--threads", type=int, default=1); p.add_argument("--iters", type=int, default=100)
    p.add_argument("--warmup", type=int, default=5); p.add_argument("--outputs")
    a = p.parse_args()
    sess = session(a.model, a.threads)
    given = np.load(a.inputs)
    feeds = {i.name: given[i.name] for i in sess.get_inputs()}
    outputs = sess.run(None, feeds)
    if a.outputs:
        np.savez(a.outputs, **{o.name: v for o, v in zip(sess.get_outputs(), outputs)})
    for _ in range(a.warmup):
        sess.run(None, feeds)
    times = []
    for _ in range(a.iters):
        t = time.perf_counter(); sess.run(None, feeds); times.append(time.perf_counter() - t)
    times.sort()
    print(f"median_ms={times[len(times) // 2] * 1e3:.4f} min_ms={times[0] * 1e3:.4f}", flush=True)


if __name__ == "__main__":
    main()
