// dlc-cuda-tile-matmul: f32 linalg.matmul on memrefs -> a shared-memory tiled gpu.launch.
#include "codegen/cuda/MatmulTiling.h"
#include "codegen/cuda/Passes.h"
#include "codegen/cuda/TensorCoreMatmul.h"
#include "codegen/linalg/LoweringUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace dlc {
#define GEN_PASS_DEF_CUDATILEMATMUL
#include "codegen/cuda/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

constexpr int64_t kThreadsPerDim = 16; // 16x16 threads per block
constexpr int64_t kTileK = 16;
constexpr int64_t kMultiprocessors = 132; // H100 SXM; enough blocks to fill the chip

struct CudaTileMatmulPass : dlc::impl::CudaTileMatmulBase<CudaTileMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    auto kind = dlc::cuda::parseMatmulPrecision(precision);
    if (!kind) {
      getOperation().emitError() << "dlc-cuda-tile-matmul: unknown precision '" << precision
                                 << "' (fp32, tf32, bf16 or fp16)";
      return signalPassFailure();
    }
    SmallVector<linalg::MatmulOp> matmuls;
    getOperation().walk([&](linalg::MatmulOp mm) {
      if (!mm.hasPureBufferSemantics() || !dlc::matmulTransposition(mm))
        return;
      for (Value v : mm->getOperands()) {
        auto t = dyn_cast<MemRefType>(v.getType());
        if (!t || !t.hasStaticShape() || !t.getElementType().isF32() || t.getRank() != 2)
          return;
      }
      matmuls.push_back(mm);
    });
    for (linalg::MatmulOp mm : matmuls) {
      if (*kind == dlc::cuda::MatmulPrecision::FP32) {
        rewrite(mm);
        continue;
      }
      auto [transA, transB] = *dlc::matmulTransposition(mm);
      dlc::cuda::rewriteMatmulWithTensorCores(mm, transA, transB, *kind, kMultiprocessors);
    }
  }

  /// Each thread owns a TxT register tile, strided by 16 so that a warp's loads from
  /// workgroup memory and its stores of C touch consecutive columns. T shrinks until
  /// the grid has a block per multiprocessor or T is 2.
  static int64_t threadTile(int64_t m, int64_t n) {
    for (int64_t t : {8, 4})
      if (((m + 16 * t - 1) / (16 * t)) * ((n + 16 * t - 1) / (16 * t)) >= kMultiprocessors)
        return t;
    return 2;
  }

  void rewrite(linalg::MatmulOp mm) {
    Value A = mm.getDpsInputs()[0], B = mm.getDpsInputs()[1], C = mm.getDpsInits()[0];
    auto [transA, transB] = *dlc::matmulTransposition(mm);
    dlc::cuda::MatmulSizes sizes = dlc::cuda::matmulSizes(mm, transA, transB);
    int64_t M = sizes.M, N = sizes.N, K = sizes.K;
    int64_t T = threadTile(M, N), BM = kThreadsPerDim * T, BN = kThreadsPerDim * T;
    Location loc = mm.getLoc();
    OpBuilder b(mm);
    auto cst = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v).getResult(); };
    Type f32 = b.getF32Type();
    auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
    auto aTile = MemRefType::get({kTileK, BM}, f32, MemRefLayoutAttrInterface{}, workgroup);
    auto bTile = MemRefType::get({kTileK, BN}, f32, MemRefLayoutAttrInterface{}, workgroup);
    Value one = cst(1);
    int64_t tiles = ((N + BN - 1) / BN) * ((M + BM - 1) / BM);
    dlc::cuda::KSplit split = dlc::cuda::splitK(K, tiles, kTileK, kMultiprocessors);
    int64_t splits = split.splits, chunk = split.chunk;
    auto launch = dlc::cuda::createTileLaunch(b, loc, (N + BN - 1) / BN, (M + BM - 1) / BM, splits,
                                              kThreadsPerDim * kThreadsPerDim, aTile, bTile);
    Value as = launch.getWorkgroupAttributions()[0], bs = launch.getWorkgroupAttributions()[1];
    Value tid = launch.getThreadIds().x;
    Value tx = b.create<arith::RemUIOp>(loc, tid, cst(kThreadsPerDim));
    Value ty = b.create<arith::DivUIOp>(loc, tid, cst(kThreadsPerDim));
    Value rowBase = b.create<arith::MulIOp>(loc, launch.getBlockIds().y, cst(BM));
    Value colBase = b.create<arith::MulIOp>(loc, launch.getBlockIds().x, cst(BN));
    Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0.0f));
    auto add = [&](Value x, Value y) { return b.create<arith::AddIOp>(loc, x, y).getResult(); };
    auto lt = [&](Value x, int64_t bound) {
      return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, x, cst(bound)).getResult();
    };
    auto guardedLoad = [&](Value src, Value r, Value c, int64_t rows, int64_t cols, bool transposed) {
      return dlc::cuda::loadOrZero(b, loc, src, r, c, transposed, rows, cols, zero);
    };

    SmallVector<Value> init(T * T, zero);
    Value kBegin = b.create<arith::MulIOp>(loc, launch.getBlockIds().z, cst(chunk));
    Value kEnd = b.create<arith::MinUIOp>(loc, add(kBegin, cst(chunk)), cst(K));
    auto kLoop = b.create<scf::ForOp>(loc, kBegin, kEnd, cst(kTileK), init);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(kLoop.getBody());
      Value k0 = kLoop.getInductionVar();
      int64_t threads = kThreadsPerDim * kThreadsPerDim;
      for (int64_t r = 0; r < BM * kTileK / threads; ++r) { // A: BM x 16, k fastest
        Value e = add(tid, cst(r * threads));
        Value ar = b.create<arith::DivUIOp>(loc, e, cst(kTileK)), ak = b.create<arith::RemUIOp>(loc, e, cst(kTileK));
        Value v = guardedLoad(A, add(rowBase, ar), add(k0, ak), M, K, transA);
        b.create<memref::StoreOp>(loc, v, as, ValueRange{ak, ar});
      }
      for (int64_t r = 0; r < BN * kTileK / threads; ++r) { // B: 16 x BN, columns fastest
        Value e = add(tid, cst(r * threads));
        Value bk = b.create<arith::DivUIOp>(loc, e, cst(BN)), bc = b.create<arith::RemUIOp>(loc, e, cst(BN));
        Value v = guardedLoad(B, add(k0, bk), add(colBase, bc), K, N, transB);
        b.create<memref::StoreOp>(loc, v, bs, ValueRange{bk, bc});
      }
      b.create<gpu::BarrierOp>(loc);
      auto inner = b.create<scf::ForOp>(loc, cst(0), cst(kTileK), one, kLoop.getRegionIterArgs());
      {
        OpBuilder::InsertionGuard g2(b);
        b.setInsertionPointToStart(inner.getBody());
        Value kk = inner.getInductionVar();
        SmallVector<Value> a, bv, acc;
        for (int64_t i = 0; i < T; ++i)
          a.push_back(b.create<memref::LoadOp>(loc, as, ValueRange{kk, add(ty, cst(16 * i))}));
        for (int64_t j = 0; j < T; ++j)
          bv.push_back(b.create<memref::LoadOp>(loc, bs, ValueRange{kk, add(tx, cst(16 * j))}));
        for (int64_t i = 0; i < T; ++i)
          for (int64_t j = 0; j < T; ++j)
            acc.push_back(b.create<math::FmaOp>(loc, a[i], bv[j], inner.getRegionIterArgs()[i * T + j]));
        b.create<scf::YieldOp>(loc, acc);
      }
      b.create<gpu::BarrierOp>(loc);
      b.create<scf::YieldOp>(loc, inner.getResults());
    }
    for (int64_t i = 0; i < T; ++i)
      for (int64_t j = 0; j < T; ++j) {
        Value row = add(add(rowBase, ty), cst(16 * i)), col = add(add(colBase, tx), cst(16 * j));
        Value ok = b.create<arith::AndIOp>(loc, lt(row, M), lt(col, N));
        auto ifOp = b.create<scf::IfOp>(loc, ok, false);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
        dlc::cuda::accumulateInto(b, loc, kLoop.getResult(i * T + j), C, row, col, splits > 1);
      }
    mm.erase();
  }
};

} // namespace
