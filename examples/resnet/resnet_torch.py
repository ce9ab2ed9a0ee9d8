#!/usr/bin/env python3
"""The recipe of resnet.py in PyTorch (CPU, Debian's python3-torch): same network, initial
weights, data order and schedule; prints the same results for the table in README.

    /usr/bin/python3 examples/resnet/resnet_torch.py [--epochs 1] [--threads 2]
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "python"))
import example  # noqa: E402
import fashion  # noqa: E402
import model  # noqa: E402


def main():
    a = example.arguments(__doc__, "resnet", epochs=1, extra=[("--threads", int, os.cpu_count(), "PyTorch's threads")])
    torch.set_num_threads(a.threads)
    images, labels = fashion.load("train")
    test_images, test_labels = fashion.load("t10k")
    net = model.network()
    opt = torch.optim.SGD(net.parameters(), model.LR, momentum=model.MOMENTUM, weight_decay=model.WEIGHT_DECAY)
    total = example.total_steps(len(images), model.BATCH, a)
    losses, start = [], time.time()
    for _, batches in example.epochs(len(images), model.BATCH, a):
        for idx in batches:
            for g in opt.param_groups:
                g["lr"] = model.lr_at(len(losses), total)
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(torch.from_numpy(images[idx])), torch.from_numpy(labels[idx]))
            loss.backward()
            opt.step()
            losses.append(loss.item())
    train_s = time.time() - start
    net.eval()
    with torch.no_grad():
        n = len(test_images) // model.BATCH * model.BATCH
        pred = np.concatenate([net(torch.from_numpy(test_images[i:i + model.BATCH])).argmax(1).numpy()
                               for i in range(0, n, model.BATCH)])
    results = {"steps": total, "test_accuracy": float((pred == test_labels[:n]).mean()), "train_seconds": train_s,
               "seconds_per_step": train_s / total, "first_loss": losses[0],
               "last_loss": float(np.mean(losses[-20:]))}
    with open(os.path.join(a.out, "torch_losses.json"), "w") as f:
        json.dump(losses, f)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
