// The cache-blocked f32 GEMM with packed operands that dlc-vectorize-matmul emits for
// products too large to run from the operands' own layout (see PackedMatmul.cpp).
#ifndef DLC_CODEGEN_CPU_PACKEDMATMUL_H
#define DLC_CODEGEN_CPU_PACKEDMATMUL_H

#include "mlir/IR/Builders.h"

namespace dlc {

/// The register tile and cache blocks of one packed GEMM.
struct PackedMatmulShape {
  int64_t vectorWidth; // f32 lanes per vector register
  int64_t mr;          // rows of C per register tile
  int64_t nr;          // columns of C per register tile, a multiple of vectorWidth
  int64_t kc = 256;    // K per packed block: a KC x NR panel of B stays in L1
  int64_t mc = 0;      // rows of A per packed block (L2); 0: 20 register tiles
};

/// One k of a register tile, the step both micro-kernels share: each row's A scalar is
/// broadcast and multiplied into every vector of B's row, `accs[r * |bRow| + c]` +=
/// a[r] * bRow[c]. Returns the new accumulators in the same order.
llvm::SmallVector<mlir::Value> outerProductStep(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<mlir::Value> a,
                                                llvm::ArrayRef<mlir::Value> bRow, mlir::ValueRange accs);

/// What C holds before a product that the kernels need not read back: zeros (a fill), or a
/// bias broadcast along C's rows (a conv's, one value per output channel) or columns (a
/// Linear layer's), which the tiles start from instead of loading C.
struct InitialC {
  enum Kind { Memory, Zero, RowBias, ColumnBias } kind = Memory;
  /// RowBias: row i's value at [i] or [i, 0]; ColumnBias: column j's at [j] or [0, j].
  mlir::Value bias;

  /// The vector C[row, col : col + |vt|] starts from; `mask` (null: all lanes) limits what
  /// is read. Memory loads C.
  mlir::Value vectorAt(mlir::OpBuilder &b, mlir::Location loc, mlir::VectorType vt, mlir::Value C, mlir::Value row,
                       mlir::Value col, mlir::Value mask) const;
  /// The scalar C[row, col] starts from.
  mlir::Value scalarAt(mlir::OpBuilder &b, mlir::Location loc, mlir::Value C, mlir::Value row, mlir::Value col) const;
};

/// Whether C[M x N] += A[M x K] * B[K x N] is large enough for packing to pay off.
bool worthPacking(const PackedMatmulShape &shape, int64_t M, int64_t N, int64_t K);

/// Emits C += op(A) * op(B) at the builder's point, where op(A) is A[M x K] or, with
/// transposedA, A[K x M] read transposed, and op(B) is B[K x N] or B[N x K] with
/// transposedB. Every operand is a static f32 memref with unit inner stride. `init` says
/// what C holds (unless Memory, C is only written: C = init + op(A) * op(B)).
void emitPackedMatmul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value A, mlir::Value B, mlir::Value C,
                      bool transposedA, bool transposedB, int64_t M, int64_t N, int64_t K,
                      const PackedMatmulShape &shape, const InitialC &init = {});

} // namespace dlc

#endif
