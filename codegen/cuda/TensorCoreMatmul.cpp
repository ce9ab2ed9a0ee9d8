// dlc-cuda-tile-matmul with precision tf32|bf16|fp16: a block of 8 warps computes a tile of
// C with nvvm.mma.sync (m16n8k8 tf32, m16n8k16 bf16/f16), accumulating in f32.
//
// Tensors stay f32 in memory; operands are rounded when they are staged in workgroup
// memory, as 32-bit words: one tf32 value, or two 16-bit values adjacent in K (the
// lower K index in the low half, as mma.sync's fragments pack them). With words, the
// fragments of both shapes read the same positions: a K step is 8 words, and thread
// (g = lane / 4, t = lane % 4) reads A's rows g, g + 8 at words t, t + 4 and B's column g
// at words t, t + 4 (PTX ISA, "Matrix Fragments for mma.m16n8k8 / m16n8k16").
#include "codegen/cuda/TensorCoreMatmul.h"
#include "codegen/cuda/MatmulTiling.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace dlc::cuda {

std::optional<MatmulPrecision> parseMatmulPrecision(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<MatmulPrecision>>(name)
      .Case("fp32", MatmulPrecision::FP32)
      .Case("tf32", MatmulPrecision::TF32)
      .Case("bf16", MatmulPrecision::BF16)
      .Case("fp16", MatmulPrecision::FP16)
      .Default(std::nullopt);
}

namespace {

constexpr int64_t kThreads = 256;   // 8 warps: 2 along M x 4 along N
constexpr int64_t kWarpsM = 2, kWarpsN = 4;
constexpr int64_t kTileWords = 32;  // K words staged per step: 4 (tf32) or 2 (16-bit) mma K steps
constexpr int64_t kPadA = 4, kPadB = 8; // row pads that put a warp's fragment reads on 32 banks

struct Emitter {
  OpBuilder &b;
  Location loc;
  Value cst(int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); }
  Value add(Value x, Value y) { return b.create<arith::AddIOp>(loc, x, y); }
  Value add(Value x, int64_t y) { return y == 0 ? x : add(x, cst(y)); }
  Value mul(Value x, int64_t y) { return b.create<arith::MulIOp>(loc, x, cst(y)); }
  Value div(Value x, int64_t y) { return b.create<arith::DivUIOp>(loc, x, cst(y)); }
  Value rem(Value x, int64_t y) { return b.create<arith::RemUIOp>(loc, x, cst(y)); }
  Value lt(Value x, int64_t bound) { return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, x, cst(bound)); }
  Value i32(int64_t v) { return b.create<arith::ConstantIntOp>(loc, b.getI32Type(), v); }
};

} // namespace

void rewriteMatmulWithTensorCores(linalg::MatmulOp mm, bool transA, bool transB, MatmulPrecision precision,
                                  int64_t multiprocessors) {
  assert(precision != MatmulPrecision::FP32 && "fp32 matmuls use the SIMT kernel");
  Value A = mm.getDpsInputs()[0], B = mm.getDpsInputs()[1], C = mm.getDpsInits()[0];
  MatmulSizes sizes = matmulSizes(mm, transA, transB);
  int64_t M = sizes.M, N = sizes.N, K = sizes.K;
  bool tf32 = precision == MatmulPrecision::TF32;
  int64_t perWord = tf32 ? 1 : 2, tileK = kTileWords * perWord, mmaK = 8 * perWord;

  // Each warp owns mTiles x nTiles mma tiles (16x8); the warp tile shrinks until the grid
  // has a block per multiprocessor.
  int64_t mTiles = 1, nTiles = 1;
  for (int64_t t : {4, 2}) {
    int64_t bm = kWarpsM * 16 * t, bn = kWarpsN * 8 * t;
    if (((M + bm - 1) / bm) * ((N + bn - 1) / bn) >= multiprocessors) {
      mTiles = nTiles = t;
      break;
    }
  }
  int64_t BM = kWarpsM * 16 * mTiles, BN = kWarpsN * 8 * nTiles;
  int64_t tiles = ((M + BM - 1) / BM) * ((N + BN - 1) / BN);
  KSplit split = splitK(K, tiles, tileK, multiprocessors);
  int64_t splits = split.splits, chunk = split.chunk;
  bool guardM = M % BM != 0, guardN = N % BN != 0, guardK = K % tileK != 0;

  Location loc = mm.getLoc();
  OpBuilder b(mm);
  Emitter e{b, loc};
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  auto workgroup = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto aTile = MemRefType::get({BM, kTileWords + kPadA}, i32, MemRefLayoutAttrInterface{}, workgroup);
  auto bTile = MemRefType::get({kTileWords, BN + kPadB}, i32, MemRefLayoutAttrInterface{}, workgroup);
  auto launch = createTileLaunch(b, loc, (N + BN - 1) / BN, (M + BM - 1) / BM, splits, kThreads, aTile, bTile);
  Value as = launch.getWorkgroupAttributions()[0], bs = launch.getWorkgroupAttributions()[1];
  Value tid = launch.getThreadIds().x;
  Value warp = e.div(tid, 32), lane = e.rem(tid, 32);
  Value g = e.div(lane, 4), t = e.rem(lane, 4);
  Value warpRow = e.mul(e.div(warp, kWarpsN), 16 * mTiles), warpCol = e.mul(e.rem(warp, kWarpsN), 8 * nTiles);
  Value rowBase = e.mul(launch.getBlockIds().y, BM), colBase = e.mul(launch.getBlockIds().x, BN);
  Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0.0f));

  // src[r][c] (read transposed when asked), or 0 where a bound may be exceeded and is.
  auto load = [&](Value src, Value r, Value c, bool transposed, bool guardR, int64_t rows, bool guardC,
                  int64_t cols) -> Value {
    return loadOrZero(b, loc, src, r, c, transposed, guardR ? std::optional<int64_t>(rows) : std::nullopt,
                      guardC ? std::optional<int64_t>(cols) : std::nullopt, zero);
  };
  // The staged word of `values` (one f32 for tf32, two for the 16-bit types).
  auto pack = [&](ArrayRef<Value> values) -> Value {
    if (tf32)
      return b.create<NVVM::ConvertFloatToTF32Op>(loc, i32, values[0], NVVM::FPRoundingMode::RNA);
    Type half = precision == MatmulPrecision::BF16 ? Type(b.getBF16Type()) : Type(b.getF16Type());
    auto bits = [&](Value v) -> Value {
      Value h = b.create<arith::TruncFOp>(loc, half, v);
      Value i = b.create<arith::BitcastOp>(loc, b.getI16Type(), h);
      return b.create<arith::ExtUIOp>(loc, i32, i);
    };
    Value hi = b.create<arith::ShLIOp>(loc, bits(values[1]), e.i32(16));
    return b.create<arith::OrIOp>(loc, bits(values[0]), hi);
  };

  // The values of the K tile at k0 that this thread stages, perWord per word: A's (BM rows x 32 words, words
  // fastest: K-contiguous reads when A is not transposed), then B's (32 words x BN
  // columns, columns fastest: N-contiguous reads when B is not transposed).
  int64_t aItems = BM * kTileWords / kThreads, bItems = kTileWords * BN / kThreads;
  // Item tid + r * kThreads of a row-major tile `width` wide. The widths divide kThreads, so
  // its row is tid / width plus a constant and its column is tid % width: every staged
  // address is then one per-thread base plus an immediate, rather than a register each
  // (which took 248 registers; 128 lets two blocks share a multiprocessor).
  auto slot = [&](int64_t r, int64_t width) {
    assert(kThreads % width == 0 && "staged tile widths divide the thread count");
    return std::pair(e.add(e.div(tid, width), r * (kThreads / width)), e.rem(tid, width));
  };
  auto aSlot = [&](int64_t r) { return slot(r, kTileWords); };
  auto bSlot = [&](int64_t r) { return slot(r, BN); };
  auto loadValues = [&](Value k0) {
    SmallVector<Value> values;
    for (int64_t r = 0; r < aItems; ++r) {
      auto [row, word] = aSlot(r);
      for (int64_t j = 0; j < perWord; ++j)
        values.push_back(load(A, e.add(rowBase, row), e.add(e.add(k0, e.mul(word, perWord)), j), transA, guardM, M,
                              guardK, K));
    }
    for (int64_t r = 0; r < bItems; ++r) {
      auto [word, col] = bSlot(r);
      for (int64_t j = 0; j < perWord; ++j)
        values.push_back(load(B, e.add(e.add(k0, e.mul(word, perWord)), j), e.add(colBase, col), transB, guardK, K,
                              guardN, N));
    }
    return values;
  };

  int64_t accumulators = mTiles * nTiles * 4;
  Value kBegin = e.mul(launch.getBlockIds().z, chunk);
  Value kEnd = b.create<arith::MinUIOp>(loc, e.add(kBegin, chunk), e.cst(K));
  // The loop carries the accumulators and the next tile's values: their global loads are
  // issued before the current tile's mma.sync, so the two overlap (rounding them waits
  // for the data, so it happens when they are stored, an iteration later).
  int64_t staged = (aItems + bItems) * perWord;
  SmallVector<Value> init(accumulators, zero);
  {
    auto first = b.create<scf::IfOp>(loc, SmallVector<Type>(staged, f32),
                                     b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, kBegin, kEnd), true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(first.thenBlock());
    b.create<scf::YieldOp>(loc, loadValues(kBegin));
    b.setInsertionPointToStart(first.elseBlock());
    b.create<scf::YieldOp>(loc, SmallVector<Value>(staged, zero));
    llvm::append_range(init, first.getResults());
  }
  auto kLoop = b.create<scf::ForOp>(loc, kBegin, kEnd, e.cst(tileK), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    ValueRange current = kLoop.getRegionIterArgs().drop_front(accumulators);
    auto word = [&](int64_t item) { return pack(SmallVector<Value>(current.slice(item * perWord, perWord))); };
    for (int64_t r = 0; r < aItems; ++r) {
      auto [row, w] = aSlot(r);
      b.create<memref::StoreOp>(loc, word(r), as, ValueRange{row, w});
    }
    for (int64_t r = 0; r < bItems; ++r) {
      auto [w, col] = bSlot(r);
      b.create<memref::StoreOp>(loc, word(aItems + r), bs, ValueRange{w, col});
    }
    Value kNext = e.add(k0, tileK);
    auto next = b.create<scf::IfOp>(loc, SmallVector<Type>(staged, f32),
                                    b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, kNext, kEnd), true);
    {
      OpBuilder::InsertionGuard g2(b);
      b.setInsertionPointToStart(next.thenBlock());
      b.create<scf::YieldOp>(loc, loadValues(kNext));
      b.setInsertionPointToStart(next.elseBlock());
      b.create<scf::YieldOp>(loc, SmallVector<Value>(staged, zero));
    }
    b.create<gpu::BarrierOp>(loc);

    auto resultType = LLVM::LLVMStructType::getLiteral(ctx, {f32, f32, f32, f32});
    std::array<NVVM::MMATypes, 2> types;
    types.fill(tf32 ? NVVM::MMATypes::tf32
                    : (precision == MatmulPrecision::BF16 ? NVVM::MMATypes::bf16 : NVVM::MMATypes::f16));
    std::array<NVVM::MMALayout, 2> layouts = {NVVM::MMALayout::row, NVVM::MMALayout::col};
    // mma.sync takes f16 pairs as vector<2xf16>, bf16 pairs and tf32 as i32.
    auto operand = [&](Value word) -> Value {
      if (precision != MatmulPrecision::FP16)
        return word;
      return b.create<LLVM::BitcastOp>(loc, VectorType::get({2}, b.getF16Type()), word);
    };
    SmallVector<Value> acc(kLoop.getRegionIterArgs().take_front(accumulators));
    for (int64_t kw = 0; kw < kTileWords; kw += 8) {
      Value lo = e.add(t, kw), hi = e.add(t, kw + 4);
      SmallVector<SmallVector<Value, 4>> a(mTiles), bFrag(nTiles);
      for (int64_t i = 0; i < mTiles; ++i) {
        Value r0 = e.add(e.add(warpRow, g), 16 * i), r1 = e.add(r0, 8);
        for (auto [r, c] : {std::pair(r0, lo), std::pair(r1, lo), std::pair(r0, hi), std::pair(r1, hi)})
          a[i].push_back(operand(b.create<memref::LoadOp>(loc, as, ValueRange{r, c})));
      }
      for (int64_t j = 0; j < nTiles; ++j) {
        Value col = e.add(e.add(warpCol, g), 8 * j);
        for (Value w : {lo, hi})
          bFrag[j].push_back(operand(b.create<memref::LoadOp>(loc, bs, ValueRange{w, col})));
      }
      for (int64_t i = 0; i < mTiles; ++i)
        for (int64_t j = 0; j < nTiles; ++j) {
          int64_t base = (i * nTiles + j) * 4;
          ValueRange c = ValueRange(acc).slice(base, 4);
          Value d = b.create<NVVM::MmaOp>(loc, resultType, a[i], bFrag[j], c, ArrayRef<int64_t>{16, 8, mmaK},
                                          std::nullopt, std::nullopt, types, layouts);
          for (int64_t q = 0; q < 4; ++q)
            acc[base + q] = b.create<LLVM::ExtractValueOp>(loc, d, ArrayRef<int64_t>{q});
        }
    }
    b.create<gpu::BarrierOp>(loc);
    llvm::append_range(acc, next.getResults());
    b.create<scf::YieldOp>(loc, acc);
  }
  // Accumulator q of tile (i, j) is C[g + 8 * (q / 2)][2t + q % 2] of that 16x8 tile.
  for (int64_t i = 0; i < mTiles; ++i)
    for (int64_t j = 0; j < nTiles; ++j)
      for (int64_t q = 0; q < 4; ++q) {
        Value row = e.add(e.add(e.add(rowBase, warpRow), g), 16 * i + 8 * (q / 2));
        Value col = e.add(e.add(e.add(colBase, warpCol), e.mul(t, 2)), 8 * j + q % 2);
        Value accValue = kLoop.getResult((i * nTiles + j) * 4 + q);
        OpBuilder::InsertionGuard guard(b);
        if (guardM || guardN) {
          Value ok = b.create<arith::AndIOp>(loc, e.lt(row, M), e.lt(col, N));
          auto ifOp = b.create<scf::IfOp>(loc, ok, false);
          b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
        }
        accumulateInto(b, loc, accValue, C, row, col, splits > 1);
      }
  mm.erase();
}

} // namespace dlc::cuda
