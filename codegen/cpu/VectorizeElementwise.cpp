// dlc-vectorize-elementwise: linalg ops on memrefs -> scalar outer loops around one
// vector loop (masked tail). The vector dim is the output's last index (a parallel dim;
// reduction dims then run inside the vector loop, carrying the output vector) or, for a
// sum/max/min along rows, the innermost reduction dim (lanes hold partial results).
// Operands must be read along it contiguously, with stride 2, repeated (`floordiv`), or
// not at all. Covers elementwise kernels, im2col/col2im copies, fills, broadcasts, max
// pool and its gradient, bias-gradient sums. LLVM alone leaves many of these scalar
// (short rows are fully unrolled before its loop vectorizer runs, and it cannot prove
// the arena's buffers apart).
#include "codegen/cpu/Initializer.h"
#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/IR/IRMapping.h"

namespace dlc {
#define GEN_PASS_DEF_VECTORIZEELEMENTWISE
#include "codegen/cpu/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// How an operand is read along the vector dim d_last: its last index is `d_last * factor
/// + rest` (Strided; factor 1: contiguous), `d_last floordiv factor + rest` (Repeated:
/// each element feeds `factor` lanes, as a pool's gradient reads its window's output), or
/// does not depend on d_last (Invariant). `rest` is free of d_last.
struct Access {
  enum Kind { Strided, Repeated, Invariant, Other } kind;
  int64_t factor = 1;
};

Access accessOf(AffineMap map, unsigned last) {
  MLIRContext *ctx = map.getContext();
  unsigned n = map.getNumResults();
  for (unsigned r = 0; r + 1 < n; ++r)
    if (map.getResult(r).isFunctionOfDim(last))
      return {Access::Other};
  if (n == 0 || !map.getResult(n - 1).isFunctionOfDim(last))
    return {Access::Invariant};
  AffineExpr e = map.getResult(n - 1), dl = getAffineDimExpr(last, ctx);
  for (int64_t f : {1, 2}) {
    AffineExpr rest = simplifyAffineExpr(e - dl * f, map.getNumDims(), 0);
    if (!rest.isFunctionOfDim(last))
      return {Access::Strided, f};
  }
  // d_last floordiv c, alone or plus terms free of d_last.
  auto repeated = [&](AffineExpr x) -> int64_t {
    auto bin = dyn_cast<AffineBinaryOpExpr>(x);
    if (!bin || bin.getKind() != AffineExprKind::FloorDiv || bin.getLHS() != dl)
      return 0;
    auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
    return c && c.getValue() > 1 ? c.getValue() : 0;
  };
  if (int64_t c = repeated(e))
    return {Access::Repeated, c};
  if (auto add = dyn_cast<AffineBinaryOpExpr>(e); add && add.getKind() == AffineExprKind::Add) {
    if (int64_t c = repeated(add.getLHS()); c && !add.getRHS().isFunctionOfDim(last))
      return {Access::Repeated, c};
    if (int64_t c = repeated(add.getRHS()); c && !add.getLHS().isFunctionOfDim(last))
      return {Access::Repeated, c};
  }
  return {Access::Other};
}

bool unitInnerStride(MemRefType t) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!t.hasStaticShape() || failed(t.getStridesAndOffset(strides, offset)))
    return false;
  return strides.empty() || strides.back() == 1;
}

bool vectorizableScalar(Type t) { return isa<FloatType>(t) || (isa<IntegerType>(t) && t.getIntOrFloatBitWidth() <= 64); }

/// Memory holds whole bytes per element; a vector of i1 would load packed bits.
bool vectorizableElement(Type t) { return vectorizableScalar(t) && t.getIntOrFloatBitWidth() % 8 == 0; }

/// The loop dim vectorized: the one the output's last index is (a parallel dim).
std::optional<unsigned> vectorDim(linalg::LinalgOp op) {
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (out.getNumResults() == 0)
    return std::nullopt;
  auto d = dyn_cast<AffineDimExpr>(out.getResult(out.getNumResults() - 1));
  if (!d || op.getIteratorTypesArray()[d.getPosition()] != utils::IteratorType::parallel)
    return std::nullopt;
  return d.getPosition();
}

/// Whether every op of `op`'s body can run on vectors, masked lanes included.
bool bodyVectorizable(linalg::LinalgOp op) {
  for (Operation &inner : op.getBlock()->without_terminator()) {
    if (!OpTrait::hasElementwiseMappableTraits(&inner) || inner.getNumRegions() != 0)
      return false;
    // Masked-off lanes hold zeros: an integer division there would trap.
    if (isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp, arith::CeilDivSIOp, arith::CeilDivUIOp,
            arith::FloorDivSIOp>(inner))
      return false;
    for (Type t : inner.getResultTypes())
      if (!vectorizableScalar(t) && !t.isInteger(1))
        return false;
  }
  return true;
}

/// Sorts the loops of `op` other than the vector dim `last` into parallel and reduction
/// ones, in order; returns the iteration count of all the loops.
int64_t partitionLoops(linalg::LinalgOp op, unsigned last, SmallVectorImpl<unsigned> &outerDims,
                       SmallVectorImpl<unsigned> &reductionDims) {
  auto iters = op.getIteratorTypesArray();
  for (unsigned d = 0; d < op.getNumLoops(); ++d)
    if (d != last)
      (iters[d] == utils::IteratorType::parallel ? outerDims : reductionDims).push_back(d);
  int64_t total = 1;
  for (int64_t r : op.getStaticLoopRanges())
    total *= r;
  return total;
}

/// What the output of a generic with reduction dims holds before it, when the op just
/// before wrote it whole: a fill's value, or a copy's input (a conv's bias broadcast) read
/// through `map` (the copy's input map after the generic's output map). The accumulators
/// start from it, and the writer goes: a pass over the output saved.
struct InitialOut {
  Operation *writer = nullptr;
  Value scalar; // a fill's value
  Value mem;    // else the copy's input, read at `map` of the generic's loop indices
  AffineMap map;
  Access access{Access::Other};
};

struct VectorizeElementwisePass : dlc::impl::VectorizeElementwiseBase<VectorizeElementwisePass> {
  using VectorizeElementwiseBase::VectorizeElementwiseBase;

  /// The writer of `op`'s output that the vector loop can start from (see InitialOut).
  InitialOut initialOutOf(linalg::LinalgOp op) {
    if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0)
      return {};
    Value out = op.getDpsInits()[0];
    Operation *writer = dlc::precedingWriterOf(op, out);
    if (auto fill = dyn_cast_or_null<linalg::FillOp>(writer)) {
      if (fill.hasPureBufferSemantics() && fill.getDpsInits()[0] == out)
        return {fill, fill.getDpsInputs()[0]};
      return {};
    }
    linalg::GenericOp copy = dlc::asWholeCopyInto(writer, out);
    if (!copy)
      return {};
    Value input = copy.getDpsInputs()[0];
    auto inputType = cast<MemRefType>(input.getType());
    if (inputType.getElementType() != cast<MemRefType>(out.getType()).getElementType() ||
        !vectorizableElement(inputType.getElementType()))
      return {};
    AffineMap map = copy.getMatchingIndexingMap(copy.getDpsInputOperand(0))
                        .compose(op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
    Access access = accessOf(map, *vectorDim(op));
    bool readable = access.kind == Access::Invariant ||
                    (access.kind == Access::Strided && access.factor == 1 && unitInnerStride(inputType));
    if (!readable)
      return {};
    return {copy, Value(), input, map, access};
  }

  /// Whether `op` can be rewritten: every check is made before anything is built.
  bool supported(linalg::LinalgOp op) {
    // Every output element is written by one (parallel) iteration or accumulated over the
    // reduction dims, which a projected permutation leaves out.
    if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0 || op->getNumRegions() != 1 ||
        op.getNumDpsInits() == 0 || op.hasIndexSemantics() ||
        !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isProjectedPermutation())
      return false;
    // Several outputs (an LSTM cell's h and c): all parallel, written at the same indices.
    if (op.getNumDpsInits() > 1 &&
        (op.getNumReductionLoops() != 0 || llvm::any_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
           return op.getMatchingIndexingMap(&init) != op.getMatchingIndexingMap(op.getDpsInitOperand(0));
         })))
      return false;
    std::optional<unsigned> vdim = vectorDim(op);
    if (!vdim)
      return false;
    unsigned last = *vdim;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic))
      return false;
    for (OpOperand &operand : op->getOpOperands()) {
      auto t = dyn_cast<MemRefType>(operand.get().getType());
      if (!t) {
        if (!vectorizableScalar(operand.get().getType()) || op.isDpsInit(&operand))
          return false;
        continue;
      }
      if (!vectorizableElement(t.getElementType()) || !unitInnerStride(t))
        return false;
      Access a = accessOf(op.getMatchingIndexingMap(&operand), last);
      if (a.kind == Access::Other || (op.isDpsInit(&operand) && (a.kind != Access::Strided || a.factor != 1)))
        return false;
      if (a.kind == Access::Repeated && vectorWidth % a.factor)
        return false;
    }
    return bodyVectorizable(op);
  }

  /// scf.for loops over the parallel `outerDims` (their ivs put in `ivs`) around `inner`;
  /// the outermost is marked parallel when there is enough work: its iterations write
  /// disjoint outputs.
  void nestOuterLoops(OpBuilder &b, Location loc, ArrayRef<unsigned> outerDims, ArrayRef<int64_t> ranges,
                      int64_t total, SmallVectorImpl<Value> &ivs, function_ref<void(OpBuilder &)> inner) {
    std::function<void(OpBuilder &, unsigned)> nest = [&](OpBuilder &ob, unsigned i) {
      if (i == outerDims.size()) {
        inner(ob);
        return;
      }
      unsigned d = outerDims[i];
      auto idx = [&](int64_t v) -> Value { return ob.create<arith::ConstantIndexOp>(loc, v); };
      auto loop = ob.create<scf::ForOp>(loc, idx(0), idx(ranges[d]), idx(1), ValueRange{},
                                        [&](OpBuilder &nb, Location l, Value iv, ValueRange) {
                                          ivs[d] = iv;
                                          nest(nb, i + 1);
                                          nb.create<scf::YieldOp>(l);
                                        });
      if (i == 0 && ranges[d] >= 2 && total >= parallelThreshold)
        dlc::abi::setParallel(loop);
    };
    nest(b, 0);
  }

  void rewrite(linalg::LinalgOp op, const InitialOut &initial) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    unsigned loops = op.getNumLoops(), last = *vectorDim(op);
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<unsigned> outerDims, reductionDims;
    int64_t total = partitionLoops(op, last, outerDims, reductionDims);
    SmallVector<Value> ivs(loops);

    // Parallel dims outside, then the vector loop over the last dim, then the reductions.
    nestOuterLoops(b, loc, outerDims, ranges, total, ivs,
                   [&](OpBuilder &ob) { emitInner(ob, op, ivs, ranges, reductionDims, initial); });
    op->erase();
    if (initial.writer)
      initial.writer->erase();
  }

  /// Loads `lanes` (<= vector width) lanes of `operand` at the loop point `ivs`.
  Value load(OpBuilder &b, Location loc, Value mem, AffineMap m, Access a, ArrayRef<Value> ivs, int64_t lanes) {
    int64_t vl = vectorWidth;
    auto elem = cast<MemRefType>(mem.getType()).getElementType();
    SmallVector<Value> at;
    for (AffineExpr e : m.getResults())
      at.push_back(b.create<affine::AffineApplyOp>(loc, AffineMap::get(m.getNumDims(), 0, e), ivs));
    auto chunk = [&](int64_t width, int64_t valid, int64_t offset) -> Value {
      auto vt = VectorType::get({width}, elem);
      SmallVector<Value> pos(at);
      if (offset)
        pos.back() = b.create<arith::AddIOp>(loc, pos.back(), b.create<arith::ConstantIndexOp>(loc, offset));
      if (valid >= width)
        return b.create<vector::LoadOp>(loc, vt, mem, pos);
      Value mask = b.create<vector::ConstantMaskOp>(loc, VectorType::get({width}, b.getI1Type()),
                                                    ArrayRef<int64_t>{std::max<int64_t>(valid, 0)});
      Value pass = b.create<arith::ConstantOp>(loc, vt, b.getZeroAttr(vt));
      return b.create<vector::MaskedLoadOp>(loc, vt, mem, pos, mask, pass);
    };
    auto vt = VectorType::get({vl}, elem);
    switch (a.kind) {
    case Access::Invariant:
      return b.create<vector::BroadcastOp>(loc, vt, b.create<memref::LoadOp>(loc, mem, at));
    case Access::Strided: {
      if (a.factor == 1)
        return chunk(vl, lanes, 0);
      // Two contiguous vectors, every other element.
      int64_t span = 2 * (lanes - 1) + 1;
      Value lo = chunk(vl, span, 0), hi = chunk(vl, span - vl, vl);
      SmallVector<int64_t> even;
      for (int64_t l = 0; l < vl; ++l)
        even.push_back(2 * l);
      return b.create<vector::ShuffleOp>(loc, lo, hi, even);
    }
    case Access::Repeated: {
      // vl / c elements, each repeated c times.
      int64_t c = a.factor, width = vl / c;
      Value v = chunk(width, (lanes + c - 1) / c, 0);
      SmallVector<int64_t> spread;
      for (int64_t l = 0; l < vl; ++l)
        spread.push_back(l / c);
      return b.create<vector::ShuffleOp>(loc, v, v, spread);
    }
    case Access::Other:
      break;
    }
    llvm_unreachable("unsupported access");
  }

  /// The body on vectors at the loop point `ivs`, `lanes` lanes valid along `vdim`; `accs`
  /// (null where unread) stand for the outputs' block arguments. Returns one vector per
  /// output.
  SmallVector<Value> computeBody(OpBuilder &ob, linalg::LinalgOp op, ArrayRef<Value> ivs, unsigned vdim, int64_t lanes,
                                 ArrayRef<Value> accs) {
    Location loc = op.getLoc();
    int64_t vl = vectorWidth;
    Block *block = op.getBlock();
    auto vecOf = [&](Type t) { return VectorType::get({vl}, t); };
    IRMapping map;
    for (OpOperand *in : op.getDpsInputOperands()) {
      Value arg = block->getArgument(in->getOperandNumber());
      if (arg.use_empty())
        continue;
      Value v = in->get();
      if (!isa<MemRefType>(v.getType()))
        map.map(arg, ob.create<vector::BroadcastOp>(loc, vecOf(v.getType()), v));
      else
        map.map(arg, load(ob, loc, v, op.getMatchingIndexingMap(in), accessOf(op.getMatchingIndexingMap(in), vdim), ivs,
                          lanes));
    }
    for (auto [init, acc] : llvm::zip(op.getDpsInitsMutable(), accs))
      if (acc)
        map.map(block->getArgument(init.getOperandNumber()), acc);
    for (Operation &inner : block->without_terminator()) {
      SmallVector<Value> operands;
      for (Value o : inner.getOperands()) {
        Value mapped = map.lookupOrNull(o);
        if (!mapped) // defined outside the body: the same scalar in every lane
          mapped = ob.create<vector::BroadcastOp>(loc, vecOf(o.getType()), o);
        operands.push_back(mapped);
      }
      SmallVector<Type> types;
      for (Type t : inner.getResultTypes())
        types.push_back(vecOf(t));
      OperationState state(loc, inner.getName().getStringRef(), operands, types, inner.getAttrs());
      map.map(inner.getResults(), ob.create(state)->getResults());
    }
    SmallVector<Value> results;
    for (Value result : block->getTerminator()->getOperands()) {
      Value vec = map.lookupOrNull(result);
      results.push_back(vec ? vec : ob.create<vector::BroadcastOp>(loc, vecOf(result.getType()), result));
    }
    return results;
  }

  /// The vector loop over the last dim (outer induction variables already in `ivs`), with
  /// the reduction loops inside it carrying the output vector.
  void emitInner(OpBuilder &b, linalg::LinalgOp op, SmallVector<Value> &ivs, ArrayRef<int64_t> ranges,
                 ArrayRef<unsigned> reductionDims, const InitialOut &initial) {
    Location loc = op.getLoc();
    unsigned last = *vectorDim(op);
    int64_t vl = vectorWidth, n = ranges[last], full = n - n % vl;
    Block *block = op.getBlock();
    OpOperand *init = op.getDpsInitOperand(0);
    AffineMap outMap = op.getMatchingIndexingMap(init);

    auto step = [&](OpBuilder &ob, Value j, int64_t lanes) {
      ivs[last] = j;
      // The output's indices do not use the reduction dims: any in-scope value will do.
      Value zero = ob.create<arith::ConstantIndexOp>(loc, 0);
      for (unsigned d : reductionDims)
        ivs[d] = zero;
      SmallVector<Value> accs;
      if (initial.scalar)
        accs.push_back(ob.create<vector::BroadcastOp>(loc, VectorType::get({vl}, initial.scalar.getType()),
                                                      initial.scalar));
      else if (initial.mem)
        accs.push_back(load(ob, loc, initial.mem, initial.map, initial.access, ivs, lanes));
      else
        for (OpOperand &out : op.getDpsInitsMutable()) {
          bool readsOut = !block->getArgument(out.getOperandNumber()).use_empty();
          accs.push_back(readsOut || !reductionDims.empty()
                             ? load(ob, loc, out.get(), outMap, {Access::Strided, 1}, ivs, lanes)
                             : Value());
        }
      // Reduction dims (one output only): nested loops carrying the accumulator.
      std::function<Value(OpBuilder &, unsigned, Value)> reduce = [&](OpBuilder &rb, unsigned i, Value a) -> Value {
        if (i == reductionDims.size())
          return computeBody(rb, op, ivs, last, lanes, a).front();
        unsigned d = reductionDims[i];
        auto loop = rb.create<scf::ForOp>(loc, rb.create<arith::ConstantIndexOp>(loc, 0),
                                          rb.create<arith::ConstantIndexOp>(loc, ranges[d]),
                                          rb.create<arith::ConstantIndexOp>(loc, 1), ValueRange{a},
                                          [&](OpBuilder &nb, Location l, Value iv, ValueRange carried) {
                                            ivs[d] = iv;
                                            nb.create<scf::YieldOp>(l, reduce(nb, i + 1, carried[0]));
                                          });
        return loop.getResult(0);
      };
      SmallVector<Value> vecs =
          reductionDims.empty() ? computeBody(ob, op, ivs, last, lanes, accs) : SmallVector<Value>{reduce(ob, 0, accs[0])};
      for (unsigned d : reductionDims)
        ivs[d] = zero;
      SmallVector<Value> at;
      for (AffineExpr e : outMap.getResults())
        at.push_back(ob.create<affine::AffineApplyOp>(loc, AffineMap::get(outMap.getNumDims(), 0, e), ivs));
      Value mask;
      if (lanes < vl)
        mask = ob.create<vector::ConstantMaskOp>(loc, VectorType::get({vl}, ob.getI1Type()), ArrayRef<int64_t>{lanes});
      for (auto [out, vec] : llvm::zip(op.getDpsInitsMutable(), vecs)) {
        if (mask)
          ob.create<vector::MaskedStoreOp>(loc, out.get(), at, mask, vec);
        else
          ob.create<vector::StoreOp>(loc, vec, out.get(), at);
      }
    };
    if (full > 0)
      b.create<scf::ForOp>(loc, b.create<arith::ConstantIndexOp>(loc, 0), b.create<arith::ConstantIndexOp>(loc, full),
                           b.create<arith::ConstantIndexOp>(loc, vl), ValueRange{},
                           [&](OpBuilder &nb, Location l, Value j, ValueRange) {
                             step(nb, j, vl);
                             nb.create<scf::YieldOp>(l);
                           });
    if (full < n)
      step(b, b.create<arith::ConstantIndexOp>(loc, full), n - full);
  }

  //===--------------------------------------------------------------------===//
  // Reductions along the innermost loop dim: out = combine(out, f(inputs)) with an
  // associative combine; lanes hold partial results, reduced into the output at the end.
  //===--------------------------------------------------------------------===//

  /// The combining op of a reduction body, its vector kind and neutral element.
  struct Combiner {
    Operation *op;
    vector::CombiningKind kind;
    TypedAttr neutral;
  };

  std::optional<Combiner> combinerOf(linalg::LinalgOp op) {
    Block *block = op.getBlock();
    Value out = block->getArgument(op.getDpsInitOperand(0)->getOperandNumber());
    Operation *c = block->getTerminator()->getOperand(0).getDefiningOp();
    if (!c || c->getBlock() != block || c->getNumOperands() != 2 || !out.hasOneUse() || *out.getUsers().begin() != c)
      return std::nullopt;
    Type t = out.getType();
    Builder b(op.getContext());
    auto fl = [&](double v) -> TypedAttr { return b.getFloatAttr(t, v); };
    double inf = std::numeric_limits<double>::infinity();
    if (isa<arith::AddFOp>(c))
      return Combiner{c, vector::CombiningKind::ADD, fl(0)};
    if (isa<arith::MaximumFOp>(c))
      return Combiner{c, vector::CombiningKind::MAXIMUMF, fl(-inf)};
    if (isa<arith::MinimumFOp>(c))
      return Combiner{c, vector::CombiningKind::MINIMUMF, fl(inf)};
    if (isa<arith::MaxNumFOp>(c))
      return Combiner{c, vector::CombiningKind::MAXNUMF, fl(-inf)};
    if (isa<arith::MinNumFOp>(c))
      return Combiner{c, vector::CombiningKind::MINNUMF, fl(inf)};
    if (isa<arith::AddIOp>(c))
      return Combiner{c, vector::CombiningKind::ADD, b.getIntegerAttr(t, 0)};
    return std::nullopt;
  }

  bool supportedReduction(linalg::LinalgOp op) {
    if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0 || op->getNumRegions() != 1 ||
        op.getNumDpsInits() != 1 || op.hasIndexSemantics())
      return false;
    unsigned last = op.getNumLoops() - 1;
    if (op.getIteratorTypesArray()[last] != utils::IteratorType::reduction ||
        llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic))
      return false;
    OpOperand *init = op.getDpsInitOperand(0);
    auto outType = dyn_cast<MemRefType>(init->get().getType());
    if (!outType || !vectorizableElement(outType.getElementType()) ||
        !op.getMatchingIndexingMap(init).isProjectedPermutation())
      return false;
    for (OpOperand *in : op.getDpsInputOperands()) {
      auto t = dyn_cast<MemRefType>(in->get().getType());
      if (!t) {
        if (!vectorizableScalar(in->get().getType()))
          return false;
        continue;
      }
      Access a = accessOf(op.getMatchingIndexingMap(in), last);
      if (!vectorizableElement(t.getElementType()) || !unitInnerStride(t) ||
          !(a.kind == Access::Invariant || (a.kind == Access::Strided && a.factor == 1)))
        return false;
    }
    return combinerOf(op) && bodyVectorizable(op);
  }

  void rewriteReduction(linalg::LinalgOp op) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    Combiner comb = *combinerOf(op);
    unsigned loops = op.getNumLoops(), last = loops - 1;
    int64_t vl = vectorWidth;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    auto iters = op.getIteratorTypesArray();
    SmallVector<unsigned> outerDims, reductionDims;
    int64_t total = partitionLoops(op, last, outerDims, reductionDims);
    OpOperand *init = op.getDpsInitOperand(0);
    AffineMap outMap = op.getMatchingIndexingMap(init);
    Type elem = cast<MemRefType>(init->get().getType()).getElementType();
    auto vt = VectorType::get({vl}, elem);
    SmallVector<Value> ivs(loops);
    auto idx = [&](OpBuilder &ob, int64_t v) -> Value { return ob.create<arith::ConstantIndexOp>(loc, v); };
    int64_t n = ranges[last], full = n - n % vl;

    // Innermost: the vector loop over the last dim, then the masked tail.
    auto rowOf = [&](OpBuilder &ob, Value acc) -> Value {
      if (full > 0)
        acc = ob.create<scf::ForOp>(loc, idx(ob, 0), idx(ob, full), idx(ob, vl), ValueRange{acc},
                                    [&](OpBuilder &nb, Location l, Value j, ValueRange carried) {
                                      ivs[last] = j;
                                      nb.create<scf::YieldOp>(l, computeBody(nb, op, ivs, last, vl, carried[0]).front());
                                    })
                  .getResult(0);
      if (full < n) {
        ivs[last] = idx(ob, full);
        Value next = computeBody(ob, op, ivs, last, n - full, acc).front();
        Value mask =
            ob.create<vector::ConstantMaskOp>(loc, VectorType::get({vl}, ob.getI1Type()), ArrayRef<int64_t>{n - full});
        acc = ob.create<arith::SelectOp>(loc, mask, next, acc);
      }
      return acc;
    };
    std::function<Value(OpBuilder &, unsigned, Value)> reduce = [&](OpBuilder &ob, unsigned i, Value acc) -> Value {
      if (i == reductionDims.size())
        return rowOf(ob, acc);
      unsigned d = reductionDims[i];
      return ob.create<scf::ForOp>(loc, idx(ob, 0), idx(ob, ranges[d]), idx(ob, 1), ValueRange{acc},
                                   [&](OpBuilder &nb, Location l, Value iv, ValueRange carried) {
                                     ivs[d] = iv;
                                     nb.create<scf::YieldOp>(l, reduce(nb, i + 1, carried[0]));
                                   })
          .getResult(0);
    };
    nestOuterLoops(b, loc, outerDims, ranges, total, ivs, [&](OpBuilder &ob) {
      Value start = ob.create<arith::ConstantOp>(loc, vt, DenseElementsAttr::get(vt, comb.neutral));
      Value acc = reduce(ob, 0, start);
      // reassoc: combine the lanes as a tree, not as an ordered chain of scalar ops.
      Value lanes = ob.create<vector::ReductionOp>(loc, comb.kind, acc, arith::FastMathFlags::reassoc);
      // The output's indices do not use the reduction dims.
      for (unsigned d = 0; d < loops; ++d)
        if (iters[d] == utils::IteratorType::reduction)
          ivs[d] = idx(ob, 0);
      SmallVector<Value> at;
      for (AffineExpr e : outMap.getResults())
        at.push_back(ob.create<affine::AffineApplyOp>(loc, AffineMap::get(loops, 0, e), ivs));
      Value old = ob.create<memref::LoadOp>(loc, init->get(), at);
      OperationState state(loc, comb.op->getName().getStringRef(), ValueRange{old, lanes}, TypeRange{elem},
                           comb.op->getAttrs());
      ob.create<memref::StoreOp>(loc, ob.create(state)->getResult(0), init->get(), at);
    });
    op->erase();
  }

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops, reductions;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (supported(op))
        ops.push_back(op);
      else if (supportedReduction(op))
        reductions.push_back(op);
    });
    // The writers are found before any op is rewritten: a bias copy is itself an op here.
    SmallVector<InitialOut> initials;
    llvm::SmallPtrSet<Operation *, 8> writers;
    for (linalg::LinalgOp op : ops) {
      initials.push_back(initialOutOf(op));
      if (initials.back().writer)
        writers.insert(initials.back().writer);
    }
    for (auto [op, initial] : llvm::zip(ops, initials))
      if (!writers.contains(op))
        rewrite(op, initial);
    for (linalg::LinalgOp op : reductions)
      rewriteReduction(op);
  }
};

} // namespace
