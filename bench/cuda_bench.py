#!/usr/bin/python3
"""dlc --target cuda against PyTorch eager CUDA, side by side on one GPU.

  cuda_bench.py prepare BIN_DIR PEER_SCRIPT DIR   (development machine, no GPU needed)
      compiles mlp and lenet at batch 64 for sm_90 (inference; train_step with Adam on
      cross-entropy) and a 4096x4096x4096 matmul (fp32, and with --precision tf32, bf16,
      fp16 on the tensor cores); copies the peer script into DIR.
  cuda_bench.py prepare-matmul BIN_DIR DIR         only the matmuls
  cuda_bench.py matmul LIB_DIR DLC_RUN DIR         only the matmul table (GPU machine)
  cuda_bench.py run LIB_DIR DLC_RUN DIR           (GPU machine with PyTorch)
      times each dlc entry point through libdlcrt (inputs copied from host memory each
      call, outputs copied back, one stream synchronized per call) and the same model in
      PyTorch eager mode (inputs already on the GPU, synchronized per call); median of
      the timed calls after warm-up. The matmul is timed kernel-only on both sides: dlc's
      kernel by Nsight Compute (gpu__time_duration, clocks not locked), torch.matmul by
      CUDA events, in fp32 (TF32 off) and TF32 (allow_tf32), bf16 and fp16 (torch.matmul
      on bf16/fp16 tensors: cuBLAS reads 16-bit operands from memory, while dlc reads f32
      and rounds them on the way to shared memory).
"""
import os, re, shutil, statistics, subprocess, sys, time
import numpy as np

BATCH, N = 64, 4096
PRECISIONS = ["fp32", "tf32", "bf16", "fp16"]
MODELS = ["mlp", "lenet", "lstm", "transformer"]

def prepare(bin_dir, peer_path, out):
    import torch
    os.makedirs(out, exist_ok=True)
    shutil.copy(peer_path, f"{out}/torch_peer.py")
    subprocess.run(["/usr/bin/python3", peer_path, "export", out, "--batch", str(BATCH), "--only", ",".join(MODELS)],
                   check=True, capture_output=True)
    peer = {"__name__": "peer"}
    exec(compile(open(peer_path).read(), peer_path, "exec"), peer)
    for name in MODELS:
        dlc = [f"{bin_dir}/dlc", "compile", "--target", "cuda", "--cuda-arch", "sm_90"]
        subprocess.run(dlc + [f"{out}/{name}.onnx", "-o", f"{out}/{name}_infer.so"], check=True)
        model = peer["build"](name).train()
        shape = peer["MODELS"][name][1]
        torch.onnx.export(model, torch.zeros(BATCH, *shape), f"{out}/{name}_train.onnx", input_names=["x"],
                          output_names=["y"], opset_version=17, do_constant_folding=False,
                          training=torch.onnx.TrainingMode.TRAINING)
        subprocess.run(dlc + [f"{out}/{name}_train.onnx", "--train", "--loss", "cross_entropy", "--optimizer", "adam",
                              "--lr", "1e-3", "-o", f"{out}/{name}_train.so"], check=True)
    prepare_matmul(bin_dir, out)

def prepare_matmul(bin_dir, out):
    import onnx
    from onnx import helper, TensorProto
    os.makedirs(out, exist_ok=True)
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [N, N])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, [N, N])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [N, N])
    g = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["y"])], "matmul", [a, b], [y])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), f"{out}/matmul.onnx")
    for p in PRECISIONS:
        subprocess.run([f"{bin_dir}/dlc", "compile", f"{out}/matmul.onnx", "--target", "cuda", "--cuda-arch", "sm_90",
                        "--precision", p, "-o", f"{out}/{matmul_file(p)}"], check=True)

def matmul_file(precision):
    return "matmul.so" if precision == "fp32" else f"matmul_{precision}.so"

def median_ms(f, warmup=10, iters=100):
    for _ in range(warmup):
        f()
    times = []
    for _ in range(iters):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)

def run(lib_dir, dlc_run, out):
    import torch, torch.nn as nn
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e", "parity"))
    import dlcrt
    peer = {"__name__": "peer"}
    exec(compile(open(f"{out}/torch_peer.py").read(), "torch_peer.py", "exec"), peer)
    dev = torch.device("cuda")
    print(f"GPU: {torch.cuda.get_device_name(0)}, PyTorch {torch.__version__}")
    rows = []
    rng = np.random.default_rng(0)
    for name in MODELS:
        shape = peer["MODELS"][name][1]
        x = rng.standard_normal((BATCH, *shape)).astype(np.float32)
        t = rng.integers(0, 10, BATCH).astype(np.int64)
        m = dlcrt.Model(f"{lib_dir}/libdlcrt.so", f"{out}/{name}_infer.so")
        dlc_inf = median_ms(lambda: m.run("infer", {"x": x}))
        mt = dlcrt.Model(f"{lib_dir}/libdlcrt.so", f"{out}/{name}_train.so")
        dlc_tr = median_ms(lambda: mt.run("train_step", {"x": x, "label": t}))
        model = peer["build"](name).to(dev)
        xd, td = torch.from_numpy(x).to(dev), torch.from_numpy(t).to(dev)
        opt = torch.optim.Adam(model.parameters(), 1e-3)
        lf = nn.CrossEntropyLoss()
        def torch_step():
            opt.zero_grad()
            lf(model(xd), td).backward()
            opt.step()
            torch.cuda.synchronize()
        model.train()
        th_tr = median_ms(torch_step)
        model.eval()
        def torch_infer():
            with torch.no_grad():
                model(xd)
            torch.cuda.synchronize()
        th_inf = median_ms(torch_infer)
        rows.append((name, "train_step", dlc_tr, th_tr))
        rows.append((name, "infer", dlc_inf, th_inf))
    print()
    print("| model | entry | dlc ms | PyTorch eager ms | dlc / PyTorch |")
    print("|---|---|---:|---:|---:|")
    for name, entry, d, p in rows:
        print(f"| {name} | {entry} (batch {BATCH}) | {d:.3f} | {p:.3f} | {d / p:.2f} |")
    matmul(lib_dir, dlc_run, out)

def ncu_kernel_ms(lib_dir, dlc_run, artifact, log):
    """The matmul kernel's time by Nsight Compute: the median of the slowest three
    launches (the others are the argument copies), or nan."""
    ncu = shutil.which("ncu") or "/usr/local/cuda/bin/ncu"
    env = dict(os.environ, LD_LIBRARY_PATH=lib_dir + ":" + os.environ.get("LD_LIBRARY_PATH", ""))
    prof = subprocess.run([ncu, "--clock-control", "none", "--metrics", "gpu__time_duration.sum", dlc_run, "bench",
                           artifact, "--iters", "3"], capture_output=True, text=True, env=env)
    kernel_ms = []
    for line in prof.stdout.splitlines():
        mm = re.search(r"gpu__time_duration\.sum\s+(\S+)\s+([\d.,]+)", line)
        if mm:
            v = float(mm.group(2).replace(",", ""))
            unit = mm.group(1)
            scale = {"nsecond": 1e6, "ns": 1e6, "usecond": 1e3, "us": 1e3, "msecond": 1.0, "ms": 1.0,
                     "second": 1e-3, "s": 1e-3}
            if unit in scale:
                kernel_ms.append(v / scale[unit])
    with open(os.path.join(os.environ.get("OUT", "/tmp"), log), "w") as f:
        f.write(prof.stdout + prof.stderr)
    if not kernel_ms:
        print(prof.stdout[-3000:], prof.stderr[-3000:])
    return statistics.median(sorted(kernel_ms)[-3:]) if kernel_ms else float("nan")

def matmul(lib_dir, dlc_run, out):
    """4096³ matmul, kernel time only, for each precision whose artifact is in DIR."""
    import torch
    dev = torch.device("cuda")
    a = torch.randn(N, N, device=dev)
    b = torch.randn(N, N, device=dev)
    def event_ms(f, iters=20):
        for _ in range(3):
            f()
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        ts = []
        for _ in range(iters):
            s.record(); f(); e.record(); torch.cuda.synchronize(); ts.append(s.elapsed_time(e))
        return statistics.median(ts)
    torch.backends.cuda.matmul.allow_tf32 = False
    cublas = {"fp32": event_ms(lambda: a @ b)}
    torch.backends.cuda.matmul.allow_tf32 = True
    cublas["tf32"] = event_ms(lambda: a @ b)
    torch.backends.cuda.matmul.allow_tf32 = False
    for p, dtype in (("bf16", torch.bfloat16), ("fp16", torch.float16)):
        a16, b16 = a.to(dtype), b.to(dtype)
        cublas[p] = event_ms(lambda: a16 @ b16)
    flops = 2 * N ** 3
    print()
    print(f"| matmul {N}³ | dlc kernel ms | dlc TFLOP/s | cuBLAS ms | cuBLAS TFLOP/s | dlc / cuBLAS (throughput) |")
    print("|---|---:|---:|---:|---:|---:|")
    for p in PRECISIONS:
        if not os.path.exists(f"{out}/{matmul_file(p)}"):
            continue
        d = ncu_kernel_ms(lib_dir, dlc_run, f"{out}/{matmul_file(p)}", f"ncu_matmul_{p}.txt")
        kind = "SIMT, shared-memory tiles" if p == "fp32" else "mma.sync tensor cores"
        print(f"| {p} (dlc: {kind}) | {d:.3f} | {flops / d / 1e9:.1f} | {cublas[p]:.3f} | "
              f"{flops / cublas[p] / 1e9:.1f} | {cublas[p] / d:.2f} |", flush=True)

if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "prepare":
        prepare(*sys.argv[2:5])
    elif len(sys.argv) == 4 and sys.argv[1] == "prepare-matmul":
        prepare_matmul(*sys.argv[2:4])
    elif len(sys.argv) == 5 and sys.argv[1] == "run":
        run(*sys.argv[2:5])
    elif len(sys.argv) == 5 and sys.argv[1] == "matmul":
        matmul(*sys.argv[2:5])
    else:
        print(__doc__)
        sys.exit(2)
