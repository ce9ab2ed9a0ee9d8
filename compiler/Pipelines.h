// The graph-level pipeline of dlc (the first stage of `dlc compile --emit`), registered
// with dlc-opt under the same name. Each target keeps its own pipelines with its code generator.
#ifndef DLC_COMPILER_PIPELINES_H
#define DLC_COMPILER_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace dlc {

/// graph -> kernel: prepack inference weights, decompose losses and optimizer updates,
/// canonicalize, fold constants, fuse into kernel.group regions.
void buildGraphToKernelPipeline(mlir::OpPassManager &pm);

/// Registers the graph-level passes and this pipeline.
void registerCompilerPipelines();

} // namespace dlc

#endif
