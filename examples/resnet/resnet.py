#!/usr/bin/env python3
"""A ResNet-18-layout network with batch norm on Fashion-MNIST, trained by dlc from Python
with SGD + momentum, weight decay and a cosine schedule (model.py holds the network and
the recipe; resnet_torch.py trains the same in PyTorch). Writes under OUT: losses.svg and
results.json (test accuracy, seconds per epoch).

    PYTHONPATH=build/python .deps/pyvenv/bin/python examples/resnet/resnet.py [--epochs 1]
"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import dlc  # noqa: E402
import example  # noqa: E402
import fashion  # noqa: E402
import model  # noqa: E402


def main():
    a = example.arguments(__doc__, "resnet", epochs=1)
    images, labels = fashion.load("train")
    test_images, test_labels = fashion.load("t10k")
    start = time.time()
    s = dlc.load(dlc.from_torch(model.network(), torch.zeros(model.BATCH, 1, 28, 28), os.path.join(a.out, "resnet.so"),
                                train=True, loss="cross_entropy", optimizer="momentum", lr=model.LR,
                                momentum=model.MOMENTUM, weight_decay=model.WEIGHT_DECAY, target=a.target))
    compile_s = time.time() - start
    print(f"compiled in {compile_s:.1f} s")
    total = example.total_steps(len(images), model.BATCH, a)
    losses, start = [], time.time()
    for epoch, batches in example.epochs(len(images), model.BATCH, a):
        for idx in batches:
            s.lr = model.lr_at(len(losses), total)
            losses.append(s.train_step(x=images[idx], label=labels[idx]))
        print(f"epoch {epoch}: loss {np.mean(losses[-100:]):.4f}, {time.time() - start:.1f} s", flush=True)
    train_s = time.time() - start
    accuracy = example.batch_mean(len(test_images), model.BATCH, lambda i: np.mean(
        s.infer(x=test_images[i:i + model.BATCH])["output"].argmax(1) == test_labels[i:i + model.BATCH]))
    smooth = lambda v: np.convolve(v, np.ones(20) / 20, mode="valid") if len(v) >= 20 else np.asarray(v)
    curves = {"dlc": smooth(losses)}
    torch_losses = os.path.join(a.out, "torch_losses.json")
    if os.path.exists(torch_losses):  # resnet_torch.py ran first (run.sh)
        with open(torch_losses) as f:
            curves["PyTorch"] = smooth(json.load(f))
    dlc.plot_lines(os.path.join(a.out, "losses.svg"),
                   {k: (np.arange(len(losses) - len(v) + 1, len(losses) + 1), v) for k, v in curves.items()},
                   title="ResNet-18 layout on Fashion-MNIST, the same recipe", subtitle="mean of 20 steps",
                   ylabel="cross-entropy")
    results = {"steps": total, "test_accuracy": accuracy, "train_seconds": train_s,
               "seconds_per_step": train_s / total, "compile_seconds": compile_s,
               "first_loss": losses[0], "last_loss": float(np.mean(losses[-20:]))}
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(json.dumps(results))
    if not results["last_loss"] < results["first_loss"]:
        sys.exit("the loss did not fall")


if __name__ == "__main__":
    main()
