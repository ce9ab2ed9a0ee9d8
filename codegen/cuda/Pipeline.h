// The CUDA target's pipelines, registered with dlc-opt under the same names.
#ifndef DLC_CODEGEN_CUDA_PIPELINE_H
#define DLC_CODEGEN_CUDA_PIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace dlc {

struct CudaPipelineOptions : mlir::PassPipelineOptions<CudaPipelineOptions> {
  Option<std::string> chip{*this, "chip", llvm::cl::desc("GPU architecture: sm_80, sm_90, ..."),
                           llvm::cl::init("sm_80")};
  Option<std::string> features{*this, "features", llvm::cl::desc("PTX features (PTX ISA version)"),
                               llvm::cl::init("+ptx80")};
  Option<std::string> libdevice{*this, "libdevice",
                                llvm::cl::desc("CUDA's libdevice.10.bc, linked for math functions ('' for none)"),
                                llvm::cl::init("")};
  Option<int> optLevel{*this, "opt-level", llvm::cl::desc("Optimization level 0-3"), llvm::cl::init(2)};
  Option<std::string> precision{*this, "precision",
                                llvm::cl::desc("Matmul operands: fp32, or tf32/bf16/fp16 on the tensor cores"),
                                llvm::cl::init("fp32")};
};
/// bufferized linalg -> kernels on the GPU (gpu.binary with PTX) + host LLVM dialect that
/// launches them through the mgpu* functions.
void buildCudaLowerPipeline(mlir::OpPassManager &pm, const CudaPipelineOptions &options);
/// graph dialect -> the above, sharing the CPU path's fusion groups and memory plan.
void buildCudaPipeline(mlir::OpPassManager &pm, const CudaPipelineOptions &options);

/// Registers the CUDA passes and pipelines.
void registerCudaPipelines();

} // namespace dlc

#endif
