#!/usr/bin/env python3
"""Serves the LeNet that train_lenet.py trained: compiles lenet.onnx for inference only,
restores the checkpoint into it (the optimizer's state in the file is not needed), then
classifies test images from Python and prints the accuracy and the first predictions.

    PYTHONPATH=build/python .deps/pyvenv/bin/python examples/python/serve_lenet.py
"""
import argparse
import os
import time

import numpy as np

import dlc
import fashion
from train_lenet import ROOT, accuracy


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(ROOT, "out", "python"))
    a = p.parse_args()
    s = dlc.load(dlc.compile(os.path.join(ROOT, "examples", "lenet", "lenet.onnx"), os.path.join(a.out, "lenet.so")))
    meta = s.restore(os.path.join(a.out, "lenet.safetensors"), allow_extra=True)
    print(f"restored the checkpoint of {meta.get('steps')} steps")
    images, labels = fashion.load("t10k")
    start = time.time()
    acc = accuracy(s, images, labels)
    print(f"test accuracy {acc:.4f} ({len(images)} images in {time.time() - start:.2f} s)")
    batch = s.inputs[0].shape[0]
    probs = s.infer(x=images[:batch])["y"]
    for i in range(8):
        print(f"  image {i}: {fashion.CLASSES[int(probs[i].argmax())]:<12} (true: {fashion.CLASSES[labels[i]]})")


if __name__ == "__main__":
    main()
