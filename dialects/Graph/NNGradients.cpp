// The gradient rules of softmax and the normalizations (GradientOpInterface).
#include "dialects/Graph/GraphBuilders.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace dlc::graph;

LogicalResult LogSoftmaxOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  // dx = g - softmax(x) * sum(g), softmax(x) = exp(y)
  Value softmax = b.create<ExpOp>(l, getOutput().getType(), getOutput());
  Value total = reduceSum(b, l, g, {static_cast<int64_t>(getAxis())}, true);
  out.push_back(sub(b, l, g, mul(b, l, softmax, total)));
  return success();
}

LogicalResult SoftmaxOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  // dx = y * (g - sum(g * y))
  Value y = getOutput();
  Value total = reduceSum(b, l, mul(b, l, g, y), {static_cast<int64_t>(getAxis())}, true);
  out.push_back(mul(b, l, y, sub(b, l, g, total)));
  return success();
}

LogicalResult HardmaxOp::buildGradients(OpBuilder &, Value, SmallVectorImpl<Value> &out) {
  noGradient(*this, out);
  return success();
}

namespace {
/// The normalization `xhat = (x - mean) / sqrt(var + eps)` over `axes` (kept as 1) and the
/// gradient of x from the gradient `dxhat` of xhat:
/// dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(var + eps).
struct Normalized {
  Value xhat, inv;
  Normalized(OpBuilder &b, Location l, Value x, ArrayRef<int64_t> axes, double eps) {
    Value centered = sub(b, l, x, reduce(b, l, x, "mean", axes, true));
    Value var = reduce(b, l, mul(b, l, centered, centered), "mean", axes, true);
    inv = div(b, l, scalar(b, l, x, 1), unary<SqrtOp>(b, l, add(b, l, var, scalar(b, l, x, eps))));
    xhat = mul(b, l, centered, inv);
  }
  Value inputGrad(OpBuilder &b, Location l, Value dxhat, ArrayRef<int64_t> axes) const {
    Value m1 = reduce(b, l, dxhat, "mean", axes, true);
    Value m2 = reduce(b, l, mul(b, l, dxhat, xhat), "mean", axes, true);
    return mul(b, l, sub(b, l, sub(b, l, dxhat, m1), mul(b, l, xhat, m2)), inv);
  }
};
} // namespace

LogicalResult LayerNormOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput();
  SmallVector<int64_t> axes;
  for (int64_t i = getAxis(); i < typeOf(x).getRank(); ++i)
    axes.push_back(i);
  Normalized n(b, l, x, axes, getEpsilon().convertToDouble());
  out.push_back(n.inputGrad(b, l, mul(b, l, g, getScale()), axes));
  out.push_back(unbroadcast(b, l, mul(b, l, g, n.xhat), typeOf(getScale()).getShape()));
  if (getBias())
    out.push_back(unbroadcast(b, l, g, typeOf(getBias()).getShape()));
  return success();
}

LogicalResult InstanceNormOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput();
  int64_t rank = typeOf(x).getRank(), c = typeOf(x).getDimSize(1);
  SmallVector<int64_t> axes, perChannel{0}, channelShape{c};
  for (int64_t i = 2; i < rank; ++i) {
    axes.push_back(i);
    perChannel.push_back(i);
    channelShape.push_back(1);
  }
  Normalized n(b, l, x, axes, getEpsilon().convertToDouble());
  out.push_back(n.inputGrad(b, l, mul(b, l, g, reshape(b, l, getScale(), channelShape)), axes));
  out.push_back(reduceSum(b, l, mul(b, l, g, n.xhat), perChannel, false));
  out.push_back(reduceSum(b, l, g, perChannel, false));
  return success();
}

LogicalResult RankMeanOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  // y = (1/N) sum_r x_r on every rank: dx_r = (1/N) sum_s dy_s, the same reduction of the
  // gradients, under its own key.
  out.push_back(b.create<RankMeanOp>(getLoc(), g.getType(), g, b.getI64IntegerAttr(getKey() + (int64_t(1) << 30))));
  return success();
}
