// The reverse-mode gradient rule of every differentiable graph op (GradientOpInterface).
// Rules build graph ops; broadcasting operands get their gradient summed back to their
// own shape.
#include "dialects/Graph/GraphBuilders.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace dlc::graph;

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult ReluOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(select(b, getLoc(), greaterZero(b, getLoc(), getInput(), false), g));
  return success();
}

LogicalResult LeakyReluOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value scaled = mul(b, l, g, scalar(b, l, g, getAlpha().convertToDouble()));
  out.push_back(b.create<WhereOp>(l, g.getType(), greaterZero(b, l, getInput(), true), g, scaled));
  return success();
}

LogicalResult NegOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(neg(b, getLoc(), g));
  return success();
}

LogicalResult AbsOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  // sign(x), so 0 at x = 0 as PyTorch
  out.push_back(mul(b, getLoc(), g, b.create<SignOp>(getLoc(), getInput().getType(), getInput())));
  return success();
}

LogicalResult SigmoidOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value y = getOutput();
  out.push_back(mul(b, l, g, mul(b, l, y, sub(b, l, scalar(b, l, y, 1), y))));
  return success();
}

LogicalResult TanhOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value y = getOutput();
  out.push_back(mul(b, l, g, sub(b, l, scalar(b, l, y, 1), mul(b, l, y, y))));
  return success();
}

LogicalResult ExpOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(mul(b, getLoc(), g, getOutput()));
  return success();
}

LogicalResult LogOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(div(b, getLoc(), g, getInput()));
  return success();
}

LogicalResult SqrtOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  out.push_back(div(b, l, g, mul(b, l, getOutput(), scalar(b, l, g, 2))));
  return success();
}

LogicalResult AddOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(unbroadcast(b, getLoc(), g, typeOf(getLhs()).getShape()));
  out.push_back(unbroadcast(b, getLoc(), g, typeOf(getRhs()).getShape()));
  return success();
}

LogicalResult SubOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(unbroadcast(b, getLoc(), g, typeOf(getLhs()).getShape()));
  out.push_back(unbroadcast(b, getLoc(), neg(b, getLoc(), g), typeOf(getRhs()).getShape()));
  return success();
}

LogicalResult MulOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  out.push_back(unbroadcast(b, l, mul(b, l, g, getRhs()), typeOf(getLhs()).getShape()));
  out.push_back(unbroadcast(b, l, mul(b, l, g, getLhs()), typeOf(getRhs()).getShape()));
  return success();
}

LogicalResult DivOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  out.push_back(unbroadcast(b, l, div(b, l, g, getRhs()), typeOf(getLhs()).getShape()));
  // d(x/y)/dy = -x/y^2 = -out/y
  out.push_back(unbroadcast(b, l, neg(b, l, div(b, l, mul(b, l, g, getOutput()), getRhs())), typeOf(getRhs()).getShape()));
  return success();
}

LogicalResult BroadcastOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(unbroadcast(b, getLoc(), g, typeOf(getInput()).getShape()));
  return success();
}

//===----------------------------------------------------------------------===//
// Shapes, reductions, softmax
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(reshape(b, getLoc(), g, typeOf(getInput()).getShape()));
  return success();
}

LogicalResult TransposeOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  SmallVector<int64_t> inverse(getPerm().size());
  for (auto [i, p] : llvm::enumerate(getPerm()))
    inverse[p] = i;
  out.push_back(transpose(b, getLoc(), g, inverse));
  return success();
}

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

LogicalResult LogSoftmaxOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  // dx = g - softmax(x) * sum(g), softmax(x) = exp(y)
  Value softmax = b.create<ExpOp>(l, getOutput().getType(), getOutput());
  Value total = reduceSum(b, l, g, {getAxis()}, true);
  out.push_back(sub(b, l, g, mul(b, l, softmax, total)));
  return success();
}

LogicalResult SoftmaxOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  // dx = y * (g - sum(g * y))
  Value y = getOutput();
  Value total = reduceSum(b, l, mul(b, l, g, y), {getAxis()}, true);
  out.push_back(mul(b, l, y, sub(b, l, g, total)));
  return success();
}

//===----------------------------------------------------------------------===//
// Contractions, convolution, pooling
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value a = getLhs(), w = getRhs();
  auto as = typeOf(a).getShape(), ws = typeOf(w).getShape();
  // NumPy's 1-D promotion, a [K] -> [1, K] and w [K] -> [K, 1]; the gradients are
  // computed for the promoted operands and reshaped back.
  if (as.size() == 1)
    a = reshape(b, l, a, {1, as[0]});
  if (ws.size() == 1)
    w = reshape(b, l, w, {ws[0], 1});
  auto pa = typeOf(a).getShape(), pw = typeOf(w).getShape();
  SmallVector<int64_t> batch;
  broadcastShapes({pa.drop_back(2), pw.drop_back(2)}, batch);
  SmallVector<int64_t> gShape(batch);
  gShape.append({pa[pa.size() - 2], pw.back()});
  g = reshape(b, l, g, gShape);
  Value da, dw;
  if (pw.size() == 2) {
    // [..., M, K] x [K, N]: da = g w^T; dw = a^T g over all leading rows.
    da = b.create<MatMulOp>(l, typeOf(a), g, transposeLast2(b, l, w));
    int64_t rows = typeOf(a).getNumElements() / pa.back();
    Value a2 = reshape(b, l, a, {rows, pa.back()});
    Value g2 = reshape(b, l, g, {rows, gShape.back()});
    dw = b.create<MatMulOp>(l, typeOf(w), transposeLast2(b, l, a2), g2);
  } else {
    // Batched: products over the broadcast batch, summed back to each operand's batch.
    SmallVector<int64_t> daShape(batch), dwShape(batch);
    daShape.append({pa[pa.size() - 2], pa.back()});
    dwShape.append({pw[pw.size() - 2], pw.back()});
    da = unbroadcast(b, l, b.create<MatMulOp>(l, withShape(a, daShape), g, transposeLast2(b, l, w)), pa);
    dw = unbroadcast(b, l, b.create<MatMulOp>(l, withShape(w, dwShape), transposeLast2(b, l, a), g), pw);
  }
  out.push_back(reshape(b, l, da, as));
  out.push_back(reshape(b, l, dw, ws));
  return success();
}

LogicalResult MaxPoolOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(b.create<MaxPoolGradOp>(getLoc(), getInput().getType(), getInput(), getOutput(), g,
                                        getKernelShapeAttr(), getStridesAttr(), getPadsAttr(), getDilationsAttr()));
  return success();
}

//===----------------------------------------------------------------------===//
// More elementwise math and activations
//===----------------------------------------------------------------------===//

namespace {
/// d/dx of a piecewise-constant op is zero almost everywhere: no gradient flows.
void noGradient(Operation *op, SmallVectorImpl<Value> &out) { out.append(op->getNumOperands(), Value()); }
} // namespace

LogicalResult SignOp::buildGradients(OpBuilder &, Value, SmallVectorImpl<Value> &out) {
  noGradient(*this, out);
  return success();
}
LogicalResult FloorOp::buildGradients(OpBuilder &, Value, SmallVectorImpl<Value> &out) {
  noGradient(*this, out);
  return success();
}
LogicalResult CeilOp::buildGradients(OpBuilder &, Value, SmallVectorImpl<Value> &out) {
  noGradient(*this, out);
  return success();
}
LogicalResult RoundOp::buildGradients(OpBuilder &, Value, SmallVectorImpl<Value> &out) {
  noGradient(*this, out);
  return success();
}
LogicalResult HardmaxOp::buildGradients(OpBuilder &, Value, SmallVectorImpl<Value> &out) {
  noGradient(*this, out);
  return success();
}

LogicalResult CastOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  // Between float types the gradient is cast back; from integers or bool none flows.
  Type in = typeOf(getInput()).getElementType();
  out.push_back(isa<FloatType>(in) && isa<FloatType>(typeOf(g).getElementType()) ? castTo(b, getLoc(), g, in)
                                                                                  : Value());
  return success();
}

LogicalResult ReciprocalOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value y = getOutput();
  out.push_back(neg(b, l, mul(b, l, g, mul(b, l, y, y))));
  return success();
}

LogicalResult ErfOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput();
  // 2 / sqrt(pi) * exp(-x^2)
  Value e = unary<ExpOp>(b, l, neg(b, l, mul(b, l, x, x)));
  out.push_back(mul(b, l, g, mul(b, l, e, scalar(b, l, x, 1.1283791670955126))));
  return success();
}

LogicalResult SoftplusOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(mul(b, getLoc(), g, unary<SigmoidOp>(b, getLoc(), getInput())));
  return success();
}

LogicalResult SoftsignOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value d = add(b, l, scalar(b, l, g, 1), unary<AbsOp>(b, l, getInput()));
  out.push_back(div(b, l, g, mul(b, l, d, d)));
  return success();
}

LogicalResult MishOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput();
  // tanh(sp(x)) + x * sigmoid(x) * (1 - tanh(sp(x))^2)
  Value t = unary<TanhOp>(b, l, unary<SoftplusOp>(b, l, x));
  Value dt = sub(b, l, scalar(b, l, x, 1), mul(b, l, t, t));
  out.push_back(mul(b, l, g, add(b, l, t, mul(b, l, mul(b, l, x, unary<SigmoidOp>(b, l, x)), dt))));
  return success();
}

LogicalResult HardSwishOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput();
  auto s = [&](double v) { return scalar(b, l, x, v); };
  // 0 below -3, 1 above 3, x / 3 + 1 / 2 between (PyTorch's hardswish_backward).
  Value mid = add(b, l, div(b, l, x, s(3)), s(0.5));
  Value d = where(b, l, compare<LessOp>(b, l, x, s(-3)), s(0), where(b, l, compare<GreaterOp>(b, l, x, s(3)), s(1), mid));
  out.push_back(mul(b, l, g, d));
  return success();
}

LogicalResult HardSigmoidOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput();
  double alpha = getAlpha().convertToDouble();
  Value t = add(b, l, mul(b, l, x, scalar(b, l, x, alpha)), scalar(b, l, x, getBeta().convertToDouble()));
  Value inside = b.create<AndOp>(l, RankedTensorType::get(typeOf(x).getShape(), b.getI1Type()),
                                 compare<GreaterOp>(b, l, t, scalar(b, l, x, 0)),
                                 compare<LessOp>(b, l, t, scalar(b, l, x, 1)));
  out.push_back(select(b, l, inside, mul(b, l, g, scalar(b, l, x, alpha))));
  return success();
}

LogicalResult EluOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  // below 0: alpha * exp(x) = y + alpha
  Value below = mul(b, l, g, add(b, l, getOutput(), scalar(b, l, g, getAlpha().convertToDouble())));
  out.push_back(where(b, l, greaterZero(b, l, getInput(), false), g, below));
  return success();
}

LogicalResult CeluOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  // below 0: exp(x / alpha) = y / alpha + 1
  Value e = add(b, l, div(b, l, getOutput(), scalar(b, l, g, getAlpha().convertToDouble())), scalar(b, l, g, 1));
  out.push_back(where(b, l, greaterZero(b, l, getInput(), false), g, mul(b, l, g, e)));
  return success();
}

LogicalResult SeluOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  double gamma = getGamma().convertToDouble(), alpha = getAlpha().convertToDouble();
  // below 0: gamma * alpha * exp(x) = y + gamma * alpha
  Value below = mul(b, l, g, add(b, l, getOutput(), scalar(b, l, g, gamma * alpha)));
  out.push_back(where(b, l, greaterZero(b, l, getInput(), false), mul(b, l, g, scalar(b, l, g, gamma)), below));
  return success();
}

LogicalResult ThresholdedReluOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput();
  out.push_back(select(b, l, compare<GreaterOp>(b, l, x, scalar(b, l, x, getAlpha().convertToDouble())), g));
  return success();
}

LogicalResult ClipOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput();
  // Inside the closed range [min, max], as PyTorch's clamp.
  Value inside;
  auto both = [&](Value c) {
    inside = inside ? b.create<AndOp>(l, c.getType(), inside, c).getResult() : c;
  };
  if (getMin())
    both(compare<GreaterEqualOp>(b, l, x, scalar(b, l, x, getMin()->convertToDouble())));
  if (getMax())
    both(compare<LessEqualOp>(b, l, x, scalar(b, l, x, getMax()->convertToDouble())));
  out.push_back(inside ? select(b, l, inside, g) : g);
  return success();
}

LogicalResult SinOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(mul(b, getLoc(), g, unary<CosOp>(b, getLoc(), getInput())));
  return success();
}

LogicalResult CosOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(neg(b, getLoc(), mul(b, getLoc(), g, unary<SinOp>(b, getLoc(), getInput()))));
  return success();
}

LogicalResult TanOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value y = getOutput();
  out.push_back(mul(b, l, g, add(b, l, scalar(b, l, y, 1), mul(b, l, y, y))));
  return success();
}

LogicalResult SinhOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(mul(b, getLoc(), g, unary<CoshOp>(b, getLoc(), getInput())));
  return success();
}

LogicalResult CoshOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(mul(b, getLoc(), g, unary<SinhOp>(b, getLoc(), getInput())));
  return success();
}

namespace {
/// g / sqrt(sign * (x^2 - 1)) or g / (sign * (x^2 - 1)): the inverse trigonometric and
/// hyperbolic functions' derivatives share this form.
Value overSquareMinusOne(OpBuilder &b, Location l, Value g, Value x, double sign, bool root) {
  Value d = mul(b, l, sub(b, l, mul(b, l, x, x), scalar(b, l, x, 1)), scalar(b, l, x, sign));
  return div(b, l, g, root ? unary<SqrtOp>(b, l, d) : d);
}
} // namespace

LogicalResult AsinOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(overSquareMinusOne(b, getLoc(), g, getInput(), -1, true)); // 1 / sqrt(1 - x^2)
  return success();
}

LogicalResult AcosOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(neg(b, getLoc(), overSquareMinusOne(b, getLoc(), g, getInput(), -1, true)));
  return success();
}

LogicalResult AcoshOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(overSquareMinusOne(b, getLoc(), g, getInput(), 1, true)); // 1 / sqrt(x^2 - 1)
  return success();
}

LogicalResult AtanhOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(overSquareMinusOne(b, getLoc(), g, getInput(), -1, false)); // 1 / (1 - x^2)
  return success();
}

LogicalResult AtanOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput();
  out.push_back(div(b, l, g, add(b, l, mul(b, l, x, x), scalar(b, l, x, 1))));
  return success();
}

LogicalResult AsinhOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput();
  out.push_back(div(b, l, g, unary<SqrtOp>(b, l, add(b, l, mul(b, l, x, x), scalar(b, l, x, 1)))));
  return success();
}

//===----------------------------------------------------------------------===//
// More binary ops and where
//===----------------------------------------------------------------------===//

LogicalResult PowOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getLhs(), e = castTo(b, l, getRhs(), typeOf(x).getElementType());
  // d/dx = e * x^(e - 1)
  Value dx = mul(b, l, g, mul(b, l, e, pow(b, l, x, sub(b, l, e, scalar(b, l, x, 1)))));
  out.push_back(unbroadcast(b, l, dx, typeOf(x).getShape()));
  if (!isa<FloatType>(typeOf(getRhs()).getElementType())) {
    out.push_back(Value());
    return success();
  }
  // d/de = x^e * log(x), taken as 0 where x = 0 (PyTorch's convention).
  Value isZero = compare<EqualOp>(b, l, x, scalar(b, l, x, 0));
  Value logX = unary<LogOp>(b, l, where(b, l, isZero, scalar(b, l, x, 1), x));
  Value de = mul(b, l, g, mul(b, l, getOutput(), logX));
  out.push_back(unbroadcast(b, l, de, typeOf(getRhs()).getShape()));
  return success();
}

namespace {
/// max/min: the gradient goes to the operand that wins, halved on ties (PyTorch's
/// maximum/minimum).
template <typename WinOp> void extremeGradients(OpBuilder &b, Location l, Value x, Value y, Value g, SmallVectorImpl<Value> &out) {
  Value half = where(b, l, compare<EqualOp>(b, l, x, y), scalar(b, l, g, 0.5), scalar(b, l, g, 0));
  Value toX = where(b, l, compare<WinOp>(b, l, x, y), scalar(b, l, g, 1), half);
  out.push_back(unbroadcast(b, l, mul(b, l, g, toX), typeOf(x).getShape()));
  out.push_back(unbroadcast(b, l, mul(b, l, g, sub(b, l, scalar(b, l, g, 1), toX)), typeOf(y).getShape()));
}
} // namespace

LogicalResult MaxOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  extremeGradients<GreaterOp>(b, getLoc(), getLhs(), getRhs(), g, out);
  return success();
}

LogicalResult MinOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  extremeGradients<LessOp>(b, getLoc(), getLhs(), getRhs(), g, out);
  return success();
}

LogicalResult ModOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getLhs(), y = getRhs();
  // x - y * q with q = floor(x / y) (Python's mod) or trunc(x / y) (fmod): d/dy = -q.
  Value ratio = div(b, l, x, y);
  Value q = getFmod() ? mul(b, l, unary<SignOp>(b, l, ratio), unary<FloorOp>(b, l, unary<AbsOp>(b, l, ratio)))
                      : unary<FloorOp>(b, l, ratio);
  out.push_back(unbroadcast(b, l, g, typeOf(x).getShape()));
  out.push_back(unbroadcast(b, l, neg(b, l, mul(b, l, g, q)), typeOf(y).getShape()));
  return success();
}

LogicalResult PReluOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getLhs(), slope = getRhs();
  Value pos = greaterZero(b, l, x, true);
  out.push_back(unbroadcast(b, l, where(b, l, pos, g, mul(b, l, g, slope)), typeOf(x).getShape()));
  out.push_back(unbroadcast(b, l, where(b, l, pos, scalar(b, l, g, 0), mul(b, l, g, x)), typeOf(slope).getShape()));
  return success();
}

LogicalResult WhereOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value c = getCondition(), zero = scalar(b, l, g, 0);
  out.push_back(Value());
  out.push_back(unbroadcast(b, l, where(b, l, c, g, zero), typeOf(getLhs()).getShape()));
  out.push_back(unbroadcast(b, l, where(b, l, c, zero, g), typeOf(getRhs()).getShape()));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling and normalization
//===----------------------------------------------------------------------===//

LogicalResult AvgPoolOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(b.create<AvgPoolGradOp>(getLoc(), getInput().getType(), g, getKernelShapeAttr(), getStridesAttr(),
                                        getPadsAttr(), getDilationsAttr(), getCountIncludePadAttr()));
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

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  int64_t axis = getAxis(), offset = 0, rank = typeOf(g).getRank();
  for (Value in : getInputs()) {
    SmallVector<int64_t> starts(rank, 0), steps(rank, 1);
    int64_t extent = typeOf(in).getDimSize(axis);
    starts[axis] = extent ? offset : 0;
    offset += extent;
    out.push_back(b.create<SliceOp>(getLoc(), in.getType(), g, b.getDenseI64ArrayAttr(starts),
                                    b.getDenseI64ArrayAttr(steps)));
  }
  return success();
}

LogicalResult SliceOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(b.create<SliceGradOp>(getLoc(), getInput().getType(), g, getStartsAttr(), getStepsAttr()));
  return success();
}

LogicalResult GatherOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(b.create<GatherGradOp>(getLoc(), getInput().getType(), g, getIndices(), getAxisAttr()));
  out.push_back(Value());
  return success();
}

LogicalResult GatherElementsOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(b.create<GatherElementsGradOp>(getLoc(), getInput().getType(), g, getIndices(), getAxisAttr()));
  out.push_back(Value());
  return success();
}

LogicalResult PadOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  if (getMode() != "constant") {
    out.push_back(b.create<PadGradOp>(getLoc(), getInput().getType(), g, getPadsAttr(), getModeAttr()));
    return success();
  }
  // The pads undone: cropping what was added, zero-padding what was cropped.
  SmallVector<int64_t> undo;
  for (int64_t p : getPads())
    undo.push_back(-p);
  out.push_back(b.create<PadOp>(getLoc(), getInput().getType(), g, b.getDenseI64ArrayAttr(undo),
                                b.getStringAttr("constant"), b.getF64FloatAttr(0)));
  return success();
}

LogicalResult TileOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  auto in = typeOf(getInput()).getShape(), res = typeOf(g).getShape();
  // [r0 * d0, r1 * d1, ...] -> [r0, d0, r1, d1, ...], summed over the repeats.
  SmallVector<int64_t> split, repeatAxes;
  for (size_t i = 0; i < in.size(); ++i) {
    repeatAxes.push_back(split.size());
    split.push_back(in[i] ? res[i] / in[i] : 0);
    split.push_back(in[i]);
  }
  out.push_back(reduceSum(b, l, reshape(b, l, g, split), repeatAxes, false));
  return success();
}

LogicalResult CumSumOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  // Each input element reaches the outputs after it (before it when reversed).
  out.push_back(b.create<CumSumOp>(getLoc(), g.getType(), g, getAxisAttr(), getExclusiveAttr(),
                                   b.getBoolAttr(!getReverse())));
  return success();
}

LogicalResult TriluOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(b.create<TriluOp>(getLoc(), g.getType(), g, getUpperAttr(), getKAttr()));
  return success();
}
