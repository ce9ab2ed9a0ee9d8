#!/usr/bin/env python3
"""Seed corpora of the fuzz targets, from the project's own test files and small files
written here in each format: OUT_DIR/<target>/<seed>. Remade from scratch on every run.

usage: make_corpus.py OUT_DIR --source-dir SRC --build-dir BUILD --manifest-seeds BIN
"""
import argparse
import gzip
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile

ONNX_NODE_DATA = "/usr/include/onnx/backend/test/data"
MAX_SEED = 64 * 1024  # larger files slow every mutation of the fuzzer down


def put(out, target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, re.sub(r"[^A-Za-z0-9_.-]", "_", name)), "wb") as f:
        f.write(data)


def copy_files(out, target, paths, root):
    for p in sorted(paths):
        if os.path.isfile(p) and os.path.getsize(p) <= MAX_SEED:
            with open(p, "rb") as f:
                put(out, target, os.path.relpath(p, root).replace(os.sep, "__"), f.read())


def find(root, pattern, skip=()):
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(".") and os.path.join(d, x) not in skip]
        for f in files:
            if re.fullmatch(pattern, f):
                yield os.path.join(d, f)


def onnx_seeds(out, src, build):
    copy_files(out, "onnx_import", find(ONNX_NODE_DATA, r"model\.onnx"), ONNX_NODE_DATA)
    skip = {os.path.join(src, "out")} | {os.path.join(src, d) for d in os.listdir(src) if d.startswith("build")}
    copy_files(out, "onnx_import", find(src, r".*\.onnx", skip), src)


def mlir_seeds(out, src):
    lit = os.path.join(src, "tests", "lit")
    for p in sorted(find(lit, r".*\.mlir")):
        with open(p, "rb") as f:
            text = f.read()
        # What -split-input-file runs as separate inputs.
        for i, part in enumerate(re.split(rb"\n// -----[^\n]*\n", text)):
            put(out, "mlir_parse", "%s.%d.mlir" % (os.path.relpath(p, lit).replace(os.sep, "__"), i), part)


def safetensors(tensors, metadata=None, pad=True):
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


def safetensors_seeds(out, build):
    f32 = struct.pack("<6f", *range(6))
    put(out, "safetensors", "f32.safetensors", safetensors({"w": ("F32", [2, 3], f32)}))
    put(out, "safetensors", "meta.safetensors",
        safetensors({"w": ("F32", [2, 3], f32), "step": ("I64", [], struct.pack("<q", 7))},
                    {"format": "pt", "dlc.step": "7"}))
    put(out, "safetensors", "dtypes.safetensors",
        safetensors({"a": ("BF16", [2], b"\x80\x3f\x00\x40"), "b": ("BOOL", [3], b"\x01\x00\x01"),
                     "c": ("U8", [0], b""), "d": ("F16", [1, 1], b"\x00\x3c"),
                     "e": ("I32", [1], b"\x01\x00\x00\x00"), "f": ("F64", [1], struct.pack("<d", 1.5))}))
    put(out, "safetensors", "unpadded.safetensors", safetensors({"x": ("I8", [4], b"\x01\x02\x03\x04")}, pad=False))
    put(out, "safetensors", "empty.safetensors", safetensors({}))
    copy_files(out, "safetensors", list(find(build, r".*\.safetensors"))[:20], build)


def npy_seeds(out, build):
    numpy_data = os.path.join(build, "tests", "unit", "runtime", "numpy_data")
    copy_files(out, "npy", find(numpy_data, r".*\.npy"), numpy_data)
    copy_files(out, "npz", find(numpy_data, r".*\.npz"), numpy_data)
    try:
        import numpy as np
    except ImportError:
        return
    arrays = {"f4": np.arange(6, dtype="<f4").reshape(2, 3), "i8": np.array([1, -2], dtype="<i8"),
              "b1": np.array([True, False]), "u1": np.zeros((2, 2, 2), dtype="u1"),
              "f2": np.array(1.5, dtype="<f2")}
    for name, a in arrays.items():
        b = io.BytesIO()
        np.save(b, a)
        put(out, "npy", "gen_%s.npy" % name, b.getvalue())
    for name, save in (("savez", np.savez), ("compressed", np.savez_compressed)):
        b = io.BytesIO()
        save(b, x=arrays["f4"], label=arrays["i8"])
        put(out, "npz", "gen_%s.npz" % name, b.getvalue())
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("dir/", b"")
        s = io.BytesIO()
        np.save(s, arrays["u1"])
        z.writestr("dir/u.npy", s.getvalue())
    put(out, "npz", "gen_dir_member.npz", b.getvalue())


def idx(type_code, dims, fmt, values):
    return bytes([0, 0, type_code, len(dims)]) + struct.pack(">%dI" % len(dims), *dims) + \
        struct.pack(">%d%s" % (len(values), fmt), *values)


def idx_seeds(out):
    def seed(name, images, labels):
        put(out, "idx", name, struct.pack("<I", len(images)) + images + labels)
    u8_images = idx(0x08, [3, 2, 2], "B", list(range(12)))
    u8_labels = idx(0x08, [3], "B", [0, 9, 4])
    seed("u8", u8_images, u8_labels)
    seed("u8_gz", gzip.compress(u8_images, mtime=0), gzip.compress(u8_labels, mtime=0))
    seed("f32_i32", idx(0x0D, [2, 1, 3], "f", [0.5] * 6), idx(0x0C, [2], "i", [1, 2]))
    seed("f64_i16", idx(0x0E, [1, 2, 1], "d", [1.0, 2.0]), idx(0x0B, [1], "h", [3]))
    seed("i8_targets", idx(0x09, [2, 2, 2], "b", [-1] * 8), idx(0x0D, [2, 2], "f", [0.1, 0.2, 0.3, 0.4]))


def csv_seeds(out):
    put(out, "csv", "ints.csv", b"a,b,y\n1,2,0\n3,4,1\n5,6,9\n")
    put(out, "csv", "floats.csv", b"y,x\n0.5,1e3\n-1.25,2\n")
    put(out, "csv", "quoted.csv", b"\xef\xbb\xbf\"a, b\",y\r\n\"1\",2\r\n\r\n3,\"4\"\r\n")
    put(out, "csv", "nan.csv", b"x, y \n nan ,1\ninf,2\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--manifest-seeds", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    onnx_seeds(a.out, a.source_dir, a.build_dir)
    mlir_seeds(a.out, a.source_dir)
    safetensors_seeds(a.out, a.build_dir)
    npy_seeds(a.out, a.build_dir)
    idx_seeds(a.out)
    csv_seeds(a.out)
    os.makedirs(os.path.join(a.out, "artifact_manifest"))
    subprocess.run([a.manifest_seeds, os.path.join(a.out, "artifact_manifest")], check=True)
    fixtures = os.path.join(a.build_dir, "tests", "unit", "runtime", "fixtures")
    copy_files(a.out, "artifact_elf", list(find(fixtures, r".*\.so"))[:20], fixtures)
    copy_files(a.out, "artifact_elf", ["/lib/x86_64-linux-gnu/libdl.so.2"], "/lib/x86_64-linux-gnu")
    for t in sorted(os.listdir(a.out)):
        print("%-18s %5d seeds" % (t, len(os.listdir(os.path.join(a.out, t)))))


if __name__ == "__main__":
    sys.exit(main())
