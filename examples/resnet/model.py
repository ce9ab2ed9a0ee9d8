"""The network and the recipe both resnet.py (dlc) and resnet_torch.py (PyTorch) train: a
ResNet-18 layout (a 3x3 stem, four stages of two BasicBlocks, strides 1, 2, 2, 2, 1x1 conv
+ BN shortcuts where the shape changes, global average pool, one linear layer) at widths
16-32-64-128 for 28x28 images; SGD with momentum 0.9, weight decay 5e-4, a cosine
learning-rate schedule from 0.05, batch 64, the same initial weights and data order."""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import example  # noqa: E402

BATCH = 64
LR = 0.05
MOMENTUM = 0.9
WEIGHT_DECAY = 5e-4
WIDTHS = (16, 32, 64, 128)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class ResNet18(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, WIDTHS[0], 3, 1, 1, bias=False), nn.BatchNorm2d(WIDTHS[0]), nn.ReLU())
        layers, cin = [], WIDTHS[0]
        for i, w in enumerate(WIDTHS):
            layers += [BasicBlock(cin, w, 1 if i == 0 else 2), BasicBlock(w, w, 1)]
            cin = w
        self.layers = nn.Sequential(*layers)
        self.head = nn.Linear(WIDTHS[-1], classes)

    def forward(self, x):
        return self.head(self.layers(self.stem(x)).mean((2, 3)))


def network():
    torch.manual_seed(0)
    return ResNet18()


def lr_at(step, total):
    return example.cosine_lr(LR, step, total)

