// Helpers that build graph ops with their result types computed: used by the gradient
// rules and by the training pipeline (losses, optimizers).
#ifndef DLC_DIALECTS_GRAPH_GRAPHBUILDERS_H
#define DLC_DIALECTS_GRAPH_GRAPHBUILDERS_H

#include "dialects/Graph/GraphDialect.h"

#include "mlir/IR/Builders.h"

namespace dlc::graph {

mlir::RankedTensorType typeOf(mlir::Value v);
mlir::RankedTensorType withShape(mlir::Value like, llvm::ArrayRef<int64_t> shape);
/// A rank-0 constant of `like`'s element type (broadcasts against anything).
mlir::Value scalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value like, double v);
mlir::Value mul(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, mlir::Value y);
mlir::Value add(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, mlir::Value y);
mlir::Value sub(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, mlir::Value y);
mlir::Value div(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, mlir::Value y);
mlir::Value neg(mlir::OpBuilder &b, mlir::Location l, mlir::Value x);
mlir::Value reshape(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, llvm::ArrayRef<int64_t> shape);
mlir::Value transpose(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, llvm::ArrayRef<int64_t> perm);
/// Swaps the last two axes.
mlir::Value transposeLast2(mlir::OpBuilder &b, mlir::Location l, mlir::Value x);
mlir::Value reduceSum(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, llvm::ArrayRef<int64_t> axes, bool keep);
/// The gradient of a value broadcast from `shape`: summed over the broadcast axes.
mlir::Value unbroadcast(mlir::OpBuilder &b, mlir::Location l, mlir::Value grad, llvm::ArrayRef<int64_t> shape);
mlir::Value broadcastTo(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, llvm::ArrayRef<int64_t> shape);
/// where(cond, g, 0)
mlir::Value select(mlir::OpBuilder &b, mlir::Location l, mlir::Value cond, mlir::Value g);
mlir::Value greaterZero(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, bool orEqual);
/// where(cond, x, y) with the three broadcast together; x's element type.
mlir::Value where(mlir::OpBuilder &b, mlir::Location l, mlir::Value cond, mlir::Value x, mlir::Value y);
mlir::Value pow(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, mlir::Value y);
/// The same tensor with element type `elem` (x itself when it already has it).
mlir::Value castTo(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, mlir::Type elem);
/// A reduction of `kind` (sum, mean, max, prod ...) over `axes`.
mlir::Value reduce(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, llvm::StringRef kind,
                   llvm::ArrayRef<int64_t> axes, bool keep);

/// d/dx of a piecewise-constant op is zero almost everywhere: no gradient flows to any
/// of `op`'s operands.
void noGradient(mlir::Operation *op, llvm::SmallVectorImpl<mlir::Value> &operandGrads);

/// A comparison (GreaterOp, EqualOp ...) of x and y broadcast together: an i1 tensor.
template <typename OpTy> mlir::Value compare(mlir::OpBuilder &b, mlir::Location l, mlir::Value x, mlir::Value y) {
  llvm::SmallVector<int64_t> shape;
  broadcastShapes({typeOf(x).getShape(), typeOf(y).getShape()}, shape);
  return b.create<OpTy>(l, mlir::RankedTensorType::get(shape, b.getI1Type()), x, y);
}

/// An elementwise op of one operand with x's type.
template <typename OpTy> mlir::Value unary(mlir::OpBuilder &b, mlir::Location l, mlir::Value x) {
  return b.create<OpTy>(l, x.getType(), x);
}

} // namespace dlc::graph

#endif
