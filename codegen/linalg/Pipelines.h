// The pipelines both targets share after the graph level: fusion groups to linalg on
// tensors, then buffers in one planned arena; and the steps toward LLVM they both take.
#ifndef DLC_CODEGEN_LINALG_PIPELINES_H
#define DLC_CODEGEN_LINALG_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace dlc {

/// The target-dependent choices of the kernel -> linalg lowering (each target's
/// ArtifactWriter::configureKernelToLinalg sets them).
struct KernelToLinalgOptions : mlir::PassPipelineOptions<KernelToLinalgOptions> {
  Option<int64_t> convBlockBytes{*this, "conv-block-bytes",
                                 llvm::cl::desc("im2col bytes above which a conv runs in groups of images "
                                                "(dlc-lower-graph-to-linalg); 0: never"),
                                 llvm::cl::init(0)};
  Option<int64_t> depthwiseFlatLanes{*this, "depthwise-flat-lanes",
                                     llvm::cl::desc("vector lanes for which a depthwise conv runs over each "
                                                    "flattened plane (dlc-lower-graph-to-linalg); 0: never"),
                                     llvm::cl::init(0)};
};

/// kernel -> linalg: outline kernels, lower graph ops, fuse elementwise loops within each
/// kernel, then inline the kernels into their entry point.
void buildKernelToLinalgPipeline(mlir::OpPassManager &pm, const KernelToLinalgOptions &options);
/// linalg on tensors -> memrefs: bufferize, results to out-params, plan the arena.
void buildBufferizePipeline(mlir::OpPassManager &pm);

/// Loops and affine maps down to cf + arith, the narrow floats expanded.
void addLoopsToControlFlow(mlir::OpPassManager &pm);
/// Host code to the LLVM dialect; entry points take bare pointers (the runtime passes raw
/// buffers).
void addHostToLLVM(mlir::OpPassManager &pm);

/// Registers the shared lowering passes and the two pipelines above.
void registerLinalgPipelines();

} // namespace dlc

#endif
