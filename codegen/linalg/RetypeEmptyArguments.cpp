// dlc-retype-empty-arguments: zero-size memref arguments of entry points, which the
// bare-pointer calling convention refuses.
#include "codegen/linalg/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace dlc {
#define GEN_PASS_DEF_RETYPEEMPTYARGUMENTS
#include "codegen/linalg/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {
struct RetypeEmptyArgumentsPass : dlc::impl::RetypeEmptyArgumentsBase<RetypeEmptyArgumentsPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (!dlc::abi::isEntry(fn) || fn.isExternal())
      return;
    Block &entry = fn.getBody().front();
    OpBuilder b = OpBuilder::atBlockBegin(&entry);
    SmallVector<Type> inputs(fn.getArgumentTypes());
    bool changed = false;
    for (BlockArgument arg : entry.getArguments()) {
      auto type = dyn_cast<MemRefType>(arg.getType());
      if (!type || !type.hasStaticShape() || type.getNumElements() != 0)
        continue;
      auto empty = memref::AllocaOp::create(b, fn.getLoc(), MemRefType::get(type.getShape(), type.getElementType()));
      Value replacement = empty;
      if (empty.getType() != type)
        replacement = memref::CastOp::create(b, fn.getLoc(), type, empty);
      arg.replaceAllUsesWith(replacement);
      if (!dlc::abi::getArgTensorType(fn, arg.getArgNumber()))
        dlc::abi::setArgTensorType(fn, arg.getArgNumber(), RankedTensorType::get(type.getShape(), type.getElementType()));
      Type boxed = MemRefType::get({1}, type.getElementType());
      arg.setType(boxed);
      inputs[arg.getArgNumber()] = boxed;
      changed = true;
    }
    if (changed)
      fn.setFunctionType(FunctionType::get(fn.getContext(), inputs, fn.getResultTypes()));
  }
};
} // namespace
