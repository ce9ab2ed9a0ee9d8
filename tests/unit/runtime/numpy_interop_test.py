"""NumPy reads what the runtime writes, and the runtime reads what NumPy writes: each
array goes NumPy -> npy_copy (the runtime's reader, then its writer) -> NumPy and must come
back with the same dtype, shape and bytes.

usage: numpy_interop_test.py NPY_COPY SCRATCH_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

npy_copy = sys.argv[1]
scratch = tempfile.mkdtemp(dir=sys.argv[2] if len(sys.argv) > 2 else None)
rng = np.random.default_rng(0)

arrays = {
    "f4": rng.standard_normal((3, 5)).astype("<f4"),
    "f8": rng.standard_normal((2, 2, 2)),
    "f2": rng.standard_normal(7).astype("<f2"),
    "i1": rng.integers(-128, 128, 9, dtype="i1"),
    "i2": rng.integers(-(2**15), 2**15, (3, 1), dtype="<i2"),
    "i4": rng.integers(-(2**31), 2**31, 4, dtype="<i4"),
    "i8": rng.integers(-(2**63), 2**63 - 1, (2, 3), dtype="<i8"),
    "u1": rng.integers(0, 256, (4, 4), dtype="u1"),
    "b1": rng.integers(0, 2, 5).astype(bool),
    "scalar": np.float32(-2.5),
    "empty": np.zeros((0, 4), dtype="<i4"),
    "rank8": np.arange(256, dtype="<f4").reshape((2,) * 8),
    "fortran_1d": np.asfortranarray(np.arange(4, dtype="<f4")),
}

failures = []


def check(label, want, got):
    want = np.asarray(want)
    if got.dtype != want.dtype or got.shape != want.shape or got.tobytes() != want.tobytes():
        failures.append("%s: expected %s %s, got %s %s" % (label, want.dtype, want.shape, got.dtype, got.shape))


def copy(src, dst):
    r = subprocess.run([npy_copy, src, dst], capture_output=True, text=True)
    if r.returncode != 0:
        failures.append("npy_copy %s failed: %s" % (os.path.basename(src), r.stderr.strip()))
        return False
    return True


try:
    for name, arr in arrays.items():
        src = os.path.join(scratch, name + ".npy")
        dst = os.path.join(scratch, name + ".out.npy")
        np.save(src, arr)
        if copy(src, dst):
            check(name + ".npy", arr, np.load(dst))

    for save in (np.savez, np.savez_compressed):
        src = os.path.join(scratch, save.__name__ + ".npz")
        dst = os.path.join(scratch, save.__name__ + ".out.npz")
        save(src, **arrays)
        if copy(src, dst):
            with np.load(dst) as z:
                if list(z.keys()) != list(arrays.keys()):
                    failures.append("%s: names %s" % (save.__name__, list(z.keys())))
                for name, arr in arrays.items():
                    if name in z:
                        check(save.__name__ + ":" + name, arr, z[name])
finally:
    shutil.rmtree(scratch, ignore_errors=True)

for f in failures:
    print("FAIL:", f)
print("%d arrays checked, %d failures" % (len(arrays) * 3, len(failures)))
sys.exit(1 if failures else 0)
