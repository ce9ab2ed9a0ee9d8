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
  auto in = typeOf(getInput()).getShape();
  if (getKind() != "sum" && getKind() != "mean")
    return emitOpError() << "has no gradient rule for reduction kind '" << getKind() << "' yet";
  SmallVector<int64_t> keep;
  for (int64_t i = 0; i < (int64_t)in.size(); ++i)
    keep.push_back(llvm::is_contained(getAxes(), i) ? 1 : in[i]);
  Value gk = reshape(b, l, g, keep);
  if (getKind() == "mean") {
    int64_t count = 1;
    for (int64_t a : getAxes())
      count *= in[a];
    gk = div(b, l, gk, scalar(b, l, g, (double)count));
  }
  out.push_back(broadcastTo(b, l, gk, in));
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
  if (as.size() < 2 || ws.size() < 2)
    return emitOpError() << "has no gradient rule for 1-D operands yet";
  if (ws.size() == 2) {
    // [..., M, K] x [K, N]: da = g w^T; dw = a^T g over all leading rows.
    Value wt = transposeLast2(b, l, w);
    SmallVector<int64_t> daShape(as.begin(), as.end());
    out.push_back(b.create<MatMulOp>(l, withShape(a, daShape), g, wt));
    int64_t rows = typeOf(a).getNumElements() / as.back();
    Value a2 = reshape(b, l, a, {rows, as.back()});
    Value g2 = reshape(b, l, g, {rows, typeOf(g).getShape().back()});
    out.push_back(b.create<MatMulOp>(l, typeOf(w), transposeLast2(b, l, a2), g2));
    return success();
  }
  if (as.drop_back(2) != ws.drop_back(2))
    return emitOpError() << "has no gradient rule for broadcast batch dims yet";
  out.push_back(b.create<MatMulOp>(l, typeOf(a), g, transposeLast2(b, l, w)));
  out.push_back(b.create<MatMulOp>(l, typeOf(w), transposeLast2(b, l, a), g));
  return success();
}

LogicalResult ConvOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  if (getGroup() != 1)
    return emitOpError() << "has no gradient rule for grouped convolutions yet";
  Value x = getInput(), w = getWeight();
  auto xs = typeOf(x).getShape(), ws = typeOf(w).getShape(), gs = typeOf(g).getShape();
  int64_t s = xs.size() - 2;
  auto strides = getStrides(), dil = getDilations(), pads = getPads();

  // dx: the transposed convolution of g with the same weight, sized back to x.
  SmallVector<int64_t> outPad;
  for (int64_t i = 0; i < s; ++i)
    outPad.push_back(xs[i + 2] - (strides[i] * (gs[i + 2] - 1) + (ws[i + 2] - 1) * dil[i] + 1 - pads[i] - pads[i + s]));
  out.push_back(b.create<ConvTransposeOp>(l, typeOf(x), g, w, Value(), getStridesAttr(), getPadsAttr(),
                                          getDilationsAttr(), b.getDenseI64ArrayAttr(outPad), b.getI64IntegerAttr(1)));

  // dw[m, c, k] = sum over n, o of g[n, m, o] * xpad[n, c, o * stride + k * dilation]: a conv
  // of xpad (batch as channels) with g (batch as channels), stride and dilation swapped.
  SmallVector<int64_t> fullPads(2, 0);
  for (int64_t i = 0; i < s; ++i)
    fullPads.push_back(pads[i]);
  fullPads.append(2, 0);
  for (int64_t i = 0; i < s; ++i)
    fullPads.push_back(pads[i + s]);
  SmallVector<int64_t> padded(xs.begin(), xs.end());
  for (int64_t i = 0; i < s; ++i)
    padded[i + 2] += pads[i] + pads[i + s];
  Value xp = x;
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; }))
    xp = b.create<PadOp>(l, withShape(x, padded), x, b.getDenseI64ArrayAttr(fullPads), b.getStringAttr("constant"),
                         b.getF64FloatAttr(0));
  SmallVector<int64_t> swap{1, 0};
  for (int64_t i = 0; i < s; ++i)
    swap.push_back(i + 2);
  Value xt = transpose(b, l, xp, swap); // C x N x ...
  Value gt = transpose(b, l, g, swap);  // M x N x ...
  SmallVector<int64_t> dwShape{xs[1], ws[0]};
  SmallVector<int64_t> zeros(2 * s, 0);
  for (int64_t i = 0; i < s; ++i)
    dwShape.push_back((padded[i + 2] - (gs[i + 2] - 1) * strides[i] - 1) / dil[i] + 1);
  Value dwt = b.create<ConvOp>(l, withShape(x, dwShape), xt, gt, Value(), getDilationsAttr(),
                               b.getDenseI64ArrayAttr(zeros), getStridesAttr(), b.getI64IntegerAttr(1));
  // The conv may cover a few extra kernel positions past the real kernel: slice them off.
  SmallVector<int64_t> kernelShape{xs[1], ws[0]};
  kernelShape.append(ws.begin() + 2, ws.end());
  if (ArrayRef<int64_t>(dwShape) != ArrayRef<int64_t>(kernelShape))
    dwt = b.create<SliceOp>(l, withShape(x, kernelShape), dwt, b.getDenseI64ArrayAttr(SmallVector<int64_t>(s + 2, 0)),
                            b.getDenseI64ArrayAttr(SmallVector<int64_t>(s + 2, 1)));
  out.push_back(transpose(b, l, dwt, swap));

  if (getBias()) {
    SmallVector<int64_t> axes{0};
    for (int64_t i = 0; i < s; ++i)
      axes.push_back(i + 2);
    out.push_back(reduceSum(b, l, g, axes, false));
  }
  return success();
}

LogicalResult MaxPoolOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(b.create<MaxPoolGradOp>(getLoc(), getInput().getType(), getInput(), getOutput(), g,
                                        getKernelShapeAttr(), getStridesAttr(), getPadsAttr(), getDilationsAttr()));
  return success();
}
