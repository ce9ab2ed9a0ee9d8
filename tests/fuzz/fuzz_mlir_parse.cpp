// dlc-opt's parser: .mlir text through every dialect dlc-opt registers (dlc's graph,
// kernel and abi dialects among MLIR's), parsed and verified, as dlc-opt reads its input:
// what dlc-opt refuses before parsing (ParserHazards.h) is refused here too.
#include <memory>
#include <string>

#include "dialects/Abi/AbiDialect.h"
#include "dialects/Graph/GraphDialect.h"
#include "dialects/Kernel/KernelDialect.h"
#include "tools/dlc-opt/ParserHazards.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // One context for many inputs, renewed now and then: it keeps every type and attribute
  // it has seen.
  static std::unique_ptr<mlir::MLIRContext> ctx;
  static int uses = 0;
  if (!ctx || ++uses % 1024 == 0) {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    registry.insert<dlc::abi::AbiDialect, dlc::graph::GraphDialect, dlc::kernel::KernelDialect>();
    ctx = std::make_unique<mlir::MLIRContext>(registry, mlir::MLIRContext::Threading::DISABLED);
    ctx->getDiagEngine().registerHandler([](mlir::Diagnostic &) { return mlir::success(); });
  }
  // NUL-terminated, as dlc-opt's input (a file's MemoryBuffer) is: MLIR's lexer reads the
  // terminator at the end.
  std::string text(reinterpret_cast<const char *>(data), size);
  if (dlc::findParserHazard(text))
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::parseSourceString<mlir::ModuleOp>(text, ctx.get());
  return 0;
}
