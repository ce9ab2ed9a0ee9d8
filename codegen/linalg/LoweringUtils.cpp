#include "codegen/linalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;

namespace dlc {

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return b.create<tensor::EmptyOp>(loc, type.getShape(), type.getElementType());
}

Value scalarConstant(OpBuilder &b, Location loc, Type t, double value) {
  if (auto ft = dyn_cast<FloatType>(t))
    return b.create<arith::ConstantOp>(loc, t, b.getFloatAttr(ft, value));
  if (t.isInteger(1))
    return b.create<arith::ConstantOp>(loc, t, b.getIntegerAttr(t, value != 0));
  unsigned width = t.getIntOrFloatBitWidth();
  APInt v = value >= std::ldexp(1.0, width - 1)    ? APInt::getSignedMaxValue(width)
            : value <= -std::ldexp(1.0, width - 1) ? APInt::getSignedMinValue(width)
                                                   : APInt(width, (int64_t)value, /*isSigned=*/true);
  return b.create<arith::ConstantOp>(loc, t, b.getIntegerAttr(t, v));
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type, Value scalar) {
  Value empty = emptyTensor(b, loc, type);
  return b.create<linalg::FillOp>(loc, scalar, empty).getResult(0);
}

bool isUnsignedInteger(Type t) {
  auto it = dyn_cast<IntegerType>(getElementTypeOrSelf(t));
  return it && it.isUnsigned();
}

Type signlessElement(Type t) {
  if (auto it = dyn_cast<IntegerType>(t); it && !it.isSignless())
    return IntegerType::get(t.getContext(), it.getWidth());
  return t;
}

static Value bitcastTensor(OpBuilder &b, Location loc, Value v, Type elem) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elem)
    return v;
  return b.create<tensor::BitcastOp>(loc, RankedTensorType::get(type.getShape(), elem), v);
}

Value convertScalar(OpBuilder &b, Location loc, Value v, Type to, bool fromUnsigned, bool toUnsigned) {
  Type from = v.getType();
  if (from == to)
    return v;
  auto fromF = dyn_cast<FloatType>(from), toF = dyn_cast<FloatType>(to);
  // The 8-bit floats convert only to and from f32 (dlc-expand-small-floats), and two
  // floats of one width (bf16, f16) have no direct conversion: through f32.
  Type f32 = b.getF32Type();
  bool narrowFrom = fromF && fromF.getWidth() <= 8, narrowTo = toF && toF.getWidth() <= 8;
  bool sameWidth = fromF && toF && fromF.getWidth() == toF.getWidth();
  if ((narrowFrom || narrowTo || sameWidth) && from != f32 && to != f32)
    return convertScalar(b, loc, convertScalar(b, loc, v, f32, fromUnsigned, false), to, false, toUnsigned);
  if (fromF && toF) {
    if (fromF.getWidth() < toF.getWidth())
      return b.create<arith::ExtFOp>(loc, to, v);
    return b.create<arith::TruncFOp>(loc, to, v);
  }
  if (to.isInteger(1)) {
    Value zero = scalarConstant(b, loc, from, 0);
    if (fromF)
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, v, zero);
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, v, zero);
  }
  fromUnsigned |= from.isInteger(1);
  if (fromF) // float -> int
    return toUnsigned ? (Value)b.create<arith::FPToUIOp>(loc, to, v) : (Value)b.create<arith::FPToSIOp>(loc, to, v);
  if (toF)
    return fromUnsigned ? (Value)b.create<arith::UIToFPOp>(loc, to, v)
                        : (Value)b.create<arith::SIToFPOp>(loc, to, v);
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw < tw)
    return fromUnsigned ? (Value)b.create<arith::ExtUIOp>(loc, to, v)
                        : (Value)b.create<arith::ExtSIOp>(loc, to, v);
  if (fw > tw)
    return b.create<arith::TruncIOp>(loc, to, v);
  return b.create<arith::BitcastOp>(loc, to, v);
}

AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape, ArrayRef<int64_t> resultShape) {
  SmallVector<AffineExpr> exprs;
  size_t offset = resultShape.size() - operandShape.size();
  for (size_t i = 0; i < operandShape.size(); ++i) {
    if (operandShape[i] == 1 && resultShape[i + offset] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(i + offset, ctx));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, ctx);
}

SmallVector<utils::IteratorType> parallelIterators(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
                       ScalarBody body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(ctx, cast<RankedTensorType>(in.getType()).getShape(),
                                resultType.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<Value> signless;
  for (Value in : inputs)
    signless.push_back(bitcastTensor(b, loc, in, signlessElement(cast<RankedTensorType>(in.getType()).getElementType())));
  auto signlessType = RankedTensorType::get(resultType.getShape(), signlessElement(resultType.getElementType()));
  Value init = emptyTensor(b, loc, signlessType);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{signlessType}, signless, ValueRange{init}, maps,
      parallelIterators(resultType.getRank()), [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        nb.create<linalg::YieldOp>(nloc, r);
      });
  return bitcastTensor(b, loc, generic.getResult(0), resultType.getElementType());
}

Value reshapeTensor(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  auto target = RankedTensorType::get(shape, type.getElementType());
  Value flat = v;
  if (type.getRank() > 1 || (type.getRank() == 1 && shape.empty())) {
    SmallVector<ReassociationIndices> all;
    if (!shape.empty() || type.getRank() > 0) {
      ReassociationIndices group;
      for (int64_t i = 0; i < type.getRank(); ++i)
        group.push_back(i);
      all.push_back(group);
    }
    if (shape.empty())
      return b.create<tensor::CollapseShapeOp>(loc, target, v, SmallVector<ReassociationIndices>{});
    flat = b.create<tensor::CollapseShapeOp>(loc, v, all);
  }
  auto flatType = cast<RankedTensorType>(flat.getType());
  if (flatType.getShape() == shape)
    return flat;
  if (shape.empty())
    return b.create<tensor::CollapseShapeOp>(loc, target, flat, SmallVector<ReassociationIndices>{});
  SmallVector<ReassociationIndices> expand;
  if (flatType.getRank() == 1) {
    ReassociationIndices group;
    for (size_t i = 0; i < shape.size(); ++i)
      group.push_back(i);
    expand.push_back(group);
  }
  return b.create<tensor::ExpandShapeOp>(loc, target, flat, expand);
}

SmallVector<int64_t> reducedShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes, bool keep) {
  SmallVector<int64_t> out;
  for (int64_t i = 0; i < (int64_t)shape.size(); ++i) {
    if (!llvm::is_contained(axes, i))
      out.push_back(shape[i]);
    else if (keep)
      out.push_back(1);
  }
  return out;
}

Value buildReduction(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Value init,
                     function_ref<Value(OpBuilder &, Location, Value, Value)> combine, ScalarBody pre) {
  auto type = cast<RankedTensorType>(input.getType());
  MLIRContext *ctx = b.getContext();
  auto outType = RankedTensorType::get(reducedShape(type.getShape(), axes, false), type.getElementType());
  Value acc = filledTensor(b, loc, outType, init);
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    bool reduced = llvm::is_contained(axes, i);
    iters.push_back(reduced ? utils::IteratorType::reduction : utils::IteratorType::parallel);
    if (!reduced)
      outExprs.push_back(getAffineDimExpr(i, ctx));
  }
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(type.getRank()),
                              AffineMap::get(type.getRank(), 0, outExprs, ctx)};
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{outType}, ValueRange{input}, ValueRange{acc}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value x = pre ? pre(nb, nloc, args.take_front()) : args[0];
        nb.create<linalg::YieldOp>(nloc, combine(nb, nloc, args[1], x));
      });
  return generic.getResult(0);
}

Value maxOf(OpBuilder &b, Location loc, Value x, Value y) { return maxOfInteger(b, loc, x, y, false); }
Value minOf(OpBuilder &b, Location loc, Value x, Value y) { return minOfInteger(b, loc, x, y, false); }

Value maxOfInteger(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::MaximumFOp>(loc, x, y);
  if (x.getType().isInteger(1))
    return b.create<arith::OrIOp>(loc, x, y);
  return isUnsigned ? (Value)b.create<arith::MaxUIOp>(loc, x, y) : (Value)b.create<arith::MaxSIOp>(loc, x, y);
}

Value minOfInteger(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::MinimumFOp>(loc, x, y);
  if (x.getType().isInteger(1))
    return b.create<arith::AndIOp>(loc, x, y);
  return isUnsigned ? (Value)b.create<arith::MinUIOp>(loc, x, y) : (Value)b.create<arith::MinSIOp>(loc, x, y);
}

double lowestValue(Type t) {
  if (isa<FloatType>(t))
    return -std::numeric_limits<double>::infinity();
  if (t.isInteger(1))
    return 0;
  return -std::ldexp(1.0, t.getIntOrFloatBitWidth() - 1);
}

double highestValue(Type t) {
  if (isa<FloatType>(t))
    return std::numeric_limits<double>::infinity();
  if (t.isInteger(1))
    return 1;
  return std::ldexp(1.0, t.getIntOrFloatBitWidth() - 1) - 1;
}

Value padTensor(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> lo, ArrayRef<int64_t> hi, Value padValue) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()), strides(rank, 1);
  SmallVector<int64_t> plo(rank, 0), phi(rank, 0);
  bool crop = false, pad = false;
  for (int64_t i = 0; i < rank; ++i) {
    if (lo[i] < 0) {
      offsets[i] = -lo[i];
      sizes[i] += lo[i];
      crop = true;
    } else if (lo[i] > 0) {
      plo[i] = lo[i];
      pad = true;
    }
    if (hi[i] < 0) {
      sizes[i] += hi[i];
      crop = true;
    } else if (hi[i] > 0) {
      phi[i] = hi[i];
      pad = true;
    }
  }
  if (crop)
    x = b.create<tensor::ExtractSliceOp>(loc, RankedTensorType::get(sizes, type.getElementType()), x, ValueRange{},
                                         ValueRange{}, ValueRange{}, offsets, sizes, strides);
  if (!pad)
    return x;
  SmallVector<int64_t> padded(sizes);
  SmallVector<OpFoldResult> l, h;
  for (int64_t i = 0; i < rank; ++i) {
    padded[i] += plo[i] + phi[i];
    l.push_back(b.getIndexAttr(plo[i]));
    h.push_back(b.getIndexAttr(phi[i]));
  }
  return b.create<tensor::PadOp>(loc, RankedTensorType::get(padded, type.getElementType()), x, l, h, padValue);
}

SmallVector<AffineMap> matmulMaps(MLIRContext *ctx, bool transA, bool transB) {
  auto map = [&](unsigned a, unsigned b) {
    return AffineMap::get(3, 0, {getAffineDimExpr(a, ctx), getAffineDimExpr(b, ctx)}, ctx);
  };
  return {transA ? map(2, 0) : map(0, 2), transB ? map(1, 2) : map(2, 1), map(0, 1)};
}

std::optional<std::pair<bool, bool>> matmulTransposition(linalg::MatmulOp mm) {
  SmallVector<AffineMap> maps = mm.getIndexingMapsArray();
  for (bool transA : {false, true})
    for (bool transB : {false, true})
      if (maps == matmulMaps(mm.getContext(), transA, transB))
        return std::make_pair(transA, transB);
  return std::nullopt;
}

} // namespace dlc
