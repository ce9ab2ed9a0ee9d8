// The graph-level pipeline: what every target runs first.
#include "compiler/Pipelines.h"
#include "compiler/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace dlc {

void buildGraphToKernelPipeline(OpPassManager &pm) {
  pm.addPass(createAnnotateIndexInputs());
  pm.addPass(createPrepackParams());
  pm.addPass(createDecomposeComposites());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createFuseKernels());
}

void registerCompilerPipelines() {
  registerDLCPasses();
  PassPipelineRegistration<>("dlc-graph-to-kernel", "graph dialect -> kernel.group fusion groups",
                             buildGraphToKernelPipeline);
}

} // namespace dlc
