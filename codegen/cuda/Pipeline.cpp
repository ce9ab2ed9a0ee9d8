// The CUDA target's pipelines (see Pipeline.h).
#include "codegen/cuda/Pipeline.h"
#include "codegen/cuda/Passes.h"
#include "codegen/linalg/Passes.h"
#include "codegen/linalg/Pipelines.h"
#include "compiler/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace dlc {

void buildCudaLowerPipeline(OpPassManager &pm, const CudaPipelineOptions &options) {
  CudaTileMatmulOptions matmul;
  matmul.precision = options.precision;
  pm.addNestedPass<func::FuncOp>(createCudaTileMatmul(matmul));
  pm.addNestedPass<func::FuncOp>(createCudaMapReductions());
  pm.addNestedPass<func::FuncOp>(createLowerCopies());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // No canonicalization between here and outlining: it would hoist the constants that
  // dlc-cuda-map-to-gpu sank into the launches back out, making them kernel arguments.
  pm.addNestedPass<func::FuncOp>(createCudaMapToGpu());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createCudaMergeKernelModules());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  if (!options.libdevice.empty())
    target.linkLibs.push_back(options.libdevice);
  pm.addPass(createGpuNVVMAttachTarget(target));
  addLoopsToControlFlow(pm);
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  // Entry points take bare pointers (as on the CPU), converted before gpu-to-llvm: its
  // host bare-pointer option would also pass bare pointers to kernels that expect
  // memref descriptors.
  addHostToLLVM(pm);
  pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

void buildCudaPipeline(OpPassManager &pm, const CudaPipelineOptions &options) {
  buildGraphToKernelPipeline(pm);
  buildKernelToLinalgPipeline(pm, KernelToLinalgOptions());
  buildBufferizePipeline(pm);
  buildCudaLowerPipeline(pm, options);
}

void registerCudaPipelines() {
  registerDLCCudaPasses();
  PassPipelineRegistration<CudaPipelineOptions>("dlc-cuda-lower", "bufferized linalg -> GPU kernels (PTX) + host LLVM",
                                                buildCudaLowerPipeline);
  PassPipelineRegistration<CudaPipelineOptions>("dlc-cuda-pipeline", "graph dialect -> PTX kernels + host LLVM dialect",
                                                buildCudaPipeline);
}

} // namespace dlc
