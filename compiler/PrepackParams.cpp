// dlc-prepack-params: parameters read only through a 2-D transpose are stored transposed.
#include "compiler/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_PREPACKPARAMS
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;

namespace {

bool onlyTransposed(BlockArgument arg) {
  return !arg.use_empty() && llvm::all_of(arg.getUsers(), [](Operation *u) {
    auto t = dyn_cast<graph::TransposeOp>(u);
    return t && t.getPerm() == ArrayRef<int64_t>{1, 0};
  });
}

struct PrepackParamsPass : dlc::impl::PrepackParamsBase<PrepackParamsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto infer = module.lookupSymbol<func::FuncOp>("infer");
    if (!infer || infer.isExternal())
      return;
    bool onlyEntry = true;
    module.walk([&](func::FuncOp fn) { onlyEntry &= fn == infer || !abi::isEntry(fn); });
    if (!onlyEntry)
      return;
    bool changed = false;
    for (BlockArgument arg : infer.getArguments()) {
      auto type = dyn_cast<RankedTensorType>(arg.getType());
      if (abi::getArgKind(infer, arg.getArgNumber()) != abi::ArgKind::param || !type || type.getRank() != 2 ||
          !onlyTransposed(arg))
        continue;
      arg.setType(RankedTensorType::get({type.getDimSize(1), type.getDimSize(0)}, type.getElementType()));
      for (Operation *user : llvm::make_early_inc_range(arg.getUsers())) {
        user->getResult(0).replaceAllUsesWith(arg);
        user->erase();
      }
      abi::setTransposedParam(infer, arg.getArgNumber());
      changed = true;
    }
    if (changed)
      infer.setType(FunctionType::get(module.getContext(), infer.getBody().getArgumentTypes(),
                                      infer.getFunctionType().getResults()));
  }
};

} // namespace
