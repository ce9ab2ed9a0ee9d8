// batch/instance/layer normalization and the softmax family -> reductions plus
// elementwise linalg.generic ops.
#include "codegen/linalg/GraphToLinalg.h"
#include "codegen/linalg/LoweringUtils.h"
#include "dialects/Abi/AbiDialect.h"
#include "dialects/Graph/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::graph;

namespace {

Value addF(OpBuilder &b, Location l, Value x, Value y) { return b.create<arith::AddFOp>(l, x, y); }

/// Sum of `x` over `axes`, reshaped to keep them as size-1 axes.
Value sumKeep(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes, ScalarBody pre = nullptr) {
  auto t = cast<RankedTensorType>(x.getType());
  Value zero = scalarConstant(b, loc, t.getElementType(), 0);
  Value r = buildReduction(b, loc, x, axes, zero, addF, pre);
  return reshapeTensor(b, loc, r, reducedShape(t.getShape(), axes, true));
}

/// (x - mean) and 1 / sqrt(var + eps) over `axes`, both broadcastable to x.
std::pair<Value, Value> centerAndScale(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes, double eps) {
  auto t = cast<RankedTensorType>(x.getType());
  Type elem = t.getElementType();
  int64_t count = 1;
  for (int64_t a : axes)
    count *= t.getDimSize(a);
  Value n = scalarConstant(b, loc, elem, (double)count);
  Value sum = sumKeep(b, loc, x, axes);
  Value centered = buildElementwise(b, loc, t, ValueRange{x, sum}, [&](OpBuilder &nb, Location l, ValueRange a) {
    return nb.create<arith::SubFOp>(l, a[0], nb.create<arith::DivFOp>(l, a[1], n));
  });
  Value sq = sumKeep(b, loc, centered, axes, [](OpBuilder &nb, Location l, ValueRange a) {
    return nb.create<arith::MulFOp>(l, a[0], a[0]);
  });
  Value epsV = scalarConstant(b, loc, elem, eps);
  Value inv = buildElementwise(b, loc, cast<RankedTensorType>(sq.getType()), ValueRange{sq},
                               [&](OpBuilder &nb, Location l, ValueRange a) {
                                 Value var = nb.create<arith::DivFOp>(l, a[0], n);
                                 return nb.create<math::RsqrtOp>(l, nb.create<arith::AddFOp>(l, var, epsV));
                               });
  return {centered, inv};
}

/// y = centered * inv * scale + bias (bias optional), all broadcast to x.
Value affine(OpBuilder &b, Location loc, RankedTensorType type, Value centered, Value inv, Value scale, Value bias) {
  SmallVector<Value> ins{centered, inv, scale};
  if (bias)
    ins.push_back(bias);
  return buildElementwise(b, loc, type, ins, [&](OpBuilder &nb, Location l, ValueRange a) {
    Value y = nb.create<arith::MulFOp>(l, nb.create<arith::MulFOp>(l, a[0], a[1]), a[2]);
    return a.size() > 3 ? (Value)nb.create<arith::AddFOp>(l, y, a[3]) : y;
  });
}

/// A per-channel vector C reshaped to C x 1 x ... so it broadcasts over N x C x ...
Value channelVector(OpBuilder &b, Location loc, Value v, int64_t rank) {
  SmallVector<int64_t> shape{cast<RankedTensorType>(v.getType()).getDimSize(0)};
  shape.append(rank - 2, 1);
  return reshapeTensor(b, loc, v, shape);
}

struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    int64_t rank = type.getRank();
    Value eps = scalarConstant(rewriter, loc, type.getElementType(), op.getEpsilon().convertToDouble());
    SmallVector<Value> ins{adaptor.getInput()};
    for (Value v : {adaptor.getScale(), adaptor.getBias(), adaptor.getMean(), adaptor.getVariance()})
      ins.push_back(channelVector(rewriter, loc, v, rank));
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, type, ins, [&](OpBuilder &b, Location l, ValueRange a) {
      Value inv = b.create<math::RsqrtOp>(l, b.create<arith::AddFOp>(l, a[4], eps));
      Value c = b.create<arith::SubFOp>(l, a[0], a[3]);
      return b.create<arith::AddFOp>(l, b.create<arith::MulFOp>(l, b.create<arith::MulFOp>(l, c, inv), a[1]), a[2]);
    }));
    return success();
  }
};

struct InstanceNormLowering : OpConversionPattern<InstanceNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(InstanceNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    SmallVector<int64_t> axes;
    for (int64_t i = 2; i < type.getRank(); ++i)
      axes.push_back(i);
    auto [centered, inv] = centerAndScale(rewriter, loc, adaptor.getInput(), axes, op.getEpsilon().convertToDouble());
    rewriter.replaceOp(op, affine(rewriter, loc, type, centered, inv,
                                  channelVector(rewriter, loc, adaptor.getScale(), type.getRank()),
                                  channelVector(rewriter, loc, adaptor.getBias(), type.getRank())));
    return success();
  }
};

struct LayerNormLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    SmallVector<int64_t> axes;
    for (int64_t i = op.getAxis(); i < type.getRank(); ++i)
      axes.push_back(i);
    auto [centered, inv] = centerAndScale(rewriter, loc, adaptor.getInput(), axes, op.getEpsilon().convertToDouble());
    rewriter.replaceOp(op, affine(rewriter, loc, type, centered, inv, adaptor.getScale(), adaptor.getBias()));
    return success();
  }
};

/// x - max(x) along axis, the start of a numerically stable softmax.
Value shiftByMax(OpBuilder &b, Location loc, Value x, int64_t axis) {
  auto t = cast<RankedTensorType>(x.getType());
  Value lowest = scalarConstant(b, loc, t.getElementType(), lowestValue(t.getElementType()));
  Value mx = buildReduction(b, loc, x, {axis}, lowest, maxOf);
  mx = reshapeTensor(b, loc, mx, reducedShape(t.getShape(), {axis}, true));
  return buildElementwise(b, loc, t, ValueRange{x, mx}, [](OpBuilder &nb, Location l, ValueRange a) {
    return nb.create<arith::SubFOp>(l, a[0], a[1]);
  });
}

struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto t = op.getType();
    Value shifted = shiftByMax(rewriter, loc, adaptor.getInput(), op.getAxis());
    Value e = buildElementwise(rewriter, loc, t, ValueRange{shifted}, [](OpBuilder &b, Location l, ValueRange a) {
      return b.create<math::ExpOp>(l, a[0]);
    });
    Value s = sumKeep(rewriter, loc, e, {static_cast<int64_t>(op.getAxis())});
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, t, ValueRange{e, s}, [](OpBuilder &b, Location l, ValueRange a) {
      return b.create<arith::DivFOp>(l, a[0], a[1]);
    }));
    return success();
  }
};

struct LogSoftmaxLowering : OpConversionPattern<LogSoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LogSoftmaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto t = op.getType();
    Value shifted = shiftByMax(rewriter, loc, adaptor.getInput(), op.getAxis());
    Value s = sumKeep(rewriter, loc, shifted, {static_cast<int64_t>(op.getAxis())}, [](OpBuilder &b, Location l, ValueRange a) {
      return b.create<math::ExpOp>(l, a[0]);
    });
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, t, ValueRange{shifted, s},
                                            [](OpBuilder &b, Location l, ValueRange a) {
                                              return b.create<arith::SubFOp>(l, a[0], b.create<math::LogOp>(l, a[1]));
                                            }));
    return success();
  }
};

struct HardmaxLowering : OpConversionPattern<HardmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(HardmaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto t = op.getType();
    int64_t axis = op.getAxis();
    Value idx = buildArgReduce(rewriter, loc, adaptor.getInput(), axis, /*isMax=*/true, /*last=*/false);
    idx = reshapeTensor(rewriter, loc, idx, reducedShape(t.getShape(), {axis}, true));
    Type elem = t.getElementType();
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, t, ValueRange{idx}, [&](OpBuilder &b, Location l, ValueRange a) {
      Value i = b.create<arith::IndexCastOp>(l, b.getI64Type(), b.create<linalg::IndexOp>(l, axis));
      Value eq = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, i, a[0]);
      return b.create<arith::SelectOp>(l, eq, scalarConstant(b, l, elem, 1), scalarConstant(b, l, elem, 0));
    }));
    return success();
  }
};

/// The runtime's reduction across ranks, as for gradient buckets: start, then wait.
struct RankMeanLowering : OpConversionPattern<RankMeanOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(RankMeanOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput();
    dlc::abi::GradReduceStartOp::create(rewriter, op.getLoc(), op.getKey(), ValueRange{x});
    rewriter.replaceOp(op, dlc::abi::GradReduceWaitOp::create(rewriter, op.getLoc(), TypeRange{x.getType()}, op.getKey(),
                                                         ValueRange{x})
                               .getReduced());
    return success();
  }
};

} // namespace

void dlc::populateNNLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering, InstanceNormLowering, LayerNormLowering, SoftmaxLowering, LogSoftmaxLowering,
               HardmaxLowering, RankMeanLowering>(patterns.getContext());
}
