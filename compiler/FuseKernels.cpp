// dlc-fuse-kernels: graph ops -> kernel.group regions.
#include "compiler/Passes.h"

#include "mlir/IR/IRMapping.h"

namespace dlc {
#define GEN_PASS_DEF_FUSEKERNELS
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;

namespace {

bool isElementwise(Operation *op) {
  return op->hasTrait<OpTrait::SameOperandsAndResultShape>() ||
         isa<graph::AddOp, graph::SubOp, graph::MulOp, graph::DivOp, graph::PowOp, graph::MaxOp, graph::MinOp,
             graph::ModOp, graph::PReluOp, graph::AndOp, graph::OrOp, graph::XorOp, graph::EqualOp,
             graph::LessOp, graph::LessEqualOp, graph::GreaterOp, graph::GreaterEqualOp, graph::WhereOp>(op);
}

/// Ops that are no kernel of their own: they only rename memory, or call the runtime.
bool staysOutside(Operation *op) { return isa<graph::ConstantOp, graph::ReshapeOp, graph::RankMeanOp>(op); }

std::string kernelOpName(Operation *op) { return op->getName().stripDialect().str(); }

struct FuseKernelsPass : dlc::impl::FuseKernelsBase<FuseKernelsPass> {
  using FuseKernelsBase::FuseKernelsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Groups as ordered op lists; an op joins the group of its producer.
    DenseMap<Operation *, unsigned> groupOf;
    SmallVector<SmallVector<Operation *>> groups;
    for (Operation &op : func.getBody().getOps()) {
      if (!isa<graph::GraphDialect>(op.getDialect()) || staysOutside(&op))
        continue;
      if (isElementwise(&op)) {
        auto resultShape = cast<RankedTensorType>(op.getResult(0).getType()).getShape();
        bool joined = false;
        for (Value operand : op.getOperands()) {
          Operation *producer = operand.getDefiningOp();
          auto it = producer ? groupOf.find(producer) : groupOf.end();
          if (it == groupOf.end() || !operand.hasOneUse() || producer->getNumResults() != 1 ||
              groups[it->second].back() != producer ||
              groups[it->second].size() >= maxOpsPerKernel ||
              cast<RankedTensorType>(operand.getType()).getShape() != resultShape)
            continue;
          groups[it->second].push_back(&op);
          groupOf[&op] = it->second;
          joined = true;
          break;
        }
        if (joined)
          continue;
      }
      groupOf[&op] = groups.size();
      groups.push_back({&op});
    }
    for (auto &ops : groups)
      buildGroup(ops);
  }

  /// Replaces the chain `ops` (each consuming the previous one's only result) by one
  /// kernel.group placed at the last op.
  void buildGroup(ArrayRef<Operation *> ops) {
    Operation *last = ops.back();
    llvm::SmallPtrSet<Operation *, 8> members(ops.begin(), ops.end());
    SmallVector<Value> inputs;
    for (Operation *op : ops)
      for (Value v : op->getOperands())
        if (!members.contains(v.getDefiningOp()) && !llvm::is_contained(inputs, v))
          inputs.push_back(v);
    std::string name;
    for (Operation *op : ops)
      name += (name.empty() ? "" : "_") + kernelOpName(op);
    OpBuilder b(last);
    auto group = b.create<kernel::GroupOp>(last->getLoc(), name, last->getResultTypes(), inputs);
    Block &body = group.getBody().front();
    IRMapping map;
    for (auto [v, arg] : llvm::zip(inputs, body.getArguments()))
      map.map(v, arg);
    OpBuilder inner = OpBuilder::atBlockEnd(&body);
    for (Operation *op : ops)
      inner.clone(*op, map);
    // Multi-result ops (recurrent layers) are groups of their own and yield every result.
    SmallVector<Value> yielded;
    for (Value r : last->getResults())
      yielded.push_back(map.lookup(r));
    inner.create<kernel::YieldOp>(last->getLoc(), yielded);
    last->replaceAllUsesWith(group.getResults());
    for (Operation *op : llvm::reverse(ops))
      op->erase();
  }
};

} // namespace
