#!/usr/bin/python3
"""Classifies the first Fashion-MNIST test images (one batch of the compiled size) with
`dlc-run infer`, optionally with a checkpoint's parameters, and prints the predictions
next to the true labels."""
import gzip, os, struct, subprocess, sys
import numpy as np

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]

def idx(path):
    with gzip.open(path) as f:
        magic, = struct.unpack(">i", f.read(4))
        dims = struct.unpack(">" + "i" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return np.frombuffer(f.read(), np.uint8).reshape(dims)

def batch_size(dlc_run, model):
    info = subprocess.run([dlc_run, "info", model], check=True, capture_output=True, text=True).stdout
    for line in info.splitlines():
        fields = line.split()
        if fields[:2] == ["input", "x"]:
            return int(fields[3].split("x")[0])
    raise SystemExit("the model has no input 'x'")

def main(dlc_run, model, data, out, checkpoint=None):
    n = batch_size(dlc_run, model)
    images = idx(os.path.join(data, "t10k-images-idx3-ubyte.gz"))[:n].astype(np.float32) / 255.0
    labels = idx(os.path.join(data, "t10k-labels-idx1-ubyte.gz"))[:n]
    np.save(os.path.join(out, "x.npy"), images.reshape(n, 1, 28, 28))
    cmd = [dlc_run, "infer", model, "--input", "x=" + os.path.join(out, "x.npy"), "--output-dir", out]
    if checkpoint:
        cmd += ["--checkpoint", checkpoint]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    pred = np.load(os.path.join(out, "y.npy")).argmax(1)
    for i in range(10):
        mark = "ok " if pred[i] == labels[i] else "bad"
        print(f"  image {i}: {mark} predicted {CLASSES[pred[i]]:<12} true {CLASSES[labels[i]]}")
    print(f"first {n} test images: {int((pred == labels).sum())}/{n} correct")

if __name__ == "__main__":
    main(*sys.argv[1:6])
