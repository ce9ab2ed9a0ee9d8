// dlc-decompose-composites: losses and optimizer updates -> the graph ops that define them.
#include "compiler/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_DECOMPOSECOMPOSITES
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {

FailureOr<SmallVector<Value>> decomposeComposite(graph::CompositeOpInterface op) {
  OpBuilder b(op);
  SmallVector<Value> results;
  if (failed(op.decompose(b, results)))
    return failure();
  if (results.size() != op->getNumResults())
    return op->emitOpError() << "decomposed into " << results.size() << " values for " << op->getNumResults()
                             << " results";
  op->replaceAllUsesWith(results);
  op->erase();
  return results;
}

LogicalResult decomposeComposites(Operation *root) {
  SmallVector<graph::CompositeOpInterface> composites;
  root->walk([&](graph::CompositeOpInterface op) { composites.push_back(op); });
  for (graph::CompositeOpInterface op : composites)
    if (failed(decomposeComposite(op)))
      return failure();
  return success();
}

} // namespace dlc

namespace {
struct DecomposeCompositesPass : dlc::impl::DecomposeCompositesBase<DecomposeCompositesPass> {
  void runOnOperation() override {
    if (failed(dlc::decomposeComposites(getOperation())))
      signalPassFailure();
  }
};
} // namespace
