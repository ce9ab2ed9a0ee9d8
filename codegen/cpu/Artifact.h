// The CPU artifact: LLVM dialect module -> object file -> model.so with the manifest
// (runtime/include/dlc/abi.h) and the initial weights.
#ifndef DLC_CODEGEN_CPU_ARTIFACT_H
#define DLC_CODEGEN_CPU_ARTIFACT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace dlc {

struct TensorSpec {
  std::string name;
  int dtype = 0; // dlc_dtype
  std::vector<int64_t> shape;
};

struct ParamSpec {
  TensorSpec tensor;
  bool trainable = false;
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
  /// C appended to the generated manifest source (the CUDA image and launch forwarders).
  std::string extraSource;
};

/// dlc_dtype of an MLIR element type, 0 when it has none.
int dtypeOf(mlir::Type elementType);

/// Translates an LLVM-dialect module to LLVM IR, adds the `dlc_entry_<name>(void**, void*)`
/// wrapper of every entry point, and optimizes at `optLevel` for the host CPU.
llvm::Expected<std::string> emitLLVMIR(mlir::ModuleOp module, const ArtifactSpec &spec, int optLevel);

/// Same, then writes a relocatable object file to `path`.
llvm::Error emitObjectFile(mlir::ModuleOp module, const ArtifactSpec &spec, int optLevel,
                           const std::string &path);

/// Links the object with the manifest and the weights into the shared object `outPath`,
/// written to a temporary file first and renamed into place.
llvm::Error linkArtifact(const std::string &objectPath, const ArtifactSpec &spec, const std::string &outPath);

} // namespace dlc

#endif
