// ONNX ModelProto -> graph dialect. Validates with libonnx's checker, converts to the one
// opset the importer handles, runs shape inference with the user's static input shapes,
// folds the shape-computing subgraphs to constants and emits one func.func @infer.
#ifndef DLC_FRONTENDS_ONNX_ONNXIMPORTER_H
#define DLC_FRONTENDS_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
class TensorProto;
}

namespace dlc::onnx_frontend {

/// The opset every model is converted to before import.
constexpr int kTargetOpset = 28;
constexpr int kMinOpset = 1;

struct ImportOptions {
  /// Static shapes for inputs whose dims are symbolic, by input name.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Inputs to import as constants, by input name: the path of a file holding one
  /// serialized onnx.TensorProto (like the ONNX backend test data's input_N.pb). For
  /// inputs that ops need at import (Reshape's shape, Slice's starts, ReduceSum's axes...).
  std::map<std::string, std::string> constantInputs;
};

/// An initializer that became a parameter of the entry point: its initial value, raw
/// little-endian bytes in the tensor's element type, row-major.
struct Parameter {
  std::string name;
  mlir::RankedTensorType type;
  std::vector<char> data;
  bool trainable = false; // floating-point initializers
};

/// `module` holds the entry point `func.func @infer(inputs..., params...) -> outputs...`.
/// Every argument has a name and a kind (input or param), every parameter whether it
/// trains, every result a name, and an input or output of a 4- or 2-bit element type
/// (int4, uint4, int2, uint2, float4e2m1), which crosses the entry point as its packed
/// bytes (tensor<Kxui8>), the tensor type those bytes hold (dialects/Abi). The params
/// follow the inputs, in the order of `params`.
struct ImportedModel {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<Parameter> params;
  std::string modelName;
};

llvm::Expected<ImportedModel> importOnnxFile(mlir::MLIRContext &ctx, const std::string &path,
                                             const ImportOptions &options);
llvm::Expected<ImportedModel> importOnnxModel(mlir::MLIRContext &ctx, const onnx::ModelProto &model,
                                              const ImportOptions &options);

/// The ONNX op types (default domain) the importer handles, sorted by name. Ops that are
/// only evaluated at import (Shape, Size, Range, ...) are included.
const std::vector<std::string> &supportedOps();

/// The dense little-endian bytes of a TensorProto's data, from raw_data, the typed fields
/// (narrow types and float16 bits in int32_data) or external data under `baseDir`; an
/// error names the tensor when the data is missing, short or of an unsupported type.
llvm::Expected<std::vector<char>> tensorProtoBytes(const onnx::TensorProto &tensor, const std::string &baseDir);

} // namespace dlc::onnx_frontend

#endif
