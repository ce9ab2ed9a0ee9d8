// The front half of `dlc compile`: an ONNX file through the importer (checker, version
// conversion, shape inference, folding, control flow and function expansion) to the
// verified graph dialect. In process (DLC_ONNX_IN_PROCESS): the fork that isolates
// libonnx would hide its crashes and its coverage from the fuzzer.
#include <cstdlib>
#include <memory>

#include "frontends/onnx/OnnxImporter.h"
#include "fuzz_support.hpp"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  ::setenv("DLC_ONNX_IN_PROCESS", "1", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // One context for many inputs (creating one costs more than most imports), renewed now
  // and then: it keeps every type and constant it has seen.
  static std::unique_ptr<mlir::MLIRContext> ctx;
  static int uses = 0;
  if (!ctx || ++uses % 256 == 0) {
    ctx = std::make_unique<mlir::MLIRContext>(mlir::MLIRContext::Threading::DISABLED);
    ctx->getDiagEngine().registerHandler([](mlir::Diagnostic &) { return mlir::success(); });
  }
  // A file like the ones `dlc compile` reads: external data is looked up beside it.
  std::string path = dlc_fuzz::write_scratch("model.onnx", data, size);
  auto imported = dlc::onnx_frontend::importOnnxFile(*ctx, path, {});
  if (!imported)
    llvm::consumeError(imported.takeError());
  return 0;
}
