// The CUDA artifact: the host code (LLVM, x86-64) that launches the kernels, the PTX of
// the kernels and, when CUDA's ptxas is installed, a cubin assembled from it.
#ifndef DLC_CODEGEN_CUDA_CUDAARTIFACT_H
#define DLC_CODEGEN_CUDA_CUDAARTIFACT_H

#include "codegen/cpu/Artifact.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace dlc {

struct CudaTargetOptions {
  std::string arch = "sm_80"; // sm_XY
  int optLevel = 2;
};

/// Checks `arch` ("sm_80", "sm_90", ...) and returns the PTX features it needs.
llvm::Expected<std::string> cudaFeaturesFor(const std::string &arch);

/// CUDA's libdevice bitcode ($CUDA_HOME, /usr/local/cuda, Debian's toolkit), or "".
std::string findLibdevice();

/// CUDA's ptxas ($CUDA_HOME/bin, /usr/local/cuda/bin, PATH), or "".
std::string findPtxas();

/// The PTX of the module's gpu.binary after buildCudaLowerPipeline.
llvm::Expected<std::string> extractPtx(mlir::ModuleOp module);

/// Assembles `ptx` for `arch` with ptxas into a cubin; an error carries ptxas' output.
llvm::Expected<std::string> assemblePtx(const std::string &ptxas, const std::string &ptx, const std::string &arch);

/// Writes the artifact: host object + manifest (target "cuda") + the mgpu* forwarders
/// of runtime/include/dlc/abi.h + the embedded PTX and cubin.
llvm::Error writeCudaArtifact(mlir::ModuleOp module, ArtifactSpec spec, const CudaTargetOptions &options,
                              const std::string &outputPath);

} // namespace dlc

#endif
