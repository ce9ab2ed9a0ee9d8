#!/usr/bin/python3
"""The Fashion-MNIST classifiers of the example scripts, each taking a batch x 1 x 28 x 28
image batch and returning 10 logits; the sequence models read an image as 28 steps of 28
pixels (one row per step). Exports one with PyTorch's initial weights (seed 0) at batch 64:

    fashion_models.py NAME OUT.onnx"""
import sys
import torch, torch.nn as nn


def rows(x):
    return x.reshape(x.shape[0], 28, 28)


class RowRNN(nn.Module):
    """A recurrent layer over the rows and a linear head on the last step, or on the mean
    over steps (`pool="mean"`, which sees both directions of a bidirectional layer whole)."""

    def __init__(self, rnn, hidden, bidirectional=False, pool="last"):
        super().__init__()
        self.rnn = rnn(28, hidden, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(hidden * (2 if bidirectional else 1), 10)
        self.pool = pool

    def forward(self, x):
        out, _ = self.rnn(rows(x))
        return self.head(out.mean(1) if self.pool == "mean" else out[:, -1])


class RowTransformer(nn.Module):
    """A linear projection of each row to 64 features plus a learned position embedding, one
    pre-norm GELU encoder layer (4 heads, feed-forward 128), mean over tokens, linear head."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(28, 64)
        self.pos = nn.Parameter(0.02 * torch.randn(1, 28, 64))
        self.enc = nn.TransformerEncoderLayer(64, 4, 128, dropout=0.0, activation="gelu", batch_first=True,
                                              norm_first=True)
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        return self.head(self.enc(self.proj(rows(x)) + self.pos).mean(1))


MODELS = {
    "mlp": lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                                 nn.Linear(128, 10)),
    "lstm": lambda: RowRNN(nn.LSTM, 128),
    "gru": lambda: RowRNN(nn.GRU, 128),
    "bigru": lambda: RowRNN(nn.GRU, 64, bidirectional=True, pool="mean"),
    "transformer": RowTransformer,
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: fashion_models.py {{{','.join(MODELS)}}} OUT.onnx")
    torch.manual_seed(0)
    torch.onnx.export(MODELS[sys.argv[1]](), torch.zeros(64, 1, 28, 28), sys.argv[2], input_names=["x"],
                      output_names=["y"], opset_version=17)


if __name__ == "__main__":
    main()
