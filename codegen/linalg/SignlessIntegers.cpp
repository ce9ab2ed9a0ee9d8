// dlc-signless-integers: uiN -> iN everywhere once the lowering has picked the unsigned
// arith ops (see codegen/linalg/LoweringUtils.h).
#include "codegen/linalg/Passes.h"
#include "codegen/linalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace dlc {
#define GEN_PASS_DEF_SIGNLESSINTEGERS
#include "codegen/linalg/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

Type signless(Type t) {
  if (isa<IntegerType>(t))
    return dlc::signlessElement(t);
  if (auto st = dyn_cast<ShapedType>(t)) {
    Type e = signless(st.getElementType());
    return e == st.getElementType() ? t : st.clone(e);
  }
  if (auto ft = dyn_cast<FunctionType>(t)) {
    SmallVector<Type> ins, outs;
    for (Type i : ft.getInputs())
      ins.push_back(signless(i));
    for (Type o : ft.getResults())
      outs.push_back(signless(o));
    return FunctionType::get(t.getContext(), ins, outs);
  }
  return t;
}

/// An entry point's unsigned arguments and results keep their type for the manifest.
void recordTensorTypes(func::FuncOp fn) {
  FunctionType type = fn.getFunctionType();
  for (auto [i, t] : llvm::enumerate(type.getInputs()))
    if (auto tensor = dyn_cast<RankedTensorType>(t); tensor && signless(t) != t && !dlc::abi::getArgTensorType(fn, i))
      dlc::abi::setArgTensorType(fn, i, tensor);
  for (auto [i, t] : llvm::enumerate(type.getResults()))
    if (auto tensor = dyn_cast<RankedTensorType>(t); tensor && signless(t) != t && !dlc::abi::getResultTensorType(fn, i))
      dlc::abi::setResultTensorType(fn, i, tensor);
}

struct SignlessIntegersPass : dlc::impl::SignlessIntegersBase<SignlessIntegersPass> {
  void runOnOperation() override {
    getOperation()->walk([&](func::FuncOp fn) {
      if (dlc::abi::isEntry(fn))
        recordTensorTypes(fn);
    });
    getOperation()->walk([&](Operation *op) {
      for (Region &r : op->getRegions())
        for (Block &b : r)
          for (BlockArgument a : b.getArguments())
            a.setType(signless(a.getType()));
      for (OpResult r : op->getResults())
        r.setType(signless(r.getType()));
      if (auto fn = dyn_cast<func::FuncOp>(op))
        fn.setFunctionType(cast<FunctionType>(signless(fn.getFunctionType())));
      if (auto c = dyn_cast<arith::ConstantOp>(op))
        if (auto dense = dyn_cast<DenseElementsAttr>(c.getValue()); dense && dense.getType() != c.getType())
          c.setValueAttr(DenseElementsAttr::getFromRawBuffer(cast<ShapedType>(c.getType()), dense.getRawData()));
    });
    getOperation()->walk([&](tensor::BitcastOp cast) {
      if (cast.getSource().getType() == cast.getType()) {
        cast.replaceAllUsesWith(cast.getSource());
        cast.erase();
      }
    });
  }
};

} // namespace
