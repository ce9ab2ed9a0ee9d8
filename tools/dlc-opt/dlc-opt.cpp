// dlc-opt: mlir-opt with every dlc dialect, pass and pipeline registered. It reads its
// input itself, as mlir-opt's main does, so that it can refuse the constructs MLIR's parser
// crashes on (ParserHazards.h) with an error instead.
#include "codegen/cpu/Pipeline.h"
#include "codegen/cuda/Pipeline.h"
#include "codegen/linalg/Pipelines.h"
#include "compiler/Passes.h"
#include "compiler/Pipelines.h"
#include "tools/dlc-opt/ParserHazards.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  mlir::registerAllPasses();
  dlc::registerCompilerPipelines();
  dlc::registerLinalgPipelines();
  dlc::registerCpuPipelines();
  dlc::registerCudaPipelines();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<dlc::abi::AbiDialect, dlc::graph::GraphDialect, dlc::kernel::KernelDialect>();

  auto [inputFilename, outputFilename] =
      mlir::registerAndParseCLIOptions(argc, argv, "dlc optimizer driver\n", registry);
  mlir::MlirOptMainConfig config = mlir::MlirOptMainConfig::createFromCLOptions();
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input = mlir::openInputFile(inputFilename, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return EXIT_FAILURE;
  }
  if (mlir::failed(dlc::checkParserHazards(*input, llvm::errs())))
    return EXIT_FAILURE;
  std::unique_ptr<llvm::ToolOutputFile> output = mlir::openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return EXIT_FAILURE;
  }
  if (mlir::failed(mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return EXIT_FAILURE;
  output->keep();
  return EXIT_SUCCESS;
}
