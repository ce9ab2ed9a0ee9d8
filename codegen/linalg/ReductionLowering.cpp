// reduce, arg_reduce and cumsum -> linalg.generic reductions.
#include "codegen/linalg/GraphToLinalg.h"
#include "codegen/linalg/LoweringUtils.h"
#include "dialects/Graph/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::graph;

namespace {

Value add(OpBuilder &b, Location l, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::AddFOp>(l, x, y);
  return b.create<arith::AddIOp>(l, x, y);
}
Value mul(OpBuilder &b, Location l, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::MulFOp>(l, x, y);
  return b.create<arith::MulIOp>(l, x, y);
}

struct ReduceLowering : OpConversionPattern<ReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    Type elem = inType.getElementType();
    bool isF = isa<FloatType>(elem);
    StringRef kind = op.getKind();
    ArrayRef<int64_t> axes = op.getAxes();
    if (!isF && (kind == "l2" || kind == "log_sum" || kind == "log_sum_exp"))
      return rewriter.notifyMatchFailure(op, "this reduction needs a floating-point tensor");
    auto square = [](OpBuilder &b, Location l, ValueRange a) { return mul(b, l, a[0], a[0]); };
    auto absolute = [&](OpBuilder &b, Location l, ValueRange a) -> Value {
      return isF ? (Value)b.create<math::AbsFOp>(l, a[0]) : (Value)b.create<math::AbsIOp>(l, a[0]);
    };
    Value zero = scalarConstant(rewriter, loc, elem, 0);
    Value r;
    Value shift; // log_sum_exp's max, without the reduced axes
    if (kind == "sum" || kind == "mean" || kind == "log_sum")
      r = buildReduction(rewriter, loc, x, axes, zero, add);
    else if (kind == "max")
      r = buildReduction(rewriter, loc, x, axes, scalarConstant(rewriter, loc, elem, lowestValue(elem)), maxOf);
    else if (kind == "min")
      r = buildReduction(rewriter, loc, x, axes, scalarConstant(rewriter, loc, elem, highestValue(elem)), minOf);
    else if (kind == "prod")
      r = buildReduction(rewriter, loc, x, axes, scalarConstant(rewriter, loc, elem, 1), mul);
    else if (kind == "l1")
      r = buildReduction(rewriter, loc, x, axes, zero, add, absolute);
    else if (kind == "l2" || kind == "sum_square")
      r = buildReduction(rewriter, loc, x, axes, zero, add, square);
    else if (kind == "log_sum_exp") {
      shift = buildReduction(rewriter, loc, x, axes, scalarConstant(rewriter, loc, elem, lowestValue(elem)), maxOf);
      Value keep = reshapeTensor(rewriter, loc, shift, reducedShape(inType.getShape(), axes, true));
      Value shifted = buildElementwise(rewriter, loc, inType, ValueRange{x, keep}, [](OpBuilder &b, Location l, ValueRange a) {
        return b.create<math::ExpOp>(l, b.create<arith::SubFOp>(l, a[0], a[1]));
      });
      r = buildReduction(rewriter, loc, shifted, axes, zero, add);
    } else
      return rewriter.notifyMatchFailure(op, "unknown reduction kind");

    auto rType = cast<RankedTensorType>(r.getType());
    if (kind == "mean" || kind == "l2" || kind == "log_sum" || kind == "log_sum_exp") {
      int64_t count = 1;
      for (int64_t a : axes)
        count *= inType.getDimSize(a);
      Value n = scalarConstant(rewriter, loc, elem, (double)count);
      SmallVector<Value> ins{r};
      if (shift)
        ins.push_back(shift);
      r = buildElementwise(rewriter, loc, rType, ins, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        if (kind == "mean")
          return isF ? (Value)b.create<arith::DivFOp>(l, a[0], n) : (Value)b.create<arith::DivSIOp>(l, a[0], n);
        if (kind == "l2")
          return b.create<math::SqrtOp>(l, a[0]);
        if (kind == "log_sum")
          return b.create<math::LogOp>(l, a[0]);
        return b.create<arith::AddFOp>(l, b.create<math::LogOp>(l, a[0]), a[1]);
      });
    }
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, r, op.getType().getShape()));
    return success();
  }
};

struct ArgReduceLowering : OpConversionPattern<ArgReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ArgReduceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value r = buildArgReduce(rewriter, op.getLoc(), adaptor.getInput(), op.getAxis(), op.getKind() == "max",
                             op.getSelectLastIndex());
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(), r, op.getType().getShape()));
    return success();
  }
};

/// graph.cumsum and graph.cumprod: one generic whose extra reduction dimension runs over
/// the axis, taking the elements before (or after) each position.
template <typename OpTy, bool Product> struct CumulativeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto t = op.getType();
    int64_t rank = t.getRank(), axis = op.getAxis();
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    // out[..i..] = sum over j of x[..j..] where j precedes (or follows) i.
    SmallVector<AffineExpr> in;
    for (int64_t d = 0; d < rank; ++d)
      in.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    SmallVector<AffineMap> maps{AffineMap::get(rank + 1, 0, in, ctx),
                                AffineMap::getMultiDimIdentityMap(rank + 1, ctx).getMajorSubMap(rank)};
    auto iters = parallelIterators(rank + 1);
    iters.back() = utils::IteratorType::reduction;
    Type elem = t.getElementType();
    double identity = Product ? 1 : 0;
    Value init = filledTensor(rewriter, loc, t, scalarConstant(rewriter, loc, elem, identity));
    Value r = rewriter
                  .create<linalg::GenericOp>(
                      loc, TypeRange{t}, ValueRange{adaptor.getInput()}, ValueRange{init}, maps, iters,
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        Value i = b.create<linalg::IndexOp>(l, axis), j = b.create<linalg::IndexOp>(l, rank);
                        auto pred = reverse ? (exclusive ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::uge)
                                            : (exclusive ? arith::CmpIPredicate::ult : arith::CmpIPredicate::ule);
                        Value take = b.create<arith::CmpIOp>(l, pred, j, i);
                        Value v = b.create<arith::SelectOp>(l, take, a[0], scalarConstant(b, l, elem, identity));
                        b.create<linalg::YieldOp>(l, Product ? mul(b, l, a[1], v) : add(b, l, a[1], v));
                      })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

Value dlc::buildArgReduce(OpBuilder &b, Location loc, Value x, int64_t axis, bool isMax, bool last) {
  MLIRContext *ctx = b.getContext();
  auto t = cast<RankedTensorType>(x.getType());
  Type elem = t.getElementType();
  auto shape = reducedShape(t.getShape(), {axis}, false);
  auto vType = RankedTensorType::get(shape, elem);
  auto iType = RankedTensorType::get(shape, b.getI64Type());
  Value vInit = filledTensor(b, loc, vType, scalarConstant(b, loc, elem, isMax ? lowestValue(elem) : highestValue(elem)));
  Value iInit = filledTensor(b, loc, iType, scalarConstant(b, loc, b.getI64Type(), 0));
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  for (int64_t i = 0; i < t.getRank(); ++i) {
    iters.push_back(i == axis ? utils::IteratorType::reduction : utils::IteratorType::parallel);
    if (i != axis)
      outExprs.push_back(getAffineDimExpr(i, ctx));
  }
  auto outMap = AffineMap::get(t.getRank(), 0, outExprs, ctx);
  bool isF = isa<FloatType>(elem);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{vType, iType}, ValueRange{x}, ValueRange{vInit, iInit},
      SmallVector<AffineMap>{b.getMultiDimIdentityMap(t.getRank()), outMap, outMap}, iters,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value idx = nb.create<arith::IndexCastOp>(l, nb.getI64Type(), nb.create<linalg::IndexOp>(l, axis));
        Value better;
        if (isF) {
          auto p = isMax ? (last ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT)
                         : (last ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT);
          better = nb.create<arith::CmpFOp>(l, p, a[0], a[1]);
        } else {
          auto p = isMax ? (last ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sgt)
                         : (last ? arith::CmpIPredicate::sle : arith::CmpIPredicate::slt);
          better = nb.create<arith::CmpIOp>(l, p, a[0], a[1]);
        }
        // The first element always wins, so rows of -inf (or +inf for min) index 0.
        Value first = nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, idx,
                                               scalarConstant(nb, l, nb.getI64Type(), 0));
        better = nb.create<arith::OrIOp>(l, better, first);
        nb.create<linalg::YieldOp>(l, ValueRange{nb.create<arith::SelectOp>(l, better, a[0], a[1]),
                                                 nb.create<arith::SelectOp>(l, better, idx, a[2])});
      });
  return generic.getResult(1);
}

void dlc::populateReductionLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceLowering, ArgReduceLowering, CumulativeLowering<CumSumOp, false>,
               CumulativeLowering<CumProdOp, true>>(patterns.getContext());
}
