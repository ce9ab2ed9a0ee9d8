// dlc-vectorize-matmul: f32 linalg.matmul on memrefs -> register-blocked vector loops.
#include "codegen/cpu/Passes.h"
#include "codegen/cpu/Initializer.h"
#include "codegen/cpu/PackedMatmul.h"
#include "codegen/linalg/LoweringUtils.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace dlc {
#define GEN_PASS_DEF_VECTORIZEMATMUL
#include "codegen/cpu/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

bool unitInnerStride(MemRefType t) {
  if (!t.hasStaticShape())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(t.getStridesAndOffset(strides, offset)))
    return false;
  return !strides.empty() && strides.back() == 1;
}

/// What both kernels' emitters build with: the operands, K, the vector width and type.
struct EmitterBase {
  OpBuilder &b;
  Location loc;
  Value A, B, C;
  int64_t K, VL;
  VectorType vt;
  dlc::InitialC initC; // what the tiles start from (Memory: C itself)

  Value idx(int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); }
  Value add(Value x, int64_t v) { return v ? (Value)b.create<arith::AddIOp>(loc, x, idx(v)) : x; }
};

struct MatmulEmitter : EmitterBase {
  bool transA = false; // A is K x M
  /// C[i0 : i0+rows, j0 : j0+nvec*VL] += A[i0 : i0+rows, :] * B[:, j0 : ...], the C block
  /// held in rows*nvec vector registers across the K loop. With `tail` < VL the tile is
  /// one vector of which only the first `tail` lanes are loaded and stored (masked).
  void tile(Value i0, Value j0, int64_t rows, int64_t nvec, int64_t tail = 0) {
    SmallVector<Value> rowIdx, colIdx, init;
    Value mask, zero;
    if (tail) {
      mask = b.create<vector::ConstantMaskOp>(loc, VectorType::get({VL}, b.getI1Type()), ArrayRef<int64_t>{tail});
      zero = b.create<arith::ConstantOp>(loc, vt, DenseElementsAttr::get(vt, b.getF32FloatAttr(0)));
    }
    auto load = [&](OpBuilder &ob, Location l, Value mem, ValueRange at) -> Value {
      if (tail)
        return ob.create<vector::MaskedLoadOp>(l, vt, mem, at, mask, zero);
      return ob.create<vector::LoadOp>(l, vt, mem, at);
    };
    for (int64_t r = 0; r < rows; ++r)
      rowIdx.push_back(add(i0, r));
    for (int64_t c = 0; c < nvec; ++c)
      colIdx.push_back(add(j0, c * VL));
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < nvec; ++c)
        init.push_back(initC.vectorAt(b, loc, vt, C, rowIdx[r], colIdx[c], mask));
    auto kLoop = b.create<scf::ForOp>(
        loc, idx(0), idx(K), idx(1), init, [&](OpBuilder &nb, Location l, Value k, ValueRange accs) {
          SmallVector<Value> bv, av;
          for (int64_t c = 0; c < nvec; ++c)
            bv.push_back(load(nb, l, B, ValueRange{k, colIdx[c]}));
          for (int64_t r = 0; r < rows; ++r) {
            SmallVector<Value, 2> at = transA ? SmallVector<Value, 2>{k, rowIdx[r]} : SmallVector<Value, 2>{rowIdx[r], k};
            av.push_back(nb.create<memref::LoadOp>(l, A, at));
          }
          nb.create<scf::YieldOp>(l, dlc::outerProductStep(nb, l, av, bv, accs));
        });
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < nvec; ++c) {
        Value acc = kLoop.getResult(r * nvec + c);
        if (tail)
          b.create<vector::MaskedStoreOp>(loc, C, ValueRange{rowIdx[r], colIdx[c]}, mask, acc);
        else
          b.create<vector::StoreOp>(loc, acc, C, ValueRange{rowIdx[r], colIdx[c]});
      }
  }

  /// Tiles of `nvec` vectors over columns [j0, j1), MR rows then the leftover rows.
  void columnStrip(int64_t j0, int64_t j1, int64_t nvec, int64_t M, int64_t MR, int64_t tail = 0) {
    int64_t width = tail ? VL : nvec * VL, mFull = M - M % MR;
    if (j1 <= j0)
      return;
    auto strips = b.create<scf::ForOp>(loc, idx(j0), idx(j1), idx(width), ValueRange{},
                         [&](OpBuilder &nb, Location l, Value j, ValueRange) {
                           OpBuilder::InsertionGuard g(b);
                           b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
                           if (mFull > 0)
                             b.create<scf::ForOp>(l, idx(0), idx(mFull), idx(MR), ValueRange{},
                                                  [&](OpBuilder &ib, Location il, Value i, ValueRange) {
                                                    OpBuilder::InsertionGuard g2(b);
                                                    b.setInsertionPoint(ib.getInsertionBlock(), ib.getInsertionPoint());
                                                    tile(i, j, MR, nvec, tail);
                                                    b.create<scf::YieldOp>(il);
                                                  });
                           // The leftover rows as one tile: 8 rows are a 6-row and a 2-row
                           // tile, not 6 + 1 + 1 (a recurrence's batch of 8, measured).
                           if (mFull < M)
                             tile(idx(mFull), j, M - mFull, nvec, tail);
                           b.create<scf::YieldOp>(l);
                         });
    // Strips write disjoint columns of C.
    dlc::abi::setParallel(strips);
  }

};

/// C[M x N] += A[M x K] * B[N x K]^T, both operands read along K: each MR x NR block of C
/// is MR * NR vector accumulators over K (the last K % VL elements through masked loads),
/// reduced to scalars at the end. For the long, narrow products of weight gradients.
struct DotEmitter : EmitterBase {

  void tile(Value i0, Value j0, int64_t rows, int64_t cols) {
    SmallVector<Value> rowIdx, colIdx, init;
    for (int64_t r = 0; r < rows; ++r)
      rowIdx.push_back(add(i0, r));
    for (int64_t c = 0; c < cols; ++c)
      colIdx.push_back(add(j0, c));
    Value zero = b.create<arith::ConstantOp>(loc, vt, DenseElementsAttr::get(vt, b.getF32FloatAttr(0)));
    init.assign(rows * cols, zero);
    // Accumulates one K chunk at `k`; `mask` (may be null) limits the loads.
    auto step = [&](OpBuilder &nb, Location l, Value k, ValueRange accs, Value mask) {
      auto load = [&](Value mem, Value at) -> Value {
        if (mask)
          return nb.create<vector::MaskedLoadOp>(l, vt, mem, ValueRange{at, k}, mask, zero);
        return nb.create<vector::LoadOp>(l, vt, mem, ValueRange{at, k});
      };
      SmallVector<Value> av, bv, next;
      for (int64_t r = 0; r < rows; ++r)
        av.push_back(load(A, rowIdx[r]));
      for (int64_t c = 0; c < cols; ++c)
        bv.push_back(load(B, colIdx[c]));
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          next.push_back(nb.create<vector::FMAOp>(l, av[r], bv[c], accs[r * cols + c]));
      return next;
    };
    int64_t kFull = K - K % VL;
    SmallVector<Value> accs(init);
    if (kFull > 0) {
      auto kLoop = b.create<scf::ForOp>(loc, idx(0), idx(kFull), idx(VL), init,
                                        [&](OpBuilder &nb, Location l, Value k, ValueRange in) {
                                          nb.create<scf::YieldOp>(l, step(nb, l, k, in, Value()));
                                        });
      accs.assign(kLoop.getResults().begin(), kLoop.getResults().end());
    }
    if (kFull < K) {
      Value mask =
          b.create<vector::ConstantMaskOp>(loc, VectorType::get({VL}, b.getI1Type()), ArrayRef<int64_t>{K - kFull});
      accs = step(b, loc, idx(kFull), accs, mask);
    }
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        // reassoc: a tree of shuffles instead of LLVM's ordered reduction, a chain of
        // vector-width scalar adds (LSTM b1 spent 60% of its recurrence in those chains).
        Value sum = b.create<vector::ReductionOp>(loc, vector::CombiningKind::ADD, accs[r * cols + c],
                                                  arith::FastMathFlags::reassoc);
        if (initC.kind != dlc::InitialC::Zero)
          sum = b.create<arith::AddFOp>(loc, initC.scalarAt(b, loc, C, rowIdx[r], colIdx[c]), sum);
        b.create<memref::StoreOp>(loc, sum, C, ValueRange{rowIdx[r], colIdx[c]});
      }
  }

  /// Column blocks of NR (then the leftover columns as one block) in a parallel loop; in
  /// each, row blocks of MR then the leftover rows as one block.
  void emit(int64_t M, int64_t N, int64_t MR, int64_t NR) {
    int64_t mFull = M - M % MR, nFull = N - N % NR;
    auto rowsOf = [&](Value j, int64_t cols) {
      if (mFull > 0)
        b.create<scf::ForOp>(loc, idx(0), idx(mFull), idx(MR), ValueRange{},
                             [&](OpBuilder &ib, Location il, Value i, ValueRange) {
                               OpBuilder::InsertionGuard g(b);
                               b.setInsertionPoint(ib.getInsertionBlock(), ib.getInsertionPoint());
                               tile(i, j, MR, cols);
                               b.create<scf::YieldOp>(il);
                             });
      if (mFull < M)
        tile(idx(mFull), j, M - mFull, cols);
    };
    if (nFull > 0) {
      auto strips = b.create<scf::ForOp>(loc, idx(0), idx(nFull), idx(NR), ValueRange{},
                                         [&](OpBuilder &nb, Location l, Value j, ValueRange) {
                                           OpBuilder::InsertionGuard g(b);
                                           b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
                                           rowsOf(j, NR);
                                           b.create<scf::YieldOp>(l);
                                         });
      dlc::abi::setParallel(strips); // disjoint columns of C
    }
    if (nFull < N)
      rowsOf(idx(nFull), N - nFull);
  }
};

/// How `C` was initialized right before `mm` (dlc::precedingWriterOf): a linalg.fill of
/// +0.0, or a generic that only copies a row or column vector across C (a conv's or a
/// Linear layer's bias). The kernels then start their accumulators
/// from that value instead of reading C, and the initializing op goes: a pass over C
/// saved, and the initializer's (LSTM b64's input projection spent 6% in the fill's
/// memset and more in loading C back). Returns Memory and null otherwise.
std::pair<dlc::InitialC, Operation *> initialValueOf(Operation *mm, Value C) {
  Operation *op = dlc::precedingWriterOf(mm, C);
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(op)) {
    if (fill.hasPureBufferSemantics() && fill.getDpsInits()[0] == C &&
        matchPattern(fill.getDpsInputs()[0], m_PosZeroFloat()))
      return {{dlc::InitialC::Zero, Value()}, fill};
    return {};
  }
  linalg::GenericOp copy = dlc::asWholeCopyInto(op, C);
  if (!copy || copy.getNumLoops() != 2)
    return {};
  Value bias = copy.getDpsInputs()[0];
  auto biasType = cast<MemRefType>(bias.getType());
  if (!biasType.getElementType().isF32() || !unitInnerStride(biasType))
    return {};
  MLIRContext *ctx = mm->getContext();
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx), zero = getAffineConstantExpr(0, ctx);
  auto readsAs = [&](ArrayRef<AffineExpr> results) {
    return copy.getMatchingIndexingMap(copy.getDpsInputOperand(0)) == AffineMap::get(2, 0, results, ctx);
  };
  if (readsAs({d0}) || readsAs({d0, zero}))
    return {{dlc::InitialC::RowBias, bias}, copy};
  if (readsAs({d1}) || readsAs({zero, d1}))
    return {{dlc::InitialC::ColumnBias, bias}, copy};
  return {};
}

struct VectorizeMatmulPass : dlc::impl::VectorizeMatmulBase<VectorizeMatmulPass> {
  using VectorizeMatmulBase::VectorizeMatmulBase;

  /// Emits the micro-kernel loops for C[MxN] += A[MxK] * B[KxN] at the builder's point.
  /// 16 vector registers (AVX2) hold a 6 x 2-vector tile of C, 2 vectors of B and a
  /// broadcast; 32 (AVX-512) hold 8 x 2.
  int64_t tileRows() const { return rowsPerTile ? rowsPerTile : vectorWidth <= 8 ? 6 : 8; }

  /// The packed kernel's tile and K block. At 16 lanes (AVX-512: 32 registers, L2 of 2 MiB
  /// and more) a 12 x 2-vector tile and K blocks of 512, which halve the passes over C:
  /// 2048^3 131 -> 157-164 GFLOP/s and 1024^3 148 -> 160-166 on a Sapphire Rapids core
  /// (peak 220), where 8 rows and K blocks of 256 were the AVX2 machine's best.
  dlc::PackedMatmulShape packedShape() const {
    if (rowsPerTile || vectorWidth <= 8)
      return {vectorWidth, tileRows(), 2 * vectorWidth};
    return {vectorWidth, 12, 2 * vectorWidth, /*kc=*/512};
  }

  void emitMatmul(OpBuilder &b, Location loc, Value A, Value B, Value C, int64_t M, int64_t N, int64_t K,
                  bool transA = false, const dlc::InitialC &initC = {}) {
    if (packing && dlc::worthPacking(packedShape(), M, N, K))
      return dlc::emitPackedMatmul(b, loc, A, B, C, transA, false, M, N, K, packedShape(), initC);
    MatmulEmitter e{{b, loc, A, B, C, K, vectorWidth, VectorType::get({vectorWidth}, b.getF32Type()), initC}, transA};
    int64_t nr = 2 * vectorWidth;
    int64_t nWide = N - N % nr, nSingle = N - N % vectorWidth;
    int64_t mr = std::min<int64_t>(tileRows(), M);
    e.columnStrip(0, nWide, 2, M, mr);
    e.columnStrip(nWide, nSingle, 1, M, mr);
    if (nSingle < N) // the last columns, narrower than a vector: masked loads and stores
      e.columnStrip(nSingle, N, 1, M, mr, N - nSingle);
  }

  static bool vectorizable(ValueRange operands) {
    for (Value v : operands) {
      auto t = dyn_cast<MemRefType>(v.getType());
      if (!t || !t.getElementType().isF32() || !unitInnerStride(t))
        return false;
    }
    return true;
  }

  /// Below this K, dot products spend more on their horizontal sums than on the
  /// products (a GRU's input projection, K = 12, measured): B is copied transposed
  /// instead and the direct kernel runs.
  static constexpr int64_t kLongReduction = 32;

  /// C += op(A) * B^T through a K x N copy of B (freed after).
  void emitWithTransposedCopy(OpBuilder &b, Location loc, Value A, Value B, Value C, int64_t M, int64_t N,
                              int64_t K, bool transA, const dlc::InitialC &initC) {
    auto copyType = MemRefType::get({K, N}, b.getF32Type());
    Value copy = b.create<memref::AllocOp>(loc, copyType);
    b.create<linalg::TransposeOp>(loc, B, copy, ArrayRef<int64_t>{1, 0});
    emitMatmul(b, loc, A, copy, C, M, N, K, transA, initC);
    b.create<memref::DeallocOp>(loc, copy);
  }

  /// batch_matmul: the same kernel on each batch's rank-reduced subviews.
  void lowerBatchMatmul(linalg::BatchMatmulOp bm) {
    Value A = bm.getDpsInputs()[0], B = bm.getDpsInputs()[1], C = bm.getDpsInits()[0];
    if (!bm.hasPureBufferSemantics() || !vectorizable({A, B, C}) ||
        bm.getIndexingMapsArray() != SmallVector<AffineMap>(linalg::BatchMatmulOp::getDefaultIndexingMaps(bm.getContext())))
      return;
    auto ct = cast<MemRefType>(C.getType());
    int64_t batch = ct.getDimSize(0), M = ct.getDimSize(1), N = ct.getDimSize(2);
    int64_t K = cast<MemRefType>(A.getType()).getDimSize(2);
    OpBuilder b(bm);
    Location loc = bm.getLoc();
    Value c0 = b.create<arith::ConstantIndexOp>(loc, 0), c1 = b.create<arith::ConstantIndexOp>(loc, 1);
    Value cb = b.create<arith::ConstantIndexOp>(loc, batch);
    auto batches = b.create<scf::ForOp>(loc, c0, cb, c1, ValueRange{}, [&](OpBuilder &nb, Location l, Value i, ValueRange) {
      auto slice = [&](Value v, int64_t r, int64_t c) -> Value {
        auto t = cast<MemRefType>(v.getType());
        SmallVector<OpFoldResult> offsets{i, nb.getIndexAttr(0), nb.getIndexAttr(0)};
        SmallVector<OpFoldResult> sizes{nb.getIndexAttr(1), nb.getIndexAttr(r), nb.getIndexAttr(c)};
        SmallVector<OpFoldResult> strides(3, nb.getIndexAttr(1));
        auto reduced = cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType({r, c}, t, offsets, sizes, strides));
        return nb.create<memref::SubViewOp>(l, reduced, v, offsets, sizes, strides);
      };
      Value a = slice(A, M, K), bb = slice(B, K, N), cc = slice(C, M, N);
      emitMatmul(nb, l, a, bb, cc, M, N, K);
      nb.create<scf::YieldOp>(l);
    });
    dlc::abi::setParallel(batches); // batches write disjoint blocks of C
    bm.erase();
  }

  void runOnOperation() override {
    SmallVector<linalg::BatchMatmulOp> batched;
    getOperation().walk([&](linalg::BatchMatmulOp m) { batched.push_back(m); });
    for (auto bm : batched)
      lowerBatchMatmul(bm);
    SmallVector<linalg::MatmulOp> matmuls;
    getOperation().walk([&](linalg::MatmulOp m) { matmuls.push_back(m); });
    for (linalg::MatmulOp mm : matmuls) {
      auto trans = dlc::matmulTransposition(mm);
      if (!mm.hasPureBufferSemantics() || !trans)
        continue;
      auto [transA, transB] = *trans;
      Value A = mm.getDpsInputs()[0], B = mm.getDpsInputs()[1], C = mm.getDpsInits()[0];
      if (!vectorizable({A, B, C}))
        continue;
      auto at = cast<MemRefType>(A.getType()), ct = cast<MemRefType>(C.getType());
      int64_t M = ct.getDimSize(0), N = ct.getDimSize(1), K = at.getDimSize(transA ? 0 : 1);
      OpBuilder b(mm);
      auto [initC, initOp] = initialValueOf(mm, C);
      if (!transB) // packed when large enough, else the direct kernel
        emitMatmul(b, mm.getLoc(), A, B, C, M, N, K, transA, initC);
      else if (packing && dlc::worthPacking(packedShape(), M, N, K))
        dlc::emitPackedMatmul(b, mm.getLoc(), A, B, C, transA, transB, M, N, K, packedShape(), initC);
      else if (!transA && K >= kLongReduction)
        DotEmitter{{b, mm.getLoc(), A, B, C, K, vectorWidth, VectorType::get({vectorWidth}, b.getF32Type()), initC}}
            .emit(M, N, std::min<int64_t>(4, M), std::min<int64_t>(4, N));
      else
        emitWithTransposedCopy(b, mm.getLoc(), A, B, C, M, N, K, transA, initC);
      mm.erase();
      if (initOp)
        initOp->erase();
    }
  }
};

} // namespace
