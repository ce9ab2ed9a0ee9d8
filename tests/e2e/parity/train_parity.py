#!/usr/bin/python3
"""Training parity with PyTorch: models exported with their initial weights, compiled
with `dlc compile --train`, then trained N steps through the artifact's train_step (called
with the runtime's C API) and by torch.optim on the same batches. Every step's loss must
agree within 1e-4 relative; eval_step's loss and outputs too, and an embedding table after
the steps (rows of ids no batch held unchanged). --freeze, --label-smoothing
and bce_logits are compared with PyTorch the same way. Dropout's masks come from dlc's own
counter-based hash, so its checks compare with NumPy: the mask read back from a train step
(against a NumPy implementation of the hash that graph.dropout_mask documents), the kept
fraction, the loss and the update recomputed from that mask, and seeded `dlc-run train`
runs (same seed: same losses; other seed: other losses; --resume continues exactly).

    train_parity.py BIN_DIR LIB_DIR PEER_SCRIPT WORK_DIR"""
import json, os, re, subprocess, sys
import numpy as np
import torch, torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlcrt
from parity_common import check, results, torch_optimizer

def load_peer(path):
    """torch_peer.py's namespace (build, MODELS): small() builds its models from it."""
    ns = {"__name__": "peer"}
    exec(compile(open(path).read(), path, "exec"), ns)
    return ns

BIN = LIB = WORK = peer = None  # set from the command line; an importer sets peer = load_peer(...)
if __name__ == "__main__":
    BIN, LIB, PEER, WORK = sys.argv[1:5]
    os.makedirs(WORK, exist_ok=True)
    peer = load_peer(PEER)
STEPS, RTOL = 5, 1e-4
VERBOSE = os.environ.get("DLC_TRAIN_PARITY_VERBOSE")

class TokenMean(nn.Module):
    """Embedding, then per-token LayerNorm and GELU, averaged over the sequence."""
    def __init__(self):
        super().__init__()
        self.e = nn.Embedding(TOKENS["embedding"][0], 8)
        self.ln = nn.LayerNorm(8)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(nn.functional.gelu(self.ln(self.e(x))).mean(1))

class GluSlice(nn.Module):
    """A gated unit from chunk and sigmoid, then maximum, clamp, pow, flip, a strided slice
    and amax: each exported as its own ONNX op (Split, Sigmoid, Max, Clip, Pow, Slice, ReduceMax)."""
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 32)
        self.fc2 = nn.Linear(4, 4)

    def forward(self, x):
        a, b = self.fc1(x).chunk(2, dim=1)
        h = torch.maximum(a * torch.sigmoid(b), 0.1 * b).clamp(-2.0, 2.0).pow(3)
        h = h.flip(1)[:, ::2]
        return self.fc2(h.reshape(-1, 2, 4).amax(1))

# Models whose input x is int64 token ids: (vocabulary size, ids drawn below this). The ids
# stop short of the vocabulary so that some rows of the table never get a gradient.
TOKENS = {"embedding": (20, 16)}
# Autoencoders: the label of every batch is its input.
RECONSTRUCT = {"conv_ae"}

def small(name):
    torch.manual_seed(0)
    if name == "ln_gelu":
        return nn.Sequential(nn.Linear(10, 16), nn.LayerNorm(16), nn.GELU(), nn.Linear(16, 8), nn.SiLU(),
                             nn.Linear(8, 4)), (10,)
    if name == "cnn_avg":
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.InstanceNorm2d(4, affine=True), nn.PReLU(4),
                             nn.AvgPool2d(3, 2, 1, count_include_pad=False), nn.Hardswish(), nn.Flatten(),
                             nn.Linear(4 * 4 * 4, 8), nn.ELU(), nn.Linear(8, 3)), (1, 8, 8)
    if name == "cnn_reflect":
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, padding_mode="reflect"), nn.Softplus(), nn.AvgPool2d(2),
                             nn.Flatten(), nn.Linear(4 * 4 * 4, 6), nn.Hardsigmoid(), nn.Linear(6, 3)), (1, 8, 8)
    if name == "embedding":
        return TokenMean(), (5,)
    if name == "glu_slice":
        return GluSlice(), (10,)
    if name == "binary":  # probabilities for bce
        return nn.Sequential(nn.Linear(10, 8), nn.Tanh(), nn.Linear(8, 1), nn.Sigmoid()), (10,)
    if name == "logprobs":  # log-probabilities for nll
        return nn.Sequential(nn.Linear(10, 16), nn.LeakyReLU(0.1), nn.Linear(16, 4), nn.LogSoftmax(1)), (10,)
    if name == "mlp3":  # three layers, for --freeze and label smoothing
        return nn.Sequential(nn.Linear(10, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 4)), (10,)
    if name == "logits":  # raw logits, some of them large, for bce_logits
        model = nn.Sequential(nn.Linear(10, 8), nn.Tanh(), nn.Linear(8, 3))
        with torch.no_grad():
            model[2].weight.mul_(20.0)
        return model, (10,)
    if name == "bn_cnn":  # batch norm in training mode, running statistics checked too
        # No bias before a batch norm: its exact gradient is 0, and Adam would amplify the
        # rounding noise there into steps of +-lr that differ between any two implementations.
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(4 * 4 * 4, 8, bias=False), nn.BatchNorm1d(8), nn.Tanh(),
                             nn.Linear(8, 3)), (1, 8, 8)
    if name == "conv_ae":  # convolutional autoencoder, trained to reconstruct its input (RECONSTRUCT)
        return nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(), nn.Conv2d(4, 8, 3, stride=2, padding=1),
                             nn.ReLU(), nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
                             nn.ConvTranspose2d(4, 1, 3, stride=2, padding=1, output_padding=1)), (1, 8, 8)
    if name == "grouped_cnn":  # grouped, depthwise (strides 2 and 1, over flat planes) and grouped transposed convs
        return nn.Sequential(nn.Conv2d(2, 8, 3, padding=1, groups=2), nn.ReLU(),
                             nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8), nn.Tanh(),
                             nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.ReLU6(),
                             nn.Conv2d(8, 8, 5, padding=2, groups=8, bias=False), nn.Tanh(),
                             nn.ConvTranspose2d(8, 4, 2, stride=2, groups=2), nn.ReLU(), nn.Flatten(),
                             nn.Linear(4 * 8 * 8, 3)), (2, 8, 8)
    model = peer["build"](name)
    return model, peer["MODELS"][name][1]

def loss_fn(loss, smoothing=0.0):
    return {"mse": nn.MSELoss(), "l1": nn.L1Loss(), "bce": nn.BCELoss(), "bce_logits": nn.BCEWithLogitsLoss(),
            "cross_entropy": nn.CrossEntropyLoss(label_smoothing=smoothing), "nll": nn.NLLLoss()}[loss]

def manifest_trainable(m):
    """{parameter name: the manifest's trainable flag}"""
    out = {}
    for i in range(m.lib.dlc_model_num_params(m.model)):
        d = m.lib.dlc_model_param(m.model, i).contents
        out[d.tensor.name.decode()] = bool(d.trainable)
    return out

def labels(loss, rng, out_shape):
    if loss in ("cross_entropy", "nll"):
        return rng.integers(0, out_shape[1], out_shape[0]).astype(np.int64)
    if loss in ("bce", "bce_logits"):
        return rng.integers(0, 2, out_shape).astype(np.float32)
    return rng.standard_normal(out_shape).astype(np.float32)

def case(model_name, loss, opt, lr=0.01, wd=0.0, clip=0.0, batch=16, freeze=None, smoothing=0.0):
    label = (f"{model_name} {loss} {opt}" + (f" wd={wd}" if wd else "") + (f" clip={clip}" if clip else "") +
             (f" freeze={freeze}" if freeze else "") + (f" label_smoothing={smoothing}" if smoothing else ""))
    try:
        run_case(label, model_name, loss, opt, lr, wd, clip, batch, freeze, smoothing)
    except Exception as e:  # a compile or run failure fails this case, not the others
        results.append(False)
        print(f"FAIL {label}: {e}", flush=True)

def run_case(label, model_name, loss, opt, lr, wd, clip, batch, freeze, smoothing):
    model, shape = small(model_name)
    model.train()
    frozen = [n for n, _ in model.named_parameters() if freeze and re.search(freeze, n)]
    for n, p in model.named_parameters():
        p.requires_grad_(n not in frozen)  # what --freeze means: torch's requires_grad=False
    tag = f"{model_name}_{loss}_{opt}_{wd}_{clip}_{lr}_{batch}".replace(".", "p")
    if freeze or smoothing:
        tag += f"_f{len(results)}"
    onnx_path, so = f"{WORK}/{tag}.onnx", f"{WORK}/{tag}.so"
    x_dtype = torch.int64 if model_name in TOKENS else torch.float32
    torch.onnx.export(model, torch.zeros(batch, *shape, dtype=x_dtype), onnx_path, input_names=["x"],
                      output_names=["y"], opset_version=17, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.TRAINING)
    cmd = [f"{BIN}/dlc", "compile", onnx_path, "-o", so, "--train", "--loss", loss, "--optimizer", opt, "--lr", str(lr)]
    if wd:
        cmd += ["--weight-decay", str(wd)]
    if clip:
        cmd += ["--clip-grad-norm", str(clip)]
    if freeze:
        cmd += ["--freeze", freeze]
    if smoothing:
        cmd += ["--label-smoothing", str(smoothing)]
    subprocess.run(cmd, check=True)
    m = dlcrt.Model(f"{LIB}/libdlcrt.so", so)
    opt_t = torch_optimizer(opt, [p for p in model.parameters() if p.requires_grad], lr, wd)
    lf = loss_fn(loss, smoothing)
    rng = np.random.default_rng(1)
    worst = 0.0
    with torch.no_grad():
        out_shape = tuple(model(torch.zeros(batch, *shape, dtype=x_dtype)).shape)
    # Tracing for export and the shape probe ran forward passes that moved batch norm's
    # running statistics; both sides start from the values the ONNX file holds.
    import onnx
    from onnx import numpy_helper
    saved = {i.name: numpy_helper.to_array(i) for i in onnx.load(onnx_path).graph.initializer}
    with torch.no_grad():
        for key, buf in model.state_dict().items():
            if "running_" in key and key in saved:
                buf.copy_(torch.from_numpy(saved[key].copy()))
    seen = set()
    for step in range(STEPS):
        if model_name in TOKENS:
            x = rng.integers(0, TOKENS[model_name][1], (batch, *shape)).astype(np.int64)
            seen.update(x.ravel().tolist())
        else:
            x = rng.standard_normal((batch, *shape)).astype(np.float32)
        t = x.copy() if model_name in RECONSTRUCT else labels(loss, rng, out_shape)
        if step == 0:  # eval_step on the initial parameters: loss and outputs
            ev_loss, ev_y = m.run("eval_step", {"x": x, "label": t})
            model.eval()  # eval_step normalizes with the running statistics, as PyTorch's eval mode
            with torch.no_grad():
                ty = model(torch.from_numpy(x))
                tl = lf(ty, torch.from_numpy(t)).item()
            model.train()
            worst = max(worst, abs(float(ev_loss) - tl) / abs(tl),
                        float(np.abs(ev_y - ty.numpy()).max() / max(np.abs(ty.numpy()).max(), 1e-12)))
        got = float(m.run("train_step", {"x": x, "label": t})[0])
        opt_t.zero_grad()
        ref = lf(model(torch.from_numpy(x)), torch.from_numpy(t))
        ref.backward()
        if clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt_t.step()
        worst = max(worst, abs(got - ref.item()) / abs(ref.item()))
        if VERBOSE:
            print(f"  step {step}: dlc {got:.7f} torch {ref.item():.7f}")
    for key, buf in model.state_dict().items():
        if "running_" in key:
            try:
                got_buf = m.param(key)
            except KeyError:
                continue  # torch.onnx.export may rename buffers; the losses still cover them
            worst = max(worst, float(np.abs(got_buf - buf.numpy()).max() / max(np.abs(buf.numpy()).max(), 1e-12)))
    table_note = ""
    for n, mod in model.named_modules():
        if isinstance(mod, nn.Embedding):
            # The whole updated table against torch's; rows of ids no batch held got no
            # gradient, so without weight decay they must still be the ONNX file's values.
            got_t, ref_t = m.param(n + ".weight"), mod.weight.detach().numpy()
            worst = max(worst, float(np.abs(got_t - ref_t).max() / np.abs(ref_t).max()))
            unseen = sorted(set(range(ref_t.shape[0])) - seen)
            kept = bool(unseen) and np.array_equal(got_t[unseen], saved[n + ".weight"][unseen])
            if not wd and not kept:
                worst = float("inf")
            table_note += f", table {n}.weight: {len(unseen)} unseen rows {'unchanged' if kept else 'changed'}"
    steps_done = int(m.param("optimizer.step"))
    frozen_ok = True
    if freeze:
        # Frozen: bit-identical to the ONNX file's values, no optimizer state, and the
        # manifest says so; every other parameter trains.
        flags = manifest_trainable(m)
        torch_names = [n for n, _ in model.named_parameters()]
        for n in torch_names:
            slots = [k for k in flags if k.startswith(n + "/")]
            if n in frozen:
                frozen_ok &= (not flags[n] and not slots and np.array_equal(m.param(n), saved[n]))
            else:
                frozen_ok &= flags[n] and (bool(slots) or opt == "sgd")
        frozen_ok &= bool(frozen) and len(frozen) < len(torch_names)
        if not frozen_ok:
            print(f"  frozen {frozen}: manifest {flags}")
    ok = worst <= RTOL and steps_done == STEPS and frozen_ok
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {label}: worst relative difference {worst:.2e} (losses of {STEPS} steps, eval_step, running statistics{table_note})"
          f" (optimizer.step = {steps_done})" + (f"; frozen {', '.join(frozen)} unchanged" if freeze else ""), flush=True)

# ---- Dropout in train_step ------------------------------------------------------------
# graph.dropout_mask's documented hash, re-implemented in NumPy (unsigned 64-bit wrap-around).
GOLDEN = np.uint64(0x9E3779B97F4A7C15)

def mix64(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))

def hash_keep(seed, counter, site, shape, p):
    """True where element (row-major) of dropout site `site` is kept at step `counter`."""
    with np.errstate(over="ignore"):
        key = mix64(np.uint64(seed) + np.uint64(site + 1) * GOLDEN)
        key = mix64(key + np.uint64(counter) * GOLDEN)
        h = mix64(key + np.arange(int(np.prod(shape)), dtype=np.uint64) * GOLDEN)
    u = (h >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -24)
    return (u >= np.float32(p)).reshape(shape)

def dropout_model(path, opset, ratios, shape):
    """y = sum_k Dropout_k(x) * w_k, built by hand: Dropout's ratio is an attribute before
    opset 12 and an input (with training_mode) from 12 on."""
    from onnx import TensorProto, helper, numpy_helper
    import onnx
    rng = np.random.default_rng(3)
    nodes, inits, terms = [], [], []
    for k, p in enumerate(ratios):
        inits.append(numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), f"w{k}"))
        if opset < 12:
            nodes.append(helper.make_node("Dropout", ["x"], [f"d{k}"], ratio=p))
        else:
            inits.append(numpy_helper.from_array(np.array(p, np.float32), f"ratio{k}"))
            inits.append(numpy_helper.from_array(np.array(True), f"train{k}"))
            nodes.append(helper.make_node("Dropout", ["x", f"ratio{k}", f"train{k}"], [f"d{k}"]))
        nodes.append(helper.make_node("Mul", [f"d{k}", f"w{k}"], [f"t{k}"]))
        terms.append(f"t{k}")
    nodes.append(helper.make_node("Sum", terms, ["y"]))
    vi = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, list(shape))
    g = helper.make_graph(nodes, "dropout", [vi("x")], [vi("y")], initializer=inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)]), path)

# A mean of 1e5 float32 squares, summed in float32, is good to about 1e-4 relative (measured
# up to 2e-4): the losses of the large dropout models get 1e-3. The updates are elementwise
# (no sum) and keep RTOL.
SUM_RTOL = 1e-3

def dropout_steps(label, onnx_path, ratios, shape, seed=7, steps=2):
    """Trains y = sum_k dropout_k(x) * w_k on mse with SGD. dL/dw_k is zero exactly where site
    k dropped, so each step's masks are read back from which elements of w_k moved."""
    so = onnx_path[:-5] + ".so"
    n = int(np.prod(shape))
    lr = n / 2.0  # updates of order 1: a kept element always moves
    subprocess.run([f"{BIN}/dlc", "compile", onnx_path, "-o", so, "--train", "--loss", "mse", "--optimizer", "sgd",
                    "--lr", repr(lr)], check=True)
    m = dlcrt.Model(f"{LIB}/libdlcrt.so", so)
    m.param("rng.seed")[...] = seed  # what dlc-run train --seed does
    rng = np.random.default_rng(5)
    prev = None
    for step in range(steps):
        x = rng.standard_normal(shape).astype(np.float32)
        t = rng.standard_normal(shape).astype(np.float32)
        w0 = [m.param(f"w{k}").astype(np.float64) for k in range(len(ratios))]
        loss = float(m.run("train_step", {"x": x, "label": t})[0])
        w1 = [m.param(f"w{k}").astype(np.float64) for k in range(len(ratios))]
        keep = [a != b for a, b in zip(w0, w1)]
        # (a) kept fraction within 5 standard deviations of 1 - p
        for k, p in enumerate(ratios):
            frac, sd = keep[k].mean(), np.sqrt(p * (1 - p) / n)
            check(f"{label} step {step} site {k}: kept fraction", abs(frac - (1 - p)) <= 5 * sd,
                  f"{frac:.5f}, expected {1 - p:.3f} +- {5 * sd:.5f}")
            ref = hash_keep(seed, step, k, shape, p)
            check(f"{label} step {step} site {k}: mask = graph.dropout_mask's hash (NumPy)", np.array_equal(keep[k], ref),
                  f"{int((keep[k] != ref).sum())} of {n} elements differ")
        # (c) the loss and the update, recomputed in float64 from the masks read back
        xd = x.astype(np.float64)
        scaled = [keep[k] * xd / (1 - p) for k, p in enumerate(ratios)]
        y = sum(s * w for s, w in zip(scaled, w0))
        r = y - t
        loss_ref = float(np.mean(r * r))
        upd_err = max(float(np.abs(w1[k] - (w0[k] - lr * 2 / n * r * scaled[k])).max()) /
                      float(np.abs(w1[k] - w0[k]).max()) for k in range(len(ratios)))
        loss_err = abs(loss - loss_ref) / loss_ref
        check(f"{label} step {step}: loss and gradient through the mask", loss_err <= SUM_RTOL and upd_err <= RTOL,
              f"loss relative difference {loss_err:.2e}, update {upd_err:.2e} (NumPy, float64, same mask)")
        if prev is not None:
            same = float(np.mean(prev[0] == keep[0]))
            check(f"{label} step {step}: a new mask per step", same < 0.9,
                  f"{same:.3f} of the elements agree with step {step - 1}'s mask")
        if len(ratios) > 1:
            same = float(np.mean(keep[0] == keep[1]))
            check(f"{label} step {step}: a mask per site", same < 0.9, f"{same:.3f} of sites 0 and 1 agree")
        prev = keep
    # (d) eval_step and infer do not drop
    x = rng.standard_normal(shape).astype(np.float32)
    t = rng.standard_normal(shape).astype(np.float32)
    w = [m.param(f"w{k}").astype(np.float64) for k in range(len(ratios))]
    y_ref = sum(x.astype(np.float64) * wk for wk in w)
    ev_loss, ev_y = m.run("eval_step", {"x": x, "label": t})
    (inf_y,) = m.run("infer", {"x": x})
    err = max(float(np.abs(ev_y - y_ref).max()), float(np.abs(inf_y - y_ref).max())) / float(np.abs(y_ref).max())
    loss_err = abs(float(ev_loss) - np.mean((y_ref - t) ** 2)) / np.mean((y_ref - t) ** 2)
    check(f"{label}: eval_step and infer keep every unit", err <= 1e-6 and loss_err <= SUM_RTOL,
          f"outputs {err:.2e}, eval loss {loss_err:.2e} relative to x * w without dropout")

def dropout_checks():
    shape = (4, 25000)
    # The exporter's form: opset 17, ratio and training_mode as Constant inputs.
    class DropMul(nn.Module):
        def __init__(self):
            super().__init__()
            self.w0 = nn.Parameter(torch.randn(*shape))
            self.drop = nn.Dropout(0.3)
        def forward(self, x):
            return self.drop(x) * self.w0
    torch.manual_seed(0)
    model = DropMul().train()
    path = f"{WORK}/dropout_torch.onnx"
    torch.onnx.export(model, torch.zeros(*shape), path, input_names=["x"], output_names=["y"], opset_version=17,
                      do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING)
    dropout_steps("dropout (torch export, p=0.3)", path, [0.3], shape)
    dropout_model(f"{WORK}/dropout_op10.onnx", 10, [0.1], shape)
    dropout_steps("dropout (opset 10 ratio attribute, p=0.1)", f"{WORK}/dropout_op10.onnx", [0.1], shape, seed=0)
    dropout_model(f"{WORK}/dropout_op13.onnx", 13, [0.5, 0.5], shape)
    dropout_steps("dropout (opset 13, two sites, p=0.5)", f"{WORK}/dropout_op13.onnx", [0.5, 0.5], shape, seed=123)

def dropout_cli_runs():
    """(b) dlc-run train --seed: the same seed gives the same losses, another seed other ones
    (no shuffling, so only the masks differ), and --resume continues exactly."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 3)).train()
    onnx_path, so = f"{WORK}/dropout_mlp.onnx", f"{WORK}/dropout_mlp.so"
    torch.onnx.export(model, torch.zeros(16, 10), onnx_path, input_names=["x"], output_names=["y"], opset_version=17,
                      do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING)
    subprocess.run([f"{BIN}/dlc", "compile", onnx_path, "-o", so, "--train", "--loss", "cross_entropy", "--optimizer",
                    "sgd", "--lr", "0.1"], check=True)
    rng = np.random.default_rng(2)
    data = f"{WORK}/dropout_mlp.npz"
    np.savez(data, x=rng.standard_normal((160, 10)).astype(np.float32), label=rng.integers(0, 3, 160).astype(np.int64))

    def train(name, *args):
        log = f"{WORK}/dropout_{name}.jsonl"
        subprocess.run([f"{BIN}/dlc-run", "train", so, "--data", f"npz:{data}", "--no-shuffle", "--log", log, *args],
                       check=True, capture_output=True)
        return {r["step"]: r["loss"] for r in map(json.loads, open(log))}

    a = train("a", "--steps", "8", "--seed", "1")
    b = train("b", "--steps", "8", "--seed", "1")
    c = train("c", "--steps", "8", "--seed", "2")
    check("dropout dlc-run train: same --seed, same losses", a == b and len(a) == 8, f"{list(a.values())[:3]} ...")
    differ = sum(a[s] != c[s] for s in a)
    check("dropout dlc-run train: another --seed, other losses", differ == len(a),
          f"{differ} of {len(a)} steps differ between seeds 1 and 2")
    ck = f"{WORK}/dropout_ck.safetensors"
    train("d", "--steps", "4", "--seed", "1", "--checkpoint", ck)
    raw = open(ck, "rb").read()
    header_len = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + header_len])
    entry = header.get("rng.seed", {})
    lo, hi = entry.get("data_offsets", [0, 0])
    seed = int(np.frombuffer(raw[8 + header_len + lo:8 + header_len + hi], np.int64)[0]) if hi > lo else None
    check("dropout checkpoint holds rng.seed", entry.get("dtype") == "I64" and seed == 1, f"rng.seed = {seed}")
    e = train("e", "--steps", "8", "--resume", ck)
    resumed = {s: l for s, l in e.items() if s > 4}
    check("dropout dlc-run train --resume: the losses of an uninterrupted run",
          len(resumed) == 4 and all(resumed[s] == a[s] for s in resumed),
          f"steps {sorted(resumed)}: {[resumed[s] for s in sorted(resumed)]} vs {[a[s] for s in sorted(resumed)]}")

def guarded(fn):
    try:
        fn()
    except Exception as e:
        results.append(False)
        print(f"FAIL {fn.__name__}: {e}", flush=True)

def parity_cases(case):
    """Calls case(model, loss, optimizer, **options) for every model compared with PyTorch
    (cuda_compile.py compiles the same list for the GPU)."""
    for opt in ["sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"]:
        case("linreg", "mse", opt, wd=0.01 if opt == "adamw" else 0.0)
    case("linreg", "mse", "sgd", wd=0.05)
    case("linreg", "l1", "sgd")
    case("binary", "bce", "adam")
    case("logprobs", "nll", "momentum")
    case("mlp", "cross_entropy", "sgd", clip=0.5)
    case("mlp", "cross_entropy", "adam", lr=1e-3, batch=64)
    case("bn_cnn", "cross_entropy", "sgd", lr=0.05)
    case("bn_cnn", "cross_entropy", "adam", lr=1e-3)
    case("lenet", "cross_entropy", "sgd", lr=0.05)
    case("lenet", "cross_entropy", "adam", lr=1e-3, batch=64)
    case("mlp3", "cross_entropy", "adam", lr=1e-2, freeze=r"^2\.")
    case("mlp3", "cross_entropy", "momentum", wd=0.01, freeze="bias")
    case("mlp3", "cross_entropy", "adam", lr=1e-2, smoothing=0.1)
    case("mlp", "cross_entropy", "sgd", lr=0.05, smoothing=0.3)
    case("logits", "bce_logits", "adam", lr=1e-2)
    case("logits", "bce_logits", "sgd", lr=0.05)
    case("ln_gelu", "cross_entropy", "adam")
    case("cnn_avg", "cross_entropy", "momentum", lr=0.05)
    case("cnn_reflect", "cross_entropy", "adam")
    case("embedding", "cross_entropy", "adam")
    case("glu_slice", "cross_entropy", "adam")
    case("conv_ae", "mse", "adam")
    case("grouped_cnn", "cross_entropy", "adam")

def main():
    if os.environ.get("DLC_TRAIN_PARITY_ONLY"):
        exec(os.environ["DLC_TRAIN_PARITY_ONLY"])
        sys.exit(0 if all(results) else 1)
    parity_cases(case)
    guarded(dropout_checks)
    guarded(dropout_cli_runs)
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)

if __name__ == "__main__":
    main()
