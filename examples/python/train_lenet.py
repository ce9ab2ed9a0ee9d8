#!/usr/bin/env python3
"""Trains LeNet-5 (examples/lenet/lenet.onnx, PyTorch's initial weights) on Fashion-MNIST
from a Python loop: dlc compiles the training artifact, the loop feeds it NumPy batches,
sets a cosine learning rate through `session.lr`, reports test accuracy after each epoch and
saves a checkpoint that serve_lenet.py (or `dlc-run`) loads.

    PYTHONPATH=build/python .deps/pyvenv/bin/python examples/python/train_lenet.py [--epochs 2]
    (or, after `pip install .`, any python3 with the package)
"""
import os
import sys
import time

import numpy as np

import dlc
import example
import fashion
from example import ROOT


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
    a = example.arguments(__doc__, "python", epochs=2, extra=[("--lr", float, 0.006, "the initial learning rate")])

    start = time.time()
    artifact = dlc.compile(os.path.join(ROOT, "examples", "lenet", "lenet.onnx"), os.path.join(a.out, "lenet_train.so"),
                           train=True, loss="cross_entropy", label="label", optimizer="adam", lr=a.lr,
                           target=a.target)
    print(f"compiled {artifact} in {time.time() - start:.1f} s")
    s = dlc.load(artifact)
    batch = s.inputs[0].shape[0]
    images, labels = fashion.load("train")
    test_images, test_labels = fashion.load("t10k")
    total = example.total_steps(len(images), batch, a)
    step, losses = 0, []
    for epoch, batches in example.epochs(len(images), batch, a):
        start = time.time()
        for idx in progress(batches, len(batches), f"epoch {epoch}"):
            s.lr = example.cosine_lr(a.lr, step, total)
            losses.append(s.train_step(x=images[idx], label=labels[idx]))
            step += 1
        n = len(batches)
        print(f"epoch {epoch}: {n} steps in {time.time() - start:.1f} s, mean loss "
              f"{np.mean(losses[-n:]):.4f}, test accuracy {accuracy(s, test_images, test_labels):.4f}")
    checkpoint = os.path.join(a.out, "lenet.safetensors")
    s.save(checkpoint, metadata={"steps": step, "data": "fashion-mnist"})
    print(f"first loss {losses[0]:.4f}, last {np.mean(losses[-10:]):.4f}; checkpoint {checkpoint}")
    if not np.mean(losses[-10:]) < losses[0]:
        sys.exit("the loss did not fall")


if __name__ == "__main__":
    main()
