// The optimizer updates (OptimizerOps.td): verifiers, and the decompositions that define them.
#include "dialects/Graph/GraphBuilders.h"
#include "dialects/Graph/GraphDialect.h"

using namespace mlir;
using namespace dlc::graph;

namespace {

/// Every state operand and result has the parameter's type; lr is a rank-0 tensor of its
/// element type, count (when there is one) a rank-0 integer.
LogicalResult verifyUpdate(Operation *op, Value param, ValueRange sameAsParam, Value lr, Value count) {
  auto pt = typeOf(param);
  if (!isa<FloatType>(pt.getElementType()))
    return op->emitOpError() << "param has type " << pt << "; only floating-point parameters are updated";
  for (auto [i, v] : llvm::enumerate(sameAsParam))
    if (v.getType() != pt)
      return op->emitOpError() << "operand #" << i + 1 << " has type " << v.getType() << ", but param has type "
                               << pt << "; the gradient and the optimizer state must have the parameter's type";
  for (auto [i, r] : llvm::enumerate(op->getResults()))
    if (r.getType() != pt)
      return op->emitOpError() << "result #" << i << " has type " << r.getType() << "; it must be " << pt;
  if (lr.getType() != RankedTensorType::get({}, pt.getElementType()))
    return op->emitOpError() << "lr has type " << lr.getType() << "; it must be "
                             << RankedTensorType::get({}, pt.getElementType())
                             << ", a scalar of the parameter's element type";
  if (count) {
    auto ct = typeOf(count);
    if (ct.getRank() != 0 || !ct.getElementType().isSignlessInteger() || ct.getElementType().isInteger(1))
      return op->emitOpError() << "count has type " << ct << "; it must be a rank-0 integer";
  }
  return success();
}

/// g + weight_decay * param
Value regularized(OpBuilder &b, Location l, Value param, Value grad, double weightDecay) {
  if (weightDecay == 0)
    return grad;
  return add(b, l, grad, mul(b, l, param, scalar(b, l, param, weightDecay)));
}

/// count as a rank-0 tensor of `like`'s element type.
Value countAs(OpBuilder &b, Location l, Value count, Value like) {
  return castTo(b, l, count, typeOf(like).getElementType());
}

Value sqrtOf(OpBuilder &b, Location l, Value x) { return unary<SqrtOp>(b, l, x); }

} // namespace

LogicalResult SgdUpdateOp::verify() { return verifyUpdate(*this, getParam(), {getGrad()}, getLr(), Value()); }
LogicalResult MomentumUpdateOp::verify() {
  return verifyUpdate(*this, getParam(), {getGrad(), getVelocity()}, getLr(), getCount());
}
LogicalResult AdamUpdateOp::verify() {
  return verifyUpdate(*this, getParam(), {getGrad(), getM(), getV()}, getLr(), getCount());
}
LogicalResult AdagradUpdateOp::verify() {
  return verifyUpdate(*this, getParam(), {getGrad(), getSum()}, getLr(), getCount());
}
LogicalResult RmspropUpdateOp::verify() {
  return verifyUpdate(*this, getParam(), {getGrad(), getSquareAvg()}, getLr(), Value());
}

LogicalResult SgdUpdateOp::decompose(OpBuilder &b, SmallVectorImpl<Value> &results) {
  Location l = getLoc();
  Value p = getParam(), g = regularized(b, l, p, getGrad(), getWeightDecay().convertToDouble());
  results.push_back(sub(b, l, p, mul(b, l, getLr(), g)));
  return success();
}

LogicalResult MomentumUpdateOp::decompose(OpBuilder &b, SmallVectorImpl<Value> &results) {
  Location l = getLoc();
  Value p = getParam(), v = getVelocity(), g = regularized(b, l, p, getGrad(), getWeightDecay().convertToDouble());
  double mu = getMomentum().convertToDouble(), dampening = getDampening().convertToDouble();
  Value scaled = g;
  if (dampening != 0) {
    Value first = compare<EqualOp>(b, l, getCount(), scalar(b, l, getCount(), 0));
    scaled = mul(b, l, g, where(b, l, first, scalar(b, l, p, 1.0), scalar(b, l, p, 1.0 - dampening)));
  }
  Value nv = add(b, l, mul(b, l, v, scalar(b, l, p, mu)), scaled);
  Value dir = getNesterov() ? add(b, l, g, mul(b, l, nv, scalar(b, l, p, mu))) : nv;
  results.push_back(sub(b, l, p, mul(b, l, getLr(), dir)));
  results.push_back(nv);
  return success();
}

LogicalResult AdamUpdateOp::decompose(OpBuilder &b, SmallVectorImpl<Value> &results) {
  Location l = getLoc();
  double beta1 = getBeta1().convertToDouble(), beta2 = getBeta2().convertToDouble(), eps = getEps().convertToDouble();
  Value p = getParam(), lr = getLr();
  Value g = regularized(b, l, p, getGrad(), getWeightDecay().convertToDouble());
  auto s = [&](double v) { return scalar(b, l, p, v); };
  Value np = p;
  if (double wd = getDecoupledWeightDecay().convertToDouble(); wd != 0)
    np = sub(b, l, p, mul(b, l, mul(b, l, p, lr), s(wd)));
  Value nm = add(b, l, mul(b, l, getM(), s(beta1)), mul(b, l, g, s(1 - beta1)));
  Value nv = add(b, l, mul(b, l, getV(), s(beta2)), mul(b, l, mul(b, l, g, g), s(1 - beta2)));
  // No correction while count is 0 (ONNX's first update); PyTorch's count starts at 1.
  Value t = countAs(b, l, getCount(), p);
  Value corrected = compare<GreaterOp>(b, l, getCount(), scalar(b, l, getCount(), 0));
  Value bc1 = where(b, l, corrected, sub(b, l, s(1), pow(b, l, s(beta1), t)), s(1));
  Value bc2 = where(b, l, corrected, sub(b, l, s(1), pow(b, l, s(beta2), t)), s(1));
  Value step;
  if (getBiasCorrectedEps()) {
    Value denom = add(b, l, div(b, l, sqrtOf(b, l, nv), sqrtOf(b, l, bc2)), s(eps));
    step = mul(b, l, div(b, l, lr, bc1), div(b, l, nm, denom));
  } else {
    Value rate = div(b, l, mul(b, l, lr, sqrtOf(b, l, bc2)), bc1);
    step = mul(b, l, rate, div(b, l, nm, add(b, l, sqrtOf(b, l, nv), s(eps))));
  }
  np = sub(b, l, np, step);
  if (double post = getPostDecay().convertToDouble(); post != 0)
    np = mul(b, l, s(1 - post), np);
  results.append({np, nm, nv});
  return success();
}

LogicalResult AdagradUpdateOp::decompose(OpBuilder &b, SmallVectorImpl<Value> &results) {
  Location l = getLoc();
  Value p = getParam(), g = regularized(b, l, p, getGrad(), getWeightDecay().convertToDouble());
  Value rate = getLr();
  if (double decay = getLrDecay().convertToDouble(); decay != 0)
    rate = div(b, l, rate, add(b, l, scalar(b, l, p, 1.0), mul(b, l, countAs(b, l, getCount(), p), scalar(b, l, p, decay))));
  Value ns = add(b, l, getSum(), mul(b, l, g, g));
  Value scale = add(b, l, sqrtOf(b, l, ns), scalar(b, l, p, getEps().convertToDouble()));
  results.push_back(sub(b, l, p, mul(b, l, rate, div(b, l, g, scale))));
  results.push_back(ns);
  return success();
}

LogicalResult RmspropUpdateOp::decompose(OpBuilder &b, SmallVectorImpl<Value> &results) {
  Location l = getLoc();
  double alpha = getAlpha().convertToDouble();
  Value p = getParam(), g = regularized(b, l, p, getGrad(), getWeightDecay().convertToDouble());
  Value nv = add(b, l, mul(b, l, getSquareAvg(), scalar(b, l, p, alpha)), mul(b, l, mul(b, l, g, g), scalar(b, l, p, 1 - alpha)));
  Value scale = add(b, l, sqrtOf(b, l, nv), scalar(b, l, p, getEps().convertToDouble()));
  results.push_back(sub(b, l, p, mul(b, l, getLr(), div(b, l, g, scale))));
  results.push_back(nv);
  return success();
}
