// dlc-plan-memory: static allocations of an entry point -> views into one arena,
// with bytes shared between buffers whose live ranges do not overlap.
#include "codegen/linalg/Passes.h"

#include "mlir/Interfaces/ViewLikeInterface.h"

namespace dlc {
#define GEN_PASS_DEF_PLANMEMORY
#include "codegen/linalg/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;

namespace {

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes = 0, start = 0, end = 0, offset = 0;
};

int64_t alignTo(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

struct PlanMemoryPass : dlc::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!abi::isEntry(func) || func.isExternal())
      return;
    Block &block = func.getBody().front();
    // A static buffer allocated inside a loop body (scratch of a recurrent step) holds
    // nothing across iterations: bufferization makes loop-carried values equivalent to
    // the iteration arguments. So one buffer before the loop serves every iteration.
    SmallVector<memref::AllocOp> nested;
    func.walk([&](memref::AllocOp alloc) {
      if (alloc->getBlock() != &block && alloc.getDynamicSizes().empty() && alloc.getSymbolOperands().empty() &&
          alloc->getParentOfType<scf::ForOp>())
        nested.push_back(alloc);
    });
    for (memref::AllocOp alloc : nested)
      alloc->moveBefore(block.findAncestorOpInBlock(*alloc));
    DenseMap<Operation *, int64_t> position;
    int64_t pos = 0;
    for (Operation &op : block)
      position[&op] = pos++;

    SmallVector<Buffer> buffers;
    bool failedAlloc = false;
    func.walk([&](memref::AllocOp alloc) {
      auto type = alloc.getType();
      if (alloc->getBlock() != &block || !type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitOpError() << "cannot be planned into the arena: it must be static, have an identity "
                               "layout and sit at the top level of the entry point";
        failedAlloc = true;
        return;
      }
      Buffer buf;
      buf.alloc = alloc;
      int64_t elemBytes = (type.getElementTypeBitWidth() + 7) / 8;
      buf.bytes = alignTo(std::max<int64_t>(type.getNumElements() * elemBytes, 1), alignment);
      buf.start = buf.end = position[alloc];
      // Every use, through views, keeps the buffer alive until its top-level op.
      SmallVector<Value> worklist{alloc.getResult()};
      while (!worklist.empty()) {
        Value v = worklist.pop_back_val();
        for (Operation *user : v.getUsers()) {
          if (isa<memref::DeallocOp>(user))
            continue;
          if (auto view = dyn_cast<ViewLikeOpInterface>(user))
            if (view.getViewSource() == v)
              for (Value r : user->getResults())
                worklist.push_back(r);
          Operation *top = block.findAncestorOpInBlock(*user);
          if (top)
            buf.end = std::max(buf.end, position[top]);
        }
      }
      buffers.push_back(buf);
    });
    if (failedAlloc)
      return signalPassFailure();

    // Largest first, each at the lowest offset free during its whole live range.
    SmallVector<Buffer *> order;
    for (Buffer &b : buffers)
      order.push_back(&b);
    llvm::stable_sort(order, [](Buffer *a, Buffer *b) { return a->bytes > b->bytes; });
    SmallVector<Buffer *> placed;
    int64_t arenaBytes = 0;
    for (Buffer *buf : order) {
      SmallVector<Buffer *> live;
      for (Buffer *p : placed)
        if (!(p->end < buf->start || buf->end < p->start))
          live.push_back(p);
      llvm::sort(live, [](Buffer *a, Buffer *b) { return a->offset < b->offset; });
      int64_t offset = 0;
      for (Buffer *p : live) {
        if (offset + buf->bytes <= p->offset)
          break;
        offset = std::max(offset, p->offset + p->bytes);
      }
      buf->offset = offset;
      arenaBytes = std::max(arenaBytes, offset + buf->bytes);
      placed.push_back(buf);
    }

    OpBuilder b(func.getContext());
    auto arenaType = MemRefType::get({std::max<int64_t>(arenaBytes, alignment)}, b.getI8Type());
    unsigned argIndex = func.getNumArguments();
    if (failed(func.insertArgument(argIndex, arenaType, abi::arenaAttrs(func.getContext()),
                                   func.getLoc())))
      return signalPassFailure();
    Value arena = func.getArgument(argIndex);
    for (Buffer &buf : buffers) {
      b.setInsertionPoint(buf.alloc);
      Value offset = b.create<arith::ConstantIndexOp>(buf.alloc.getLoc(), buf.offset);
      auto view = b.create<memref::ViewOp>(buf.alloc.getLoc(), buf.alloc.getType(), arena, offset, ValueRange{});
      buf.alloc.replaceAllUsesWith(view.getResult());
      buf.alloc.erase();
    }
    SmallVector<memref::DeallocOp> deallocs;
    func.walk([&](memref::DeallocOp d) { deallocs.push_back(d); });
    for (auto d : deallocs)
      d.erase();
    abi::setArenaBytes(func, arenaType.getDimSize(0));
  }
};

} // namespace
