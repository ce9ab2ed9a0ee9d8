"""Writes the .npy/.npz files that the runtime's reader is tested against, with NumPy
itself, so the reader is checked against files it did not write.

usage: make_numpy_data.py OUT_DIR
The values follow simple formulas that npy_test.cpp and npz_test.cpp restate.
"""
import os
import sys
import zipfile

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(name, arr):
    np.save(os.path.join(out, name), arr, allow_pickle=False)


f4 = (np.arange(6, dtype="<f4") * 0.5 - 1).reshape(2, 3)
save("f4.npy", f4)
save("f8.npy", np.arange(5, dtype="<f8") / 3)
save("f2.npy", np.arange(4, dtype="<f2"))
save("i1.npy", np.array([-128, -1, 0, 127], dtype="i1"))
save("i2.npy", np.array([-32768, 1, 32767], dtype="<i2"))
save("i4.npy", np.array([-(2**31), 0, 2**31 - 1], dtype="<i4"))
save("i8.npy", np.array([-(2**63), 1, 2**63 - 1], dtype="<i8"))
save("u1.npy", np.array([0, 1, 255], dtype="u1"))
save("b1.npy", np.array([True, False, True]))
save("rank3.npy", np.arange(24, dtype="<i4").reshape(2, 3, 4))
save("scalar.npy", np.float32(3.5))
save("empty.npy", np.zeros((0, 3), dtype="<f4"))
save("fortran.npy", np.asfortranarray(f4))
save("big_endian.npy", np.arange(3, dtype=">f4"))
save("u2.npy", np.arange(3, dtype="<u2"))
save("c8.npy", np.arange(3, dtype="<c8"))
for version in [(2, 0), (3, 0)]:
    with open(os.path.join(out, "v%d.npy" % version[0]), "wb") as f:
        np.lib.format.write_array(f, f4, version=version)

np.savez(os.path.join(out, "savez.npz"), a=f4, b=np.array([1, 2, 3], dtype="<i8"))
np.savez_compressed(
    os.path.join(out, "compressed.npz"),
    a=f4,
    big=np.arange(10000, dtype="<f4"),
    flags=np.array([True, False]),
)
with zipfile.ZipFile(os.path.join(out, "not_npy_member.npz"), "w") as z:
    z.writestr("a.npy", open(os.path.join(out, "f4.npy"), "rb").read())
    z.writestr("readme.txt", "not an array")

# A safetensors file written by the reference implementation, when it is installed
# (safetensors_test.cpp falls back to a file it builds by hand).
try:
    from safetensors.numpy import save_file
except ImportError:
    save_file = None
if save_file is not None:
    save_file({"a": np.arange(6, dtype="<f4").reshape(2, 3) / np.float32(4),
               "b": np.array([-1, 0, 2**40], dtype="<i8"),
               "c": np.array([True, False]),
               "h": np.arange(3, dtype="<f2")},
              os.path.join(out, "python.safetensors"), metadata={"who": "python"})
else:
    try:
        os.remove(os.path.join(out, "python.safetensors"))
    except FileNotFoundError:
        pass
