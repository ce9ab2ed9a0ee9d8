#!/usr/bin/env python3
"""Trains LeNet-5 (examples/lenet/lenet.onnx, PyTorch's initial weights) on Fashion-MNIST
from a Python loop: dlc compiles the training artifact, the loop feeds it NumPy batches,
sets a cosine learning rate through `session.lr`, reports test accuracy after each epoch and
saves a checkpoint that serve_lenet.py (or `dlc-run`) loads.

    PYTHONPATH=build/python .deps/pyvenv/bin/python examples/python/train_lenet.py [--epochs 2]
    (or, after `pip install .`, any python3 with the package)
"""
import argparse
import math
import os
import sys
import time

import numpy as np

import dlc
import fashion

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def progress(iterable, total, desc):
    """tqdm's bar where tqdm is installed, a line every 10% otherwise."""
    try:
        from tqdm import tqdm
        return tqdm(iterable, total=total, desc=desc, leave=False)
    except ImportError:
        def plain():
            for i, item in enumerate(iterable):
                if total >= 10 and i % (total // 10) == 0:
                    print(f"{desc}: {i}/{total}", flush=True)
                yield item
        return plain()


def accuracy(session, images, labels):
    """Test accuracy with the session's infer (fixed batch: the last partial batch is padded)."""
    batch = session.inputs[0].shape[0]
    correct = 0
    for i in range(0, len(images), batch):
        x = images[i:i + batch]
        n = len(x)
        if n < batch:
            x = np.concatenate([x, np.zeros((batch - n,) + x.shape[1:], x.dtype)])
        logits = session.infer(x=x)["y"][:n]
        correct += int((logits.argmax(1) == labels[i:i + n]).sum())
    return correct / len(images)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: all epochs)")
    p.add_argument("--lr", type=float, default=0.006)
    p.add_argument("--out", default=os.path.join(ROOT, "out", "python"))
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)

    start = time.time()
    artifact = dlc.compile(os.path.join(ROOT, "examples", "lenet", "lenet.onnx"), os.path.join(a.out, "lenet_train.so"),
                           train=True, loss="cross_entropy", label="label", optimizer="adam", lr=a.lr)
    print(f"compiled {artifact} in {time.time() - start:.1f} s")
    s = dlc.load(artifact)
    batch = s.inputs[0].shape[0]
    images, labels = fashion.load("train")
    test_images, test_labels = fashion.load("t10k")
    steps_per_epoch = len(images) // batch
    total = a.steps or a.epochs * steps_per_epoch
    rng = np.random.default_rng(0)
    step, losses = 0, []
    for epoch in range(math.ceil(total / steps_per_epoch)):
        order = rng.permutation(len(images))
        n = min(steps_per_epoch, total - step)
        start = time.time()
        for i in progress(range(n), n, f"epoch {epoch + 1}"):
            s.lr = a.lr * 0.5 * (1 + math.cos(math.pi * step / total))  # cosine schedule
            idx = order[i * batch:(i + 1) * batch]
            losses.append(s.train_step(x=images[idx], label=labels[idx]))
            step += 1
        print(f"epoch {epoch + 1}: {n} steps in {time.time() - start:.1f} s, mean loss "
              f"{np.mean(losses[-n:]):.4f}, test accuracy {accuracy(s, test_images, test_labels):.4f}")
    checkpoint = os.path.join(a.out, "lenet.safetensors")
    s.save(checkpoint, metadata={"steps": step, "data": "fashion-mnist"})
    print(f"first loss {losses[0]:.4f}, last {np.mean(losses[-10:]):.4f}; checkpoint {checkpoint}")
    if not np.mean(losses[-10:]) < losses[0]:
        sys.exit("the loss did not fall")


if __name__ == "__main__":
    main()
