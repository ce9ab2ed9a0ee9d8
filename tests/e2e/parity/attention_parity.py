#!/usr/bin/python3
"""Embeddings and attention against PyTorch: an nn.Embedding + nn.LSTM text classifier on
int64 tokens, the transformer of ../shared/bench/torch_peer.py, nn.MultiheadAttention with
key_padding_mask / attn_mask (additive and boolean) and nn.TransformerEncoderLayer
(norm_first both ways, relu and gelu), exported by torch.onnx.export and compiled by dlc.
Inference through dlc-run infer must match PyTorch to 1e-4 (max |dlc - torch| / max |torch|);
N training steps through the runtime's C API against torch.optim (SGD and Adam) on the same
batches, every step's loss within 1e-4 relative. --clip-grad-norm against
torch.nn.utils.clip_grad_norm_ on the text LSTM, with a threshold that clips every step.

    attention_parity.py BIN_DIR LIB_DIR TORCH_PEER WORK_DIR"""
import importlib.util, os, sys
import numpy as np
import torch, torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parity_common import finish, guarded, infer_parity, train_parity

RTOL, STEPS = 1e-4, 5
VOCAB, SEQ = 50, 9
BIN = LIB = WORK = peer = None  # set by main from the command line


class TextLSTM(nn.Module):
    """Token ids -> embedding -> LSTM -> linear head on the last step."""

    def __init__(self):
        super().__init__()
        self.emb, self.rnn, self.head = nn.Embedding(VOCAB, 16), nn.LSTM(16, 24, batch_first=True), nn.Linear(24, 5)

    def forward(self, x):
        out, _ = self.rnn(self.emb(x))
        return self.head(out[:, -1])


class MHA(nn.Module):
    """Self-attention with a fixed mask (a buffer, so it exports as a constant) and a mean-pooled head.
    mask: none, key_padding (boolean, batch x seq), attn_bool (seq x seq causal), attn_additive."""

    def __init__(self, mask, batch):
        super().__init__()
        self.mask = mask
        self.att, self.head = nn.MultiheadAttention(16, 4, batch_first=True), nn.Linear(16, 3)
        causal = torch.triu(torch.ones(SEQ, SEQ, dtype=torch.bool), 1)
        pad = torch.zeros(batch, SEQ, dtype=torch.bool)
        pad[:, SEQ - 3:] = True
        pad[0, SEQ - 5:] = True
        additive = torch.randn(SEQ, SEQ).masked_fill(causal, float("-inf"))
        self.register_buffer("m", {"none": torch.zeros(0, dtype=torch.bool), "key_padding": pad, "attn_bool": causal,
                                   "attn_additive": additive}[mask])

    def forward(self, x):
        if self.mask == "key_padding":
            y, _ = self.att(x, x, x, key_padding_mask=self.m, need_weights=False)
        elif self.mask.startswith("attn"):
            y, _ = self.att(x, x, x, attn_mask=self.m, need_weights=False)
        else:
            y, _ = self.att(x, x, x, need_weights=False)
        return self.head(y.mean(1))


class Encoder(nn.Module):
    def __init__(self, norm_first, activation):
        super().__init__()
        self.enc = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, activation=activation, batch_first=True,
                                              norm_first=norm_first)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.enc(x).mean(1))


class Encoder2(nn.Module):
    """Regression (model-zoo issue): two post-norm GELU layers, d_model 32, AdamW with weight
    decay once drifted from PyTorch from the second step on."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, activation="gelu", batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(32, 5)

    def forward(self, x):
        return self.head(self.enc(x).mean(1))


def model(name, batch):
    """(net, input sample maker(rng, batch))."""
    torch.manual_seed(0)
    floats = lambda shape: lambda rng, b: rng.standard_normal((b,) + shape).astype(np.float32)
    if name == "text_lstm":
        return TextLSTM(), lambda rng, b: rng.integers(0, VOCAB, (b, SEQ)).astype(np.int64)
    if name == "transformer":
        return peer.build("transformer"), floats(peer.MODELS["transformer"][1])
    if name.startswith("mha_"):
        return MHA(name[4:], batch), floats((SEQ, 16))
    if name == "encoder2_gelu_d32":
        return Encoder2(), floats((SEQ, 32))
    if name.startswith("encoder_"):
        _, norm, act = name.split("_")
        return Encoder(norm == "prenorm", act), floats((SEQ, 16))
    raise ValueError(name)


def inference(name, batch):
    def run():
        net, make = model(name, batch)
        x = make(np.random.default_rng(batch), batch)
        err = infer_parity(BIN, net, x, f"{WORK}/{name}_b{batch}", fold_constants=False)
        return err <= RTOL, f"max relative error {err:.3g}"
    guarded(f"infer {name} batch {batch}", run)


def freeze_buffers(net):
    """dlc compile options that freeze net's finite float buffers, which export as
    initializers like weights; PyTorch does not train them, so dlc must not either. A buffer
    holding -inf (the additive causal mask) needs nothing: dlc keeps it a constant."""
    buffers = [n for n, b in net.named_buffers() if b.is_floating_point() and bool(torch.isfinite(b).all())]
    return ["--freeze", "^(" + "|".join(n.replace(".", "[.]") for n in buffers) + ")$"] if buffers else []


def training(name, opt, lr, batch=8, clip=0.0, wd=0.0):
    def run():
        net, make = model(name, batch)
        rng = np.random.default_rng(3)
        x0 = make(rng, batch)
        args = freeze_buffers(net)
        args += ["--clip-grad-norm", str(clip)] if clip else []
        tag = f"{WORK}/train_{name}_{opt}" + ("_clip" if clip else "")
        worst, losses, clipped = train_parity(BIN, LIB, net, tag, x0, opt, lr, lambda: make(rng, batch), rng, batch,
                                              STEPS, args, clip, wd)
        return (worst <= RTOL and (not clip or clipped == STEPS),
                f"worst relative loss difference {worst:.2e} over {STEPS} steps "
                f"(last loss dlc {losses[-1][0]:.6f}, torch {losses[-1][1]:.6f})" +
                (f", clipping active on {clipped}/{STEPS} steps" if clip else ""))
    guarded(f"train {name} {opt} lr={lr}" + (f" weight-decay={wd}" if wd else "") +
            (f" clip-grad-norm={clip}" if clip else ""), run)


NAMES = ["text_lstm", "transformer", "mha_none", "mha_key_padding", "mha_attn_bool", "mha_attn_additive",
         "encoder_postnorm_relu", "encoder_postnorm_gelu", "encoder_prenorm_relu", "encoder_prenorm_gelu"]


def main():
    global BIN, LIB, WORK, peer
    if len(sys.argv) != 5:
        sys.exit("usage: attention_parity.py BIN_DIR LIB_DIR TORCH_PEER WORK_DIR")
    BIN, LIB, peer_path, WORK = sys.argv[1:5]
    os.makedirs(WORK, exist_ok=True)
    spec = importlib.util.spec_from_file_location("torch_peer", peer_path)
    peer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peer)
    only = os.environ.get("DLC_ATTENTION_PARITY_ONLY")
    names = only.split(",") if only else NAMES
    for name in names:
        # The masks are batch-sized buffers: the masked models run at the batch they were built for.
        for batch in ((8,) if name == "mha_key_padding" else (5, 1)):
            inference(name, batch)
        training(name, "sgd", 0.1 if name != "transformer" else 0.01)
        training(name, "adam", 0.01 if name != "transformer" else 0.001)
    if not only or "encoder2_gelu_d32" in names:
        inference("encoder2_gelu_d32", 8)
        training("encoder2_gelu_d32", "adamw", 0.005, wd=0.01)
    if not only or "text_lstm" in names:
        training("text_lstm", "sgd", 0.1, clip=0.05)
        training("text_lstm", "adam", 0.01, clip=0.05)
    finish()


if __name__ == "__main__":
    main()
