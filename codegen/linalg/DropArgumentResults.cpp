// dlc-drop-argument-results: results of an entry point that are its own arguments.
#include "codegen/linalg/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_DROPARGUMENTRESULTS
#include "codegen/linalg/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {
struct DropArgumentResultsPass : dlc::impl::DropArgumentResultsBase<DropArgumentResultsPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (!fn->hasAttr(dlc::kEntryAttr) || fn.isExternal())
      return;
    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    llvm::BitVector drop(ret.getNumOperands());
    // Only the declared in-place updates: an inference output that is an input must still
    // be copied to its output buffer.
    for (auto [i, v] : llvm::enumerate(ret.getOperands()))
      if (auto arg = dyn_cast<BlockArgument>(v);
          arg && arg.getOwner() == &fn.getBody().front() && fn.getResultAttr(i, "dlc.updates_param"))
        drop.set(i);
    if (drop.none())
      return;
    SmallVector<Value> kept;
    for (auto [i, v] : llvm::enumerate(ret.getOperands()))
      if (!drop.test(i))
        kept.push_back(v);
    OpBuilder(ret).create<func::ReturnOp>(ret.getLoc(), kept);
    ret.erase();
    if (failed(fn.eraseResults(drop)))
      signalPassFailure();
  }
};
} // namespace
