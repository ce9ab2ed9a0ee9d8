// dlc-opt: mlir-opt with every dlc dialect, pass and pipeline registered.
#include "codegen/cpu/Pipeline.h"
#include "codegen/cuda/Pipeline.h"
#include "codegen/linalg/Pipelines.h"
#include "compiler/Passes.h"
#include "compiler/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  dlc::registerCompilerPipelines();
  dlc::registerLinalgPipelines();
  dlc::registerCpuPipelines();
  dlc::registerCudaPipelines();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<dlc::abi::AbiDialect, dlc::graph::GraphDialect, dlc::kernel::KernelDialect>();
  return mlir::asMainReturnCode(mlir::MlirOptMain(argc, argv, "dlc optimizer driver\n", registry));
}
