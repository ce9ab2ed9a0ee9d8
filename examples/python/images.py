"""PNG files from NumPy arrays (the format by hand over Python's zlib: greyscale or RGB,
8 bits, no filter), written to a temporary file and renamed, and image grids."""
import os
import struct
import zlib

import numpy as np


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write_png(path, image):
    """image: H x W (grey) or H x W x 3 (RGB), floats in [0, 1] or uint8."""
    a = np.asarray(image)
    if a.dtype != np.uint8:
        a = (np.clip(a, 0, 1) * 255 + 0.5).astype(np.uint8)
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] != 3):
        raise ValueError(f"write_png: expected H x W or H x W x 3, got {a.shape}")
    h, w = a.shape[:2]
    colour = 0 if a.ndim == 2 else 2
    raw = b"".join(b"\x00" + a[y].tobytes() for y in range(h))  # filter type 0 on every row
    png = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0)) +
           _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(png)
    os.replace(tmp, path)


def grid(images, columns=8, pad=2):
    """N x 1 x H x W (or N x H x W) images in [0, 1] -> one grey image, rows of `columns`."""
    a = np.asarray(images, np.float32)
    if a.ndim == 4:
        a = a[:, 0]
    n, h, w = a.shape
    rows = (n + columns - 1) // columns
    out = np.ones((rows * (h + pad) + pad, columns * (w + pad) + pad), np.float32)
    for i in range(n):
        r, c = divmod(i, columns)
        out[pad + r * (h + pad):pad + r * (h + pad) + h, pad + c * (w + pad):pad + c * (w + pad) + w] = a[i]
    return out
