// Reverse-mode differentiation of a graph-dialect function body.
#ifndef DLC_COMPILER_AUTODIFF_H
#define DLC_COMPILER_AUTODIFF_H

#include "mlir/IR/Builders.h"

namespace dlc {

/// Gradients of the scalar `loss` with respect to each of `wrt`, built at `b`'s insertion
/// point (which must follow every op computing the loss). Only ops on a path from some
/// `wrt` value to the loss are differentiated; a value used several times gets the sum of
/// its gradients. A `wrt` value no gradient reaches (the loss does not depend on it, or only
/// through non-differentiable uses: comparisons, indices, shapes) gets a zero gradient and,
/// with `reached`, false there.
mlir::LogicalResult differentiate(mlir::OpBuilder &b, mlir::Value loss, llvm::ArrayRef<mlir::Value> wrt,
                                  llvm::SmallVectorImpl<mlir::Value> &grads,
                                  llvm::SmallVectorImpl<bool> *reached = nullptr);

} // namespace dlc

#endif
