// The tensor-core variant of dlc-cuda-tile-matmul (`precision` tf32, bf16 or fp16).
#ifndef DLC_CODEGEN_CUDA_TENSORCOREMATMUL_H
#define DLC_CODEGEN_CUDA_TENSORCOREMATMUL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace dlc::cuda {

/// The operand precision of a matmul kernel; accumulation is f32 in all of them.
enum class MatmulPrecision { FP32, TF32, BF16, FP16 };

/// fp32, tf32, bf16 or fp16; nullopt for anything else.
std::optional<MatmulPrecision> parseMatmulPrecision(llvm::StringRef name);

/// Replaces `mm` (static 2-D f32 memrefs; A read as KxM when `transA`, B as NxK when
/// `transB`) by a gpu.launch whose warps compute C's tiles with mma.sync, the operands
/// rounded to `precision` (not FP32) when they are staged in workgroup memory.
void rewriteMatmulWithTensorCores(mlir::linalg::MatmulOp mm, bool transA, bool transB,
                                  MatmulPrecision precision, int64_t multiprocessors);

} // namespace dlc::cuda

#endif
