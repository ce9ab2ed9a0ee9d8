// What the SIMT (TileMatmul.cpp) and tensor-core (TensorCoreMatmul.cpp) matmul kernels
// share: the problem's sizes, the split of K over gridDim.z, the launch, the guarded
// operand loads and the accumulation into C.
#ifndef DLC_CODEGEN_CUDA_MATMULTILING_H
#define DLC_CODEGEN_CUDA_MATMULTILING_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace dlc::cuda {

/// C is M x N; K is the reduction.
struct MatmulSizes {
  int64_t M, N, K;
};

/// The sizes of `mm` (static 2-D memrefs; A read as KxM when `transA`, B as NxK when `transB`).
MatmulSizes matmulSizes(mlir::linalg::MatmulOp mm, bool transA, bool transB);

/// K cut into `splits` slices of `chunk` (a multiple of `tileK`) each, one per gridDim.z.
struct KSplit {
  int64_t splits, chunk;
};

/// Splits K when the `tiles` of C alone leave most of the `multiprocessors` idle (weight
/// gradients: small M x N, K = batch x pixels); the slices then add into C atomically.
KSplit splitK(int64_t K, int64_t tiles, int64_t tileK, int64_t multiprocessors);

/// A gpu.launch over a (gridX, gridY, gridZ) grid of 1-D blocks of `threads`, with the
/// workgroup buffers `aTile` and `bTile`; `b` is left at the start of its body.
mlir::gpu::LaunchOp createTileLaunch(mlir::OpBuilder &b, mlir::Location loc, int64_t gridX, int64_t gridY,
                                     int64_t gridZ, int64_t threads, mlir::MemRefType aTile,
                                     mlir::MemRefType bTile);

/// src[r][c] (src[c][r] when `transposed`), or `zero` where r >= rows or c >= cols; a
/// bound that is nullopt is known to hold and is not tested.
mlir::Value loadOrZero(mlir::OpBuilder &b, mlir::Location loc, mlir::Value src, mlir::Value r, mlir::Value c,
                       bool transposed, std::optional<int64_t> rows, std::optional<int64_t> cols, mlir::Value zero);

/// C[row][col] += acc; atomically when K is split over blocks.
void accumulateInto(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc, mlir::Value C, mlir::Value row,
                    mlir::Value col, bool atomic);

} // namespace dlc::cuda

#endif
