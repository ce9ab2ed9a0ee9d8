// The gradient rules of the elementwise ops (GradientOpInterface): broadcasting operands
// get their gradient summed back to their own shape.
#include "dialects/Graph/GraphBuilders.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace dlc::graph;

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
