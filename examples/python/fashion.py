"""Fashion-MNIST (Debian's dataset-fashion-mnist) as NumPy arrays: images float32 in [0, 1]
shaped N x 1 x 28 x 28, labels int64."""
import gzip
import os
import struct

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]


def _idx(name):
    with gzip.open(os.path.join(DATA, name)) as f:
        magic, = struct.unpack(">i", f.read(4))
        dims = struct.unpack(">" + "i" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return np.frombuffer(f.read(), np.uint8).reshape(dims)


def load(split):
    """("train" | "t10k") -> (images, labels)."""
    images = _idx(f"{split}-images-idx3-ubyte.gz").astype(np.float32)[:, None] / 255.0
    return images, _idx(f"{split}-labels-idx1-ubyte.gz").astype(np.int64)
