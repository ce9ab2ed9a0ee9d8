// The gradient rules of the matrix product, the convolution and the transposed
// convolution (GradientOpInterface), grouped and depthwise included. For conv, the input gradient is
// the transposed convolution (lowered as W^T g and col2im) and the weight gradient a
// convolution of the input with the output gradient, batch as channels (lowered as a
// long-reduction matmul over the input's windows). conv_transpose is conv's adjoint in
// its input, so its rule is conv's with the roles swapped: the input gradient is the
// forward conv of g, the weight gradient conv's weight gradient with g as the input.
#include "dialects/Graph/GraphBuilders.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace dlc::graph;

/// The gradient of w in y = conv(x, w) (w of shape `ws`: M x C/group x K...) given g = dL/dy:
/// dw[m, c, k] = sum over n, o of g[n, m, o] * xpad[n, c, o * stride + k * dilation]. That
/// is a conv of xpad (batch as channels) with g (batch as channels), stride and dilation
/// swapped. With groups, group j's output channels only see its input channels: xpad
/// becomes C/g x (g N) x ... so that the conv's group j pairs g's channels of group j
/// with the input channels of group j.
static Value convWeightGradient(OpBuilder &b, Location l, Value x, Value g, ArrayRef<int64_t> ws,
                                ArrayRef<int64_t> strides, ArrayRef<int64_t> pads, ArrayRef<int64_t> dil,
                                int64_t group) {
  auto xs = typeOf(x).getShape(), gs = typeOf(g).getShape();
  int64_t s = xs.size() - 2, n = xs[0], cg = ws[1];
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
  Value xt;
  if (group == 1) {
    xt = transpose(b, l, xp, swap); // C x N x ...
  } else {
    SmallVector<int64_t> split{n, group, cg}, perm{2, 1, 0}, merged{cg, group * n};
    for (int64_t i = 0; i < s; ++i) {
      split.push_back(padded[i + 2]);
      perm.push_back(i + 3);
      merged.push_back(padded[i + 2]);
    }
    xt = reshape(b, l, transpose(b, l, reshape(b, l, xp, split), perm), merged); // C/g x (g N) x ...
  }
  Value gt = transpose(b, l, g, swap); // M x N x ...
  SmallVector<int64_t> dwShape{cg, ws[0]};
  SmallVector<int64_t> zeros(2 * s, 0);
  for (int64_t i = 0; i < s; ++i)
    dwShape.push_back((padded[i + 2] - (gs[i + 2] - 1) * strides[i] - 1) / dil[i] + 1);
  Value dwt = b.create<ConvOp>(l, withShape(x, dwShape), xt, gt, Value(), b.getDenseI64ArrayAttr(dil),
                               b.getDenseI64ArrayAttr(zeros), b.getDenseI64ArrayAttr(strides),
                               b.getI64IntegerAttr(group));
  // The conv may cover a few extra kernel positions past the real kernel: slice them off.
  SmallVector<int64_t> kernelShape{cg, ws[0]};
  kernelShape.append(ws.begin() + 2, ws.end());
  if (ArrayRef<int64_t>(dwShape) != ArrayRef<int64_t>(kernelShape))
    dwt = b.create<SliceOp>(l, withShape(x, kernelShape), dwt, b.getDenseI64ArrayAttr(SmallVector<int64_t>(s + 2, 0)),
                            b.getDenseI64ArrayAttr(SmallVector<int64_t>(s + 2, 1)));
  return transpose(b, l, dwt, swap);
}

/// The bias gradient: g summed over batch and spatial axes.
static Value biasGradient(OpBuilder &b, Location l, Value g) {
  SmallVector<int64_t> axes{0};
  for (int64_t i = 2; i < typeOf(g).getRank(); ++i)
    axes.push_back(i);
  return reduceSum(b, l, g, axes, false);
}

LogicalResult ConvOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput(), w = getWeight();
  auto xs = typeOf(x).getShape(), ws = typeOf(w).getShape(), gs = typeOf(g).getShape();
  int64_t s = xs.size() - 2;
  auto strides = getStrides(), dil = getDilations(), pads = getPads();

  // dx: the transposed convolution of g with the same weight and groups, sized back to x.
  SmallVector<int64_t> outPad;
  for (int64_t i = 0; i < s; ++i)
    outPad.push_back(xs[i + 2] - (strides[i] * (gs[i + 2] - 1) + (ws[i + 2] - 1) * dil[i] + 1 - pads[i] - pads[i + s]));
  out.push_back(b.create<ConvTransposeOp>(l, typeOf(x), g, w, Value(), getStridesAttr(), getPadsAttr(),
                                          getDilationsAttr(), b.getDenseI64ArrayAttr(outPad), getGroupAttr()));
  out.push_back(convWeightGradient(b, l, x, g, ws, strides, pads, dil, getGroup()));
  if (getBias())
    out.push_back(biasGradient(b, l, g));
  return success();
}

LogicalResult ConvTransposeOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  Location l = getLoc();
  Value x = getInput(), w = getWeight();
  auto xs = typeOf(x).getShape(), ws = typeOf(w).getShape(), gs = typeOf(g).getShape();
  int64_t s = xs.size() - 2;
  auto strides = getStrides(), dil = getDilations(), pads = getPads();

  // dx: the forward conv of g with the same weight (C x M/g x K: C outputs from M inputs).
  // output_padding's extra rows of g reach no input position; where output_padding is
  // at least the stride the conv yields extra positions past x, which are sliced off.
  SmallVector<int64_t> convShape{xs[0], xs[1]};
  for (int64_t i = 0; i < s; ++i)
    convShape.push_back((gs[i + 2] + pads[i] + pads[i + s] - (ws[i + 2] - 1) * dil[i] - 1) / strides[i] + 1);
  Value dx = b.create<ConvOp>(l, withShape(x, convShape), g, w, Value(), getStridesAttr(), getPadsAttr(),
                              getDilationsAttr(), getGroupAttr());
  if (ArrayRef<int64_t>(convShape) != xs)
    dx = b.create<SliceOp>(l, typeOf(x), dx, b.getDenseI64ArrayAttr(SmallVector<int64_t>(s + 2, 0)),
                           b.getDenseI64ArrayAttr(SmallVector<int64_t>(s + 2, 1)));
  out.push_back(dx);

  // y[n, m, i * stride + k * dilation - pad] += x[n, c, i] * w[c, m, k]: w's gradient is
  // that of the conv which maps g to x with weight w, whose output gradient is x.
  out.push_back(convWeightGradient(b, l, g, x, ws, strides, pads, dil, getGroup()));
  if (getBias())
    out.push_back(biasGradient(b, l, g));
  return success();
}

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
