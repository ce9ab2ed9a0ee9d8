// Converters of the elementwise ONNX ops: activations, unary math, binary and variadic
// arithmetic, comparisons and logic, Where, Cast, Clip, Softmax-like ops, Identity and
// Dropout (a site that drops in train_step only).
#include "frontends/onnx/ImporterContext.h"

#include "dialects/Graph/GraphBuilders.h"

#include "llvm/ADT/APFloat.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx_frontend::detail {
namespace {

template <typename OpTy> Error unary(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  im.setOutput(0, OpTy::create(im.b, im.loc(), type, x));
  return Error::success();
}

template <typename OpTy> Error unaryAlpha(Importer &im, double defaultAlpha) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  im.setOutput(0, OpTy::create(im.b, im.loc(), type, x, llvm::APFloat(im.attrFloat("alpha", defaultAlpha))));
  return Error::success();
}

Error leakyRelu(Importer &im) { return unaryAlpha<graph::LeakyReluOp>(im, 0.01); }
Error elu(Importer &im) { return unaryAlpha<graph::EluOp>(im, 1.0); }
Error celu(Importer &im) { return unaryAlpha<graph::CeluOp>(im, 1.0); }
Error thresholdedRelu(Importer &im) { return unaryAlpha<graph::ThresholdedReluOp>(im, 1.0); }

Error selu(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  im.setOutput(0, graph::SeluOp::create(im.b, im.loc(), type, x,
                                        llvm::APFloat(im.attrFloat("alpha", 1.67326319217681884765625)),
                                        llvm::APFloat(im.attrFloat("gamma", 1.05070102214813232421875))));
  return Error::success();
}

Error hardSigmoid(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  im.setOutput(0, graph::HardSigmoidOp::create(im.b, im.loc(), type, x, llvm::APFloat(im.attrFloat("alpha", 0.2)),
                                               llvm::APFloat(im.attrFloat("beta", 0.5))));
  return Error::success();
}

/// Gelu (opset 20) as its formula over graph ops, whose gradient rules it then uses:
/// approximate "none" x/2 (1 + erf(x / sqrt 2)), "tanh" x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
Error gelu(Importer &im) {
  DLC_TRY(x, im.input(0));
  OpBuilder &b = im.b;
  Location l = im.loc();
  std::string approximate = im.attrString("approximate", "none");
  Value inner;
  if (approximate == "none") {
    inner = graph::unary<graph::ErfOp>(b, l, graph::mul(b, l, x, graph::scalar(b, l, x, M_SQRT1_2)));
  } else if (approximate == "tanh") {
    Value cube = graph::mul(b, l, graph::mul(b, l, x, x), x);
    Value arg = graph::add(b, l, x, graph::mul(b, l, cube, graph::scalar(b, l, x, 0.044715)));
    inner = graph::unary<graph::TanhOp>(b, l, graph::mul(b, l, arg, graph::scalar(b, l, x, std::sqrt(2.0 / M_PI))));
  } else {
    return im.unsupportedAttr("approximate", "'" + approximate + "'");
  }
  im.setOutput(0, graph::mul(b, l, graph::mul(b, l, x, graph::scalar(b, l, x, 0.5)),
                             graph::add(b, l, inner, graph::scalar(b, l, x, 1.0))));
  return Error::success();
}

Error isInf(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  im.setOutput(0, graph::IsInfOp::create(im.b, im.loc(), type, x, im.attrInt("detect_negative", 1) != 0,
                                         im.attrInt("detect_positive", 1) != 0));
  return Error::success();
}

Error clip(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  FloatAttr bounds[2];
  const char *names[2] = {"min", "max"};
  for (int k = 0; k < 2; ++k) {
    if (!im.has(k + 1))
      continue;
    DLC_TRY(c, im.constInput(k + 1, names[k]));
    if (c.size() != 1)
      return im.error(llvm::Twine("input '") + names[k] + "' must be a scalar, got shape " + shapeStr(c.shape));
    bounds[k] = im.b.getF64FloatAttr(c.getDouble(0));
  }
  im.setOutput(0, graph::ClipOp::create(im.b, im.loc(), type, x, bounds[0], bounds[1]));
  return Error::success();
}

template <typename OpTy> Error binary(Importer &im) {
  DLC_TRY(lhs, im.input(0));
  DLC_TRY(rhs, im.input(1));
  DLC_TRY(type, im.outputType(0));
  im.setOutput(0, OpTy::create(im.b, im.loc(), type, lhs, rhs));
  return Error::success();
}

/// BitwiseNot (opset 18): x xor all ones (and, or and xor are bitwise on integers).
Error bitwiseNot(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  if (!isa<IntegerType>(type.getElementType()))
    return im.error("BitwiseNot needs an integer input");
  im.setOutput(0, graph::XorOp::create(im.b, im.loc(), type, x, im.splat(type, -1)));
  return Error::success();
}

/// BitShift (unsigned integers, and signed ones from opset 28: arithmetic right shift).
Error bitShift(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(y, im.input(1));
  DLC_TRY(type, im.outputType(0));
  if (!isa<IntegerType>(type.getElementType()) || type.getElementType().isInteger(1))
    return im.error("BitShift needs integers");
  std::string direction = im.attrString("direction", "");
  if (direction == "LEFT")
    im.setOutput(0, graph::ShiftLeftOp::create(im.b, im.loc(), type, x, y));
  else if (direction == "RIGHT")
    im.setOutput(0, graph::ShiftRightOp::create(im.b, im.loc(), type, x, y));
  else
    return im.unsupportedAttr("direction", "'" + direction + "'");
  return Error::success();
}

/// PRelu. Models converted from opsets before 7 may give a per-channel slope of shape [C]
/// that does not broadcast from the right; it applies to axis 1, so it becomes [C, 1, ...].
Error prelu(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(slope, im.input(1));
  DLC_TRY(type, im.outputType(0));
  auto xs = Importer::typeOf(x).getShape(), ss = Importer::typeOf(slope).getShape();
  if (ss.size() == 1 && xs.size() > 2 && ss[0] == xs[1] && ss[0] != xs.back()) {
    SmallVector<int64_t> channel{ss[0]};
    channel.append(xs.size() - 2, 1);
    slope = im.reshape(slope, channel);
  }
  im.setOutput(0, graph::PReluOp::create(im.b, im.loc(), type, x, slope));
  return Error::success();
}

Error mod(Importer &im) {
  DLC_TRY(lhs, im.input(0));
  DLC_TRY(rhs, im.input(1));
  DLC_TRY(type, im.outputType(0));
  im.setOutput(0, graph::ModOp::create(im.b, im.loc(), type, lhs, rhs, im.attrInt("fmod", 0) != 0));
  return Error::success();
}

/// Max / Min / Sum with N inputs: folded pairwise left to right.
template <typename OpTy> Expected<Value> variadic(Importer &im, RankedTensorType finalType) {
  if (im.numInputs() == 0)
    return im.error("needs at least one input");
  DLC_TRY(acc, im.input(0));
  Value result = acc;
  for (int k = 1; k < im.numInputs(); ++k) {
    DLC_TRY(next, im.input(k));
    auto shape = broadcastShape(Importer::typeOf(result).getShape(), Importer::typeOf(next).getShape());
    if (!shape)
      return im.error("input #" + llvm::Twine(k) + ": " + llvm::toString(shape.takeError()));
    auto type = k + 1 == im.numInputs() ? finalType
                                        : im.tensorType(*shape, Importer::typeOf(result).getElementType());
    result = OpTy::create(im.b, im.loc(), type, result, next);
  }
  return result;
}

template <typename OpTy> Error variadicOp(Importer &im) {
  DLC_TRY(type, im.outputType(0));
  DLC_TRY(v, variadic<OpTy>(im, type));
  im.setOutput(0, v);
  return Error::success();
}

Error mean(Importer &im) {
  DLC_TRY(type, im.outputType(0));
  DLC_TRY(sum, variadic<graph::AddOp>(im, type));
  if (im.numInputs() == 1) {
    im.setOutput(0, sum);
    return Error::success();
  }
  Value n = im.scalar(type.getElementType(), im.numInputs());
  im.setOutput(0, graph::DivOp::create(im.b, im.loc(), type, sum, n));
  return Error::success();
}

Error where(Importer &im) {
  DLC_TRY(c, im.input(0));
  DLC_TRY(x, im.input(1));
  DLC_TRY(y, im.input(2));
  DLC_TRY(type, im.outputType(0));
  im.setOutput(0, graph::WhereOp::create(im.b, im.loc(), type, c, x, y));
  return Error::success();
}

} // namespace

/// Out-of-range values and infinities clamp instead of becoming the target's inf or NaN.
Value saturateFor(Importer &im, Value x, Type to) {
  auto target = dyn_cast<FloatType>(to);
  if (!target || target.getWidth() > 8 || !isa<FloatType>(Importer::typeOf(x).getElementType()) ||
      !im.attrInt("saturate", 1))
    return x;
  double largest = llvm::APFloat::getLargest(target.getFloatSemantics()).convertToDouble();
  return graph::ClipOp::create(im.b, im.loc(), Importer::typeOf(x), x, im.b.getF64FloatAttr(-largest),
                               im.b.getF64FloatAttr(largest));
}

namespace {

/// A float cast to a 4- or 2-bit integer gives 0 where the value truncated toward zero
/// is out of the target's range, as ONNX's reference does (not a wrap or a saturation).
Value zeroOutOfRange(Importer &im, Value x, Type to) {
  auto target = dyn_cast<IntegerType>(to);
  if (!target || target.getWidth() >= 8 || !isa<FloatType>(Importer::typeOf(x).getElementType()))
    return x;
  unsigned w = target.getWidth();
  double lo = target.isUnsigned() ? 0 : -std::ldexp(1.0, w - 1);
  double hi = target.isUnsigned() ? std::ldexp(1.0, w) - 1 : std::ldexp(1.0, w - 1) - 1;
  Location l = im.loc();
  Value above = graph::compare<graph::GreaterOp>(im.b, l, x, graph::scalar(im.b, l, x, lo - 1));
  Value below = graph::compare<graph::LessOp>(im.b, l, x, graph::scalar(im.b, l, x, hi + 1));
  Value inRange = graph::AndOp::create(im.b, l, Importer::typeOf(above), above, below);
  return graph::where(im.b, l, inRange, x, graph::scalar(im.b, l, x, 0));
}

Error castTo(Importer &im, Value x, RankedTensorType type) {
  if (Importer::typeOf(x) == type) {
    im.setOutput(0, x);
    return Error::success();
  }
  x = saturateFor(im, x, type.getElementType());
  x = zeroOutOfRange(im, x, type.getElementType());
  im.setOutput(0, graph::CastOp::create(im.b, im.loc(), type, x));
  return Error::success();
}

Error cast(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  return castTo(im, x, type);
}

Error castLike(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  return castTo(im, x, type);
}

/// BitCast: each element's bits as `to`'s type, which has the input's bit width. A bool
/// (one byte in ONNX, i1 here) to an 8-bit integer is the 0/1 value itself.
Error bitcast(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  Type in = Importer::typeOf(x).getElementType(), out = type.getElementType();
  if (in.isInteger(1) && out.isIntOrFloat() && out.getIntOrFloatBitWidth() == 8 && isa<IntegerType>(out)) {
    im.setOutput(0, graph::CastOp::create(im.b, im.loc(), type, x));
    return Error::success();
  }
  if (in.isInteger(1) || out.isInteger(1) || in.getIntOrFloatBitWidth() != out.getIntOrFloatBitWidth())
    return im.error("cannot reinterpret " + dtypeName(im.attrInt("to", 0)) + " from a tensor of another bit width");
  im.setOutput(0, in == out ? x : (Value)graph::BitcastOp::create(im.b, im.loc(), type, x));
  return Error::success();
}

Error identity(Importer &im) {
  DLC_TRY(x, im.input(0));
  im.setOutput(0, x);
  return Error::success();
}

/// A dropout site (graph.dropout): the identity in infer and eval_step, a random mask in
/// train_step. Which entry point runs decides training mode, so a constant
/// `training_mode` input is accepted either way; the ratio is an attribute up to
/// opset 11 and an optional constant input from opset 12.
Error dropout(Importer &im) {
  if (im.outputUsed(1))
    return im.error("the mask output is unsupported (dlc applies dropout's mask inside train_step only)");
  double ratio = 0.5;
  if (im.opset < 12) {
    ratio = im.attrFloat("ratio", 0.5);
  } else if (im.has(1)) {
    DLC_TRY(r, im.constInput(1, "ratio"));
    if (r.size() != 1)
      return im.error("ratio must be a scalar, got " + std::to_string(r.size()) + " values");
    ratio = r.getDouble(0);
  }
  if (im.has(2)) {
    DLC_TRY(training, im.constInput(2, "training_mode"));
    (void)training;
  }
  if (!(ratio >= 0 && ratio < 1))
    return im.error("ratio " + std::to_string(ratio) + " is outside [0, 1)");
  DLC_TRY(x, im.input(0));
  if (ratio == 0 || !llvm::isa<FloatType>(llvm::cast<RankedTensorType>(x.getType()).getElementType()))
    return identity(im);
  im.setOutput(0, graph::DropoutOp::create(im.b, im.loc(), x.getType(), x, im.b.getF64FloatAttr(ratio)));
  return Error::success();
}

template <typename OpTy> Error axisOp(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  int64_t rank = type.getRank();
  DLC_TRY(axis, im.normAxis(im.attrInt("axis", -1), std::max<int64_t>(rank, 1), "axis"));
  im.setOutput(0, OpTy::create(im.b, im.loc(), type, x, im.b.getI64IntegerAttr(axis)));
  return Error::success();
}

} // namespace

void addElementwiseConverters(ConverterMap &m) {
  using namespace graph;
  m["Relu"] = unary<ReluOp>;
  m["Neg"] = unary<NegOp>;
  m["Abs"] = unary<AbsOp>;
  m["Sign"] = unary<SignOp>;
  m["Sigmoid"] = unary<SigmoidOp>;
  m["Tanh"] = unary<TanhOp>;
  m["Exp"] = unary<ExpOp>;
  m["Log"] = unary<LogOp>;
  m["Sqrt"] = unary<SqrtOp>;
  m["Reciprocal"] = unary<ReciprocalOp>;
  m["Erf"] = unary<ErfOp>;
  m["Softplus"] = unary<SoftplusOp>;
  m["Softsign"] = unary<SoftsignOp>;
  m["Mish"] = unary<MishOp>; // opset 18
  m["Gelu"] = gelu;          // opset 20
  m["HardSwish"] = unary<HardSwishOp>;
  m["Floor"] = unary<FloorOp>;
  m["Ceil"] = unary<CeilOp>;
  m["Round"] = unary<RoundOp>;
  m["Sin"] = unary<SinOp>;
  m["Cos"] = unary<CosOp>;
  m["Tan"] = unary<TanOp>;
  m["Asin"] = unary<AsinOp>;
  m["Acos"] = unary<AcosOp>;
  m["Atan"] = unary<AtanOp>;
  m["Sinh"] = unary<SinhOp>;
  m["Cosh"] = unary<CoshOp>;
  m["Asinh"] = unary<AsinhOp>;
  m["Acosh"] = unary<AcoshOp>;
  m["Atanh"] = unary<AtanhOp>;
  m["Not"] = unary<NotOp>;
  m["IsNaN"] = unary<IsNaNOp>;
  m["IsInf"] = isInf;
  m["LeakyRelu"] = leakyRelu;
  m["Elu"] = elu;
  m["Celu"] = celu;
  m["ThresholdedRelu"] = thresholdedRelu;
  m["Selu"] = selu;
  m["HardSigmoid"] = hardSigmoid;
  m["Clip"] = clip;
  m["PRelu"] = prelu;
  m["Add"] = binary<AddOp>;
  m["Sub"] = binary<SubOp>;
  m["Mul"] = binary<MulOp>;
  m["Div"] = binary<DivOp>;
  m["Pow"] = binary<PowOp>;
  m["Mod"] = mod;
  m["And"] = binary<AndOp>;
  m["Or"] = binary<OrOp>;
  m["Xor"] = binary<XorOp>;
  m["BitwiseAnd"] = binary<AndOp>; // opset 18
  m["BitwiseOr"] = binary<OrOp>;
  m["BitwiseXor"] = binary<XorOp>;
  m["BitwiseNot"] = bitwiseNot;
  m["BitShift"] = bitShift;
  m["Equal"] = binary<EqualOp>;
  m["Less"] = binary<LessOp>;
  m["LessOrEqual"] = binary<LessEqualOp>;
  m["Greater"] = binary<GreaterOp>;
  m["GreaterOrEqual"] = binary<GreaterEqualOp>;
  m["Max"] = variadicOp<MaxOp>;
  m["Min"] = variadicOp<MinOp>;
  m["Sum"] = variadicOp<AddOp>;
  m["Mean"] = mean;
  m["Where"] = where;
  m["Cast"] = cast;
  m["CastLike"] = castLike;
  m["BitCast"] = bitcast;
  m["Identity"] = identity;
  m["Dropout"] = dropout;
  m["Softmax"] = axisOp<SoftmaxOp>;
  m["LogSoftmax"] = axisOp<LogSoftmaxOp>;
  m["Hardmax"] = axisOp<HardmaxOp>;
}

} // namespace dlc::onnx_frontend::detail
