// Tensors of the backend test data (serialized onnx.TensorProto files) in the runtime's
// terms: a dlc_dtype, dims and dense row-major little-endian bytes.
#ifndef DLC_TESTS_E2E_BACKEND_TENSORDATA_H
#define DLC_TESTS_E2E_BACKEND_TENSORDATA_H

#include <cstdint>
#include <string>
#include <vector>

namespace google::protobuf {
class MessageLite;
}
namespace onnx {
class TensorProto;
}

namespace dlc::backend_test {

struct HostTensor {
  std::string name;
  int32_t dtype = 0; // dlc_dtype
  std::vector<int64_t> dims;
  std::vector<uint8_t> bytes;

  int64_t numElements() const;
};

/// Parses a binary protobuf file (model.onnx, input_0.pb). False with `err` set if it
/// cannot be read or parsed.
bool readProtoFile(const std::string &path, google::protobuf::MessageLite &message, std::string &err);

/// The dlc_dtype of an onnx.TensorProto data type, or 0 (DLC_DTYPE_INVALID).
int32_t dtypeFromOnnx(int32_t onnxType);

/// Decodes raw_data or the typed repeated fields of `t`.
bool decodeTensor(const onnx::TensorProto &t, HostTensor &out, std::string &err);

/// Reads and decodes one TensorProto file.
bool readTensorFile(const std::string &path, HostTensor &out, std::string &err);

std::string shapeString(const std::vector<int64_t> &dims);

} // namespace dlc::backend_test

#endif
