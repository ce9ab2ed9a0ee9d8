// The gradient rules of the reductions (GradientOpInterface).
#include "dialects/Graph/GraphBuilders.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace dlc::graph;

LogicalResult ReduceOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput();
  auto in = typeOf(x).getShape();
  StringRef kind = getKind();
  SmallVector<int64_t> keep;
  for (int64_t i = 0; i < (int64_t)in.size(); ++i)
    keep.push_back(llvm::is_contained(getAxes(), i) ? 1 : in[i]);
  // g and the result with the reduced axes kept as 1, so they broadcast against x.
  Value gk = reshape(b, l, g, keep), yk = reshape(b, l, getOutput(), keep);
  auto s = [&](double v) { return scalar(b, l, x, v); };
  Value local; // d result / d x, broadcast against x
  if (kind == "sum") {
    out.push_back(broadcastTo(b, l, gk, in));
    return success();
  }
  if (kind == "mean") {
    int64_t count = 1;
    for (int64_t a : getAxes())
      count *= in[a];
    out.push_back(broadcastTo(b, l, div(b, l, gk, s((double)count)), in));
    return success();
  }
  if (kind == "max" || kind == "min") {
    // Shared evenly by the elements equal to the extreme (PyTorch's amax/amin).
    Value hit = castTo(b, l, compare<EqualOp>(b, l, x, yk), typeOf(x).getElementType());
    local = div(b, l, hit, reduceSum(b, l, hit, getAxes(), true));
  } else if (kind == "prod") {
    // The product of the other elements, exact with zeros: an element gets it when no
    // other element is zero.
    Value isZero = compare<EqualOp>(b, l, x, s(0));
    Value zeros = reduceSum(b, l, castTo(b, l, isZero, typeOf(x).getElementType()), getAxes(), true);
    Value nonZero = where(b, l, isZero, s(1), x);
    Value prodNonZero = reduce(b, l, nonZero, "prod", getAxes(), true);
    Value atZero = where(b, l, compare<EqualOp>(b, l, zeros, s(1)), prodNonZero, s(0));
    Value atOther = where(b, l, compare<EqualOp>(b, l, zeros, s(0)), div(b, l, prodNonZero, nonZero), s(0));
    local = where(b, l, isZero, atZero, atOther);
  } else if (kind == "l1") {
    local = unary<SignOp>(b, l, x);
  } else if (kind == "l2") {
    // x / ||x||; 0 where the norm is 0 (then x is 0 too), as PyTorch.
    Value safe = where(b, l, compare<EqualOp>(b, l, yk, s(0)), s(1), yk);
    local = div(b, l, x, safe);
  } else if (kind == "log_sum") {
    local = div(b, l, s(1), unary<ExpOp>(b, l, yk));
  } else if (kind == "log_sum_exp") {
    local = unary<ExpOp>(b, l, sub(b, l, x, yk));
  } else if (kind == "sum_square") {
    local = mul(b, l, x, s(2));
  } else {
    return emitOpError() << "has no gradient rule for reduction kind '" << kind << "'";
  }
  out.push_back(broadcastTo(b, l, mul(b, l, gk, local), in));
  return success();
}

LogicalResult CumSumOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  // Each input element reaches the outputs after it (before it when reversed).
  out.push_back(b.create<CumSumOp>(getLoc(), g.getType(), g, getAxisAttr(), getExclusiveAttr(),
                                   b.getBoolAttr(!getReverse())));
  return success();
}
