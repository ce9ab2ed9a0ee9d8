// The artifact's manifest (runtime/core/include/dlc/abi.h), whatever the target: the entry
// points with their inputs and outputs, and the parameters with their initial bytes. It is
// derived in one place, describeArtifact, from the bufferized module: an entry point's
// arguments there are the calling convention itself.
#ifndef DLC_CODEGEN_MANIFEST_H
#define DLC_CODEGEN_MANIFEST_H

#include "dialects/Abi/AbiDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/FunctionExtras.h"
#include "llvm/Support/Error.h"

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace dlc {

struct TensorSpec {
  std::string name;
  int dtype = 0; // dlc_dtype
  std::vector<int64_t> shape;
  std::optional<abi::IndexRange> indexRange; // an input the code reads memory at (dlc_index_check)
};

struct ParamSpec {
  TensorSpec tensor;
  bool trainable = false;
  bool transposed = false; // stored as the transpose of the model's 2-D tensor (DLC_PARAM_TRANSPOSED)
  const std::vector<char> *data = nullptr; // initial value, raw bytes
};

struct EntrySpec {
  std::string name; // "infer", ...
  std::vector<TensorSpec> inputs, outputs;
  uint64_t arenaBytes = 0;
};

struct ArtifactSpec {
  std::string modelName;
  std::string target = "cpu";
  std::vector<EntrySpec> entries;
  std::vector<ParamSpec> params;
  /// The initial bytes describeArtifact made (optimizer state, transposed weights).
  std::deque<std::vector<char>> ownedData;
};

/// The imported initializer of the parameter `name`, or null when training added it.
using InitializerLookup = llvm::function_ref<const std::vector<char> *(llvm::StringRef name)>;

/// The manifest of a bufferized module (after dlc-bufferize): every dlc.entry function
/// takes its inputs, the parameters (the same, in the same order, for every entry), its
/// outputs, then the arena. A parameter's initial bytes are its initializer's (transposed
/// when dlc.transposed), else dlc.init in every element, else zeros.
llvm::Expected<ArtifactSpec> describeArtifact(mlir::ModuleOp module, llvm::StringRef modelName,
                                              InitializerLookup initializers);

} // namespace dlc

#endif
