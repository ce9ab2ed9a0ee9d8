#!/usr/bin/env python3
"""The recipe of resnet.py in PyTorch (CPU, Debian's python3-torch): same network, initial
weights, data order and schedule; prints the same results for the table in README.

    /usr/bin/python3 examples/resnet/resnet_torch.py [--epochs 2] [--threads 2]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "python"))
import fashion  # noqa: E402
import model  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--steps", type=int, default=0)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    images, labels = fashion.load("train")
    test_images, test_labels = fashion.load("t10k")
    net = model.network()
    opt = torch.optim.SGD(net.parameters(), model.LR, momentum=model.MOMENTUM, weight_decay=model.WEIGHT_DECAY)
    total = a.steps or a.epochs * (len(images) // model.BATCH)
    losses, start = [], time.time()
    for step, x, y in model.batches(images, labels, total):
        for g in opt.param_groups:
            g["lr"] = model.lr_at(step, total)
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(torch.from_numpy(x)), torch.from_numpy(y))
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
    print(json.dumps(results))


if __name__ == "__main__":
    main()
