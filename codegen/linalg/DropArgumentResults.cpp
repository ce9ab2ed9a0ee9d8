// dlc-drop-argument-results: results of an entry point that are its own arguments; the
// others are marked as the outputs their out-parameters will be.
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
    if (!dlc::abi::isEntry(fn) || fn.isExternal())
      return;
    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    llvm::BitVector drop(ret.getNumOperands());
    // Only the declared in-place updates: an inference output that is an input must still
    // be copied to its output buffer.
    for (auto [i, v] : llvm::enumerate(ret.getOperands()))
      if (auto arg = dyn_cast<BlockArgument>(v);
          arg && arg.getOwner() == &fn.getBody().front() && dlc::abi::updatesParam(fn, i))
        drop.set(i);
    if (drop.any()) {
      SmallVector<Value> kept;
      for (auto [i, v] : llvm::enumerate(ret.getOperands()))
        if (!drop.test(i))
          kept.push_back(v);
      OpBuilder(ret).create<func::ReturnOp>(ret.getLoc(), kept);
      ret.erase();
      if (failed(fn.eraseResults(drop)))
        return signalPassFailure();
    }
    for (unsigned i = 0; i < fn.getNumResults(); ++i)
      dlc::abi::markOutput(fn, i);
  }
};
} // namespace
