// dlc-cuda-map-reductions: long linalg.generic reductions -> one block per output.
#include "codegen/cuda/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"

#include <limits>

namespace dlc {
#define GEN_PASS_DEF_CUDAMAPREDUCTIONS
#include "codegen/cuda/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

constexpr int64_t kThreads = 256;

/// The identity of an associative f32 combiner, or nullopt when the op is not one.
std::optional<float> identityOf(Operation *op) {
  if (isa<arith::AddFOp>(op))
    return 0.0f;
  if (isa<arith::MaximumFOp, arith::MaxNumFOp>(op))
    return -std::numeric_limits<float>::infinity();
  if (isa<arith::MinimumFOp, arith::MinNumFOp>(op))
    return std::numeric_limits<float>::infinity();
  return std::nullopt;
}

struct CudaMapReductionsPass : dlc::impl::CudaMapReductionsBase<CudaMapReductionsPass> {
  using CudaMapReductionsBase::CudaMapReductionsBase;

  void runOnOperation() override {
    SmallVector<linalg::GenericOp> ops;
    getOperation().walk([&](linalg::GenericOp op) {
      if (matches(op))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops)
      rewrite(op);
  }

  bool matches(linalg::GenericOp op) {
    if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0)
      return false;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    for (int64_t r : ranges)
      if (ShapedType::isDynamic(r))
        return false;
    Block &body = op.getRegion().front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    BlockArgument out = body.getArgument(op.getNumDpsInputs());
    Operation *comb = yield.getNumOperands() == 1 ? yield.getOperand(0).getDefiningOp() : nullptr;
    if (!comb || !identityOf(comb) || !comb->getResult(0).getType().isF32() || !out.hasOneUse() ||
        out.getUses().begin()->getOwner() != comb)
      return false;
    return llvm::all_of(op.getDpsInputs(), [](Value v) { return isa<MemRefType>(v.getType()); });
  }

  void rewrite(linalg::GenericOp op) {
    Location loc = op.getLoc();
    OpBuilder b(op);
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    auto iters = op.getIteratorTypesArray();
    SmallVector<unsigned> par, red;
    int64_t P = 1, R = 1;
    for (unsigned d = 0; d < ranges.size(); ++d) {
      if (iters[d] == utils::IteratorType::parallel) {
        par.push_back(d);
        P *= ranges[d];
      } else {
        red.push_back(d);
        R *= ranges[d];
      }
    }
    Block &body = op.getRegion().front();
    BlockArgument out = body.getArgument(op.getNumDpsInputs());
    Operation *comb = cast<linalg::YieldOp>(body.getTerminator()).getOperand(0).getDefiningOp();
    Value partialOf = comb->getOperand(0) == out ? comb->getOperand(1) : comb->getOperand(0);
    float identity = *identityOf(comb);

    auto cst = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v).getResult(); };
    bool tree = R >= minReduction;
    int64_t threads = tree ? kThreads : std::min(kThreads, P);
    Value one = cst(1);
    gpu::LaunchOp launch;
    if (tree) {
      auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
      auto partialsType = MemRefType::get({kThreads}, b.getF32Type(), MemRefLayoutAttrInterface{}, workgroup);
      launch = b.create<gpu::LaunchOp>(loc, cst(P), one, one, cst(kThreads), one, one, Value(), Type(), ValueRange{},
                                       TypeRange{partialsType});
    } else {
      launch = b.create<gpu::LaunchOp>(loc, cst((P + threads - 1) / threads), one, one, cst(threads), one, one);
    }
    Block &lb = launch.getBody().front();
    b.setInsertionPointToEnd(&lb);
    b.create<gpu::TerminatorOp>(loc);
    b.setInsertionPointToStart(&lb);
    Value tid = launch.getThreadIds().x;
    SmallVector<Value> ivs(ranges.size());
    // Decomposes `flat` into the dims `dims` (row-major over them).
    auto delinearize = [&](Value flat, ArrayRef<unsigned> dims) {
      for (int i = (int)dims.size() - 1; i >= 0; --i) {
        int64_t n = ranges[dims[i]];
        ivs[dims[i]] = i == 0 ? flat : b.create<arith::RemUIOp>(loc, flat, cst(n)).getResult();
        if (i > 0)
          flat = b.create<arith::DivUIOp>(loc, flat, cst(n));
      }
    };
    auto indices = [&](AffineMap map) {
      SmallVector<Value> idx;
      for (AffineExpr e : map.getResults())
        idx.push_back(b.create<affine::AffineApplyOp>(loc, AffineMap::get(map.getNumDims(), 0, e), ivs));
      return idx;
    };
    Value outBuf = op.getDpsInits()[0];
    AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    // A loop folding the reduction points [begin, R) step `step` into `init`.
    auto fold = [&](Value begin, int64_t step, Value init) {
      auto loop = b.create<scf::ForOp>(loc, begin, cst(R), cst(step), ValueRange{init});
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(loop.getBody());
      delinearize(loop.getInductionVar(), red);
      IRMapping map;
      for (OpOperand *in : op.getDpsInputOperands()) {
        AffineMap m = op.getMatchingIndexingMap(in);
        map.map(body.getArgument(in->getOperandNumber()),
                b.create<memref::LoadOp>(loc, in->get(), indices(m)).getResult());
      }
      for (Operation &inner : body.without_terminator()) {
        if (&inner == comb)
          continue;
        if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
          map.map(index.getResult(), ivs[index.getDim()]);
          continue;
        }
        b.clone(inner, map);
      }
      map.map(out, loop.getRegionIterArgs()[0]);
      b.create<scf::YieldOp>(loc, b.clone(*comb, map)->getResult(0));
      return loop.getResult(0);
    };

    if (!tree) { // one thread per output, the accumulator in a register
      Value gid = b.create<arith::AddIOp>(loc, b.create<arith::MulIOp>(loc, launch.getBlockIds().x, cst(threads)), tid);
      Value inRange = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, gid, cst(P));
      auto guard = b.create<scf::IfOp>(loc, inRange, false);
      b.setInsertionPoint(guard.thenBlock()->getTerminator());
      delinearize(gid, par);
      for (unsigned d : red)
        ivs[d] = cst(0); // the output's map reads only parallel dims
      SmallVector<Value> outIdx = indices(outMap);
      Value initial = b.create<memref::LoadOp>(loc, outBuf, outIdx);
      b.create<memref::StoreOp>(loc, fold(cst(0), 1, initial), outBuf, outIdx);
      op.erase();
      return;
    }

    Value partials = launch.getWorkgroupAttributions()[0];
    delinearize(launch.getBlockIds().x, par);
    Value identityValue = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(identity));
    b.create<memref::StoreOp>(loc, fold(tid, kThreads, identityValue), partials, tid);
    b.create<gpu::BarrierOp>(loc);
    for (int64_t s = kThreads / 2; s > 0; s /= 2) {
      Value active = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, tid, cst(s));
      auto ifOp = b.create<scf::IfOp>(loc, active, false);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
        IRMapping map;
        map.map(out, b.create<memref::LoadOp>(loc, partials, tid).getResult());
        map.map(partialOf,
                b.create<memref::LoadOp>(loc, partials, ValueRange{b.create<arith::AddIOp>(loc, tid, cst(s))})
                    .getResult());
        b.create<memref::StoreOp>(loc, b.clone(*comb, map)->getResult(0), partials, tid);
      }
      b.create<gpu::BarrierOp>(loc);
    }
    Value first = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, tid, cst(0));
    auto ifOp = b.create<scf::IfOp>(loc, first, false);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    for (unsigned d : red)
      ivs[d] = cst(0);
    SmallVector<Value> outIdx = indices(outMap);
    IRMapping map;
    map.map(out, b.create<memref::LoadOp>(loc, outBuf, outIdx).getResult());
    map.map(partialOf, b.create<memref::LoadOp>(loc, partials, ValueRange{cst(0)}).getResult());
    b.create<memref::StoreOp>(loc, b.clone(*comb, map)->getResult(0), outBuf, outIdx);
    op.erase();
  }
};

} // namespace
