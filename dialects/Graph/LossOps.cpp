// The losses (LossOps.td): verifiers, and the decompositions that define them.
#include "dialects/Graph/GraphBuilders.h"
#include "dialects/Graph/GraphDialect.h"

#include "llvm/ADT/Sequence.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace dlc::graph;

namespace {

LogicalResult verifyReduction(Operation *op, StringRef reduction, RankedTensorType perElement, Type result) {
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return op->emitOpError() << "reduction '" << reduction << "' is none of none, sum, mean";
  auto expected = reduction == "none" ? perElement : RankedTensorType::get({}, perElement.getElementType());
  if (result != expected)
    return op->emitOpError() << "result has type " << result << ", but reduction '" << reduction << "' gives "
                             << expected;
  return success();
}

template <typename LossOp> LogicalResult verifyElementwiseLoss(LossOp op) {
  auto input = typeOf(op.getInput()), target = typeOf(op.getTarget());
  if (!isa<FloatType>(input.getElementType()))
    return op.emitOpError() << "input has type " << input << "; a loss needs floating-point values";
  if (target != input)
    return op.emitOpError() << "target has type " << target << ", but input has type " << input
                            << "; they must be the same";
  return verifyReduction(op, op.getReduction(), input, op.getType());
}

/// All axes of `x`.
SmallVector<int64_t> allAxes(Value x) { return llvm::to_vector(llvm::seq<int64_t>(0, typeOf(x).getRank())); }

/// `perElement` reduced as `reduction` says; mean divides by `count`.
Value reduceLoss(OpBuilder &b, Location l, Value perElement, StringRef reduction, Value count) {
  if (reduction == "none")
    return perElement;
  Value total = reduceSum(b, l, perElement, allAxes(perElement), false);
  return reduction == "sum" ? total : div(b, l, total, count);
}

template <typename LossOp>
LogicalResult decomposeElementwise(LossOp op, OpBuilder &b, SmallVectorImpl<Value> &results,
                                   function_ref<Value(Value, Value)> perElement) {
  Location l = op.getLoc();
  Value y = op.getInput(), t = op.getTarget();
  Value count = scalar(b, l, y, (double)typeOf(y).getNumElements());
  results.push_back(reduceLoss(b, l, perElement(y, t), op.getReduction(), count));
  return success();
}

} // namespace

LogicalResult MseLossOp::verify() { return verifyElementwiseLoss(*this); }
LogicalResult L1LossOp::verify() { return verifyElementwiseLoss(*this); }
LogicalResult BceLossOp::verify() { return verifyElementwiseLoss(*this); }
LogicalResult BceWithLogitsLossOp::verify() { return verifyElementwiseLoss(*this); }

LogicalResult MseLossOp::decompose(OpBuilder &b, SmallVectorImpl<Value> &results) {
  return decomposeElementwise(*this, b, results, [&](Value y, Value t) {
    Value d = sub(b, getLoc(), y, t);
    return mul(b, getLoc(), d, d);
  });
}

LogicalResult L1LossOp::decompose(OpBuilder &b, SmallVectorImpl<Value> &results) {
  return decomposeElementwise(*this, b, results,
                              [&](Value y, Value t) { return unary<AbsOp>(b, getLoc(), sub(b, getLoc(), y, t)); });
}

LogicalResult BceLossOp::decompose(OpBuilder &b, SmallVectorImpl<Value> &results) {
  return decomposeElementwise(*this, b, results, [&](Value p, Value t) {
    Location l = getLoc();
    Value one = scalar(b, l, p, 1.0);
    Value logp = unary<LogOp>(b, l, p), log1mp = unary<LogOp>(b, l, sub(b, l, one, p));
    return neg(b, l, add(b, l, mul(b, l, t, logp), mul(b, l, sub(b, l, one, t), log1mp)));
  });
}

LogicalResult BceWithLogitsLossOp::decompose(OpBuilder &b, SmallVectorImpl<Value> &results) {
  return decomposeElementwise(*this, b, results, [&](Value x, Value t) {
    // max(x, 0) - x t + log(1 + exp(-|x|)): no overflow for any x, as torch's BCEWithLogitsLoss.
    Location l = getLoc();
    Value softplusNegAbs =
        unary<LogOp>(b, l, add(b, l, scalar(b, l, x, 1.0), unary<ExpOp>(b, l, neg(b, l, unary<AbsOp>(b, l, x)))));
    return add(b, l, sub(b, l, unary<ReluOp>(b, l, x), mul(b, l, x, t)), softplusNegAbs);
  });
}

LogicalResult NllLossOp::verify() {
  auto input = typeOf(getInput()), target = typeOf(getTarget());
  if (input.getRank() < 2 || !isa<FloatType>(input.getElementType()))
    return emitOpError() << "input has type " << input
                         << "; it must hold floating-point log-probabilities of rank >= 2 (N x C x d1 ... dk)";
  if (!target.getElementType().isSignlessInteger() || target.getElementType().isInteger(1))
    return emitOpError() << "target has type " << target << "; it must hold integer class indices";
  SmallVector<int64_t> expected{input.getDimSize(0)};
  expected.append(input.getShape().begin() + 2, input.getShape().end());
  if (target.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError() << "target has shape " << shapeString(target.getShape()) << ", but for input of shape "
                         << shapeString(input.getShape()) << " it must have shape " << shapeString(expected)
                         << " (the input's without the class axis)";
  if (Value w = getWeight()) {
    auto wt = typeOf(w);
    if (wt.getRank() != 1 || wt.getDimSize(0) != input.getDimSize(1) || wt.getElementType() != input.getElementType())
      return emitOpError() << "weight has type " << wt << "; it must be a vector of " << input.getDimSize(1)
                           << " class weights of the input's element type";
  }
  double s = getLabelSmoothing().convertToDouble();
  if (!(s >= 0 && s <= 1)) {
    std::string text;
    llvm::raw_string_ostream(text) << llvm::format("%g", s);
    return emitOpError() << "label_smoothing is " << text << "; it must lie in [0, 1]";
  }
  if (s > 0 && (getWeight() || getIgnoreIndex()))
    return emitOpError() << "label_smoothing takes neither class weights nor ignore_index";
  return verifyReduction(*this, getReduction(), RankedTensorType::get(expected, input.getElementType()), getType());
}

/// coef[n, c, d] = (target[n, d] == c) * weight[c] * (target[n, d] != ignore_index): the
/// selection of each element's class, summed over the class axis against the input.
LogicalResult NllLossOp::decompose(OpBuilder &b, SmallVectorImpl<Value> &results) {
  Location l = getLoc();
  Value logp = getInput(), target = getTarget();
  auto lt = typeOf(logp), tt = typeOf(target);
  int64_t rank = lt.getRank(), classes = lt.getDimSize(1);
  Type labelElem = tt.getElementType();

  SmallVector<int64_t> column(lt.getShape()); // (N, 1, d1..dk)
  column[1] = 1;
  Value labels = reshape(b, l, target, column);
  SmallVector<int64_t> iotaShape(rank, 1); // (1, C, 1..1)
  iotaShape[1] = classes;
  SmallVector<APInt> iota;
  for (int64_t c = 0; c < classes; ++c)
    iota.push_back(APInt(labelElem.getIntOrFloatBitWidth(), c, /*isSigned=*/true));
  auto iotaType = RankedTensorType::get(iotaShape, labelElem);
  Value classIndex = b.create<ConstantOp>(l, iotaType, DenseElementsAttr::get(iotaType, iota));
  Value coef = castTo(b, l, compare<EqualOp>(b, l, labels, classIndex), lt.getElementType());
  if (Value w = getWeight())
    coef = mul(b, l, coef, reshape(b, l, w, iotaShape));
  if (auto ignore = getIgnoreIndex()) {
    Value ignored = compare<EqualOp>(b, l, labels, scalar(b, l, target, (double)(int64_t)*ignore));
    Value kept = unary<NotOp>(b, l, ignored);
    coef = mul(b, l, coef, castTo(b, l, kept, lt.getElementType()));
  }
  double s = getLabelSmoothing().convertToDouble();
  Value picked = reduceSum(b, l, mul(b, l, logp, coef), {1}, false);
  Value perElement;
  if (s > 0) {
    Value uniform = reduceSum(b, l, logp, {1}, false);
    perElement = neg(b, l, add(b, l, mul(b, l, picked, scalar(b, l, logp, 1 - s)),
                               mul(b, l, uniform, scalar(b, l, logp, s / (double)classes))));
  } else {
    perElement = neg(b, l, picked);
  }
  Value count = !getWeight() && !getIgnoreIndex()
                    ? scalar(b, l, logp, (double)tt.getNumElements())
                    : reduceSum(b, l, coef, allAxes(coef), false);
  results.push_back(reduceLoss(b, l, perElement, getReduction(), count));
  return success();
}
