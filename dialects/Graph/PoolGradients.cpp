// The gradient rules of pooling (GradientOpInterface).
#include "dialects/Graph/GraphBuilders.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace dlc::graph;

LogicalResult MaxPoolOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(b.create<MaxPoolGradOp>(getLoc(), getInput().getType(), getInput(), getOutput(), g,
                                        getKernelShapeAttr(), getStridesAttr(), getPadsAttr(), getDilationsAttr()));
  return success();
}

LogicalResult AvgPoolOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  out.push_back(b.create<AvgPoolGradOp>(getLoc(), getInput().getType(), g, getKernelShapeAttr(), getStridesAttr(),
                                        getPadsAttr(), getDilationsAttr(), getCountIncludePadAttr()));
  return success();
}
