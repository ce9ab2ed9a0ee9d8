// dlc-outline-kernels: kernel.group -> private func.func + func.call.
#include "compiler/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace dlc {
#define GEN_PASS_DEF_OUTLINEKERNELS
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;

namespace {

struct OutlineKernelsPass : dlc::impl::OutlineKernelsBase<OutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<kernel::GroupOp> groups;
    module.walk([&](kernel::GroupOp g) { groups.push_back(g); });
    unsigned counter = 0;
    for (kernel::GroupOp group : groups) {
      auto parent = group->getParentOfType<func::FuncOp>();
      OpBuilder b(parent);
      auto type = b.getFunctionType(group.getInputs().getTypes(), group.getResultTypes());
      std::string name = "k" + std::to_string(counter++) + "_" + group.getName().str();
      auto fn = b.create<func::FuncOp>(group.getLoc(), name, type);
      fn.setPrivate();
      symbols.insert(fn);
      fn.getBody().takeBody(group.getBody());
      Block &block = fn.getBody().front();
      auto yield = cast<kernel::YieldOp>(block.getTerminator());
      OpBuilder(yield).create<func::ReturnOp>(yield.getLoc(), yield.getValues());
      yield.erase();
      OpBuilder cb(group);
      auto call = cb.create<func::CallOp>(group.getLoc(), fn, group.getInputs());
      group.replaceAllUsesWith(call.getResults());
      group.erase();
    }
  }
};

} // namespace
