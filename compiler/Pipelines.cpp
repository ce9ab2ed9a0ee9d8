#include "compiler/Pipelines.h"
#include "compiler/Passes.h"
#include "codegen/cuda/Passes.h"

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

// Shared by the CPU and CUDA lowerings: loops and affine maps down to cf + arith.
static void addLoopsToControlFlow(OpPassManager &pm) {
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createExpandSmallFloats());
  // bf16 conversions as integer ops: x86 without AVX512-BF16 would call libgcc's
  // __truncsfbf2, which Debian 12's libgcc lacks.
  arith::ArithExpandOpsPassOptions expandOptions;
  expandOptions.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expandOptions));
}

// Entry points take bare pointers on both targets (the runtime passes raw buffers).
static void addHostToLLVM(OpPassManager &pm) {
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
}

void buildGraphToKernelPipeline(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createFuseKernels());
}

void buildKernelToLinalgPipeline(OpPassManager &pm) {
  pm.addPass(createOutlineKernels());
  pm.addPass(createLowerGraphToLinalg());
  pm.addPass(createSignlessIntegers());
  pm.addNestedPass<func::FuncOp>(createFuseElementwise());
  pm.addPass(createInlinerPass());
  pm.addNestedPass<func::FuncOp>(createFoldTransposedReads());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void buildBufferizePipeline(OpPassManager &pm) {
  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion = bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // train_step's parameter updates are results that are their own arguments: gone.
  pm.addNestedPass<func::FuncOp>(createDropArgumentResults());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createPlanMemory());
  pm.addNestedPass<func::FuncOp>(createRetypeEmptyArguments());
}

void buildLowerToLLVMPipeline(OpPassManager &pm, const CpuPipelineOptions &options) {
  VectorizeMatmulOptions matmul;
  matmul.vectorWidth = options.vectorWidth;
  pm.addNestedPass<func::FuncOp>(createVectorizeMatmul(matmul));
  pm.addNestedPass<func::FuncOp>(createLowerCopies());
  VectorizeElementwiseOptions elementwise;
  elementwise.vectorWidth = options.vectorWidth;
  pm.addNestedPass<func::FuncOp>(createVectorizeElementwise(elementwise));
  pm.addPass(createOutlineParallelLoops());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // bf16 and the 8-bit floats' arithmetic and math in f32, rounded back per op (what LLVM's promotion does, but
  // with the conversions as integer ops; see addLoopsToControlFlow).
  pm.addPass(math::createMathExtendToSupportedTypes());
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"bf16", "f8E4M3FN", "f8E4M3FNUZ", "f8E5M2", "f8E5M2FNUZ", "f4E2M1FN"};
  pm.addPass(arith::createArithEmulateUnsupportedFloats(emulate));
  addLoopsToControlFlow(pm);
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  addHostToLLVM(pm);
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createLowerParallelCalls());
  pm.addPass(createCanonicalizerPass());
}

void buildLinalgToLLVMPipeline(OpPassManager &pm, const CpuPipelineOptions &options) {
  buildBufferizePipeline(pm);
  buildLowerToLLVMPipeline(pm, options);
}

void buildCpuPipeline(OpPassManager &pm, const CpuPipelineOptions &options) {
  buildGraphToKernelPipeline(pm);
  buildKernelToLinalgPipeline(pm);
  buildLinalgToLLVMPipeline(pm, options);
}

// --- CUDA -------------------------------------------------------------------
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
  buildKernelToLinalgPipeline(pm);
  buildBufferizePipeline(pm);
  buildCudaLowerPipeline(pm, options);
}

void registerPipelines() {
  registerDLCCudaPasses();
  PassPipelineRegistration<CudaPipelineOptions>("dlc-cuda-lower", "bufferized linalg -> GPU kernels (PTX) + host LLVM",
                                                buildCudaLowerPipeline);
  PassPipelineRegistration<CudaPipelineOptions>("dlc-cuda-pipeline", "graph dialect -> PTX kernels + host LLVM dialect",
                                                buildCudaPipeline);
  PassPipelineRegistration<>("dlc-graph-to-kernel", "graph dialect -> kernel.group fusion groups",
                             buildGraphToKernelPipeline);
  PassPipelineRegistration<>("dlc-kernel-to-linalg", "fusion groups -> linalg on tensors, one entry function",
                             buildKernelToLinalgPipeline);
  PassPipelineRegistration<>("dlc-bufferize", "linalg on tensors -> memrefs in one planned arena",
                             buildBufferizePipeline);
  PassPipelineRegistration<CpuPipelineOptions>("dlc-lower-to-llvm", "bufferized linalg -> LLVM dialect",
                                               buildLowerToLLVMPipeline);
  PassPipelineRegistration<CpuPipelineOptions>("dlc-linalg-to-llvm", "linalg on tensors -> LLVM dialect",
                                               buildLinalgToLLVMPipeline);
  PassPipelineRegistration<CpuPipelineOptions>("dlc-cpu-pipeline", "graph dialect -> LLVM dialect for the CPU",
                                               buildCpuPipeline);
}

} // namespace dlc
