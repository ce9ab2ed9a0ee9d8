#include "compiler/Autodiff.h"

#include "dialects/Graph/GraphBuilders.h"

#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace dlc::graph;

namespace dlc {

LogicalResult differentiate(OpBuilder &b, Value loss, ArrayRef<Value> wrt, SmallVectorImpl<Value> &grads,
                            SmallVectorImpl<bool> *reached) {
  Location loc = loss.getLoc();
  // Ops that depend on some wrt value ...
  llvm::SetVector<Operation *> forward;
  SmallVector<Value> work(wrt.begin(), wrt.end());
  DenseSet<Value> depends(wrt.begin(), wrt.end());
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (Operation *user : v.getUsers())
      if (forward.insert(user))
        for (Value r : user->getResults())
          if (depends.insert(r).second)
            work.push_back(r);
  }
  // ... and that the loss depends on.
  DenseSet<Operation *> needed;
  SmallVector<Operation *> stack;
  if (Operation *def = loss.getDefiningOp())
    stack.push_back(def);
  while (!stack.empty()) {
    Operation *op = stack.pop_back_val();
    if (!forward.contains(op) || !needed.insert(op).second)
      continue;
    for (Value v : op->getOperands())
      if (Operation *def = v.getDefiningOp())
        stack.push_back(def);
  }

  DenseMap<Value, Value> gradOf;
  auto accumulate = [&](Value v, Value g) {
    auto it = gradOf.find(v);
    if (it == gradOf.end())
      gradOf[v] = g;
    else
      it->second = add(b, loc, it->second, g);
  };
  accumulate(loss, scalar(b, loc, loss, 1.0));
  if (typeOf(loss).getRank() != 0)
    return emitError(loc) << "the loss must be a scalar, got " << loss.getType();

  Block *block = loss.getParentBlock();
  for (Operation &op : llvm::reverse(*block)) {
    if (!needed.contains(&op))
      continue;
    // Ops with several results (recurrent layers) get the gradient of each, null where
    // the loss does not depend on that result.
    SmallVector<Value> resultGrads;
    bool any = false;
    for (Value r : op.getResults()) {
      auto it = gradOf.find(r);
      resultGrads.push_back(it == gradOf.end() ? Value() : it->second);
      any |= it != gradOf.end();
    }
    if (!any)
      continue;
    auto rule = dyn_cast<GradientOpInterface>(&op);
    if (!rule)
      return op.emitOpError() << "has no gradient rule, so the loss cannot be differentiated through it";
    SmallVector<Value> operandGrads;
    if (failed(rule.buildGradientsOfResults(b, resultGrads, operandGrads)))
      return failure();
    for (auto [operand, g] : llvm::zip(op.getOperands(), operandGrads))
      if (g && depends.contains(operand))
        accumulate(operand, g);
  }
  for (Value v : wrt) {
    auto it = gradOf.find(v);
    if (reached)
      reached->push_back(it != gradOf.end());
    if (it != gradOf.end()) {
      grads.push_back(it->second);
      continue;
    }
    auto t = typeOf(v);
    grads.push_back(b.create<ConstantOp>(loc, t, DenseElementsAttr::get(t, b.getFloatAttr(t.getElementType(), 0.0))));
  }
  return success();
}

} // namespace dlc
