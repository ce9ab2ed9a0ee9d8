// TensorProto <-> known values <-> MLIR attributes, and the ONNX dtype table.
#include "frontends/onnx/ImporterContext.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

using namespace mlir;

namespace dlc::onnx_frontend::detail {

using onnx::TensorProto;

std::string shapeStr(llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

int64_t numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

bool tooLarge(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d != 0 && n > (int64_t(1) << 40) / d))
      return true;
    n *= d;
  }
  return false;
}

/// The APFloat semantics of the 16- and 8-bit float dtypes; null for the others.
static const llvm::fltSemantics *narrowFloatSemantics(int32_t dtype) {
  switch (dtype) {
  case TensorProto::FLOAT16:
    return &llvm::APFloat::IEEEhalf();
  case TensorProto::BFLOAT16:
    return &llvm::APFloat::BFloat();
  case TensorProto::FLOAT8E4M3FN:
    return &llvm::APFloat::Float8E4M3FN();
  case TensorProto::FLOAT8E4M3FNUZ:
    return &llvm::APFloat::Float8E4M3FNUZ();
  case TensorProto::FLOAT8E5M2:
    return &llvm::APFloat::Float8E5M2();
  case TensorProto::FLOAT8E5M2FNUZ:
    return &llvm::APFloat::Float8E5M2FNUZ();
  case TensorProto::FLOAT4E2M1:
    return &llvm::APFloat::Float4E2M1FN();
  default:
    return nullptr;
  }
}

bool isFloatDType(int32_t dtype) {
  return dtype == TensorProto::FLOAT || dtype == TensorProto::DOUBLE || narrowFloatSemantics(dtype);
}

std::string dtypeName(int32_t dtype) {
  if (onnx::TensorProto_DataType_IsValid(dtype))
    return llvm::StringRef(onnx::TensorProto_DataType_Name(dtype)).lower();
  return "dtype " + std::to_string(dtype);
}

int64_t dtypeBytes(int32_t dtype) {
  switch (dtype) {
  case TensorProto::FLOAT:
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return 4;
  case TensorProto::DOUBLE:
  case TensorProto::INT64:
  case TensorProto::UINT64:
    return 8;
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
  case TensorProto::INT16:
  case TensorProto::UINT16:
    return 2;
  case TensorProto::INT8:
  case TensorProto::UINT8:
  case TensorProto::BOOL:
  case TensorProto::FLOAT8E4M3FN:
  case TensorProto::FLOAT8E4M3FNUZ:
  case TensorProto::FLOAT8E5M2:
  case TensorProto::FLOAT8E5M2FNUZ:
  case TensorProto::INT4:
  case TensorProto::UINT4:
  case TensorProto::INT2:
  case TensorProto::UINT2:
  case TensorProto::FLOAT4E2M1:
    return 1;
  default:
    return 0;
  }
}

int64_t packedBits(int32_t dtype) {
  switch (dtype) {
  case TensorProto::INT4:
  case TensorProto::UINT4:
  case TensorProto::FLOAT4E2M1:
    return 4;
  case TensorProto::INT2:
  case TensorProto::UINT2:
    return 2;
  default:
    return 0;
  }
}

/// An element of a 16-, 8- or 4-bit float dtype, from its bits.
static double narrowBitsToDouble(int32_t dtype, uint16_t bits) {
  const llvm::fltSemantics &sem = *narrowFloatSemantics(dtype);
  llvm::APFloat v(sem, llvm::APInt(llvm::APFloat::semanticsSizeInBits(sem), bits));
  bool lost;
  v.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven, &lost);
  return v.convertToDouble();
}

/// The bits of `d` in a 16- or 8-bit float dtype, rounded to nearest even; out of range
/// gives the format's infinity, else its NaN (as a cast without saturation does).
static uint16_t doubleToNarrowBits(int32_t dtype, double d) {
  const llvm::fltSemantics &sem = *narrowFloatSemantics(dtype);
  if (!llvm::APFloat::semanticsHasNaN(sem)) {
    // A format without NaN or inf (float4e2m1): NaN becomes a zero of its sign and
    // out-of-range values saturate, as ONNX's reference casts them.
    if (std::isnan(d))
      d = std::signbit(d) ? -0.0 : 0.0;
    d = std::clamp(d, -largestFinite(dtype), largestFinite(dtype));
  }
  llvm::APFloat v(d);
  bool lost;
  v.convert(*narrowFloatSemantics(dtype), llvm::APFloat::rmNearestTiesToEven, &lost);
  return (uint16_t)v.bitcastToAPInt().getZExtValue();
}

double largestFinite(int32_t dtype) {
  if (dtype == TensorProto::FLOAT)
    return std::numeric_limits<float>::max();
  if (const llvm::fltSemantics *sem = narrowFloatSemantics(dtype))
    return llvm::APFloat::getLargest(*sem).convertToDouble();
  return std::numeric_limits<double>::max();
}

double roundToDType(int32_t dtype, double v) {
  switch (dtype) {
  case TensorProto::FLOAT:
    return (double)(float)v;
  default:
    if (narrowFloatSemantics(dtype))
      return narrowBitsToDouble(dtype, doubleToNarrowBits(dtype, v));
    return v;
  }
}

int64_t wrapToDType(int32_t dtype, int64_t v) {
  switch (dtype) {
  case TensorProto::INT8:
    return (int8_t)v;
  case TensorProto::UINT8:
    return (uint8_t)v;
  case TensorProto::UINT16:
    return (uint16_t)v;
  case TensorProto::UINT32:
    return (uint32_t)v;
  case TensorProto::INT16:
    return (int16_t)v;
  case TensorProto::INT32:
    return (int32_t)v;
  case TensorProto::BOOL:
    return v != 0;
  case TensorProto::INT4:
    return (int64_t)((uint64_t)v << 60) >> 60;
  case TensorProto::UINT4:
    return v & 15;
  case TensorProto::INT2:
    return (int64_t)((uint64_t)v << 62) >> 62;
  case TensorProto::UINT2:
    return v & 3;
  default:
    return v;
  }
}

bool ConstTensor::isFloat() const { return isFloatDType(dtype); }

std::vector<int64_t> ConstTensor::toInts() const {
  if (!isFloat())
    return i;
  std::vector<int64_t> out;
  out.reserve(f.size());
  for (double d : f)
    out.push_back(std::isfinite(d) ? (int64_t)d : 0);
  return out;
}

ConstTensor ConstTensor::ofInts(int32_t dtype, std::vector<int64_t> shape, std::vector<int64_t> values) {
  ConstTensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  if (isFloatDType(dtype)) {
    for (int64_t v : values)
      t.f.push_back(roundToDType(dtype, (double)v));
  } else {
    for (int64_t &v : values)
      v = wrapToDType(dtype, v);
    t.i = std::move(values);
  }
  return t;
}

ConstTensor ConstTensor::ofFloats(int32_t dtype, std::vector<int64_t> shape, std::vector<double> values) {
  ConstTensor t = zeros(dtype, std::move(shape));
  for (size_t k = 0; k < values.size() && (int64_t)k < t.size(); ++k)
    t.set(k, values[k]);
  return t;
}

ConstTensor ConstTensor::zeros(int32_t dtype, std::vector<int64_t> shape) {
  ConstTensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  if (t.isFloat())
    t.f.assign(t.size(), 0.0);
  else
    t.i.assign(t.size(), 0);
  return t;
}

static int64_t doubleToInt(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 9.2233720368547758e18)
    return std::numeric_limits<int64_t>::max();
  if (v <= -9.2233720368547758e18)
    return std::numeric_limits<int64_t>::min();
  return (int64_t)v;
}

void ConstTensor::set(int64_t k, double v) {
  if (isFloat())
    f[k] = roundToDType(dtype, v);
  else if (dtype == TensorProto::BOOL)
    i[k] = v != 0.0;
  else
    i[k] = wrapToDType(dtype, doubleToInt(v));
}

void ConstTensor::setInt(int64_t k, int64_t v) {
  if (isFloat())
    f[k] = roundToDType(dtype, (double)v);
  else
    i[k] = wrapToDType(dtype, v);
}

Expected<Type> elementType(MLIRContext &ctx, int32_t dtype, const llvm::Twine &what) {
  switch (dtype) {
  case TensorProto::FLOAT:
    return Float32Type::get(&ctx);
  case TensorProto::DOUBLE:
    return Float64Type::get(&ctx);
  case TensorProto::FLOAT16:
    return Float16Type::get(&ctx);
  case TensorProto::BFLOAT16:
    return BFloat16Type::get(&ctx);
  case TensorProto::INT8:
    return IntegerType::get(&ctx, 8);
  case TensorProto::INT16:
    return IntegerType::get(&ctx, 16);
  case TensorProto::INT32:
    return IntegerType::get(&ctx, 32);
  case TensorProto::INT64:
    return IntegerType::get(&ctx, 64);
  case TensorProto::UINT8:
    return IntegerType::get(&ctx, 8, IntegerType::Unsigned);
  case TensorProto::UINT16:
    return IntegerType::get(&ctx, 16, IntegerType::Unsigned);
  case TensorProto::UINT32:
    return IntegerType::get(&ctx, 32, IntegerType::Unsigned);
  case TensorProto::UINT64:
    return IntegerType::get(&ctx, 64, IntegerType::Unsigned);
  case TensorProto::BOOL:
    return IntegerType::get(&ctx, 1);
  case TensorProto::FLOAT8E4M3FN:
    return Float8E4M3FNType::get(&ctx);
  case TensorProto::FLOAT8E4M3FNUZ:
    return Float8E4M3FNUZType::get(&ctx);
  case TensorProto::FLOAT8E5M2:
    return Float8E5M2Type::get(&ctx);
  case TensorProto::FLOAT8E5M2FNUZ:
    return Float8E5M2FNUZType::get(&ctx);
  case TensorProto::INT4:
    return IntegerType::get(&ctx, 4);
  case TensorProto::UINT4:
    return IntegerType::get(&ctx, 4, IntegerType::Unsigned);
  case TensorProto::INT2:
    return IntegerType::get(&ctx, 2);
  case TensorProto::UINT2:
    return IntegerType::get(&ctx, 2, IntegerType::Unsigned);
  case TensorProto::FLOAT4E2M1:
    return Float4E2M1FNType::get(&ctx);
  default:
    return makeError("unsupported element type '" + dtypeName(dtype) + "' of " + what +
                     " (supported: float, double, float16, bfloat16, float8e4m3fn, float8e4m3fnuz, float8e5m2, "
                     "float8e5m2fnuz, float4e2m1, int2, int4, int8, int16, int32, int64, uint2, uint4, uint8, "
                     "uint16, uint32, uint64, bool)");
  }
}

bool hasExternalData(const TensorProto &tensor) {
  return tensor.has_data_location() && tensor.data_location() == TensorProto::EXTERNAL;
}

/// The file an external-data `location` names, which must lie inside the model's directory
/// (as the ONNX spec requires and onnx.checker checks): a downloaded model must not make
/// dlc read ~/.ssh or /etc into an artifact, by "..", an absolute path or a symlink.
static Expected<std::string> externalDataPath(const std::string &tensor, const std::string &location,
                                              const std::string &baseDir) {
  auto refuse = [&](const std::string &why) {
    return makeError("tensor '" + tensor + "': external data location '" + location + "' " + why +
                     "; external data must lie in the model's directory");
  };
  if (llvm::sys::path::is_absolute(location))
    return refuse("is an absolute path");
  for (auto it = llvm::sys::path::begin(location), end = llvm::sys::path::end(location); it != end; ++it)
    if (*it == "..")
      return refuse("leaves the directory through '..'");
  std::string dir = baseDir.empty() ? "." : baseDir;
  std::string path = dir + "/" + location;
  llvm::SmallString<256> realDir, realPath;
  if (llvm::sys::fs::real_path(dir, realDir) || llvm::sys::fs::real_path(path, realPath))
    return makeError("tensor '" + tensor + "': cannot open its external data file '" + path + "'");
  if (!llvm::StringRef(realPath).starts_with((realDir + "/").str()))
    return refuse("resolves to '" + realPath.str().str() + "', outside the directory");
  return path;
}

static Expected<std::vector<char>> readExternal(const TensorProto &t, const std::string &baseDir,
                                                size_t expected) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &kv : t.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset")
      offset = std::atoll(kv.value().c_str());
    else if (kv.key() == "length")
      length = std::atoll(kv.value().c_str());
  }
  if (location.empty())
    return makeError("tensor '" + t.name() + "' has external data without a location");
  auto path = externalDataPath(t.name(), location, baseDir);
  if (!path)
    return path.takeError();
  if (offset < 0)
    return makeError("tensor '" + t.name() + "': external data offset " + std::to_string(offset) + " is negative");
  std::ifstream in(*path, std::ios::binary);
  if (!in)
    return makeError("tensor '" + t.name() + "': cannot open its external data file '" + *path + "'");
  if (length < 0)
    length = (int64_t)expected;
  if ((size_t)length != expected)
    return makeError("tensor '" + t.name() + "': external data length " + std::to_string(length) +
                     " does not match its " + std::to_string(expected) + " bytes");
  std::vector<char> bytes(expected);
  in.seekg(offset);
  in.read(bytes.data(), (std::streamsize)expected);
  if (!in)
    return makeError("tensor '" + t.name() + "': external data file '" + *path + "' is too short");
  return bytes;
}

Expected<std::vector<char>> tensorBytes(const TensorProto &t, const std::string &baseDir) {
  int32_t dtype = t.data_type();
  int64_t width = dtypeBytes(dtype);
  if (width == 0)
    return makeError("tensor '" + t.name() + "' has unsupported element type '" + dtypeName(dtype) + "'");
  std::vector<int64_t> shape(t.dims().begin(), t.dims().end());
  for (int64_t d : shape)
    if (d < 0)
      return makeError("tensor '" + t.name() + "' has a negative dim");
  // A corrupt file can declare any dims: refuse absurd sizes before allocating anything.
  if (tooLarge(shape))
    return makeError("tensor '" + t.name() + "' declares shape " + shapeStr(shape) + ", too large to be real data");
  int64_t n = numElements(shape);
  if (int64_t bits = packedBits(dtype)) {
    // Packed from the least significant bits, in raw_data or one byte per int32_data entry:
    // unpacked to one byte per element (signed types sign-extended).
    size_t packed = (size_t)((n * bits + 7) / 8);
    std::vector<char> bytes;
    if (hasExternalData(t)) {
      auto ext = readExternal(t, baseDir, packed);
      if (!ext)
        return ext.takeError();
      bytes = std::move(*ext);
    } else if (t.has_raw_data()) {
      bytes.assign(t.raw_data().begin(), t.raw_data().end());
    } else {
      for (int32_t v : t.int32_data())
        bytes.push_back((char)v);
    }
    if (bytes.size() != packed)
      return makeError("tensor '" + t.name() + "' holds " + std::to_string(bytes.size()) + " bytes of packed data, "
                       "expected " + std::to_string(packed) + " for shape " + shapeStr(shape) + " of " +
                       dtypeName(dtype));
    std::vector<char> out(n);
    for (int64_t k = 0; k < n; ++k) {
      int64_t code = ((uint8_t)bytes[k * bits / 8] >> (k * bits % 8)) & ((1 << bits) - 1);
      out[k] = (char)(dtype == TensorProto::FLOAT4E2M1 ? code : wrapToDType(dtype, code));
    }
    return out;
  }
  size_t expected = (size_t)(n * width);
  if (hasExternalData(t))
    return readExternal(t, baseDir, expected);
  if (t.has_raw_data()) {
    const std::string &raw = t.raw_data();
    if (raw.size() != expected)
      return makeError("tensor '" + t.name() + "' holds " + std::to_string(raw.size()) + " bytes of raw data, "
                       "expected " + std::to_string(expected) + " for shape " + shapeStr(shape) + " of " +
                       dtypeName(dtype));
    return std::vector<char>(raw.begin(), raw.end());
  }
  auto countError = [&](int64_t got) {
    return makeError("tensor '" + t.name() + "' holds " + std::to_string(got) + " values, expected " +
                     std::to_string(n) + " for shape " + shapeStr(shape));
  };
  bool inUint64Data = dtype == TensorProto::UINT32 || dtype == TensorProto::UINT64;
  int64_t present = dtype == TensorProto::FLOAT    ? t.float_data_size()
                    : dtype == TensorProto::DOUBLE ? t.double_data_size()
                    : dtype == TensorProto::INT64  ? t.int64_data_size()
                    : inUint64Data                 ? t.uint64_data_size()
                                                   : t.int32_data_size();
  if (present != n)
    return countError(present); // before allocating: the dims may be corrupt
  std::vector<char> bytes(expected);
  switch (dtype) {
  case TensorProto::FLOAT:
    if (t.float_data_size() != n)
      return countError(t.float_data_size());
    if (n)
      std::memcpy(bytes.data(), t.float_data().data(), expected);
    break;
  case TensorProto::DOUBLE:
    if (t.double_data_size() != n)
      return countError(t.double_data_size());
    if (n)
      std::memcpy(bytes.data(), t.double_data().data(), expected);
    break;
  case TensorProto::INT64:
    if (t.int64_data_size() != n)
      return countError(t.int64_data_size());
    if (n)
      std::memcpy(bytes.data(), t.int64_data().data(), expected);
    break;
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    for (int64_t k = 0; k < n; ++k) {
      uint64_t v = t.uint64_data(k);
      std::memcpy(bytes.data() + k * width, &v, width); // little-endian: low bytes first
    }
    break;
  default: // types stored in int32_data
    if (t.int32_data_size() != n)
      return countError(t.int32_data_size());
    for (int64_t k = 0; k < n; ++k) {
      int32_t v = t.int32_data(k);
      if (dtype == TensorProto::BOOL)
        v = v != 0;
      std::memcpy(bytes.data() + k * width, &v, width); // little-endian: low bytes first
    }
    break;
  }
  return bytes;
}

template <typename T> static T load(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

/// One element of a floating `dtype` (float, double, the 16- and 8-bit floats) at `p`.
static double loadFloat(int32_t dtype, const char *p) {
  return dtype == TensorProto::FLOAT    ? load<float>(p)
         : dtype == TensorProto::DOUBLE ? load<double>(p)
         : dtypeBytes(dtype) == 1       ? narrowBitsToDouble(dtype, load<uint8_t>(p))
                                        : narrowBitsToDouble(dtype, load<uint16_t>(p));
}

bool allFinite(int32_t dtype, llvm::ArrayRef<char> bytes) {
  int64_t w = dtypeBytes(dtype);
  for (size_t k = 0; w && k + w <= bytes.size(); k += w)
    if (!std::isfinite(loadFloat(dtype, bytes.data() + k)))
      return false;
  return true;
}

Expected<ConstTensor> decodeTensor(const TensorProto &t, const std::string &baseDir) {
  auto bytes = tensorBytes(t, baseDir);
  if (!bytes)
    return bytes.takeError();
  ConstTensor c = ConstTensor::zeros(t.data_type(), std::vector<int64_t>(t.dims().begin(), t.dims().end()));
  int64_t n = c.size(), w = dtypeBytes(c.dtype);
  const char *p = bytes->data();
  for (int64_t k = 0; k < n; ++k, p += w) {
    switch (c.dtype) {
    case TensorProto::FLOAT:
    case TensorProto::DOUBLE:
    case TensorProto::FLOAT16:
    case TensorProto::BFLOAT16:
    case TensorProto::FLOAT8E4M3FN:
    case TensorProto::FLOAT8E4M3FNUZ:
    case TensorProto::FLOAT8E5M2:
    case TensorProto::FLOAT8E5M2FNUZ:
    case TensorProto::FLOAT4E2M1:
      c.f[k] = loadFloat(c.dtype, p);
      break;
    case TensorProto::INT8:
    case TensorProto::INT4:
    case TensorProto::INT2:
      c.i[k] = load<int8_t>(p);
      break;
    case TensorProto::UINT8:
    case TensorProto::UINT4:
    case TensorProto::UINT2:
      c.i[k] = load<uint8_t>(p);
      break;
    case TensorProto::UINT16:
      c.i[k] = load<uint16_t>(p);
      break;
    case TensorProto::UINT32:
      c.i[k] = load<uint32_t>(p);
      break;
    case TensorProto::UINT64:
      c.i[k] = (int64_t)load<uint64_t>(p); // wraps above 2^63: the bits are kept
      break;
    case TensorProto::BOOL:
      c.i[k] = load<uint8_t>(p) != 0;
      break;
    case TensorProto::INT16:
      c.i[k] = load<int16_t>(p);
      break;
    case TensorProto::INT32:
      c.i[k] = load<int32_t>(p);
      break;
    case TensorProto::INT64:
      c.i[k] = load<int64_t>(p);
      break;
    }
  }
  return c;
}

static std::vector<char> constBytes(const ConstTensor &c) {
  int64_t n = c.size(), w = dtypeBytes(c.dtype);
  std::vector<char> bytes(n * w);
  char *p = bytes.data();
  for (int64_t k = 0; k < n; ++k, p += w) {
    switch (c.dtype) {
    case TensorProto::FLOAT: {
      float v = (float)c.f[k];
      std::memcpy(p, &v, 4);
      break;
    }
    case TensorProto::DOUBLE:
      std::memcpy(p, &c.f[k], 8);
      break;
    case TensorProto::FLOAT16:
    case TensorProto::BFLOAT16:
    case TensorProto::FLOAT8E4M3FN:
    case TensorProto::FLOAT8E4M3FNUZ:
    case TensorProto::FLOAT8E5M2:
    case TensorProto::FLOAT8E5M2FNUZ:
    case TensorProto::FLOAT4E2M1: {
      uint16_t v = doubleToNarrowBits(c.dtype, c.f[k]); // little-endian: one or two bytes
      std::memcpy(p, &v, w);
      break;
    }
    default: {
      int64_t v = c.i[k]; // little-endian: the low bytes come first
      std::memcpy(p, &v, w);
      break;
    }
    }
  }
  return bytes;
}

TensorProto encodeTensor(const ConstTensor &c, const std::string &name) {
  TensorProto t;
  t.set_name(name);
  t.set_data_type(c.dtype);
  for (int64_t d : c.shape)
    t.add_dims(d);
  std::vector<char> bytes = constBytes(c);
  t.set_raw_data(std::string(bytes.begin(), bytes.end()));
  return t;
}

DenseElementsAttr denseFromBytes(RankedTensorType type, llvm::ArrayRef<char> bytes) {
  int64_t n = type.getNumElements();
  size_t w = n ? bytes.size() / n : 0;
  bool splat = n > 0;
  for (int64_t k = 1; k < n && splat; ++k)
    splat = std::memcmp(bytes.data(), bytes.data() + k * w, w) == 0;
  if (type.getElementType().isInteger(1)) {
    if (splat)
      return DenseElementsAttr::get(type, llvm::ArrayRef<bool>{bytes[0] != 0});
    llvm::SmallVector<bool> values;
    values.reserve(n);
    for (int64_t k = 0; k < n; ++k)
      values.push_back(bytes[k] != 0);
    return DenseElementsAttr::get(type, values);
  }
  if (splat)
    return DenseElementsAttr::getFromRawBuffer(type, bytes.take_front(w));
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

DenseElementsAttr denseFromConst(RankedTensorType type, const ConstTensor &value) {
  std::vector<char> bytes = constBytes(value);
  return denseFromBytes(type, bytes);
}

} // namespace dlc::onnx_frontend::detail

namespace dlc::onnx_frontend {
llvm::Expected<std::vector<char>> tensorProtoBytes(const onnx::TensorProto &tensor, const std::string &baseDir) {
  return detail::tensorBytes(tensor, baseDir);
}
} // namespace dlc::onnx_frontend
