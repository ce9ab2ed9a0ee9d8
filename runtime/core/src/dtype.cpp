// Names and sizes of the ABI's enums, shared by messages everywhere in the runtime.
#include "dlc/runtime.h"

extern "C" {

const char *dlc_status_name(dlc_status status) {
  switch (status) {
  case DLC_OK:
    return "ok";
  case DLC_ERROR_INVALID_ARGUMENT:
    return "invalid argument";
  case DLC_ERROR_IO:
    return "i/o error";
  case DLC_ERROR_INVALID_ARTIFACT:
    return "invalid artifact";
  case DLC_ERROR_ABI_MISMATCH:
    return "ABI version mismatch";
  case DLC_ERROR_UNSUPPORTED:
    return "unsupported";
  case DLC_ERROR_NOT_FOUND:
    return "not found";
  case DLC_ERROR_MISMATCH:
    return "signature mismatch";
  case DLC_ERROR_OUT_OF_MEMORY:
    return "out of memory";
  case DLC_ERROR_INTERNAL:
    return "internal error";
  }
  return "unknown status";
}

const char *dlc_dtype_name(int32_t dtype) {
  switch (dtype) {
  case DLC_DTYPE_F32:
    return "f32";
  case DLC_DTYPE_F64:
    return "f64";
  case DLC_DTYPE_F16:
    return "f16";
  case DLC_DTYPE_BF16:
    return "bf16";
  case DLC_DTYPE_I8:
    return "i8";
  case DLC_DTYPE_I16:
    return "i16";
  case DLC_DTYPE_I32:
    return "i32";
  case DLC_DTYPE_I64:
    return "i64";
  case DLC_DTYPE_U8:
    return "u8";
  case DLC_DTYPE_BOOL:
    return "bool";
  case DLC_DTYPE_U16:
    return "u16";
  case DLC_DTYPE_U32:
    return "u32";
  case DLC_DTYPE_U64:
    return "u64";
  case DLC_DTYPE_F8E4M3FN:
    return "f8e4m3fn";
  case DLC_DTYPE_F8E4M3FNUZ:
    return "f8e4m3fnuz";
  case DLC_DTYPE_F8E5M2:
    return "f8e5m2";
  case DLC_DTYPE_F8E5M2FNUZ:
    return "f8e5m2fnuz";
  case DLC_DTYPE_I4:
    return "i4";
  case DLC_DTYPE_U4:
    return "u4";
  case DLC_DTYPE_I2:
    return "i2";
  case DLC_DTYPE_U2:
    return "u2";
  case DLC_DTYPE_F4E2M1:
    return "f4e2m1";
  default:
    return "invalid";
  }
}

size_t dlc_dtype_size(int32_t dtype) {
  switch (dtype) {
  case DLC_DTYPE_F64:
  case DLC_DTYPE_I64:
  case DLC_DTYPE_U64:
    return 8;
  case DLC_DTYPE_F32:
  case DLC_DTYPE_I32:
  case DLC_DTYPE_U32:
    return 4;
  case DLC_DTYPE_F16:
  case DLC_DTYPE_BF16:
  case DLC_DTYPE_I16:
  case DLC_DTYPE_U16:
    return 2;
  case DLC_DTYPE_I8:
  case DLC_DTYPE_U8:
  case DLC_DTYPE_BOOL:
  case DLC_DTYPE_F8E4M3FN:
  case DLC_DTYPE_F8E4M3FNUZ:
  case DLC_DTYPE_F8E5M2:
  case DLC_DTYPE_F8E5M2FNUZ:
    return 1;
  default:
    return 0;
  }
}

size_t dlc_dtype_bits(int32_t dtype) {
  switch (dtype) {
  case DLC_DTYPE_I4:
  case DLC_DTYPE_U4:
  case DLC_DTYPE_F4E2M1:
    return 4;
  case DLC_DTYPE_I2:
  case DLC_DTYPE_U2:
    return 2;
  default:
    return 8 * dlc_dtype_size(dtype);
  }
}

uint64_t dlc_dtype_nbytes(int32_t dtype, uint64_t elements) {
  uint64_t bits;
  if (__builtin_mul_overflow(elements, static_cast<uint64_t>(dlc_dtype_bits(dtype)), &bits) || bits > UINT64_MAX - 7)
    return UINT64_MAX;
  return (bits + 7) / 8;
}

uint32_t dlc_runtime_abi_version(void) { return DLC_ABI_VERSION; }

} // extern "C"
