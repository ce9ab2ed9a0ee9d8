// Helpers shared by the graph -> linalg lowering patterns.
#ifndef DLC_CODEGEN_LINALG_LOWERINGUTILS_H
#define DLC_CODEGEN_LINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace dlc {

using ScalarBody =
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type);
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type elementType,
                           double value);
/// A tensor of `type` filled with `scalar`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                         mlir::Value scalar);
/// Converts a scalar between element types with ONNX Cast semantics (bool is i1). Scalars
/// are signless; `fromUnsigned` / `toUnsigned` say when an integer side is unsigned.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, mlir::Type to,
                          bool fromUnsigned = false, bool toUnsigned = false);

/// Unsigned integers (ONNX uint8) live in the graph as `ui8` tensors, but arith computes
/// on signless integers: the elementwise lowering bitcasts them to `i8` around its
/// linalg.generic and picks the unsigned arith ops; dlc-signless-integers then drops the
/// unsigned types everywhere.
bool isUnsignedInteger(mlir::Type elementOrShaped);
mlir::Type signlessElement(mlir::Type t);

/// Which operands a linalg.matmul reads transposed (A as K x M, B as N x K): {transA,
/// transB}; nullopt for indexing maps other than these four.
std::optional<std::pair<bool, bool>> matmulTransposition(mlir::linalg::MatmulOp mm);
/// The indexing maps of a matmul that reads A and B transposed as asked.
llvm::SmallVector<mlir::AffineMap> matmulMaps(mlir::MLIRContext *ctx, bool transA, bool transB);

/// Indexing map reading `operandShape` from a loop nest over `resultShape` with NumPy
/// broadcasting (size-1 dims read index 0, missing leading dims are dropped).
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx, llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape);

/// One linalg.generic over `resultType` whose operands broadcast to it; `body` maps the
/// scalars of `inputs` to the result scalar.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, ScalarBody body);

/// Same elements, another static shape (collapse then expand).
mlir::Value reshapeTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                          llvm::ArrayRef<int64_t> shape);

/// Reduces `input` over `axes` (sorted) to a tensor without those axes, starting from
/// `init` and combining with `combine(acc, x)`; `pre` transforms each element first.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                           llvm::ArrayRef<int64_t> axes, mlir::Value init,
                           llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                                          mlir::Value, mlir::Value)>
                               combine,
                           ScalarBody pre = nullptr);

/// The shape of `input` without `axes`, or with them as 1 when `keep`.
llvm::SmallVector<int64_t> reducedShape(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> axes,
                                        bool keep);

mlir::SmallVector<mlir::utils::IteratorType> parallelIterators(unsigned n);

/// Scalar helpers for float or integer element types.
mlir::Value maxOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value minOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
/// maxOf / minOf where integers may be unsigned.
mlir::Value maxOfInteger(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y, bool isUnsigned);
mlir::Value minOfInteger(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y, bool isUnsigned);
double lowestValue(mlir::Type t);
double highestValue(mlir::Type t);

} // namespace dlc

#endif

namespace dlc {
/// Pads (or, for negative amounts, crops) every axis with `padValue`.
mlir::Value padTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, llvm::ArrayRef<int64_t> lo,
                      llvm::ArrayRef<int64_t> hi, mlir::Value padValue);
/// Pads (or, for negative amounts, crops) the spatial axes 2.. of an N x C x ... tensor.
mlir::Value padSpatialTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                             llvm::ArrayRef<int64_t> lo, llvm::ArrayRef<int64_t> hi,
                             mlir::Value padValue);
} // namespace dlc

namespace dlc {
/// i64 index of the first (or last) max (or min) along `axis`, without that axis.
mlir::Value buildArgReduce(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, int64_t axis, bool isMax,
                           bool last);
} // namespace dlc
