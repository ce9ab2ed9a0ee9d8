// The CPU target's artifact writer: bufferized module -> LLVM dialect (buildLowerToLLVMPipeline)
// -> object file for the host CPU -> model.so.
#ifndef DLC_CODEGEN_CPU_CPUARTIFACT_H
#define DLC_CODEGEN_CPU_CPUARTIFACT_H

#include "codegen/ArtifactWriter.h"

#include <memory>

namespace dlc {

/// f32 lanes of the host's widest vector registers: the micro-kernels' vector width.
int64_t hostVectorWidth();

/// `vectorWidth` 0: the host's.
std::unique_ptr<ArtifactWriter> createCpuArtifactWriter(int optLevel, int64_t vectorWidth = 0);

} // namespace dlc

#endif
