#!/usr/bin/env python3
"""A ResNet-18-layout network with batch norm on Fashion-MNIST, trained by dlc from Python
with SGD + momentum, weight decay and a cosine schedule (model.py holds the network and
the recipe; resnet_torch.py trains the same in PyTorch). Writes under OUT: losses.svg and
results.json (test accuracy, seconds per epoch).

    PYTHONPATH=build/python .deps/pyvenv/bin/python examples/resnet/resnet.py [--epochs 2]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "examples", "python"))
import dlc  # noqa: E402
import fashion  # noqa: E402
import model  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: all epochs)")
    p.add_argument("--out", default=os.path.join(ROOT, "out", "resnet"))
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    images, labels = fashion.load("train")
    test_images, test_labels = fashion.load("t10k")
    start = time.time()
    s = dlc.load(dlc.from_torch(model.network(), torch.zeros(model.BATCH, 1, 28, 28), os.path.join(a.out, "resnet.so"),
                                train=True, loss="cross_entropy", optimizer="momentum", lr=model.LR,
                                momentum=model.MOMENTUM, weight_decay=model.WEIGHT_DECAY))
    compile_s = time.time() - start
    print(f"compiled in {compile_s:.1f} s")
    per_epoch = len(images) // model.BATCH
    total = a.steps or a.epochs * per_epoch
    losses, start = [], time.time()
    for step, x, y in model.batches(images, labels, total):
        s.lr = model.lr_at(step, total)
        losses.append(s.train_step(x=x, label=y))
        if (step + 1) % per_epoch == 0 or step + 1 == total:
            print(f"step {step + 1}/{total}: loss {np.mean(losses[-100:]):.4f}, {time.time() - start:.1f} s",
                  flush=True)
    train_s = time.time() - start
    correct = 0
    n = len(test_images) // model.BATCH * model.BATCH
    for i in range(0, n, model.BATCH):
        correct += int((s.infer(x=test_images[i:i + model.BATCH])["output"].argmax(1) ==
                        test_labels[i:i + model.BATCH]).sum())
    xs = np.arange(1, len(losses) + 1)
    dlc.plot_lines(os.path.join(a.out, "losses.svg"), {"dlc": (xs, losses)},
                   title="ResNet-18 layout on Fashion-MNIST", ylabel="cross-entropy")
    results = {"steps": total, "test_accuracy": correct / n, "train_seconds": train_s,
               "seconds_per_step": train_s / total, "compile_seconds": compile_s,
               "first_loss": losses[0], "last_loss": float(np.mean(losses[-20:]))}
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(json.dumps(results))
    if not results["last_loss"] < results["first_loss"]:
        sys.exit("the loss did not fall")


if __name__ == "__main__":
    main()
