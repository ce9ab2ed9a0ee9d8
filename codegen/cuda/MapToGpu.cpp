// dlc-cuda-map-to-gpu: every memory-touching op of a bufferized function into a gpu.launch.
#include "codegen/cuda/Passes.h"
#include "dialects/Abi/AbiDialect.h"

#include "mlir/Dialect/GPU/Utils/GPUUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace dlc {
#define GEN_PASS_DEF_CUDAMAPTOGPU
#include "codegen/cuda/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// What may stay on the host: address computations over memrefs that live on the device.
bool isHostOp(Operation *op) {
  return isa<memref::ViewOp, memref::SubViewOp, memref::CollapseShapeOp, memref::ExpandShapeOp, memref::CastOp,
             memref::ReinterpretCastOp, memref::GetGlobalOp, arith::ConstantOp>(op) ||
         op->hasTrait<OpTrait::IsTerminator>();
}

/// A load from a constant global: it reads memory nothing writes.
bool isConstantLoad(Operation *op) {
  auto load = dyn_cast<memref::LoadOp>(op);
  if (!load)
    return false;
  auto get = load.getMemRef().getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return false;
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(get, get.getNameAttr());
  return global && global.getConstant();
}

/// Pure scalar arithmetic: re-created inside whichever launch reads it.
bool isSinkable(Operation *op) {
  if (isConstantLoad(op))
    return true;
  return op->getNumRegions() == 0 && isMemoryEffectFree(op) &&
         llvm::none_of(op->getResultTypes(), [](Type t) { return isa<BaseMemRefType>(t); });
}

/// Values an op (with its regions) reads that are defined outside it.
SmallVector<Value> usedValues(Operation *op) {
  SmallVector<Value> values(op->getOperands());
  op->walk([&](Operation *inner) {
    if (inner == op)
      return;
    for (Value v : inner->getOperands())
      if (!op->isAncestor(v.getParentRegion()->getParentOp()))
        values.push_back(v);
  });
  return values;
}

/// Whether the op holds parallel loops or launches: work for many threads.
bool launchesKernels(Operation *op) {
  return op->walk([](Operation *inner) {
           return isa<scf::ParallelOp, gpu::LaunchOp>(inner) ? WalkResult::interrupt() : WalkResult::advance();
         }).wasInterrupted();
}

struct Group {
  bool parallel = false;
  SmallVector<Operation *> ops;
};

struct CudaMapToGpuPass : dlc::impl::CudaMapToGpuBase<CudaMapToGpuPass> {
  using CudaMapToGpuBase::CudaMapToGpuBase;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.isExternal())
      return;
    if (!fn.getBody().hasOneBlock()) {
      fn.emitError("dlc-cuda-map-to-gpu expects a function with one block (structured control flow)");
      return signalPassFailure();
    }
    SmallVector<Group> groups;
    if (failed(formGroups(fn.getBody().front(), groups)))
      return signalPassFailure();
    for (Group &g : groups) {
      FailureOr<gpu::LaunchOp> launch =
          g.parallel ? parallelLaunch(cast<scf::ParallelOp>(g.ops.front())) : serialLaunch(g.ops);
      if (failed(launch))
        return signalPassFailure();
    }
    // Every launch (also those made earlier, e.g. by dlc-cuda-tile-matmul) re-creates the
    // constants and globals it reads: they become neither kernel arguments nor host addresses.
    auto sink = [](Operation *op) { return isa<arith::ConstantOp, memref::GetGlobalOp>(op) || isSinkable(op); };
    WalkResult walk = fn.walk([&](gpu::LaunchOp launch) {
      return failed(sinkOperationsIntoLaunchOp(launch, sink)) ? WalkResult::interrupt() : WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
  }

  /// Splits the block into launches. Scalars computed on the device (a load, or
  /// arithmetic on one) stay inside the single-thread launch that made them; a parallel
  /// loop reading such a scalar joins that launch.
  LogicalResult formGroups(Block &block, SmallVector<Group> &groups) {
    DenseMap<Value, int> producer; // device-computed value -> its group
    int open = -1;                 // the serial group still accepting ops
    for (Operation &opRef : block) {
      Operation *op = &opRef;
      std::optional<int> tainted;
      for (Value v : usedValues(op)) {
        auto it = producer.find(v);
        if (it == producer.end())
          continue;
        if (tainted && *tainted != it->second)
          return op->emitError("reads device-computed scalars of two different kernels");
        tainted = it->second;
      }
      if (tainted && *tainted != open)
        return op->emitError("reads a scalar computed by an earlier kernel; dlc-cuda-map-to-gpu keeps such "
                             "scalars within one kernel");
      if (isa<memref::AllocOp, memref::AllocaOp>(op))
        return op->emitError("a buffer outside the planned arena cannot live on the device");
      if (isHostOp(op)) {
        if (tainted)
          return op->emitError("an address computation depends on a value computed on the device");
        continue;
      }
      if (isSinkable(op) && !tainted)
        continue;
      // Data parallelism's calls into the runtime (with device addresses) stay on the host,
      // between the kernels before and after them.
      if (isa<dlc::abi::GradReduceStartOp, dlc::abi::GradReduceWaitOp>(op)) {
        if (tainted)
          return op->emitError("a gradient bucket depends on a scalar computed on the device");
        open = -1;
        continue;
      }
      if (isa<gpu::LaunchOp>(op)) { // mapped already (matmul, reduction): keeps its place
        if (tainted)
          return op->emitError("a kernel reads a scalar computed by an earlier kernel");
        open = -1;
        continue;
      }
      // A loop around kernels (an unrolled-in-time recurrence) stays on the host and
      // launches its body's kernels on every iteration.
      if (auto loop = dyn_cast<scf::ForOp>(op); loop && loop.getNumResults() == 0 && !tainted && launchesKernels(loop)) {
        open = -1;
        if (failed(formGroups(*loop.getBody(), groups)))
          return failure();
        open = -1;
        continue;
      }
      auto parallel = dyn_cast<scf::ParallelOp>(op);
      if (parallel && parallel.getNumResults() == 0 && !tainted) {
        open = -1;
        groups.push_back({true, {op}});
        continue;
      }
      if (open < 0) {
        open = groups.size();
        groups.push_back({false, {}});
      }
      groups[open].ops.push_back(op);
      for (Value r : op->getResults())
        producer[r] = open;
    }
    return success();
  }

  /// One thread runs the ops in order; the launch takes the place of the last one.
  gpu::LaunchOp serialLaunch(ArrayRef<Operation *> ops) {
    OpBuilder b(ops.back());
    Location loc = ops.front()->getLoc();
    Value one = b.create<arith::ConstantIndexOp>(loc, 1);
    auto launch = b.create<gpu::LaunchOp>(loc, one, one, one, one, one, one);
    b.setInsertionPointToEnd(&launch.getBody().front());
    auto term = b.create<gpu::TerminatorOp>(loc);
    for (Operation *op : ops)
      op->moveBefore(term);
    return launch;
  }

  /// One thread per point of the flattened iteration space.
  FailureOr<gpu::LaunchOp> parallelLaunch(scf::ParallelOp loop) {
    SmallVector<int64_t> lbs, steps, trips;
    int64_t total = 1;
    for (auto [lb, ub, step] : llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
      auto l = getConstantIntValue(lb), u = getConstantIntValue(ub), s = getConstantIntValue(step);
      if (!l || !u || !s || *s <= 0) {
        loop.emitError("dlc-cuda-map-to-gpu needs constant bounds and positive steps");
        return failure();
      }
      lbs.push_back(*l);
      steps.push_back(*s);
      trips.push_back(*u > *l ? (*u - *l + *s - 1) / *s : 0);
      total *= trips.back();
    }
    OpBuilder b(loop);
    Location loc = loop.getLoc();
    if (total == 0) { // nothing to run
      loop.erase();
      return gpu::LaunchOp();
    }
    int64_t threads = std::min<int64_t>(blockSize, total);
    int64_t blocks = (total + threads - 1) / threads;
    if (blocks > INT32_MAX) {
      loop.emitError("iteration space too large for one launch");
      return failure();
    }
    auto cst = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v).getResult(); };
    Value one = cst(1);
    auto launch = b.create<gpu::LaunchOp>(loc, cst(blocks), one, one, cst(threads), one, one);
    Block &body = launch.getBody().front();
    b.setInsertionPointToEnd(&body);
    gpu::KernelDim3 bid = launch.getBlockIds(), tid = launch.getThreadIds();
    Value gid = b.create<arith::AddIOp>(loc, b.create<arith::MulIOp>(loc, bid.x, cst(threads)), tid.x);
    Value inRange = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, gid, cst(total));
    auto guard = b.create<scf::IfOp>(loc, inRange, /*withElseRegion=*/false);
    b.create<gpu::TerminatorOp>(loc);

    b.setInsertionPoint(guard.thenBlock()->getTerminator());
    IRMapping map;
    Value rest = gid;
    for (int d = (int)trips.size() - 1; d >= 0; --d) {
      Value idx = d == 0 ? rest : b.create<arith::RemUIOp>(loc, rest, cst(trips[d])).getResult();
      if (d > 0)
        rest = b.create<arith::DivUIOp>(loc, rest, cst(trips[d]));
      Value iv = idx;
      if (steps[d] != 1)
        iv = b.create<arith::MulIOp>(loc, iv, cst(steps[d]));
      if (lbs[d] != 0)
        iv = b.create<arith::AddIOp>(loc, iv, cst(lbs[d]));
      map.map(loop.getInductionVars()[d], iv);
    }
    for (Operation &op : loop.getBody()->without_terminator())
      b.clone(op, map);
    loop.erase();
    return launch;
  }
};

} // namespace
