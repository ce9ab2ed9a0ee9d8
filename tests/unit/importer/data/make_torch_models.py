#!/usr/bin/python3
"""Regenerates the torch.onnx.export models the importer tests read (python3-torch).

    /usr/bin/python3 tests/unit/importer/data/make_torch_models.py

Each model is exported with a dynamic batch axis, so its shape computations stay in the
graph (Shape -> Gather -> Concat -> Reshape chains) for the importer to fold.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.b1 = nn.BatchNorm2d(6)
        self.c2 = nn.Conv2d(6, 16, 5)
        self.fc = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.b1(self.c1(x))), 2)
        x = F.avg_pool2d(F.relu(self.c2(x)), 2)
        return F.log_softmax(self.fc(x.flatten(1)), -1)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 16)
        self.layer = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.1, batch_first=True)

    def forward(self, tokens):
        h = self.layer(self.emb(tokens))
        b, n, d = h.shape
        return h.reshape(b, n * d // 4, 4).mean(1)


class Misc(nn.Module):
    def forward(self, x):
        y = F.hardswish(F.gelu(x)) + F.silu(x)
        y = F.layer_norm(y, (8,), torch.ones(8) * 0.5)
        a, b = y.chunk(2, dim=1)
        z = torch.einsum("bij,bkj->bik", a, b)
        z = F.pad(z, (1, 1, 0, 0), mode="reflect")
        z = z.permute(0, 2, 1).contiguous().view(z.size(0), -1)
        return z.clamp(-1, 1), torch.cumsum(x, 1), x.transpose(1, 2)[:, ::2, 1:]


def main():
    torch.manual_seed(0)
    for name, model, example, dynamic, opset in [
        ("torch_lenet_opset11", LeNet(), torch.randn(2, 1, 28, 28), {0: "batch"}, 11),
        ("torch_encoder_opset13", Encoder(), torch.randint(0, 50, (2, 7)), {0: "batch", 1: "seq"}, 13),
        ("torch_misc_opset17", Misc(), torch.randn(2, 6, 8), {0: "batch"}, 17),
    ]:
        model.eval()
        torch.onnx.export(model, (example,), os.path.join(HERE, name + ".onnx"), input_names=["x"],
                          opset_version=opset, dynamic_axes={"x": dynamic})


if __name__ == "__main__":
    main()
