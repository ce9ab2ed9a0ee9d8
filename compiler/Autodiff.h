// Reverse-mode differentiation of a graph-dialect function body.
#ifndef DLC_COMPILER_AUTODIFF_H
#define DLC_COMPILER_AUTODIFF_H

#include "mlir/IR/Builders.h"

namespace dlc {

/// Gradients of the scalar `loss` with respect to each of `wrt`, built at `b`'s insertion
/// point (which must follow every op computing the loss). Only ops on a path from some
/// `wrt` value to the loss are differentiated; a value used several times gets the sum of
/// its gradients. A `wrt` value the loss does not depend on gets a zero gradient.
mlir::LogicalResult differentiate(mlir::OpBuilder &b, mlir::Value loss, llvm::ArrayRef<mlir::Value> wrt,
                                  llvm::SmallVectorImpl<mlir::Value> &grads);

} // namespace dlc

#endif
