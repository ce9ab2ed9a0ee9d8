// What a code generation target provides to the compile driver: the lowering of the
// bufferized module (every target starts from dlc-bufferize's output), the stages it can
// print, and the artifact it writes. codegen/cpu and codegen/cuda implement it.
#ifndef DLC_CODEGEN_ARTIFACTWRITER_H
#define DLC_CODEGEN_ARTIFACTWRITER_H

#include "codegen/Manifest.h"
#include "codegen/linalg/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace dlc {

class ArtifactWriter {
public:
  virtual ~ArtifactWriter() = default;

  /// The manifest's target name ("cpu", "cuda").
  virtual llvm::StringRef target() const = 0;

  /// This target's choices for the shared kernel -> linalg lowering (default: none).
  virtual void configureKernelToLinalg(KernelToLinalgOptions &) const {}

  /// The bufferized module -> what print() and write() take: host code in the LLVM
  /// dialect (and, on CUDA, the kernels' binary).
  virtual void buildLowering(mlir::OpPassManager &pm) const = 0;

  /// Prints the lowered module's `stage` (`dlc compile --emit`): "llvm" on every target,
  /// "ptx" on CUDA. An error names the stages this target knows.
  virtual llvm::Error print(mlir::ModuleOp lowered, const ArtifactSpec &spec, llvm::StringRef stage,
                            llvm::raw_ostream &os) const = 0;

  /// Writes the host code's relocatable object file (`--emit obj`).
  virtual llvm::Error writeObject(mlir::ModuleOp lowered, const ArtifactSpec &spec, const std::string &path) const = 0;

  /// Writes the artifact (a shared object holding the manifest and the weights) to `path`,
  /// through a temporary file renamed into place.
  virtual llvm::Error write(mlir::ModuleOp lowered, const ArtifactSpec &spec, const std::string &path) const = 0;
};

} // namespace dlc

#endif
