// dlc-outline-parallel-loops: scf.for {dlc.parallel} -> private body function + call.
#include "codegen/cpu/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

namespace dlc {
#define GEN_PASS_DEF_OUTLINEPARALLELLOOPS
#include "codegen/cpu/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

std::optional<int64_t> constantIndex(Value v) {
  if (auto c = v.getDefiningOp<arith::ConstantIndexOp>())
    return c.value();
  return std::nullopt;
}

bool passable(Value v) {
  auto t = dyn_cast<MemRefType>(v.getType());
  return t && t.hasStaticShape() && t.getLayout().isIdentity() && t.getMemorySpace() == nullptr;
}

struct OutlineParallelLoopsPass : dlc::impl::OutlineParallelLoopsBase<OutlineParallelLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<scf::ForOp> loops;
    module.walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
      if (!dlc::abi::isParallel(loop))
        return WalkResult::advance();
      loops.push_back(loop);
      return WalkResult::skip(); // nested marked loops run inside this one's threads
    });
    unsigned counter = 0;
    for (scf::ForOp loop : loops)
      if (!outline(loop, symbols, counter))
        dlc::abi::clearParallel(loop);
  }

  bool outline(scf::ForOp loop, SymbolTable &symbols, unsigned &counter) {
    auto lb = constantIndex(loop.getLowerBound()), ub = constantIndex(loop.getUpperBound()),
         step = constantIndex(loop.getStep());
    if (!lb || !ub || !step || *step <= 0 || loop.getNumResults() != 0)
      return false;
    int64_t trips = (*ub - *lb + *step - 1) / *step;
    if (trips < 2)
      return false;
    // What the body reads from outside: constants are cloned, memrefs passed.
    SetVector<Value> captured;
    bool ok = true;
    loop.getBody()->walk([&](Operation *op) {
      for (Value v : op->getOperands()) {
        if (loop.getRegion().isAncestor(v.getParentRegion()))
          continue; // defined inside the loop
        if (v.getDefiningOp<arith::ConstantOp>())
          captured.insert(v);
        else if (passable(v))
          captured.insert(v);
        else
          ok = false;
      }
    });
    if (!ok)
      return false;
    SmallVector<Value> memrefs, constants;
    for (Value v : captured)
      (isa<MemRefType>(v.getType()) ? memrefs : constants).push_back(v);

    OpBuilder b(loop->getParentOfType<func::FuncOp>());
    Location loc = loop.getLoc();
    SmallVector<Type> argTypes{b.getIndexType(), b.getIndexType()};
    for (Value m : memrefs)
      argTypes.push_back(m.getType());
    auto fn = b.create<func::FuncOp>(loc, "dlc_par_body_" + std::to_string(counter++), b.getFunctionType(argTypes, {}));
    fn.setPrivate();
    dlc::abi::setParallelTrips(fn, trips);
    symbols.insert(fn);
    Block *entry = fn.addEntryBlock();
    OpBuilder fb = OpBuilder::atBlockBegin(entry);
    IRMapping map;
    for (Value c : constants)
      map.map(c, fb.clone(*c.getDefiningOp())->getResult(0));
    for (auto [i, m] : llvm::enumerate(memrefs))
      map.map(m, entry->getArgument(2 + i));
    Value one = fb.create<arith::ConstantIndexOp>(loc, 1);
    Value lbV = fb.create<arith::ConstantIndexOp>(loc, *lb), stepV = fb.create<arith::ConstantIndexOp>(loc, *step);
    fb.create<scf::ForOp>(loc, entry->getArgument(0), entry->getArgument(1), one, ValueRange{},
                          [&](OpBuilder &nb, Location l, Value t, ValueRange) {
                            Value j = nb.create<arith::AddIOp>(l, lbV, nb.create<arith::MulIOp>(l, t, stepV));
                            map.map(loop.getInductionVar(), j);
                            for (Operation &op : loop.getBody()->without_terminator())
                              nb.clone(op, map);
                            nb.create<scf::YieldOp>(l);
                          });
    fb.create<func::ReturnOp>(loc);

    OpBuilder hb(loop);
    SmallVector<Value> args{hb.create<arith::ConstantIndexOp>(loc, 0), hb.create<arith::ConstantIndexOp>(loc, trips)};
    args.append(memrefs.begin(), memrefs.end());
    hb.create<func::CallOp>(loc, fn, args);
    loop.erase();
    return true;
  }
};

} // namespace
