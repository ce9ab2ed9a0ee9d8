// The CPU target's pipelines (see Pipeline.h).
#include "codegen/cpu/Pipeline.h"
#include "codegen/cpu/Passes.h"
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
  // bf16's and the narrow floats' arithmetic and math in f32, rounded back per op (what
  // LLVM's promotion does, but with the conversions as integer ops; see
  // addLoopsToControlFlow).
  pm.addPass(math::createMathExtendToSupportedTypes());
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"bf16", "f8E4M3FN", "f8E4M3FNUZ", "f8E5M2", "f8E5M2FNUZ", "f4E2M1FN"};
  pm.addPass(arith::createArithEmulateUnsupportedFloats(emulate));
  pm.addPass(createApproximateMath());
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

void configureCpuKernelToLinalg(KernelToLinalgOptions &options, int64_t vectorWidth) {
  // A block's im2col columns within a quarter of a 1 MiB L2 (Zen's 512 KiB and Sapphire
  // Rapids' 2 MiB both hold it with the weights and the output slice); the GPU keeps one
  // large GEMM.
  options.convBlockBytes = 256 * 1024;
  options.depthwiseFlatLanes = vectorWidth;
}

void buildCpuPipeline(OpPassManager &pm, const CpuPipelineOptions &options) {
  buildGraphToKernelPipeline(pm);
  KernelToLinalgOptions linalg;
  configureCpuKernelToLinalg(linalg, options.vectorWidth);
  buildKernelToLinalgPipeline(pm, linalg);
  buildLinalgToLLVMPipeline(pm, options);
}

void registerCpuPipelines() {
  registerDLCCpuPasses();
  PassPipelineRegistration<CpuPipelineOptions>("dlc-lower-to-llvm", "bufferized linalg -> LLVM dialect",
                                               buildLowerToLLVMPipeline);
  PassPipelineRegistration<CpuPipelineOptions>("dlc-linalg-to-llvm", "linalg on tensors -> LLVM dialect",
                                               buildLinalgToLLVMPipeline);
  PassPipelineRegistration<CpuPipelineOptions>("dlc-cpu-pipeline", "graph dialect -> LLVM dialect for the CPU",
                                               buildCpuPipeline);
}

} // namespace dlc
