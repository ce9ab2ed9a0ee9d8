#!/usr/bin/python3
"""Exports LeNet-5 to lenet.onnx, the model of dlc's demo: with --epochs 0 (the bundled
file) its PyTorch initial weights, for dlc to train; with --epochs N, trained by PyTorch
on Fashion-MNIST first (a reference accuracy). Run with Debian's python3-torch:

    /usr/bin/python3 examples/lenet/make_model.py [--epochs 0] [--batch 64]

The architecture is the one of ../../../shared/bench/torch_peer.py (LeNet)."""
import argparse, gzip, os, struct, sys
import numpy as np
import torch, torch.nn as nn

DATA = "/usr/share/datasets/fashion-mnist"

class LeNet(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(1, 6, 5, padding=2); s.c2 = nn.Conv2d(6, 16, 5)
        s.f1 = nn.Linear(16 * 5 * 5, 120); s.f2 = nn.Linear(120, 84); s.f3 = nn.Linear(84, 10)
    def forward(s, x):
        x = torch.max_pool2d(torch.relu(s.c1(x)), 2); x = torch.max_pool2d(torch.relu(s.c2(x)), 2)
        return s.f3(torch.relu(s.f2(torch.relu(s.f1(x.flatten(1))))))

def idx(name):
    with gzip.open(os.path.join(DATA, name)) as f:
        magic, = struct.unpack(">i", f.read(4))
        dims = struct.unpack(">" + "i" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return np.frombuffer(f.read(), np.uint8).reshape(dims)

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=0); p.add_argument("--batch", type=int, default=64)
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "lenet.onnx"))
    a = p.parse_args()
    torch.manual_seed(0)
    x = torch.from_numpy(idx("train-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(idx("train-labels-idx1-ubyte.gz").astype(np.int64))
    m = LeNet(); opt = torch.optim.Adam(m.parameters(), 1e-3); lf = nn.CrossEntropyLoss()
    for epoch in range(a.epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x) - 63, 64):
            b = perm[i:i + 64]
            opt.zero_grad(); loss = lf(m(x[b]), y[b]); loss.backward(); opt.step()
        print(f"epoch {epoch + 1}: loss {loss.item():.4f}", file=sys.stderr)
    m.eval()
    tx = torch.from_numpy(idx("t10k-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    ty = idx("t10k-labels-idx1-ubyte.gz")
    with torch.no_grad():
        acc = (m(tx).argmax(1).numpy() == ty).mean()
    print(f"PyTorch test accuracy: {acc:.4f}", file=sys.stderr)
    torch.onnx.export(m, torch.zeros(a.batch, 1, 28, 28), a.out, input_names=["x"], output_names=["y"],
                      opset_version=17)
    print(a.out)

if __name__ == "__main__":
    main()
