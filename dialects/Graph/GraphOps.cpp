// Verifiers and folders of the graph dialect. Every message names the offending
// operand or attribute and the shapes involved.
#include "dialects/Graph/GraphDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/Support/Format.h"

#include <numeric>

using namespace mlir;
using namespace dlc::graph;

namespace dlc::graph {
bool broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes, SmallVectorImpl<int64_t> &result) {
  size_t rank = 0;
  for (auto s : shapes)
    rank = std::max(rank, s.size());
  result.assign(rank, 1);
  for (auto s : shapes) {
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &r = result[rank - s.size() + i];
      int64_t d = s[i];
      if (d == r || d == 1)
        continue;
      if (r != 1)
        return false;
      r = d;
    }
  }
  return true;
}

std::string shapeString(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}
} // namespace dlc::graph

static RankedTensorType tensorOf(Value v) { return cast<RankedTensorType>(v.getType()); }

static LogicalResult expectShape(Operation *op, ArrayRef<int64_t> expected) {
  auto actual = tensorOf(op->getResult(0)).getShape();
  if (actual == expected)
    return success();
  return op->emitOpError() << "result shape " << shapeString(actual) << " does not match the expected "
                           << shapeString(expected);
}

static LogicalResult expectElementType(Operation *op, Value v, StringRef what, Type expected) {
  Type actual = tensorOf(v).getElementType();
  if (actual == expected)
    return success();
  return op->emitOpError() << what << " element type " << actual << " should be " << expected;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

static LogicalResult verifyUnary(Operation *op) {
  Type in = tensorOf(op->getOperand(0)).getElementType();
  Type out = tensorOf(op->getResult(0)).getElementType();
  if (isa<IsNaNOp, IsInfOp>(op)) {
    if (!isa<FloatType>(in))
      return op->emitOpError() << "input must be a floating-point tensor, got " << in;
    return expectElementType(op, op->getResult(0), "result", IntegerType::get(op->getContext(), 1));
  }
  if (isa<NotOp>(op) && !in.isInteger(1))
    return op->emitOpError() << "input must be a boolean (i1) tensor, got " << in;
  if (isa<CastOp>(op))
    return success();
  if (isa<BitcastOp>(op)) {
    if (!in.isIntOrFloat() || !out.isIntOrFloat() || in.getIntOrFloatBitWidth() != out.getIntOrFloatBitWidth())
      return op->emitOpError() << "result element type " << out << " must have the bit width of the input's " << in;
    return success();
  }
  bool floatOnly = !isa<ReluOp, NegOp, AbsOp, SignOp, NotOp, ClipOp>(op);
  if (floatOnly && !isa<FloatType>(in))
    return op->emitOpError() << "input must be a floating-point tensor, got element type " << in;
  if (in != out)
    return op->emitOpError() << "result element type " << out << " differs from the input's " << in;
  return success();
}

#define DLC_UNARY_VERIFIER(Op)                                                                     \
  LogicalResult Op::verify() { return verifyUnary(getOperation()); }
DLC_UNARY_VERIFIER(ReluOp)
DLC_UNARY_VERIFIER(NegOp)
DLC_UNARY_VERIFIER(AbsOp)
DLC_UNARY_VERIFIER(SignOp)
DLC_UNARY_VERIFIER(SigmoidOp)
DLC_UNARY_VERIFIER(TanhOp)
DLC_UNARY_VERIFIER(ExpOp)
DLC_UNARY_VERIFIER(LogOp)
DLC_UNARY_VERIFIER(SqrtOp)
DLC_UNARY_VERIFIER(ReciprocalOp)
DLC_UNARY_VERIFIER(ErfOp)
DLC_UNARY_VERIFIER(SoftplusOp)
DLC_UNARY_VERIFIER(SoftsignOp)
DLC_UNARY_VERIFIER(MishOp)
DLC_UNARY_VERIFIER(HardSwishOp)
DLC_UNARY_VERIFIER(FloorOp)
DLC_UNARY_VERIFIER(CeilOp)
DLC_UNARY_VERIFIER(RoundOp)
DLC_UNARY_VERIFIER(SinOp)
DLC_UNARY_VERIFIER(CosOp)
DLC_UNARY_VERIFIER(TanOp)
DLC_UNARY_VERIFIER(AsinOp)
DLC_UNARY_VERIFIER(AcosOp)
DLC_UNARY_VERIFIER(AtanOp)
DLC_UNARY_VERIFIER(SinhOp)
DLC_UNARY_VERIFIER(CoshOp)
DLC_UNARY_VERIFIER(AsinhOp)
DLC_UNARY_VERIFIER(AcoshOp)
DLC_UNARY_VERIFIER(AtanhOp)
DLC_UNARY_VERIFIER(NotOp)
DLC_UNARY_VERIFIER(IsNaNOp)
DLC_UNARY_VERIFIER(IsInfOp)
DLC_UNARY_VERIFIER(CastOp)
DLC_UNARY_VERIFIER(BitcastOp)
DLC_UNARY_VERIFIER(LeakyReluOp)
DLC_UNARY_VERIFIER(EluOp)
DLC_UNARY_VERIFIER(CeluOp)
DLC_UNARY_VERIFIER(ThresholdedReluOp)
DLC_UNARY_VERIFIER(SeluOp)
DLC_UNARY_VERIFIER(HardSigmoidOp)
DLC_UNARY_VERIFIER(ClipOp)
#undef DLC_UNARY_VERIFIER

static LogicalResult verifyBroadcast(Operation *op) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : op->getOperands())
    shapes.push_back(tensorOf(v).getShape());
  SmallVector<int64_t> expected;
  if (!broadcastShapes(shapes, expected)) {
    auto diag = op->emitOpError() << "operand shapes are not broadcast-compatible:";
    for (auto [i, s] : llvm::enumerate(shapes))
      diag << " #" << i << " " << shapeString(s);
    return diag;
  }
  if (isa<PReluOp>(op))
    expected.assign(shapes[0].begin(), shapes[0].end());
  return expectShape(op, expected);
}

static LogicalResult verifyBinary(Operation *op) {
  if (failed(verifyBroadcast(op)))
    return failure();
  Type lhs = tensorOf(op->getOperand(0)).getElementType();
  Type rhs = tensorOf(op->getOperand(1)).getElementType();
  Type out = tensorOf(op->getResult(0)).getElementType();
  Type i1 = IntegerType::get(op->getContext(), 1);
  if (lhs != rhs && !isa<PowOp>(op))
    return op->emitOpError() << "operand element types differ: lhs " << lhs << ", rhs " << rhs;
  if (isa<AndOp, OrOp, XorOp>(op) && !isa<IntegerType>(lhs))
    return op->emitOpError() << "operands must be boolean or integer tensors, got " << lhs;
  if (isa<ShiftLeftOp, ShiftRightOp>(op) && (!isa<IntegerType>(lhs) || lhs.isInteger(1)))
    return op->emitOpError() << "operands must be integer tensors, got " << lhs;
  if (isa<EqualOp, LessOp, LessEqualOp, GreaterOp, GreaterEqualOp>(op))
    return expectElementType(op, op->getResult(0), "result", i1);
  return expectElementType(op, op->getResult(0), "result", lhs);
}

#define DLC_BINARY_VERIFIER(Op)                                                                    \
  LogicalResult Op::verify() { return verifyBinary(getOperation()); }
DLC_BINARY_VERIFIER(AddOp)
DLC_BINARY_VERIFIER(SubOp)
DLC_BINARY_VERIFIER(MulOp)
DLC_BINARY_VERIFIER(DivOp)
DLC_BINARY_VERIFIER(PowOp)
DLC_BINARY_VERIFIER(MaxOp)
DLC_BINARY_VERIFIER(MinOp)
DLC_BINARY_VERIFIER(ModOp)
DLC_BINARY_VERIFIER(PReluOp)
DLC_BINARY_VERIFIER(AndOp)
DLC_BINARY_VERIFIER(OrOp)
DLC_BINARY_VERIFIER(XorOp)
DLC_BINARY_VERIFIER(ShiftLeftOp)
DLC_BINARY_VERIFIER(ShiftRightOp)
DLC_BINARY_VERIFIER(EqualOp)
DLC_BINARY_VERIFIER(LessOp)
DLC_BINARY_VERIFIER(LessEqualOp)
DLC_BINARY_VERIFIER(GreaterOp)
DLC_BINARY_VERIFIER(GreaterEqualOp)
#undef DLC_BINARY_VERIFIER

LogicalResult WhereOp::verify() {
  if (!tensorOf(getCondition()).getElementType().isInteger(1))
    return emitOpError() << "condition must be a boolean (i1) tensor, got "
                         << tensorOf(getCondition()).getElementType();
  if (tensorOf(getLhs()).getElementType() != tensorOf(getRhs()).getElementType())
    return emitOpError() << "lhs and rhs element types differ";
  if (failed(verifyBroadcast(getOperation())))
    return failure();
  return expectElementType(*this, getOutput(), "result", tensorOf(getLhs()).getElementType());
}

//===----------------------------------------------------------------------===//
// Contractions, convolution, pooling
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  auto a = tensorOf(getLhs()).getShape(), b = tensorOf(getRhs()).getShape();
  if (a.empty() || b.empty())
    return emitOpError() << "operands must have rank >= 1, got lhs " << shapeString(a) << ", rhs "
                         << shapeString(b);
  if (failed(expectElementType(*this, getRhs(), "rhs", tensorOf(getLhs()).getElementType())))
    return failure();
  int64_t k1 = a.back(), k2 = b.size() == 1 ? b[0] : b[b.size() - 2];
  if (k1 != k2)
    return emitOpError() << "contraction dims differ: lhs " << shapeString(a) << " has K = " << k1
                         << ", rhs " << shapeString(b) << " has K = " << k2;
  SmallVector<int64_t> batch;
  ArrayRef<int64_t> ba = a.size() > 2 ? a.drop_back(2) : ArrayRef<int64_t>();
  ArrayRef<int64_t> bb = b.size() > 2 ? b.drop_back(2) : ArrayRef<int64_t>();
  if (!broadcastShapes({ba, bb}, batch))
    return emitOpError() << "batch dims of lhs " << shapeString(a) << " and rhs " << shapeString(b)
                         << " are not broadcast-compatible";
  if (a.size() >= 2)
    batch.push_back(a[a.size() - 2]);
  if (b.size() >= 2)
    batch.push_back(b.back());
  return expectShape(*this, batch);
}

// Shared by conv and pooling: output extent of a window of size k.
static int64_t windowOut(int64_t in, int64_t k, int64_t stride, int64_t dil, int64_t pb, int64_t pe,
                         bool ceil) {
  int64_t span = in + pb + pe - ((k - 1) * dil + 1);
  if (span < 0)
    return 0;
  return (ceil ? (span + stride - 1) / stride : span / stride) + 1;
}

static LogicalResult verifyWindowAttrs(Operation *op, int64_t spatial, ArrayRef<int64_t> strides,
                                       ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations) {
  if ((int64_t)strides.size() != spatial || (int64_t)dilations.size() != spatial ||
      (int64_t)pads.size() != 2 * spatial)
    return op->emitOpError() << "expects " << spatial << " strides, " << spatial << " dilations and "
                             << 2 * spatial << " pads for " << spatial << " spatial axes, got "
                             << strides.size() << ", " << dilations.size() << " and " << pads.size();
  for (int64_t s : strides)
    if (s <= 0)
      return op->emitOpError() << "strides must be positive";
  for (int64_t d : dilations)
    if (d <= 0)
      return op->emitOpError() << "dilations must be positive";
  return success();
}

LogicalResult ConvOp::verify() {
  auto x = tensorOf(getInput()).getShape(), w = tensorOf(getWeight()).getShape();
  if (x.size() < 3 || w.size() != x.size())
    return emitOpError() << "input " << shapeString(x) << " and weight " << shapeString(w)
                         << " must have the same rank >= 3 (N x C x spatial...)";
  int64_t spatial = x.size() - 2, g = getGroup();
  if (failed(verifyWindowAttrs(*this, spatial, getStrides(), getPads(), getDilations())))
    return failure();
  if (g <= 0 || x[1] % g || w[0] % g)
    return emitOpError() << "group " << g << " must divide input channels " << x[1]
                         << " and output channels " << w[0];
  if (w[1] * g != x[1])
    return emitOpError() << "weight " << shapeString(w) << " expects " << w[1] * g
                         << " input channels, input " << shapeString(x) << " has " << x[1];
  if (getBias() && tensorOf(getBias()).getShape() != ArrayRef<int64_t>{w[0]})
    return emitOpError() << "bias shape " << shapeString(tensorOf(getBias()).getShape())
                         << " should be " << w[0];
  SmallVector<int64_t> out{x[0], w[0]};
  for (int64_t i = 0; i < spatial; ++i)
    out.push_back(windowOut(x[i + 2], w[i + 2], getStrides()[i], getDilations()[i], getPads()[i],
                            getPads()[i + spatial], false));
  return expectShape(*this, out);
}

LogicalResult ConvTransposeOp::verify() {
  auto x = tensorOf(getInput()).getShape(), w = tensorOf(getWeight()).getShape();
  if (x.size() < 3 || w.size() != x.size())
    return emitOpError() << "input " << shapeString(x) << " and weight " << shapeString(w)
                         << " must have the same rank >= 3";
  int64_t spatial = x.size() - 2, g = getGroup();
  if (failed(verifyWindowAttrs(*this, spatial, getStrides(), getPads(), getDilations())))
    return failure();
  if ((int64_t)getOutputPadding().size() != spatial)
    return emitOpError() << "expects " << spatial << " output_padding values";
  if (g <= 0 || w[0] != x[1] || x[1] % g)
    return emitOpError() << "weight " << shapeString(w) << " must have " << x[1]
                         << " input channels divisible by group " << g;
  SmallVector<int64_t> out{x[0], w[1] * g};
  for (int64_t i = 0; i < spatial; ++i)
    out.push_back(getStrides()[i] * (x[i + 2] - 1) + getOutputPadding()[i] +
                  (w[i + 2] - 1) * getDilations()[i] + 1 - getPads()[i] - getPads()[i + spatial]);
  return expectShape(*this, out);
}

/// `x` the pooled tensor's shape, `y` the pooled result's (also for the pool gradients).
template <typename PoolOp> static LogicalResult verifyPool(PoolOp op, ArrayRef<int64_t> x, ArrayRef<int64_t> y) {
  if (x.size() < 3)
    return op.emitOpError() << "input " << shapeString(x) << " must have rank >= 3";
  int64_t spatial = x.size() - 2;
  if ((int64_t)op.getKernelShape().size() != spatial)
    return op.emitOpError() << "expects " << spatial << " kernel_shape values, got "
                            << op.getKernelShape().size();
  if (failed(verifyWindowAttrs(op, spatial, op.getStrides(), op.getPads(), op.getDilations())))
    return failure();
  if (y.size() != x.size() || y[0] != x[0] || y[1] != x[1])
    return op.emitOpError() << "result " << shapeString(y) << " must keep batch and channels of "
                            << shapeString(x);
  for (int64_t i = 0; i < spatial; ++i) {
    auto k = op.getKernelShape()[i], s = op.getStrides()[i], d = op.getDilations()[i];
    auto pb = op.getPads()[i], pe = op.getPads()[i + spatial];
    int64_t lo = windowOut(x[i + 2], k, s, d, pb, pe, false);
    int64_t hi = windowOut(x[i + 2], k, s, d, pb, pe, true);
    if (y[i + 2] != lo && y[i + 2] != hi)
      return op.emitOpError() << "result extent " << y[i + 2] << " on spatial axis " << i
                              << " should be " << lo << (lo != hi ? " (or " + std::to_string(hi) + " with ceil_mode)" : "");
  }
  return success();
}
LogicalResult MaxPoolOp::verify() { return verifyPool(*this, tensorOf(getInput()).getShape(), tensorOf(getOutput()).getShape()); }

LogicalResult MaxPoolGradOp::verify() {
  if (getInputGrad().getType() != getInput().getType())
    return emitOpError() << "input_grad type " << getInputGrad().getType() << " differs from input type "
                         << getInput().getType();
  if (getOutputGrad().getType() != getOutput().getType())
    return emitOpError() << "output_grad type " << getOutputGrad().getType() << " differs from output type "
                         << getOutput().getType();
  if (getKernelShape().size() + 2 != (size_t)tensorOf(getInput()).getRank())
    return emitOpError() << "expects " << tensorOf(getInput()).getRank() - 2 << " kernel_shape values";
  return verifyWindowAttrs(*this, getKernelShape().size(), getStrides(), getPads(), getDilations());
}
LogicalResult AvgPoolOp::verify() { return verifyPool(*this, tensorOf(getInput()).getShape(), tensorOf(getOutput()).getShape()); }

//===----------------------------------------------------------------------===//
// Normalization, softmax, reductions
//===----------------------------------------------------------------------===//

static LogicalResult expectVector(Operation *op, Value v, StringRef what, int64_t n) {
  auto s = tensorOf(v).getShape();
  if (s.size() == 1 && s[0] == n)
    return success();
  return op->emitOpError() << what << " shape " << shapeString(s) << " should be " << n;
}

LogicalResult BatchNormOp::verify() {
  auto x = tensorOf(getInput()).getShape();
  if (x.size() < 2)
    return emitOpError() << "input " << shapeString(x) << " must have rank >= 2 (N x C x ...)";
  Value vectors[] = {getScale(), getBias(), getMean(), getVariance()};
  StringRef names[] = {"scale", "bias", "mean", "variance"};
  for (int i = 0; i < 4; ++i)
    if (failed(expectVector(*this, vectors[i], names[i], x[1])))
      return failure();
  return expectShape(*this, x);
}

LogicalResult InstanceNormOp::verify() {
  auto x = tensorOf(getInput()).getShape();
  if (x.size() < 3)
    return emitOpError() << "input " << shapeString(x) << " must have rank >= 3";
  if (failed(expectVector(*this, getScale(), "scale", x[1])) ||
      failed(expectVector(*this, getBias(), "bias", x[1])))
    return failure();
  return expectShape(*this, x);
}

LogicalResult LayerNormOp::verify() {
  auto x = tensorOf(getInput()).getShape();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= (int64_t)x.size())
    return emitOpError() << "axis " << axis << " out of range for input " << shapeString(x);
  SmallVector<int64_t> expected;
  auto norm = x.drop_front(axis);
  for (auto [v, name] : {std::pair<Value, StringRef>{getScale(), "scale"}, {getBias(), "bias"}}) {
    if (!v)
      continue;
    if (!broadcastShapes({norm, tensorOf(v).getShape()}, expected) ||
        ArrayRef<int64_t>(expected) != norm)
      return emitOpError() << name << " shape " << shapeString(tensorOf(v).getShape())
                           << " does not broadcast to the normalized shape " << shapeString(norm);
  }
  return expectShape(*this, x);
}

static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis >= 0 && axis < std::max<int64_t>(rank, 1))
    return success();
  return op->emitOpError() << "axis " << axis << " out of range for rank " << rank;
}
LogicalResult SoftmaxOp::verify() { return verifyAxis(*this, getAxis(), tensorOf(getInput()).getRank()); }
LogicalResult LogSoftmaxOp::verify() { return verifyAxis(*this, getAxis(), tensorOf(getInput()).getRank()); }
LogicalResult HardmaxOp::verify() { return verifyAxis(*this, getAxis(), tensorOf(getInput()).getRank()); }
LogicalResult CumSumOp::verify() { return verifyAxis(*this, getAxis(), tensorOf(getInput()).getRank()); }
LogicalResult CumProdOp::verify() { return verifyAxis(*this, getAxis(), tensorOf(getInput()).getRank()); }

LogicalResult ReduceOp::verify() {
  static const char *kinds[] = {"sum", "mean", "max", "min", "prod", "l1", "l2", "log_sum",
                                "log_sum_exp", "sum_square"};
  if (!llvm::is_contained(kinds, getKind()))
    return emitOpError() << "unknown reduction kind '" << getKind() << "'";
  auto x = tensorOf(getInput()).getShape();
  SmallVector<int64_t> out;
  int64_t prev = -1;
  for (int64_t a : getAxes()) {
    if (a <= prev || a >= (int64_t)x.size())
      return emitOpError() << "axes must be sorted, unique and within rank " << x.size();
    prev = a;
  }
  for (int64_t i = 0; i < (int64_t)x.size(); ++i) {
    if (!llvm::is_contained(getAxes(), i))
      out.push_back(x[i]);
    else if (getKeepdims())
      out.push_back(1);
  }
  if (failed(expectElementType(*this, getOutput(), "result", tensorOf(getInput()).getElementType())))
    return failure();
  return expectShape(*this, out);
}

LogicalResult TopKOp::verify() {
  auto x = tensorOf(getInput());
  if (failed(verifyAxis(*this, getAxis(), x.getRank())))
    return failure();
  int64_t extent = x.getDimSize(getAxis());
  if (getK() < 0 || getK() > extent)
    return emitOpError() << "k = " << getK() << " is not within the axis' " << extent << " elements";
  SmallVector<int64_t> out(x.getShape());
  out[getAxis()] = getK();
  auto values = tensorOf(getValues()), indices = tensorOf(getIndices());
  if (values.getShape() != ArrayRef<int64_t>(out) || indices.getShape() != ArrayRef<int64_t>(out))
    return emitOpError() << "values " << shapeString(values.getShape()) << " and indices "
                         << shapeString(indices.getShape()) << " must have shape " << shapeString(out);
  if (values.getElementType() != x.getElementType())
    return emitOpError() << "values of " << values.getElementType() << " differ from the input's "
                         << x.getElementType();
  return expectElementType(*this, getIndices(), "indices", IntegerType::get(getContext(), 64));
}

LogicalResult ArgReduceOp::verify() {
  if (getKind() != "max" && getKind() != "min")
    return emitOpError() << "kind must be 'max' or 'min', got '" << getKind() << "'";
  auto x = tensorOf(getInput()).getShape();
  if (failed(verifyAxis(*this, getAxis(), x.size())))
    return failure();
  SmallVector<int64_t> out;
  for (int64_t i = 0; i < (int64_t)x.size(); ++i)
    if (i != getAxis())
      out.push_back(x[i]);
    else if (getKeepdims())
      out.push_back(1);
  if (failed(expectElementType(*this, getOutput(), "result", IntegerType::get(getContext(), 64))))
    return failure();
  return expectShape(*this, out);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult ReshapeOp::verify() {
  auto in = tensorOf(getInput()), out = tensorOf(getOutput());
  if (in.getNumElements() != out.getNumElements())
    return emitOpError() << "cannot reshape " << shapeString(in.getShape()) << " ("
                         << in.getNumElements() << " elements) to " << shapeString(out.getShape())
                         << " (" << out.getNumElements() << " elements)";
  return expectElementType(*this, getOutput(), "result", in.getElementType());
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    setOperand(producer.getInput());
    return getResult();
  }
  if (auto c = llvm::dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return c.reshape(cast<ShapedType>(getType()));
  return {};
}

LogicalResult TransposeOp::verify() {
  auto x = tensorOf(getInput()).getShape();
  auto perm = getPerm();
  if (perm.size() != x.size())
    return emitOpError() << "perm has " << perm.size() << " entries for input of rank " << x.size();
  SmallVector<bool> seen(x.size(), false);
  SmallVector<int64_t> out;
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)x.size() || seen[p])
      return emitOpError() << "perm is not a permutation of 0.." << x.size() - 1;
    seen[p] = true;
    out.push_back(x[p]);
  }
  return expectShape(*this, out);
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "needs at least one input";
  auto first = tensorOf(getInputs()[0]);
  int64_t axis = getAxis(), rank = first.getRank();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis << " out of range for rank " << rank;
  SmallVector<int64_t> out(first.getShape());
  out[axis] = 0;
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    auto t = tensorOf(v);
    if (t.getElementType() != first.getElementType())
      return emitOpError() << "input #" << i << " element type " << t.getElementType()
                           << " differs from input #0's " << first.getElementType();
    if (t.getRank() != rank)
      return emitOpError() << "input #" << i << " has rank " << t.getRank() << ", expected " << rank;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && t.getDimSize(d) != first.getDimSize(d))
        return emitOpError() << "input #" << i << " shape " << shapeString(t.getShape())
                             << " differs from input #0's " << shapeString(first.getShape())
                             << " outside axis " << axis;
    out[axis] += t.getDimSize(axis);
  }
  return expectShape(*this, out);
}

/// A slice of `x` with `starts`/`steps` giving `y` (also for slice_grad).
static LogicalResult verifySlice(Operation *op, ArrayRef<int64_t> x, ArrayRef<int64_t> y, ArrayRef<int64_t> starts,
                                 ArrayRef<int64_t> steps) {
  if (starts.size() != x.size() || steps.size() != x.size() || y.size() != x.size())
    return op->emitOpError() << "starts, steps and result must have the input's rank " << x.size();
  for (size_t i = 0; i < x.size(); ++i) {
    int64_t s = starts[i], st = steps[i], n = y[i];
    if (st == 0)
      return op->emitOpError() << "step on axis " << i << " is zero";
    if (n == 0)
      continue;
    int64_t last = s + (n - 1) * st;
    if (s < 0 || s >= x[i] || last < 0 || last >= x[i])
      return op->emitOpError() << "slice on axis " << i << " (start " << s << ", step " << st << ", "
                               << n << " elements) leaves the input extent " << x[i];
  }
  return success();
}

LogicalResult SliceOp::verify() {
  return verifySlice(*this, tensorOf(getInput()).getShape(), tensorOf(getOutput()).getShape(), getStarts(),
                     getSteps());
}

/// Gather's and its gradients' `indices`: i32 or i64.
static LogicalResult verifyIndicesType(Operation *op, Value indices) {
  Type it = tensorOf(indices).getElementType();
  if (!it.isInteger(64) && !it.isInteger(32))
    return op->emitOpError() << "indices must be i32 or i64, got " << it;
  return success();
}

/// Gather's result shape: `x` with its `axis` replaced by the shape of the indices.
static SmallVector<int64_t> gatheredShape(ArrayRef<int64_t> x, ArrayRef<int64_t> idx, int64_t axis) {
  SmallVector<int64_t> out(x.begin(), x.begin() + axis);
  out.append(idx.begin(), idx.end());
  out.append(x.begin() + axis + 1, x.end());
  return out;
}

LogicalResult GatherOp::verify() {
  auto x = tensorOf(getInput()).getShape();
  if (failed(verifyIndicesType(*this, getIndices())))
    return failure();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= (int64_t)x.size())
    return emitOpError() << "axis " << axis << " out of range for input " << shapeString(x);
  return expectShape(*this, gatheredShape(x, tensorOf(getIndices()).getShape(), axis));
}

LogicalResult GatherElementsOp::verify() {
  auto x = tensorOf(getInput()).getShape(), idx = tensorOf(getIndices()).getShape();
  if (x.size() != idx.size())
    return emitOpError() << "indices " << shapeString(idx) << " must have the input's rank " << x.size();
  if (getAxis() < 0 || getAxis() >= (int64_t)x.size())
    return emitOpError() << "axis " << getAxis() << " out of range";
  return expectShape(*this, idx);
}

LogicalResult ScatterElementsOp::verify() {
  auto x = tensorOf(getInput()), idx = tensorOf(getIndices()), upd = tensorOf(getUpdates());
  if (idx.getShape() != upd.getShape())
    return emitOpError() << "indices " << shapeString(idx.getShape()) << " and updates "
                         << shapeString(upd.getShape()) << " must have one shape";
  if (idx.getRank() != x.getRank())
    return emitOpError() << "indices " << shapeString(idx.getShape()) << " must have the input's rank " << x.getRank();
  if (!isa<IntegerType>(idx.getElementType()))
    return emitOpError() << "indices must be integers, got " << idx.getElementType();
  if (upd.getElementType() != x.getElementType())
    return emitOpError() << "updates of " << upd.getElementType() << " differ from the input's "
                         << x.getElementType();
  if (getAxis() < 0 || getAxis() >= x.getRank())
    return emitOpError() << "axis " << getAxis() << " out of range for rank " << x.getRank();
  StringRef r = getReduction();
  if (r != "none" && r != "add" && r != "mul" && r != "max" && r != "min")
    return emitOpError() << "reduction must be none, add, mul, max or min, got '" << r << "'";
  for (int64_t d = 0; d < x.getRank(); ++d)
    if (d != getAxis() && idx.getDimSize(d) > x.getDimSize(d))
      return emitOpError() << "indices " << shapeString(idx.getShape()) << " exceed the input "
                           << shapeString(x.getShape()) << " on axis " << d;
  return success();
}

LogicalResult PadOp::verify() {
  auto x = tensorOf(getInput()).getShape();
  if (getPads().size() != 2 * x.size())
    return emitOpError() << "expects " << 2 * x.size() << " pads for rank " << x.size() << ", got "
                         << getPads().size();
  if (getMode() != "constant" && getMode() != "reflect" && getMode() != "edge")
    return emitOpError() << "mode must be constant, reflect or edge, got '" << getMode() << "'";
  SmallVector<int64_t> out;
  for (size_t i = 0; i < x.size(); ++i)
    out.push_back(x[i] + getPads()[i] + getPads()[i + x.size()]);
  return expectShape(*this, out);
}

LogicalResult BroadcastOp::verify() {
  auto x = tensorOf(getInput()).getShape(), y = tensorOf(getOutput()).getShape();
  SmallVector<int64_t> b;
  if (!broadcastShapes({x, y}, b) || ArrayRef<int64_t>(b) != y)
    return emitOpError() << "input " << shapeString(x) << " does not broadcast to " << shapeString(y);
  return success();
}

LogicalResult TileOp::verify() {
  auto x = tensorOf(getInput()).getShape(), y = tensorOf(getOutput()).getShape();
  if (x.size() != y.size())
    return emitOpError() << "result rank " << y.size() << " differs from input rank " << x.size();
  for (size_t i = 0; i < x.size(); ++i)
    if (x[i] == 0 ? y[i] != 0 : y[i] % x[i] != 0)
      return emitOpError() << "result extent " << y[i] << " on axis " << i
                           << " is not a multiple of the input's " << x[i];
  return success();
}

LogicalResult TriluOp::verify() {
  if (tensorOf(getInput()).getRank() < 2)
    return emitOpError() << "input must have rank >= 2";
  return success();
}

//===----------------------------------------------------------------------===//
// Dropout
//===----------------------------------------------------------------------===//

static LogicalResult verifyDropoutRatio(Operation *op, double ratio) {
  if (ratio >= 0 && ratio < 1)
    return success();
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", ratio);
  return op->emitOpError() << "ratio " << text << " is outside [0, 1)";
}

LogicalResult RankMeanOp::verify() {
  if (!isa<FloatType>(getInput().getType().getElementType()))
    return emitOpError() << "averages floats; the input is " << getInput().getType();
  if (static_cast<int64_t>(getKey()) < 0)
    return emitOpError() << "key " << static_cast<int64_t>(getKey()) << " is negative";
  return success();
}

LogicalResult DropoutOp::verify() { return verifyDropoutRatio(*this, getRatio().convertToDouble()); }

/// Outside train_step a dropout site passes its input through.
OpFoldResult DropoutOp::fold(FoldAdaptor) { return getInput(); }

LogicalResult DropoutMaskOp::verify() {
  for (auto [what, v] : {std::pair<StringRef, Value>{"seed", getSeed()}, {"counter", getCounter()},
                          {"offset", getOffset()}}) {
    if (!v)
      continue;
    auto t = tensorOf(v);
    if (t.getRank() != 0 || !t.getElementType().isInteger(64))
      return emitOpError() << what << " must be an i64 scalar (tensor<i64>), got " << t;
  }
  if (!isa<FloatType>(tensorOf(getOutput()).getElementType()))
    return emitOpError() << "result element type " << tensorOf(getOutput()).getElementType()
                         << " should be a float type";
  if (getSite() < 0)
    return emitOpError() << "site " << getSite() << " is negative";
  return verifyDropoutRatio(*this, getRatio().convertToDouble());
}

//===----------------------------------------------------------------------===//
// Gradient ops
//===----------------------------------------------------------------------===//

/// The gradient `dx` of an operand from the result gradient `dy`: same element type.
static LogicalResult verifyGradElementTypes(Operation *op, Value dy, Value dx) {
  Type a = tensorOf(dy).getElementType(), b = tensorOf(dx).getElementType();
  if (!isa<FloatType>(a))
    return op->emitOpError() << "output_grad must be a floating-point tensor, got element type " << a;
  if (a != b)
    return op->emitOpError() << "input_grad element type " << b << " differs from output_grad's " << a;
  return success();
}

LogicalResult AvgPoolGradOp::verify() {
  if (failed(verifyGradElementTypes(*this, getOutputGrad(), getInputGrad())))
    return failure();
  return verifyPool(*this, tensorOf(getInputGrad()).getShape(), tensorOf(getOutputGrad()).getShape());
}

LogicalResult SliceGradOp::verify() {
  if (failed(verifyGradElementTypes(*this, getOutputGrad(), getInputGrad())))
    return failure();
  return verifySlice(*this, tensorOf(getInputGrad()).getShape(), tensorOf(getOutputGrad()).getShape(), getStarts(),
                     getSteps());
}

/// gather_grad's and gather_elements_grad's types: the gradients' element types, i32 or i64 indices.
template <typename GatherGrad>
static LogicalResult verifyGatherGradTypes(GatherGrad op) {
  if (failed(verifyGradElementTypes(op, op.getOutputGrad(), op.getInputGrad())))
    return failure();
  return verifyIndicesType(op, op.getIndices());
}

LogicalResult GatherGradOp::verify() {
  if (failed(verifyGatherGradTypes(*this)))
    return failure();
  auto x = tensorOf(getInputGrad()).getShape(), idx = tensorOf(getIndices()).getShape();
  auto dy = tensorOf(getOutputGrad()).getShape();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= (int64_t)x.size())
    return emitOpError() << "axis " << axis << " out of range for input_grad " << shapeString(x);
  SmallVector<int64_t> expected = gatheredShape(x, idx, axis);
  if (dy != ArrayRef<int64_t>(expected))
    return emitOpError() << "output_grad shape " << shapeString(dy) << " should be " << shapeString(expected)
                         << " (input_grad " << shapeString(x) << " gathered along axis " << axis << " with indices "
                         << shapeString(idx) << ")";
  return success();
}

LogicalResult GatherElementsGradOp::verify() {
  if (failed(verifyGatherGradTypes(*this)))
    return failure();
  auto x = tensorOf(getInputGrad()).getShape(), idx = tensorOf(getIndices()).getShape();
  auto dy = tensorOf(getOutputGrad()).getShape();
  if (idx != dy)
    return emitOpError() << "indices " << shapeString(idx) << " and output_grad " << shapeString(dy)
                         << " must have the same shape";
  if (idx.size() != x.size())
    return emitOpError() << "indices " << shapeString(idx) << " must have input_grad's rank " << x.size();
  if (getAxis() < 0 || getAxis() >= (int64_t)x.size())
    return emitOpError() << "axis " << getAxis() << " out of range for input_grad " << shapeString(x);
  for (size_t i = 0; i < x.size(); ++i)
    if ((int64_t)i != getAxis() && idx[i] > x[i])
      return emitOpError() << "indices extent " << idx[i] << " on axis " << i << " exceeds input_grad's " << x[i];
  return success();
}

LogicalResult PadGradOp::verify() {
  if (failed(verifyGradElementTypes(*this, getOutputGrad(), getInputGrad())))
    return failure();
  auto x = tensorOf(getInputGrad()).getShape(), dy = tensorOf(getOutputGrad()).getShape();
  if (getMode() != "reflect" && getMode() != "edge")
    return emitOpError() << "mode must be reflect or edge, got '" << getMode() << "'";
  if (getPads().size() != 2 * x.size())
    return emitOpError() << "expects " << 2 * x.size() << " pads for rank " << x.size() << ", got "
                         << getPads().size();
  SmallVector<int64_t> padded;
  for (size_t i = 0; i < x.size(); ++i) {
    padded.push_back(x[i] + getPads()[i] + getPads()[i + x.size()]);
    if (getMode() == "reflect" && (getPads()[i] >= x[i] || getPads()[i + x.size()] >= x[i]))
      return emitOpError() << "reflect pads on axis " << i << " must be smaller than the extent " << x[i];
  }
  if (dy != ArrayRef<int64_t>(padded))
    return emitOpError() << "output_grad shape " << shapeString(dy) << " should be the padded " << shapeString(padded);
  return success();
}


#include "dialects/Graph/CompositeInterface.cpp.inc"
#include "dialects/Graph/GradientInterface.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/Graph/GraphOps.cpp.inc"
