// The lowering both targets share (see Pipelines.h).
#include "codegen/linalg/Pipelines.h"
#include "codegen/linalg/Passes.h"

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
void addLoopsToControlFlow(OpPassManager &pm) {
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
void addHostToLLVM(OpPassManager &pm) {
  pm.addPass(createLowerGradReduce());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
}

void buildKernelToLinalgPipeline(OpPassManager &pm, const KernelToLinalgOptions &options) {
  pm.addPass(createOutlineKernels());
  LowerGraphToLinalgOptions lowering;
  lowering.convBlockBytes = options.convBlockBytes;
  lowering.depthwiseFlatLanes = options.depthwiseFlatLanes;
  pm.addPass(createLowerGraphToLinalg(lowering));
  pm.addPass(createSignlessIntegers());
  pm.addNestedPass<func::FuncOp>(createFuseElementwise());
  pm.addPass(createInlinerPass());
  pm.addNestedPass<func::FuncOp>(createFoldTransposedReads());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void buildBufferizePipeline(OpPassManager &pm) {
  // A tensor.empty computed into and then inserted into a slice of another tensor (a conv
  // block's columns and output) is computed in that slice instead of a buffer of its own
  // and a copy.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
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
  // CSE makes the two subviews of an in-place insert_slice one value, and the canonicalizer
  // then drops the copy from a buffer onto itself.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createPlanMemory());
  pm.addNestedPass<func::FuncOp>(createRetypeEmptyArguments());
}

void registerLinalgPipelines() {
  registerDLCLinalgPasses();
  PassPipelineRegistration<KernelToLinalgOptions>("dlc-kernel-to-linalg",
                                                  "fusion groups -> linalg on tensors, one entry function",
                                                  buildKernelToLinalgPipeline);
  PassPipelineRegistration<>("dlc-bufferize", "linalg on tensors -> memrefs in one planned arena",
                             buildBufferizePipeline);
}

} // namespace dlc
