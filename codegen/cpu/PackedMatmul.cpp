// The packed GEMM in the loop order of GotoBLAS and BLIS. Reading B where it lies costs a
// large product its caches: a strip of B spans the whole K, its rows of a power-of-two
// width map to the same L1 set, and all of A streams once per strip. Here, per block of
// K (KC), each KC x NR panel of B is copied contiguous once and stays in L1 while the
// MR-row tiles of an MC-row block of A stream past it; the MR x NR tile of C stays in
// registers over KC. A transposed A is packed too (MR-row tiles, K-major), and the
// packing absorbs transposed B and ragged edges: padding columns are zeros, so the
// micro-kernel needs masks only where it loads and stores C.
#include "codegen/cpu/PackedMatmul.h"

#include "dialects/Abi/AbiDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace dlc {

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

struct PackedMatmulEmitter {
  OpBuilder &b;
  Location loc;
  Value A, B, C;
  bool transA, transB;
  int64_t M, N, K;
  int64_t VL, MR, NR, KC, MC;
  VectorType vt;

  // One parallel block covers rows [i0, iEnd) and columns [j0, jEnd) of C.
  Value i0, iEnd, j0, jEnd;
  Value packA, packB; // MC x KC in MR-row tiles; (block width) x KC in NR-column panels
  Value k0;           // the current K block's first index
  // The micro-kernel reads A where it lies unless A is transposed: its MR scalars per k
  // come from MR lines that stay in L1 over 16 k, measured as fast as packing (1024^3,
  // 2048^3) or faster (256^3: packing A twice, once per column block, cost 30%).
  bool directA = false;
  InitialC initC; // unless Memory, the first K block's tiles start from it, not from C

  Value idx(int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); }
  Value add(Value x, Value y) { return b.create<arith::AddIOp>(loc, x, y); }
  Value add(Value x, int64_t v) { return v ? add(x, idx(v)) : x; }
  Value sub(Value x, Value y) { return b.create<arith::SubIOp>(loc, x, y); }
  Value mul(Value x, int64_t v) { return b.create<arith::MulIOp>(loc, x, idx(v)); }
  Value min(Value x, Value y) { return b.create<arith::MinSIOp>(loc, x, y); }
  Value lt(Value x, Value y) { return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, y); }
  Value eq(Value x, Value y) { return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, x, y); }

  template <typename Body> scf::ForOp loop(Value lb, Value ub, int64_t step, Body body) {
    auto f = b.create<scf::ForOp>(loc, lb, ub, idx(step));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(f.getBody());
    body(f.getInductionVar());
    return f;
  }
  template <typename Body> void when(Value cond, Body body) {
    auto ifOp = b.create<scf::IfOp>(loc, cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    body();
  }

  /// A's element (row, k), 0 past the last row (the clamped load keeps it in bounds).
  Value elementOfA(Value row, Value k) {
    Value inRow = min(row, idx(M - 1));
    SmallVector<Value, 2> at = transA ? SmallVector<Value, 2>{k, inRow} : SmallVector<Value, 2>{inRow, k};
    Value v = b.create<memref::LoadOp>(loc, A, at);
    Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
    return b.create<arith::SelectOp>(loc, lt(row, idx(M)), v, zero);
  }

  /// packA[(i - ic) * KC + k * MR + r] = A[i + r, k0 + k] for the row tiles of [ic, icEnd).
  void packBlockOfA(Value ic, Value icEnd, Value k0, Value kc) {
    loop(ic, icEnd, MR, [&](Value i) {
      Value base = mul(sub(i, ic), KC);
      loop(idx(0), kc, 1, [&](Value k) {
        Value to = add(base, mul(k, MR));
        for (int64_t r = 0; r < MR; ++r)
          b.create<memref::StoreOp>(loc, elementOfA(add(i, r), add(k0, k)), packA, ValueRange{add(to, r)});
      });
    });
  }

  /// packB[(j - j0) * KC + k * NR + c] = B[k0 + k, j + c] for the column panels of the
  /// block, zeros past column N.
  void packBlockOfB(Value k0, Value kc) {
    loop(j0, jEnd, NR, [&](Value j) {
      Value base = mul(sub(j, j0), KC);
      if (transB) { // columns of op(B) are rows of B: read each along K
        Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
        for (int64_t c = 0; c < NR; ++c) {
          Value col = add(j, c);
          Value inCol = min(col, idx(N - 1)), valid = lt(col, idx(N));
          loop(idx(0), kc, 1, [&](Value k) {
            Value v = b.create<memref::LoadOp>(loc, B, ValueRange{inCol, add(k0, k)});
            b.create<memref::StoreOp>(loc, b.create<arith::SelectOp>(loc, valid, v, zero), packB,
                                      ValueRange{add(add(base, mul(k, NR)), c)});
          });
        }
        return;
      }
      Value zeros = b.create<arith::ConstantOp>(loc, vt, DenseElementsAttr::get(vt, b.getF32FloatAttr(0)));
      auto maskType = VectorType::get({VL}, b.getI1Type());
      SmallVector<Value> masks;
      for (int64_t c = 0; c < NR; c += VL)
        masks.push_back(b.create<vector::CreateMaskOp>(loc, maskType, ValueRange{sub(idx(N - c), j)}));
      loop(idx(0), kc, 1, [&](Value k) {
        Value row = add(k0, k), to = add(base, mul(k, NR));
        for (int64_t c = 0; c < NR; c += VL) {
          Value v = b.create<vector::MaskedLoadOp>(loc, vt, B, ValueRange{row, add(j, c)}, masks[c / VL], zeros);
          b.create<vector::StoreOp>(loc, v, packB, ValueRange{add(to, c)});
        }
      });
    });
  }

  /// C[i : i+rows, j : j+cols] += the packed tile's product over kc; rows <= MR and
  /// cols <= NR are the tile's part inside C (all of it but at the last row and column).
  void tile(Value i, Value j, Value ic, Value kc, int64_t rows, int64_t cols) {
    int64_t nvec = ceilDiv(cols, VL);
    SmallVector<Value> masks(nvec), rowIdx, colIdx, init;
    for (int64_t c = 0; c < nvec; ++c) {
      colIdx.push_back(add(j, c * VL));
      if (cols - c * VL < VL)
        masks[c] = b.create<vector::ConstantMaskOp>(loc, VectorType::get({VL}, b.getI1Type()),
                                                    ArrayRef<int64_t>{cols - c * VL});
    }
    Value zeros = b.create<arith::ConstantOp>(loc, vt, DenseElementsAttr::get(vt, b.getF32FloatAttr(0)));
    for (int64_t r = 0; r < rows; ++r)
      rowIdx.push_back(add(i, r));
    auto startFrom = [&](const InitialC &from) {
      SmallVector<Value> loaded;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < nvec; ++c)
          loaded.push_back(from.vectorAt(b, loc, vt, C, rowIdx[r], colIdx[c], masks[c]));
      return loaded;
    };
    if (initC.kind == InitialC::Memory || K <= KC) { // one K block: C is never read back
      init = startFrom(initC);
    } else { // the initial value in the first K block, C's partial sums after it
      SmallVector<Type> types(rows * nvec, vt);
      auto first = b.create<scf::IfOp>(loc, types, eq(k0, idx(0)), /*withElseRegion=*/true);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(first.thenBlock());
      b.create<scf::YieldOp>(loc, startFrom(initC));
      b.setInsertionPointToStart(first.elseBlock());
      b.create<scf::YieldOp>(loc, startFrom(InitialC{}));
      init.assign(first.getResults().begin(), first.getResults().end());
    }
    Value aBase = mul(sub(i, ic), KC), bBase = mul(sub(j, j0), KC);
    auto kLoop = b.create<scf::ForOp>(
        loc, idx(0), kc, idx(1), init, [&](OpBuilder &nb, Location l, Value k, ValueRange accs) {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          Value aAt = add(aBase, mul(k, MR)), bAt = add(bBase, mul(k, NR));
          SmallVector<Value> bv, av;
          for (int64_t c = 0; c < nvec; ++c)
            bv.push_back(b.create<vector::LoadOp>(l, vt, packB, ValueRange{add(bAt, c * VL)}));
          for (int64_t r = 0; r < rows; ++r)
            av.push_back(directA ? b.create<memref::LoadOp>(l, A, ValueRange{add(i, r), add(k0, k)}).getResult()
                                 : b.create<memref::LoadOp>(l, packA, ValueRange{add(aAt, r)}).getResult());
          b.create<scf::YieldOp>(l, outerProductStep(b, l, av, bv, accs));
        });
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < nvec; ++c) {
        Value acc = kLoop.getResult(r * nvec + c);
        SmallVector<Value, 2> at{rowIdx[r], colIdx[c]};
        if (masks[c])
          b.create<vector::MaskedStoreOp>(loc, C, at, masks[c], acc);
        else
          b.create<vector::StoreOp>(loc, acc, C, at);
      }
  }

  /// The row tiles of [ic, icEnd) against the panel at column j, `cols` wide.
  void rowTiles(Value j, Value ic, Value icEnd, Value kc, int64_t cols) {
    int64_t mFull = M - M % MR;
    loop(ic, min(icEnd, idx(mFull)), MR, [&](Value i) { tile(i, j, ic, kc, MR, cols); });
    if (M % MR)
      when(eq(icEnd, idx(M)), [&] { tile(idx(mFull), j, ic, kc, M % MR, cols); });
  }

  /// One parallel block: per K block, pack B's panels, then per MC rows pack A and run
  /// the tiles, panel by panel.
  void block(int64_t packBWidth) {
    auto f32 = b.getF32Type();
    auto align = b.getI64IntegerAttr(64);
    if (!directA)
      packA = b.create<memref::AllocOp>(loc, MemRefType::get({MC * KC}, f32), align);
    packB = b.create<memref::AllocOp>(loc, MemRefType::get({packBWidth * KC}, f32), align);
    int64_t nFull = N - N % NR;
    loop(idx(0), idx(K), KC, [&](Value kBlock) {
      k0 = kBlock;
      Value kc = min(idx(KC), sub(idx(K), k0));
      packBlockOfB(k0, kc);
      loop(i0, iEnd, MC, [&](Value ic) {
        Value icEnd = min(add(ic, MC), iEnd);
        if (!directA)
          packBlockOfA(ic, icEnd, k0, kc);
        loop(j0, min(jEnd, idx(nFull)), NR, [&](Value j) { rowTiles(j, ic, icEnd, kc, NR); });
        if (N % NR)
          when(eq(jEnd, idx(N)), [&] { rowTiles(idx(nFull), ic, icEnd, kc, N % NR); });
      });
    });
    if (!directA)
      b.create<memref::DeallocOp>(loc, packA);
    b.create<memref::DeallocOp>(loc, packB);
  }

  /// The outer loop runs on the thread pool over column blocks when C is wide enough for
  /// two, else over row blocks; each block packs into buffers of its own.
  void emit() {
    if (N >= 8 * NR) {
      int64_t blocks = std::max<int64_t>(2, ceilDiv(N, 512));
      int64_t nc = roundUp(ceilDiv(N, blocks), NR);
      auto outer = loop(idx(0), idx(N), nc, [&](Value j) {
        i0 = idx(0), iEnd = idx(M), j0 = j, jEnd = min(add(j, nc), idx(N));
        block(nc);
      });
      dlc::abi::setParallel(outer); // disjoint columns of C
      return;
    }
    auto outer = loop(idx(0), idx(M), MC, [&](Value i) {
      i0 = i, iEnd = min(add(i, MC), idx(M)), j0 = idx(0), jEnd = idx(N);
      block(roundUp(N, NR));
    });
    dlc::abi::setParallel(outer); // disjoint rows of C
  }
};

} // namespace

SmallVector<Value> outerProductStep(OpBuilder &b, Location loc, ArrayRef<Value> a, ArrayRef<Value> bRow,
                                    ValueRange accs) {
  SmallVector<Value> next;
  for (auto [r, scalar] : llvm::enumerate(a)) {
    Value av = b.create<vector::BroadcastOp>(loc, bRow.front().getType(), scalar);
    for (auto [c, bv] : llvm::enumerate(bRow))
      next.push_back(b.create<vector::FMAOp>(loc, av, bv, accs[r * bRow.size() + c]));
  }
  return next;
}

/// Where `bias` holds row (alongRows) or column `i`: [i], or [i, 0] / [0, i].
static SmallVector<Value, 2> biasIndex(OpBuilder &b, Location loc, Value bias, Value i, bool alongRows) {
  if (cast<MemRefType>(bias.getType()).getRank() == 1)
    return {i};
  Value c0 = b.create<arith::ConstantIndexOp>(loc, 0);
  return alongRows ? SmallVector<Value, 2>{i, c0} : SmallVector<Value, 2>{c0, i};
}

Value InitialC::vectorAt(OpBuilder &b, Location loc, VectorType vt, Value C, Value row, Value col, Value mask) const {
  Value zeros = b.create<arith::ConstantOp>(loc, vt, DenseElementsAttr::get(vt, b.getF32FloatAttr(0)));
  auto vectorLoad = [&](Value mem, ValueRange at) -> Value {
    if (mask)
      return b.create<vector::MaskedLoadOp>(loc, vt, mem, at, mask, zeros);
    return b.create<vector::LoadOp>(loc, vt, mem, at);
  };
  switch (kind) {
  case Memory:
    return vectorLoad(C, ValueRange{row, col});
  case Zero:
    return zeros;
  case RowBias: // one value per row, in every lane
    return b.create<vector::BroadcastOp>(loc, vt, scalarAt(b, loc, C, row, col));
  case ColumnBias:
    return vectorLoad(bias, biasIndex(b, loc, bias, col, /*alongRows=*/false));
  }
  llvm_unreachable("unknown InitialC kind");
}

Value InitialC::scalarAt(OpBuilder &b, Location loc, Value C, Value row, Value col) const {
  switch (kind) {
  case Memory:
    return b.create<memref::LoadOp>(loc, C, ValueRange{row, col});
  case Zero:
    return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
  case RowBias:
    return b.create<memref::LoadOp>(loc, bias, biasIndex(b, loc, bias, row, /*alongRows=*/true));
  case ColumnBias:
    return b.create<memref::LoadOp>(loc, bias, biasIndex(b, loc, bias, col, /*alongRows=*/false));
  }
  llvm_unreachable("unknown InitialC kind");
}


bool worthPacking(const PackedMatmulShape &shape, int64_t M, int64_t N, int64_t K) {
  // Copying B costs K * N, a 2M-th of the product: below 32 rows the direct kernels win
  // (LeNet's 16-channel convolution gradients, measured).
  return M >= 32 && N >= 2 * shape.nr && K >= 16 && M * N * K >= (int64_t(1) << 18);
}

void emitPackedMatmul(OpBuilder &b, Location loc, Value A, Value B, Value C, bool transposedA, bool transposedB,
                      int64_t M, int64_t N, int64_t K, const PackedMatmulShape &shape, const InitialC &init) {
  int64_t kc = std::min(shape.kc, K);
  kc = roundUp(ceilDiv(K, ceilDiv(K, kc)), 4); // equal K blocks rather than a short last one
  int64_t mc = shape.mc ? roundUp(shape.mc, shape.mr) : 20 * shape.mr;
  mc = roundUp(ceilDiv(M, ceilDiv(M, mc)), shape.mr); // equal row blocks too
  PackedMatmulEmitter e{b,           loc, A,  B,  C,  transposedA, transposedB, M, N, K, shape.vectorWidth, shape.mr,
                        shape.nr,    kc,  mc, VectorType::get({shape.vectorWidth}, b.getF32Type()), {}, {}, {}, {},
                        {},          {}};
  e.directA = !transposedA;
  e.initC = init;
  e.emit();
}

} // namespace dlc
