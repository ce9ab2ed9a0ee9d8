// The host side of every artifact, whatever the target: the LLVM-dialect module of the
// entry points to LLVM IR with the `dlc_entry_<name>(void**, void*)` wrappers, an object
// file, and the shared object that links it with the manifest and the initial weights.
#ifndef DLC_CODEGEN_HOSTOBJECT_H
#define DLC_CODEGEN_HOSTOBJECT_H

#include "codegen/Manifest.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace dlc {

/// Translates an LLVM-dialect module to LLVM IR, adds the `dlc_entry_<name>(void**, void*)`
/// wrapper of every entry point, and optimizes at `optLevel` for the host CPU.
llvm::Expected<std::string> emitLLVMIR(mlir::ModuleOp module, const ArtifactSpec &spec, int optLevel);

/// Same, then writes a relocatable object file to `path`.
llvm::Error emitObjectFile(mlir::ModuleOp module, const ArtifactSpec &spec, int optLevel,
                           const std::string &path);

/// Links the object with the manifest, the weights and `extraSource` (C: the CUDA image
/// and its launch forwarders) into the shared object `outPath`, written to a temporary
/// file first and renamed into place.
llvm::Error linkSharedObject(const std::string &objectPath, const ArtifactSpec &spec,
                             const std::string &extraSource, const std::string &outPath);

} // namespace dlc

#endif
