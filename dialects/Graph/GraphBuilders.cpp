#include "dialects/Graph/GraphBuilders.h"

using namespace mlir;

namespace dlc::graph {

namespace {
template <typename OpTy> Value binary(OpBuilder &b, Location loc, Value x, Value y) {
  SmallVector<int64_t> shape;
  broadcastShapes({typeOf(x).getShape(), typeOf(y).getShape()}, shape);
  return b.create<OpTy>(loc, withShape(x, shape), x, y);
}
} // namespace

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }
RankedTensorType withShape(Value like, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, typeOf(like).getElementType());
}

Value scalar(OpBuilder &b, Location loc, Value like, double v) {
  auto t = RankedTensorType::get({}, typeOf(like).getElementType());
  Type e = t.getElementType();
  TypedAttr value = isa<FloatType>(e) ? (TypedAttr)b.getFloatAttr(e, v) : (TypedAttr)b.getIntegerAttr(e, (int64_t)v);
  return b.create<ConstantOp>(loc, t, DenseElementsAttr::get(t, value));
}

Value mul(OpBuilder &b, Location l, Value x, Value y) { return binary<MulOp>(b, l, x, y); }
Value add(OpBuilder &b, Location l, Value x, Value y) { return binary<AddOp>(b, l, x, y); }
Value sub(OpBuilder &b, Location l, Value x, Value y) { return binary<SubOp>(b, l, x, y); }
Value div(OpBuilder &b, Location l, Value x, Value y) { return binary<DivOp>(b, l, x, y); }
Value neg(OpBuilder &b, Location l, Value x) { return b.create<NegOp>(l, x.getType(), x); }

Value reshape(OpBuilder &b, Location l, Value x, ArrayRef<int64_t> shape) {
  if (typeOf(x).getShape() == shape)
    return x;
  return b.create<ReshapeOp>(l, withShape(x, shape), x);
}

Value transpose(OpBuilder &b, Location l, Value x, ArrayRef<int64_t> perm) {
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(typeOf(x).getDimSize(p));
  return b.create<TransposeOp>(l, withShape(x, shape), x, perm);
}

/// Swaps the last two axes.
Value transposeLast2(OpBuilder &b, Location l, Value x) {
  SmallVector<int64_t> perm;
  int64_t r = typeOf(x).getRank();
  for (int64_t i = 0; i < r; ++i)
    perm.push_back(i);
  std::swap(perm[r - 1], perm[r - 2]);
  return transpose(b, l, x, perm);
}

Value reduceSum(OpBuilder &b, Location l, Value x, ArrayRef<int64_t> axes, bool keep) {
  return reduce(b, l, x, "sum", axes, keep);
}

Value reduce(OpBuilder &b, Location l, Value x, StringRef kind, ArrayRef<int64_t> axes, bool keep) {
  if (axes.empty())
    return x;
  SmallVector<int64_t> shape;
  auto s = typeOf(x).getShape();
  for (int64_t i = 0; i < (int64_t)s.size(); ++i)
    if (!llvm::is_contained(axes, i))
      shape.push_back(s[i]);
    else if (keep)
      shape.push_back(1);
  return b.create<ReduceOp>(l, withShape(x, shape), x, b.getStringAttr(kind), b.getDenseI64ArrayAttr(axes),
                            b.getBoolAttr(keep));
}

/// The gradient of a value broadcast from `shape` to grad's shape: summed over the
/// broadcast axes.
Value unbroadcast(OpBuilder &b, Location l, Value grad, ArrayRef<int64_t> shape) {
  auto gs = typeOf(grad).getShape();
  if (gs == shape)
    return grad;
  SmallVector<int64_t> axes;
  size_t offset = gs.size() - shape.size();
  for (size_t i = 0; i < gs.size(); ++i)
    if (i < offset || (shape[i - offset] == 1 && gs[i] != 1))
      axes.push_back(i);
  return reshape(b, l, reduceSum(b, l, grad, axes, true), shape);
}

Value broadcastTo(OpBuilder &b, Location l, Value x, ArrayRef<int64_t> shape) {
  if (typeOf(x).getShape() == shape)
    return x;
  return b.create<BroadcastOp>(l, withShape(x, shape), x);
}

/// where(cond, g, 0)
Value select(OpBuilder &b, Location l, Value cond, Value g) {
  return b.create<WhereOp>(l, g.getType(), cond, g, scalar(b, l, g, 0));
}

Value greaterZero(OpBuilder &b, Location l, Value x, bool orEqual) {
  auto t = RankedTensorType::get(typeOf(x).getShape(), b.getI1Type());
  Value zero = scalar(b, l, x, 0);
  if (orEqual)
    return b.create<GreaterEqualOp>(l, t, x, zero);
  return b.create<GreaterOp>(l, t, x, zero);
}

Value where(OpBuilder &b, Location l, Value cond, Value x, Value y) {
  SmallVector<int64_t> shape;
  broadcastShapes({typeOf(cond).getShape(), typeOf(x).getShape(), typeOf(y).getShape()}, shape);
  return b.create<WhereOp>(l, withShape(x, shape), cond, x, y);
}

Value pow(OpBuilder &b, Location l, Value x, Value y) { return binary<PowOp>(b, l, x, y); }

Value castTo(OpBuilder &b, Location l, Value x, Type elem) {
  if (typeOf(x).getElementType() == elem)
    return x;
  return b.create<CastOp>(l, RankedTensorType::get(typeOf(x).getShape(), elem), x);
}

void noGradient(Operation *op, SmallVectorImpl<Value> &operandGrads) {
  operandGrads.append(op->getNumOperands(), Value());
}

} // namespace dlc::graph
