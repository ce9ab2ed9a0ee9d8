#include "codegen/cpu/Initializer.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace {

/// `buffer` and every view of it.
llvm::SmallPtrSet<Value, 8> viewsOf(Value buffer) {
  llvm::SmallPtrSet<Value, 8> views{buffer};
  SmallVector<Value> work{buffer};
  while (!work.empty())
    for (Operation *user : work.pop_back_val().getUsers())
      if (isa<ViewLikeOpInterface>(user))
        for (Value v : user->getResults())
          if (views.insert(v).second)
            work.push_back(v);
  return views;
}

} // namespace

Operation *dlc::precedingWriterOf(Operation *consumer, Value buffer) {
  llvm::SmallPtrSet<Value, 8> views = viewsOf(buffer);
  if (llvm::count_if(consumer->getOperands(), [&](Value v) { return views.contains(v); }) != 1)
    return nullptr;
  auto independent = [&](Operation *op) {
    if (isMemoryEffectFree(op))
      return true;
    return isa<linalg::LinalgOp>(op) && llvm::none_of(op->getOperands(), [&](Value v) { return views.contains(v); });
  };
  Operation *op = consumer->getPrevNode();
  while (op && independent(op))
    op = op->getPrevNode();
  return op;
}

linalg::GenericOp dlc::asWholeCopyInto(Operation *op, Value buffer) {
  auto copy = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!copy || !copy.hasPureBufferSemantics() || copy.getNumDpsInputs() != 1 || copy.getNumDpsInits() != 1 ||
      copy.getDpsInits()[0] != buffer || copy.getNumParallelLoops() != copy.getNumLoops() ||
      !copy.getMatchingIndexingMap(copy.getDpsInitOperand(0)).isIdentity())
    return {};
  Block *body = copy.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (body->getOperations().size() != 1 || yield.getOperand(0) != body->getArgument(0))
    return {};
  Value input = copy.getDpsInputs()[0];
  if (!isa<MemRefType>(input.getType()) || viewsOf(buffer).contains(input))
    return {};
  return copy;
}
