// The CUDA target's artifact writer: bufferized module -> kernels as PTX (and a cubin when
// CUDA's ptxas is installed) + host code (LLVM, x86-64) that launches them -> model.so.
#ifndef DLC_CODEGEN_CUDA_CUDAARTIFACT_H
#define DLC_CODEGEN_CUDA_CUDAARTIFACT_H

#include "codegen/ArtifactWriter.h"

#include <memory>
#include <string>

namespace dlc {

struct CudaTargetOptions {
  std::string arch = "sm_80"; // sm_XY
  /// Matmul operand precision: fp32, or tf32/bf16/fp16 on the tensor cores.
  std::string precision = "fp32";
  int optLevel = 2;
};

/// Fails on an unknown architecture.
llvm::Expected<std::unique_ptr<ArtifactWriter>> createCudaArtifactWriter(const CudaTargetOptions &options);

} // namespace dlc

#endif
