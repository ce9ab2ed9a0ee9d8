#include "tests/e2e/backend/OutputCompare.h"

#include "dlc/runtime.h"
#include "llvm/ADT/APFloat.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace dlc::backend_test {

namespace {

float halfToFloat(uint16_t h) {
  uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  if (exp == 0x1f)
    exp = 0xff; // inf / NaN
  else if (exp != 0)
    exp += 127 - 15;
  else if (mant != 0) { // subnormal: normalize
    exp = 127 - 15 + 1;
    while (!(mant & 0x400)) {
      mant <<= 1;
      --exp;
    }
    mant &= 0x3ff;
  }
  uint32_t bits = sign | (exp << 23) | (mant << 13);
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

/// The APFloat semantics of the 8- and 4-bit float dtypes, null for the others.
const llvm::fltSemantics *float8Semantics(int32_t dtype) {
  switch (dtype) {
  case DLC_DTYPE_F8E4M3FN:
    return &llvm::APFloat::Float8E4M3FN();
  case DLC_DTYPE_F4E2M1:
    return &llvm::APFloat::Float4E2M1FN();
  case DLC_DTYPE_F8E4M3FNUZ:
    return &llvm::APFloat::Float8E4M3FNUZ();
  case DLC_DTYPE_F8E5M2:
    return &llvm::APFloat::Float8E5M2();
  case DLC_DTYPE_F8E5M2FNUZ:
    return &llvm::APFloat::Float8E5M2FNUZ();
  default:
    return nullptr;
  }
}

/// Element i of a packed 4- or 2-bit tensor: its code, from the least significant bits.
uint32_t packedCode(const HostTensor &t, int64_t i) {
  size_t bits = dlc_dtype_bits(t.dtype);
  return (t.bytes[i * bits / 8] >> (i * bits % 8)) & ((1u << bits) - 1);
}

bool isFloating(int32_t dtype) {
  return dtype == DLC_DTYPE_F32 || dtype == DLC_DTYPE_F64 || dtype == DLC_DTYPE_F16 || dtype == DLC_DTYPE_BF16 ||
         float8Semantics(dtype);
}

double floatAt(const HostTensor &t, int64_t i) {
  const uint8_t *p = t.bytes.data();
  switch (t.dtype) {
  case DLC_DTYPE_F32: {
    float v;
    std::memcpy(&v, p + i * 4, 4);
    return v;
  }
  case DLC_DTYPE_F64: {
    double v;
    std::memcpy(&v, p + i * 8, 8);
    return v;
  }
  case DLC_DTYPE_F16: {
    uint16_t v;
    std::memcpy(&v, p + i * 2, 2);
    return halfToFloat(v);
  }
  case DLC_DTYPE_BF16: {
    uint16_t v;
    std::memcpy(&v, p + i * 2, 2);
    uint32_t bits = (uint32_t)v << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  default: { // the 8- and 4-bit floats: NaN codes differ between formats, the value is compared
    bool packed = t.dtype == DLC_DTYPE_F4E2M1;
    llvm::APFloat v(*float8Semantics(t.dtype), llvm::APInt(packed ? 4 : 8, packed ? packedCode(t, i) : p[i]));
    bool lost;
    v.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven, &lost);
    return v.convertToDouble();
  }
  }
}

int64_t intAt(const HostTensor &t, int64_t i) {
  const uint8_t *p = t.bytes.data();
  switch (t.dtype) {
  case DLC_DTYPE_I4:
  case DLC_DTYPE_I2: {
    uint32_t bits = dlc_dtype_bits(t.dtype), code = packedCode(t, i);
    return (int64_t)code - (code >> (bits - 1) ? (1 << bits) : 0);
  }
  case DLC_DTYPE_U4:
  case DLC_DTYPE_U2:
    return packedCode(t, i);
  case DLC_DTYPE_I8:
    return (int8_t)p[i];
  case DLC_DTYPE_U8:
    return p[i];
  case DLC_DTYPE_BOOL:
    return p[i] != 0;
  case DLC_DTYPE_I16: {
    int16_t v;
    std::memcpy(&v, p + i * 2, 2);
    return v;
  }
  case DLC_DTYPE_U16: {
    uint16_t v;
    std::memcpy(&v, p + i * 2, 2);
    return v;
  }
  case DLC_DTYPE_I32: {
    int32_t v;
    std::memcpy(&v, p + i * 4, 4);
    return v;
  }
  case DLC_DTYPE_U32: {
    uint32_t v;
    std::memcpy(&v, p + i * 4, 4);
    return v;
  }
  default: { // i64, u64 (compared as the same bits)
    int64_t v;
    std::memcpy(&v, p + i * 8, 8);
    return v;
  }
  }
}

bool close(double got, double want, const Tolerance &tol) {
  if (std::isnan(got) || std::isnan(want))
    return std::isnan(got) && std::isnan(want);
  if (std::isinf(got) || std::isinf(want))
    return got == want;
  return std::fabs(got - want) <= tol.atol + tol.rtol * std::fabs(want);
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

} // namespace

std::string compareOutput(const std::string &name, const HostTensor &got, const HostTensor &want,
                          const Tolerance &tol) {
  std::string what = "output '" + name + "'";
  if (got.dtype != want.dtype)
    return what + " has dtype " + dlc_dtype_name(got.dtype) + ", expected " + dlc_dtype_name(want.dtype);
  if (got.dims != want.dims)
    return what + " has shape " + shapeString(got.dims) + ", expected " + shapeString(want.dims);
  bool floating = isFloating(want.dtype);
  int64_t n = want.numElements(), bad = 0, first = -1;
  for (int64_t i = 0; i < n; ++i) {
    bool ok = floating ? close(floatAt(got, i), floatAt(want, i), tol) : intAt(got, i) == intAt(want, i);
    if (!ok && bad++ == 0)
      first = i;
  }
  if (!bad)
    return "";
  std::string g = floating ? number(floatAt(got, first)) : std::to_string(intAt(got, first));
  std::string w = floating ? number(floatAt(want, first)) : std::to_string(intAt(want, first));
  return what + " mismatch at index " + std::to_string(first) + ": got " + g + " expected " + w + " (" +
         std::to_string(bad) + " of " + std::to_string(n) + " elements differ)";
}

} // namespace dlc::backend_test
