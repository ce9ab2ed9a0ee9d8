#!/usr/bin/python3
"""Recurrent layers against PyTorch: nn.RNN, nn.GRU and nn.LSTM (batch_first, stacked,
bidirectional) exported by torch.onnx.export, compiled by dlc and run by dlc-run infer,
must match PyTorch's outputs to 1e-4 (max |dlc - torch| / max |torch|); ONNX's
sequence_lens is checked against PyTorch's packed sequences. Training: N steps of
train_step (through the runtime's C API) against torch.optim (SGD and Adam) on the same
batches; every step's loss within 1e-4 relative.

    rnn_parity.py BIN_DIR LIB_DIR WORK_DIR
    (DLC_RNN_PARITY_SKIP_TRAINING=1 runs the inference cases only, while developing.)"""
import os, sys
import numpy as np
import torch, torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parity_common import dlc_infer, finish, guarded, infer_parity, relerr, train_parity

RTOL, STEPS = 1e-4, 5
BIN = LIB = WORK = None  # set by main from the command line


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


def inference(name, batch):
    def run():
        net, shape = model(name)
        x = np.random.default_rng(batch).standard_normal(input_shape(name, batch, shape)).astype(np.float32)
        err = infer_parity(BIN, net, x, f"{WORK}/{name}_b{batch}")
        return err <= RTOL, f"max relative error {err:.3g}"
    guarded(f"infer {name} batch {batch}", run)


def training(name, opt, lr, batch=8):
    def run():
        net, shape = model(name)
        x0 = np.zeros(input_shape(name, batch, shape), np.float32)
        rng = np.random.default_rng(3)
        worst, losses, _ = train_parity(BIN, LIB, net, f"{WORK}/train_{name}_{opt}", x0, opt, lr,
                                        lambda: rng.standard_normal(x0.shape).astype(np.float32), rng, batch, STEPS)
        return worst <= RTOL, (f"worst relative loss difference {worst:.2e} over {STEPS} steps "
                               f"(last loss dlc {losses[-1][0]:.6f}, torch {losses[-1][1]:.6f})")
    guarded(f"train {name} {opt} lr={lr}", run)


def sequence_lens(kind):
    """ONNX's sequence_lens against PyTorch's packed sequences (each sequence runs for its
    own length, the reverse direction from its own last step; Y is zero past the end)."""
    def run():
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
        got = dlc_infer(BIN, tag, {"x": x, "lens": lens})
        packed = nn.utils.rnn.pack_padded_sequence(torch.from_numpy(x), torch.from_numpy(lens).long(), enforce_sorted=False)
        with torch.no_grad():
            out, state_t = net(packed)
        y_ref = nn.utils.rnn.pad_packed_sequence(out, total_length=seq)[0].numpy()  # seq x batch x 2*hidden
        y_ref = y_ref.reshape(seq, batch, 2, hidden).transpose(0, 2, 1, 3)
        refs = {"Y": y_ref, "Y_h": (state_t[0] if kind == "lstm" else state_t).numpy()}
        if kind == "lstm":
            refs["Y_c"] = state_t[1].numpy()
        err = max(relerr(got[o], refs[o]) for o in outs)
        return err <= RTOL, f"max relative error {err:.3g} over {', '.join(outs)}"
    guarded(f"infer {kind} bidirectional with sequence_lens (against packed sequences)", run)


# The models main() compares (cuda_compile.py compiles the same ones for the GPU).
INFER_NAMES = ("lstm", "gru", "gru_final_state", "rnn_tanh", "rnn_relu", "bilstm2", "bigru_seqfirst")
TRAIN_NAMES = ("lstm", "gru", "bilstm2_classifier", "gru_final_state", "rnn_classifier")
TRAIN_OPTIMIZERS = (("sgd", 0.1), ("adam", 0.01))


def main():
    global BIN, LIB, WORK
    if len(sys.argv) != 4:
        sys.exit("usage: rnn_parity.py BIN_DIR LIB_DIR WORK_DIR")
    BIN, LIB, WORK = sys.argv[1:4]
    os.makedirs(WORK, exist_ok=True)
    for name in INFER_NAMES:
        for batch in (5, 1):
            inference(name, batch)
    sequence_lens("gru")
    sequence_lens("lstm")
    if os.environ.get("DLC_RNN_PARITY_SKIP_TRAINING") != "1":
        for name in TRAIN_NAMES:
            for opt, lr in TRAIN_OPTIMIZERS:
                training(name, opt, lr)
    finish()


if __name__ == "__main__":
    main()
