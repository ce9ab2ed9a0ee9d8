// The gradient rules of the data-movement ops (GradientOpInterface).
#include "dialects/Graph/GraphBuilders.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace dlc::graph;

LogicalResult BroadcastOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(unbroadcast(b, getLoc(), g, typeOf(getInput()).getShape()));
  return success();
}

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

LogicalResult TriluOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(b.create<TriluOp>(getLoc(), g.getType(), g, getUpperAttr(), getKAttr()));
  return success();
}
