#include "codegen/cuda/MatmulTiling.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace dlc::cuda {

MatmulSizes matmulSizes(linalg::MatmulOp mm, bool transA, bool transB) {
  auto aType = cast<MemRefType>(mm.getDpsInputs()[0].getType());
  auto bType = cast<MemRefType>(mm.getDpsInputs()[1].getType());
  return {aType.getDimSize(transA ? 1 : 0), bType.getDimSize(transB ? 0 : 1), aType.getDimSize(transA ? 0 : 1)};
}

KSplit splitK(int64_t K, int64_t tiles, int64_t tileK, int64_t multiprocessors) {
  int64_t splits = 1;
  if (tiles < multiprocessors && K >= 4 * tileK * 8)
    splits = std::min((K + 8 * tileK - 1) / (8 * tileK), (2 * multiprocessors + tiles - 1) / tiles);
  int64_t chunk = ((K + splits - 1) / splits + tileK - 1) / tileK * tileK;
  return {(K + chunk - 1) / chunk, chunk};
}

gpu::LaunchOp createTileLaunch(OpBuilder &b, Location loc, int64_t gridX, int64_t gridY, int64_t gridZ,
                               int64_t threads, MemRefType aTile, MemRefType bTile) {
  auto cst = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v).getResult(); };
  Value one = cst(1);
  auto launch = b.create<gpu::LaunchOp>(loc, cst(gridX), cst(gridY), cst(gridZ), cst(threads), one, one, Value(),
                                        Type(), ValueRange{}, TypeRange{aTile, bTile});
  Block &body = launch.getBody().front();
  b.setInsertionPointToEnd(&body);
  b.create<gpu::TerminatorOp>(loc);
  b.setInsertionPointToStart(&body);
  return launch;
}

Value loadOrZero(OpBuilder &b, Location loc, Value src, Value r, Value c, bool transposed,
                 std::optional<int64_t> rows, std::optional<int64_t> cols, Value zero) {
  SmallVector<Value, 2> idx = transposed ? SmallVector<Value, 2>{c, r} : SmallVector<Value, 2>{r, c};
  if (!rows && !cols)
    return b.create<memref::LoadOp>(loc, src, idx);
  auto lt = [&](Value x, int64_t bound) -> Value {
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, x,
                                   b.create<arith::ConstantIndexOp>(loc, bound).getResult());
  };
  Value ok = rows && cols ? b.create<arith::AndIOp>(loc, lt(r, *rows), lt(c, *cols)).getResult()
                          : (rows ? lt(r, *rows) : lt(c, *cols));
  auto ifOp = b.create<scf::IfOp>(loc, TypeRange{zero.getType()}, ok, true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  b.create<scf::YieldOp>(loc, b.create<memref::LoadOp>(loc, src, idx).getResult());
  b.setInsertionPointToStart(ifOp.elseBlock());
  b.create<scf::YieldOp>(loc, zero);
  return ifOp.getResult(0);
}

void accumulateInto(OpBuilder &b, Location loc, Value acc, Value C, Value row, Value col, bool atomic) {
  if (atomic) {
    b.create<memref::AtomicRMWOp>(loc, arith::AtomicRMWKind::addf, acc, C, ValueRange{row, col});
    return;
  }
  Value c = b.create<memref::LoadOp>(loc, C, ValueRange{row, col});
  b.create<memref::StoreOp>(loc, b.create<arith::AddFOp>(loc, c, acc), C, ValueRange{row, col});
}

} // namespace dlc::cuda
