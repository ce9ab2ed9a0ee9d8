#include "tests/e2e/backend/TensorData.h"

#include "dlc/runtime.h"
#include "frontends/onnx/OnnxImporter.h"
#include "onnx/onnx_pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <cstring>
#include <fcntl.h>
#include <limits>
#include <unistd.h>

namespace dlc::backend_test {

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

bool readProtoFile(const std::string &path, google::protobuf::MessageLite &message, std::string &err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    err = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  bool ok;
  {
    google::protobuf::io::FileInputStream raw(fd);
    google::protobuf::io::CodedInputStream coded(&raw);
    // Models with large initializers exceed protobuf's default 64 MiB limit.
    coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
    ok = message.ParseFromCodedStream(&coded) && coded.ConsumedEntireMessage();
  }
  ::close(fd);
  if (!ok)
    err = "'" + path + "' does not parse as a protobuf message";
  return ok;
}

int32_t dtypeFromOnnx(int32_t onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return DLC_DTYPE_F32;
  case onnx::TensorProto::DOUBLE:
    return DLC_DTYPE_F64;
  case onnx::TensorProto::FLOAT16:
    return DLC_DTYPE_F16;
  case onnx::TensorProto::BFLOAT16:
    return DLC_DTYPE_BF16;
  case onnx::TensorProto::INT8:
    return DLC_DTYPE_I8;
  case onnx::TensorProto::INT16:
    return DLC_DTYPE_I16;
  case onnx::TensorProto::INT32:
    return DLC_DTYPE_I32;
  case onnx::TensorProto::INT64:
    return DLC_DTYPE_I64;
  case onnx::TensorProto::UINT8:
    return DLC_DTYPE_U8;
  case onnx::TensorProto::UINT16:
    return DLC_DTYPE_U16;
  case onnx::TensorProto::UINT32:
    return DLC_DTYPE_U32;
  case onnx::TensorProto::UINT64:
    return DLC_DTYPE_U64;
  case onnx::TensorProto::BOOL:
    return DLC_DTYPE_BOOL;
  case onnx::TensorProto::FLOAT8E4M3FN:
    return DLC_DTYPE_F8E4M3FN;
  case onnx::TensorProto::FLOAT8E4M3FNUZ:
    return DLC_DTYPE_F8E4M3FNUZ;
  case onnx::TensorProto::FLOAT8E5M2:
    return DLC_DTYPE_F8E5M2;
  case onnx::TensorProto::FLOAT8E5M2FNUZ:
    return DLC_DTYPE_F8E5M2FNUZ;
  case onnx::TensorProto::INT4:
    return DLC_DTYPE_I4;
  case onnx::TensorProto::UINT4:
    return DLC_DTYPE_U4;
  case onnx::TensorProto::INT2:
    return DLC_DTYPE_I2;
  case onnx::TensorProto::UINT2:
    return DLC_DTYPE_U2;
  case onnx::TensorProto::FLOAT4E2M1:
    return DLC_DTYPE_F4E2M1;
  default:
    return DLC_DTYPE_INVALID;
  }
}


bool decodeTensor(const onnx::TensorProto &t, HostTensor &out, std::string &err) {
  out.name = t.name();
  out.dims.assign(t.dims().begin(), t.dims().end());
  out.dtype = dtypeFromOnnx(t.data_type());
  std::string what = "tensor '" + t.name() + "'";
  if (!out.dtype) {
    err = what + " has data type " + std::to_string(t.data_type()) + ", which the runtime cannot exchange";
    return false;
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    err = what + " has external data";
    return false;
  }
  auto bytes = onnx_frontend::tensorProtoBytes(t, "");
  if (!bytes) {
    err = llvm::toString(bytes.takeError());
    return false;
  }
  out.bytes.assign(bytes->begin(), bytes->end());
  if (size_t bits = dlc_dtype_bits(out.dtype); bits < 8) {
    // The importer's bytes hold one element each: packed again, as the runtime takes them.
    std::vector<uint8_t> packed(dlc_dtype_nbytes(out.dtype, out.bytes.size()), 0);
    for (size_t k = 0; k < out.bytes.size(); ++k)
      packed[k * bits / 8] |= (out.bytes[k] & ((1u << bits) - 1)) << (k * bits % 8);
    out.bytes = std::move(packed);
  }
  uint64_t want = dlc_dtype_nbytes(out.dtype, (uint64_t)out.numElements());
  if (out.bytes.size() != want) {
    err = what + " of shape " + shapeString(out.dims) + " holds " + std::to_string(out.bytes.size()) +
          " bytes of data, expected " + std::to_string(want);
    return false;
  }
  return true;
}

bool readTensorFile(const std::string &path, HostTensor &out, std::string &err) {
  onnx::TensorProto t;
  return readProtoFile(path, t, err) && decodeTensor(t, out, err);
}

std::string shapeString(const std::vector<int64_t> &dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

} // namespace dlc::backend_test
