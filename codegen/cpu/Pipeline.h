// The CPU target's pipelines, one per stage of `dlc compile --emit` after bufferization,
// registered with dlc-opt under the same names.
#ifndef DLC_CODEGEN_CPU_PIPELINE_H
#define DLC_CODEGEN_CPU_PIPELINE_H

#include "codegen/linalg/Pipelines.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace dlc {

/// The CPU's choices for the kernel -> linalg lowering: im2col blocks of 256 KiB, depthwise
/// convs over flat planes where that fills more of `vectorWidth` lanes.
void configureCpuKernelToLinalg(KernelToLinalgOptions &options, int64_t vectorWidth);

struct CpuPipelineOptions : mlir::PassPipelineOptions<CpuPipelineOptions> {
  Option<int> optLevel{*this, "opt-level", llvm::cl::desc("Optimization level 0-3"), llvm::cl::init(2)};
  Option<int64_t> vectorWidth{*this, "vector-width",
                              llvm::cl::desc("f32 lanes per vector register: 16 (AVX-512), 8 (AVX2), 4 (SSE)"),
                              llvm::cl::init(16)};
};

/// bufferized linalg -> LLVM dialect with bare-pointer entry points.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm, const CpuPipelineOptions &options);
/// dlc-bufferize, then the above.
void buildLinalgToLLVMPipeline(mlir::OpPassManager &pm, const CpuPipelineOptions &options);
/// graph dialect -> LLVM dialect: every stage in order.
void buildCpuPipeline(mlir::OpPassManager &pm, const CpuPipelineOptions &options);

/// Registers the CPU passes and pipelines.
void registerCpuPipelines();

} // namespace dlc

#endif
