// The named pass pipelines of dlc, one per stage of `dlc compile --emit`, registered
// with dlc-opt under the same names.
#ifndef DLC_COMPILER_PIPELINES_H
#define DLC_COMPILER_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace dlc {

struct CpuPipelineOptions : mlir::PassPipelineOptions<CpuPipelineOptions> {
  Option<int> optLevel{*this, "opt-level", llvm::cl::desc("Optimization level 0-3"), llvm::cl::init(2)};
  Option<int64_t> vectorWidth{*this, "vector-width",
                              llvm::cl::desc("f32 lanes per vector register: 16 (AVX-512), 8 (AVX2), 4 (SSE)"),
                              llvm::cl::init(16)};
};

/// graph -> kernel: canonicalize, fold constants, fuse into kernel.group regions.
void buildGraphToKernelPipeline(mlir::OpPassManager &pm);
/// kernel -> linalg: outline kernels, lower graph ops, fuse elementwise loops within each
/// kernel, then inline the kernels into their entry point.
void buildKernelToLinalgPipeline(mlir::OpPassManager &pm);
/// linalg on tensors -> memrefs: bufferize, results to out-params, plan the arena.
void buildBufferizePipeline(mlir::OpPassManager &pm);
/// bufferized linalg -> LLVM dialect with bare-pointer entry points.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm, const CpuPipelineOptions &options);
/// The two above in order.
void buildLinalgToLLVMPipeline(mlir::OpPassManager &pm, const CpuPipelineOptions &options);
/// The three above in order.
void buildCpuPipeline(mlir::OpPassManager &pm, const CpuPipelineOptions &options);

// --- CUDA -------------------------------------------------------------------
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

void registerPipelines();

} // namespace dlc

#endif
