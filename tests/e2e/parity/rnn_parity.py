#!/usr/bin/python3
"""Recurrent layers against PyTorch: nn.RNN, nn.GRU and nn.LSTM (batch_first, stacked,
bidirectional) exported by torch.onnx.export, compiled by dlc and run by dlc-run infer,
must match PyTorch's outputs to 1e-4 (max |dlc - torch| / max |torch|); ONNX's
sequence_lens is checked against PyTorch's packed sequences. Training: N steps of
train_step (through the runtime's C API) against torch.optim (SGD and Adam) on the same
batches; every step's loss within 1e-4 relative.

    rnn_parity.py BIN_DIR LIB_DIR WORK_DIR
    (DLC_RNN_PARITY_SKIP_TRAINING=1 runs the inference cases only, while developing.)"""
import os, subprocess, sys
import numpy as np
import torch, torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlcrt

BIN, LIB, WORK = sys.argv[1:4]
os.makedirs(WORK, exist_ok=True)
RTOL, STEPS = 1e-4, 5
results = []


class Last(nn.Module):
    """A recurrent layer and a linear head on its last step (a sequence classifier)."""

    def __init__(self, rnn, hidden):
        super().__init__()
        self.rnn, self.head = rnn, nn.Linear(hidden, 4)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1] if self.rnn.batch_first else out[-1])


class FinalState(nn.Module):
    """A GRU whose final hidden state (Y_h) feeds the head."""

    def __init__(self):
        super().__init__()
        self.rnn, self.head = nn.GRU(6, 12, batch_first=True), nn.Linear(12, 3)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.head(h[-1])


class Sequence(nn.Module):
    """The whole output sequence of a recurrent layer."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]


def model(name):
    torch.manual_seed(0)
    if name == "lstm":
        return Last(nn.LSTM(6, 12, batch_first=True), 12), (7, 6)
    if name == "gru":
        return Last(nn.GRU(6, 12, batch_first=True), 12), (7, 6)
    if name == "gru_final_state":
        return FinalState(), (7, 6)
    if name == "rnn_tanh":
        return Sequence(nn.RNN(6, 10, batch_first=True)), (7, 6)
    if name == "rnn_relu":
        return Sequence(nn.RNN(6, 10, nonlinearity="relu", batch_first=True)), (7, 6)
    if name == "bilstm2":  # 2 layers, bidirectional, sequence first
        return Sequence(nn.LSTM(6, 8, num_layers=2, bidirectional=True)), (7, 6)
    if name == "bilstm2_classifier":  # 2 layers, bidirectional, batch first, head on the last step
        return Last(nn.LSTM(6, 8, num_layers=2, bidirectional=True, batch_first=True), 16), (7, 6)
    if name == "rnn_classifier":
        return Last(nn.RNN(6, 10, batch_first=True), 10), (7, 6)
    if name == "bigru_seqfirst":
        return Sequence(nn.GRU(6, 8, bidirectional=True)), (7, 6)
    raise ValueError(name)


def input_shape(name, batch, shape):
    seq, feat = shape
    return (seq, batch, feat) if name in ("bilstm2", "bigru_seqfirst") else (batch, seq, feat)


def export(net, x, path, training=False):
    kw = dict(input_names=["x"], output_names=["y"], opset_version=17)
    if training:
        kw.update(do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING)
    torch.onnx.export(net, torch.from_numpy(x), path, **kw)


def relerr(got, ref):
    if got.shape != ref.shape:
        return float("inf")
    return float(np.abs(got - ref).max() / max(np.abs(ref).max(), 1e-30))


def inference(name, batch):
    label = f"infer {name} batch {batch}"
    try:
        net, shape = model(name)
        net.eval()
        x = np.random.default_rng(batch).standard_normal(input_shape(name, batch, shape)).astype(np.float32)
        tag = f"{WORK}/{name}_b{batch}"
        export(net, x, tag + ".onnx")
        np.save(tag + "_x.npy", x)
        subprocess.run([f"{BIN}/dlc", "compile", tag + ".onnx", "-o", tag + ".so"], check=True)
        subprocess.run([f"{BIN}/dlc-run", "infer", tag + ".so", "--input", f"x={tag}_x.npy", "--output-dir", tag],
                       check=True, stdout=subprocess.DEVNULL)
        with torch.no_grad():
            ref = net(torch.from_numpy(x)).numpy()
        err = relerr(np.load(f"{tag}/y.npy"), ref)
        ok = err <= RTOL
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} {label}: max relative error {err:.3g}", flush=True)
    except Exception as e:
        results.append(False)
        print(f"FAIL {label}: {e}", flush=True)


def training(name, opt, lr, batch=8):
    label = f"train {name} {opt} lr={lr}"
    try:
        net, shape = model(name)
        net.train()
        x0 = np.zeros(input_shape(name, batch, shape), np.float32)
        tag = f"{WORK}/train_{name}_{opt}"
        export(net, x0, tag + ".onnx", training=True)
        subprocess.run([f"{BIN}/dlc", "compile", tag + ".onnx", "-o", tag + ".so", "--train", "--loss",
                        "cross_entropy", "--optimizer", opt, "--lr", str(lr)], check=True)
        m = dlcrt.Model(f"{LIB}/libdlcrt.so", tag + ".so")
        params = list(net.parameters())
        opt_t = torch.optim.SGD(params, lr) if opt == "sgd" else torch.optim.Adam(params, lr)
        lf = nn.CrossEntropyLoss()
        rng = np.random.default_rng(3)
        worst, losses = 0.0, []
        for step in range(STEPS):
            x = rng.standard_normal(x0.shape).astype(np.float32)
            with torch.no_grad():
                classes = net(torch.from_numpy(x)).shape[-1]
            t = rng.integers(0, classes, batch).astype(np.int64)
            got = float(m.run("train_step", {"x": x, "label": t})[0])
            opt_t.zero_grad()
            ref = lf(net(torch.from_numpy(x)), torch.from_numpy(t))
            ref.backward()
            opt_t.step()
            worst = max(worst, abs(got - ref.item()) / abs(ref.item()))
            losses.append((got, ref.item()))
        ok = worst <= RTOL
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} {label}: worst relative loss difference {worst:.2e} over {STEPS} steps "
              f"(last loss dlc {losses[-1][0]:.6f}, torch {losses[-1][1]:.6f})", flush=True)
    except Exception as e:
        results.append(False)
        print(f"FAIL {label}: {e}", flush=True)


def sequence_lens(kind):
    """ONNX's sequence_lens against PyTorch's packed sequences (each sequence runs for its
    own length, the reverse direction from its own last step; Y is zero past the end)."""
    label = f"infer {kind} bidirectional with sequence_lens (against packed sequences)"
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
        torch.manual_seed(1)
        seq, batch, feat, hidden = 6, 4, 5, 7
        net = (nn.LSTM if kind == "lstm" else nn.GRU)(feat, hidden, bidirectional=True)
        lens = np.array([6, 2, 4, 1], np.int32)
        x = np.random.default_rng(7).standard_normal((seq, batch, feat)).astype(np.float32)
        # PyTorch's gate blocks (lstm i, f, g, o; gru r, z, n) in ONNX's order (i, o, f, c; z, r, h).
        order = [0, 3, 1, 2] if kind == "lstm" else [1, 0, 2]
        def onnx_gates(t):
            return np.concatenate([np.split(t, len(order))[k] for k in order])
        W, R, B = [], [], []
        for sfx in ("", "_reverse"):
            p = {n: getattr(net, n + sfx).detach().numpy() for n in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")}
            W.append(onnx_gates(p["weight_ih_l0"]))
            R.append(onnx_gates(p["weight_hh_l0"]))
            B.append(np.concatenate([onnx_gates(p["bias_ih_l0"]), onnx_gates(p["bias_hh_l0"])]))
        inits = [numpy_helper.from_array(np.stack(v), n) for v, n in ((W, "W"), (R, "R"), (B, "B"))]
        outs = ["Y", "Y_h"] + (["Y_c"] if kind == "lstm" else [])
        attrs = {"linear_before_reset": 1} if kind == "gru" else {}
        node = helper.make_node(kind.upper(), ["x", "W", "R", "B", "lens"], outs, hidden_size=hidden,
                                direction="bidirectional", **attrs)
        state = [2, batch, hidden]
        g = helper.make_graph([node], kind, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape)),
                                             helper.make_tensor_value_info("lens", TensorProto.INT32, [batch])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [seq, 2, batch, hidden])] +
                              [helper.make_tensor_value_info(o, TensorProto.FLOAT, state) for o in outs[1:]],
                              initializer=inits)
        tag = f"{WORK}/seqlens_{kind}"
        onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), tag + ".onnx")
        np.save(tag + "_x.npy", x)
        np.save(tag + "_lens.npy", lens)
        subprocess.run([f"{BIN}/dlc", "compile", tag + ".onnx", "-o", tag + ".so"], check=True)
        subprocess.run([f"{BIN}/dlc-run", "infer", tag + ".so", "--input", f"x={tag}_x.npy", "--input",
                        f"lens={tag}_lens.npy", "--output-dir", tag], check=True, stdout=subprocess.DEVNULL)
        packed = nn.utils.rnn.pack_padded_sequence(torch.from_numpy(x), torch.from_numpy(lens).long(), enforce_sorted=False)
        with torch.no_grad():
            out, state_t = net(packed)
        y_ref = nn.utils.rnn.pad_packed_sequence(out, total_length=seq)[0].numpy()  # seq x batch x 2*hidden
        y_ref = y_ref.reshape(seq, batch, 2, hidden).transpose(0, 2, 1, 3)
        refs = {"Y": y_ref, "Y_h": (state_t[0] if kind == "lstm" else state_t).numpy()}
        if kind == "lstm":
            refs["Y_c"] = state_t[1].numpy()
        err = max(relerr(np.load(f"{tag}/{o}.npy"), refs[o]) for o in outs)
        ok = err <= RTOL
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} {label}: max relative error {err:.3g} over {', '.join(outs)}", flush=True)
    except Exception as e:
        results.append(False)
        print(f"FAIL {label}: {e}", flush=True)


def main():
    for name in ("lstm", "gru", "gru_final_state", "rnn_tanh", "rnn_relu", "bilstm2", "bigru_seqfirst"):
        for batch in (5, 1):
            inference(name, batch)
    sequence_lens("gru")
    sequence_lens("lstm")
    if os.environ.get("DLC_RNN_PARITY_SKIP_TRAINING") != "1":
        for name in ("lstm", "gru", "bilstm2_classifier", "gru_final_state", "rnn_classifier"):
            training(name, "sgd", 0.1)
            training(name, "adam", 0.01)
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
