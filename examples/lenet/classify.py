#!/usr/bin/python3
"""Classifies the first 100 Fashion-MNIST test images with `dlc-run infer` and prints
the predictions next to the true labels."""
import gzip, os, struct, subprocess, sys
import numpy as np

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]

def idx(path):
    with gzip.open(path) as f:
        magic, = struct.unpack(">i", f.read(4))
        dims = struct.unpack(">" + "i" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return np.frombuffer(f.read(), np.uint8).reshape(dims)

def main(dlc_run, model, data, out):
    images = idx(os.path.join(data, "t10k-images-idx3-ubyte.gz"))[:100].astype(np.float32) / 255.0
    labels = idx(os.path.join(data, "t10k-labels-idx1-ubyte.gz"))[:100]
    np.save(os.path.join(out, "x.npy"), images.reshape(100, 1, 28, 28))
    subprocess.run([dlc_run, "infer", model, "--input", "x=" + os.path.join(out, "x.npy"), "--output-dir", out],
                   check=True, stdout=subprocess.DEVNULL)
    pred = np.load(os.path.join(out, "y.npy")).argmax(1)
    for i in range(10):
        mark = "ok " if pred[i] == labels[i] else "bad"
        print(f"  image {i}: {mark} predicted {CLASSES[pred[i]]:<12} true {CLASSES[labels[i]]}")
    print(f"first 100 images: {int((pred == labels).sum())}/100 correct")

if __name__ == "__main__":
    main(*sys.argv[1:5])
