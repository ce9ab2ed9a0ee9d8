// reduce, arg_reduce, topk, cumsum and cumprod -> linalg.generic reductions.
#include "codegen/linalg/GraphToLinalg.h"
#include "codegen/linalg/LoweringUtils.h"
#include "dialects/Graph/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
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

/// graph.topk: k rounds of one reduction over the axis each, round j taking the best
/// element that comes after round j-1's in the order (value, then lower index first);
/// each round's winners are inserted at position j of the results. No scratch memory, and
/// ties and repeated values come out exactly as ONNX orders them.
struct TopKLowering : OpConversionPattern<TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TopKOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto valuesType = cast<RankedTensorType>(op.getValues().getType());
    bool isUnsigned = isUnsignedInteger(valuesType);
    Type elem = signlessElement(valuesType.getElementType());
    Value x = adaptor.getInput();
    auto xType = cast<RankedTensorType>(x.getType());
    if (isUnsigned)
      x = rewriter.create<tensor::BitcastOp>(loc, RankedTensorType::get(xType.getShape(), elem), x);
    int64_t rank = xType.getRank(), axis = op.getAxis(), k = op.getK();
    bool largest = op.getLargest(), isF = isa<FloatType>(elem);
    Type i64 = rewriter.getI64Type();
    SmallVector<int64_t> outer;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        outer.push_back(xType.getDimSize(d));
    auto outerV = RankedTensorType::get(outer, elem), outerI = RankedTensorType::get(outer, i64);
    // The extremes of the element type: "before everything" and "after everything".
    auto extreme = [&](OpBuilder &b, bool high) -> Value {
      if (isF)
        return b.create<arith::ConstantOp>(loc, b.getFloatAttr(elem, high ? INFINITY : -INFINITY));
      unsigned w = elem.getIntOrFloatBitWidth();
      APInt v = isUnsigned ? (high ? APInt::getMaxValue(w) : APInt::getMinValue(w))
                           : (high ? APInt::getSignedMaxValue(w) : APInt::getSignedMinValue(w));
      return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(elem, v));
    };
    auto i64Const = [&](OpBuilder &b, int64_t v) { return b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(v)); };
    auto less = [&](OpBuilder &b, Value a, Value c) -> Value {
      if (isF)
        return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, a, c);
      return b.create<arith::CmpIOp>(loc, isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt, a, c);
    };
    auto equal = [&](OpBuilder &b, Value a, Value c) -> Value {
      if (isF)
        return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, a, c);
      return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, a, c);
    };
    // a comes before c in the order: better value, or the same value at a lower index.
    auto before = [&](OpBuilder &b, Value av, Value ai, Value cv, Value ci) -> Value {
      Value better = largest ? less(b, cv, av) : less(b, av, cv);
      Value tie = b.create<arith::AndIOp>(loc, equal(b, av, cv),
                                          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, ai, ci));
      return b.create<arith::OrIOp>(loc, better, tie);
    };

    SmallVector<AffineExpr> outerExprs;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        outerExprs.push_back(getAffineDimExpr(d, ctx));
    AffineMap outerMap = AffineMap::get(rank, 0, outerExprs, ctx);
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank), outerMap, outerMap, outerMap, outerMap};
    auto iters = parallelIterators(rank);
    iters[axis] = utils::IteratorType::reduction;

    Value values = emptyTensor(rewriter, loc, RankedTensorType::get(valuesType.getShape(), elem));
    Value indices = emptyTensor(rewriter, loc, RankedTensorType::get(valuesType.getShape(), i64));
    auto loop = rewriter.create<scf::ForOp>(
        loc, rewriter.create<arith::ConstantIndexOp>(loc, 0), rewriter.create<arith::ConstantIndexOp>(loc, k),
        rewriter.create<arith::ConstantIndexOp>(loc, 1), ValueRange{values, indices},
        [&](OpBuilder &b, Location l, Value j, ValueRange acc) {
          // The previous round's winners, read back from the results (round 0 reads
          // position 0, unwritten, and ignores it: every element is eligible then).
          Value zero = b.create<arith::ConstantIndexOp>(l, 0), one = b.create<arith::ConstantIndexOp>(l, 1);
          Value first = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, j, zero);
          Value prevPos = b.create<arith::MaxSIOp>(l, b.create<arith::SubIOp>(l, j, one), zero);
          SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes, strides(rank, b.getIndexAttr(1));
          for (int64_t d = 0; d < rank; ++d)
            sizes.push_back(b.getIndexAttr(d == axis ? 1 : valuesType.getDimSize(d)));
          offsets[axis] = prevPos;
          Value prevV = b.create<tensor::ExtractSliceOp>(l, outerV, acc[0], offsets, sizes, strides);
          Value prevI = b.create<tensor::ExtractSliceOp>(l, outerI, acc[1], offsets, sizes, strides);
          Value bestV = filledTensor(b, l, outerV, extreme(b, !largest));
          Value bestI = filledTensor(b, l, outerI, i64Const(b, INT64_MAX));
          auto round = b.create<linalg::GenericOp>(
              l, TypeRange{outerV, outerI}, ValueRange{x, prevV, prevI}, ValueRange{bestV, bestI}, maps, iters,
              [&](OpBuilder &nb, Location nl, ValueRange a) {
                Value i = nb.create<arith::IndexCastOp>(nl, i64, nb.create<linalg::IndexOp>(nl, axis));
                Value eligible = nb.create<arith::OrIOp>(nl, first, before(nb, a[1], a[2], a[0], i));
                Value take = nb.create<arith::AndIOp>(nl, eligible, before(nb, a[0], i, a[3], a[4]));
                nb.create<linalg::YieldOp>(nl, ValueRange{nb.create<arith::SelectOp>(nl, take, a[0], a[3]),
                                                          nb.create<arith::SelectOp>(nl, take, i, a[4])});
              });
          offsets[axis] = j;
          Value v = b.create<tensor::InsertSliceOp>(l, round.getResult(0), acc[0], offsets, sizes, strides);
          Value idx = b.create<tensor::InsertSliceOp>(l, round.getResult(1), acc[1], offsets, sizes, strides);
          b.create<scf::YieldOp>(l, ValueRange{v, idx});
        });
    Value v = loop.getResult(0);
    if (isUnsigned)
      v = rewriter.create<tensor::BitcastOp>(loc, valuesType, v);
    rewriter.replaceOp(op, ValueRange{v, loop.getResult(1)});
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

void dlc::populateReduceLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceLowering, ArgReduceLowering, TopKLowering, CumulativeLowering<CumSumOp, false>,
               CumulativeLowering<CumProdOp, true>>(patterns.getContext());
}
