"""ctypes binding of libdlcrt's C API (runtime/core/include/dlc/runtime.h), enough for tests to
call an artifact's entry points step by step."""
import ctypes, os
import numpy as np

DTYPES = {np.dtype(np.float32): 1, np.dtype(np.float64): 2, np.dtype(np.int64): 8, np.dtype(np.int32): 7,
          np.dtype(np.bool_): 10, np.dtype(np.uint8): 9, np.dtype(np.int8): 5, np.dtype(np.float16): 3,
          np.dtype(np.int16): 6, np.dtype(np.uint16): 11, np.dtype(np.uint32): 12, np.dtype(np.uint64): 13}
NUMPY = {v: k for k, v in DTYPES.items()}

class Tensor(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32), ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("data", ctypes.c_void_p), ("nbytes", ctypes.c_uint64)]

class IndexCheck(ctypes.Structure):
    _fields_ = [("lo", ctypes.c_int64), ("hi", ctypes.c_int64), ("ignore", ctypes.c_int64),
                ("has_ignore", ctypes.c_int32), ("reserved", ctypes.c_int32), ("use", ctypes.c_char_p)]

class TensorDesc(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32), ("rank", ctypes.c_int32),
                ("shape", ctypes.c_int64 * 8), ("index_check", ctypes.POINTER(IndexCheck))]

class ParamDesc(ctypes.Structure):
    _fields_ = [("tensor", TensorDesc), ("offset", ctypes.c_uint64), ("nbytes", ctypes.c_uint64),
                ("trainable", ctypes.c_int32), ("flags", ctypes.c_int32)]

class EntryDesc(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("num_inputs", ctypes.c_int32), ("num_outputs", ctypes.c_int32),
                ("inputs", ctypes.POINTER(TensorDesc)), ("outputs", ctypes.POINTER(TensorDesc)),
                ("arena_bytes", ctypes.c_uint64), ("fn", ctypes.c_void_p)]

ABI_VERSION = 2  # the layout of the structures above: runtime/core/include/dlc/abi.h


class Model:
    def __init__(self, lib_path, artifact):
        self.lib = ctypes.CDLL(lib_path, mode=ctypes.RTLD_GLOBAL)
        if self.lib.dlc_runtime_abi_version() != ABI_VERSION:
            raise RuntimeError(f"dlcrt.py mirrors ABI version {ABI_VERSION}, libdlcrt implements "
                               f"{self.lib.dlc_runtime_abi_version()}: update its structures")
        self.lib.dlc_model_load.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_size_t]
        self.lib.dlc_model_run.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(Tensor), ctypes.c_int32,
                                           ctypes.POINTER(Tensor), ctypes.c_int32, ctypes.c_char_p, ctypes.c_size_t]
        self.lib.dlc_model_find_entry.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        self.lib.dlc_model_find_entry.restype = ctypes.POINTER(EntryDesc)
        self.lib.dlc_model_num_params.argtypes = [ctypes.c_void_p]
        self.lib.dlc_model_param.argtypes = [ctypes.c_void_p, ctypes.c_int32]
        self.lib.dlc_model_param.restype = ctypes.POINTER(ParamDesc)
        self.lib.dlc_model_param_data.argtypes = [ctypes.c_void_p, ctypes.c_int32]
        self.lib.dlc_model_param_data.restype = ctypes.c_void_p
        self.model = ctypes.c_void_p()
        err = ctypes.create_string_buffer(1024)
        if self.lib.dlc_model_load(artifact.encode(), ctypes.byref(self.model), err, 1024) != 0:
            raise RuntimeError(err.value.decode())

    def param(self, name):
        """A NumPy view of the runtime-owned parameter buffer."""
        for i in range(self.lib.dlc_model_num_params(self.model)):
            d = self.lib.dlc_model_param(self.model, i).contents
            if d.tensor.name.decode() == name:
                shape = tuple(d.tensor.shape[k] for k in range(d.tensor.rank))
                dt = NUMPY[d.tensor.dtype]
                buf = (ctypes.c_char * d.nbytes).from_address(self.lib.dlc_model_param_data(self.model, i))
                return np.frombuffer(buf, dtype=dt).reshape(shape)
        raise KeyError(name)

    def run(self, entry, inputs):
        e = self.lib.dlc_model_find_entry(self.model, entry.encode()).contents
        keep = []
        def tensor(a, name=None):
            a = np.require(a, requirements="C")  # keeps rank 0, unlike ascontiguousarray
            shape = (ctypes.c_int64 * max(a.ndim, 1))(*a.shape)
            keep.append((a, shape))
            return Tensor(name.encode() if name else None, DTYPES[a.dtype], a.ndim, shape if a.ndim else None,
                          a.ctypes.data, a.nbytes)
        ins = (Tensor * len(inputs))(*[tensor(a, n) for n, a in inputs.items()])
        outs_np = []
        for k in range(e.num_outputs):
            d = e.outputs[k]
            outs_np.append(np.zeros(tuple(d.shape[j] for j in range(d.rank)), NUMPY[d.dtype]))
        # rank-0 arrays report ndim 0; the C side reads `rank` entries of the shape
        outs = (Tensor * max(len(outs_np), 1))(*[tensor(a) for a in outs_np])
        err = ctypes.create_string_buffer(1024)
        if self.lib.dlc_model_run(self.model, entry.encode(), ins, len(inputs), outs, len(outs_np), err, 1024) != 0:
            raise RuntimeError(err.value.decode())
        return outs_np
