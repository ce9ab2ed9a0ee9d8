// Shape and data-movement ops -> tensor ops, linalg.transpose, or linalg.generic with
// tensor.extract where the access is data-dependent (gather, reflect pads, tile);
// the gather and reflect/edge pad gradients, scatter-adds, -> an scf.for nest over the
// output gradient.
#include "codegen/linalg/GraphToLinalg.h"
#include "codegen/linalg/LoweringUtils.h"
#include "dialects/Graph/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::graph;

namespace {

/// A linalg.generic over `type` whose body computes each element from the loop indices.
Value generateFromIndices(OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
                          function_ref<Value(OpBuilder &, Location, ArrayRef<Value>, ValueRange)> body) {
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(b.getContext(), cast<RankedTensorType>(in.getType()).getShape(), type.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(type.getRank()));
  return b.create<linalg::GenericOp>(loc, TypeRange{type}, inputs, ValueRange{emptyTensor(b, loc, type)}, maps,
                                     parallelIterators(type.getRank()),
                                     [&](OpBuilder &nb, Location l, ValueRange a) {
                                       SmallVector<Value> idx;
                                       for (int64_t d = 0; d < type.getRank(); ++d)
                                         idx.push_back(nb.create<linalg::IndexOp>(l, d));
                                       nb.create<linalg::YieldOp>(l, body(nb, l, idx, a.drop_back()));
                                     })
      .getResult(0);
}

Value indexConst(OpBuilder &b, Location l, int64_t v) { return b.create<arith::ConstantIndexOp>(l, v); }

/// An index read from an integer tensor element, with negative values wrapped by `dim`,
/// then clamped into [0, dim): the runtime refuses entry inputs out of range
/// (dlc_index_check), and an index the graph computes out of range reads the nearest row
/// instead of memory outside the buffer.
Value wrapIndex(OpBuilder &b, Location l, Value raw, int64_t dim) {
  Value i = b.create<arith::IndexCastOp>(l, b.getIndexType(), raw);
  Value neg = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, i, indexConst(b, l, 0));
  Value wrapped = b.create<arith::SelectOp>(l, neg, b.create<arith::AddIOp>(l, i, indexConst(b, l, dim)), i);
  Value low = b.create<arith::MaxSIOp>(l, wrapped, indexConst(b, l, 0));
  return b.create<arith::MinSIOp>(l, low, indexConst(b, l, std::max<int64_t>(dim - 1, 0)));
}

/// The input index a reflect or edge pad copies to padded index `i`: p = i - pad_begin,
/// folded back into [0, extent).
Value padSource(OpBuilder &b, Location l, Value i, int64_t padBegin, int64_t extent, bool reflect) {
  Value p = b.create<arith::SubIOp>(l, i, indexConst(b, l, padBegin));
  Value last = indexConst(b, l, extent - 1);
  if (!reflect)
    return b.create<arith::MinSIOp>(l, b.create<arith::MaxSIOp>(l, p, indexConst(b, l, 0)), last);
  Value zero = indexConst(b, l, 0);
  Value neg = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, p, zero);
  p = b.create<arith::SelectOp>(l, neg, b.create<arith::SubIOp>(l, zero, p), p);
  Value over = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sgt, p, last);
  Value mirrored = b.create<arith::SubIOp>(l, b.create<arith::MulIOp>(l, last, indexConst(b, l, 2)), p);
  return b.create<arith::SelectOp>(l, over, mirrored, p);
}

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConstantOp op, OpAdaptor, ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "constant is not a typed attribute");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ReshapeOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(), adaptor.getInput(), op.getType().getShape()));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TransposeOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    Value init = emptyTensor(rewriter, op.getLoc(), op.getType());
    rewriter.replaceOp(op, rewriter.create<linalg::TransposeOp>(op.getLoc(), adaptor.getInput(), init, op.getPerm())
                               .getResult());
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConcatOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Value acc = emptyTensor(rewriter, loc, type);
    int64_t offset = 0, axis = op.getAxis();
    for (Value in : adaptor.getInputs()) {
      auto t = cast<RankedTensorType>(in.getType());
      SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
      offsets[axis] = offset;
      offset += t.getDimSize(axis);
      if (t.getNumElements() == 0)
        continue;
      acc = rewriter.create<tensor::InsertSliceOp>(loc, in, acc, ValueRange{}, ValueRange{}, ValueRange{}, offsets,
                                                   t.getShape(), strides);
    }
    rewriter.replaceOp(op, acc);
    return success();
  }
};

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SliceOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    auto starts = op.getStarts(), steps = op.getSteps();
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(op, type, adaptor.getInput(), ValueRange{}, ValueRange{},
                                                          ValueRange{}, starts, type.getShape(), steps);
      return success();
    }
    Value src = adaptor.getInput();
    rewriter.replaceOp(op, generateFromIndices(rewriter, loc, type, {}, [&](OpBuilder &b, Location l, ArrayRef<Value> idx, ValueRange) {
      SmallVector<Value> at;
      for (size_t d = 0; d < idx.size(); ++d)
        at.push_back(b.create<arith::AddIOp>(l, indexConst(b, l, starts[d]),
                                             b.create<arith::MulIOp>(l, idx[d], indexConst(b, l, steps[d]))));
      return b.create<tensor::ExtractOp>(l, src, at);
    }));
    return success();
  }
};

struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Value src = adaptor.getInput(), indices = adaptor.getIndices();
    int64_t axis = op.getAxis();
    auto srcShape = cast<RankedTensorType>(src.getType()).getShape();
    int64_t q = cast<RankedTensorType>(indices.getType()).getRank();
    // The indices tensor is read at the output dims [axis, axis + q).
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> ie;
    for (int64_t i = 0; i < q; ++i)
      ie.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps{AffineMap::get(type.getRank(), 0, ie, ctx), rewriter.getMultiDimIdentityMap(type.getRank())};
    Value r = rewriter
                  .create<linalg::GenericOp>(
                      loc, TypeRange{type}, ValueRange{indices}, ValueRange{emptyTensor(rewriter, loc, type)}, maps,
                      parallelIterators(type.getRank()),
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        SmallVector<Value> at;
                        for (int64_t d = 0; d < axis; ++d)
                          at.push_back(b.create<linalg::IndexOp>(l, d));
                        at.push_back(wrapIndex(b, l, a[0], srcShape[axis]));
                        for (int64_t d = axis + 1; d < (int64_t)srcShape.size(); ++d)
                          at.push_back(b.create<linalg::IndexOp>(l, d - 1 + q));
                        b.create<linalg::YieldOp>(l, b.create<tensor::ExtractOp>(l, src, at).getResult());
                      })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct GatherElementsLowering : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value src = adaptor.getInput();
    int64_t axis = op.getAxis();
    int64_t dim = cast<RankedTensorType>(src.getType()).getDimSize(axis);
    rewriter.replaceOp(op, generateFromIndices(rewriter, op.getLoc(), op.getType(), ValueRange{adaptor.getIndices()},
                                               [&](OpBuilder &b, Location l, ArrayRef<Value> idx, ValueRange a) {
                                                 SmallVector<Value> at(idx);
                                                 at[axis] = wrapIndex(b, l, a[0], dim);
                                                 return b.create<tensor::ExtractOp>(l, src, at);
                                               }));
    return success();
  }
};

struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(PadOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    int64_t rank = type.getRank();
    auto pads = op.getPads();
    if (op.getMode() == "constant") {
      Value v = scalarConstant(rewriter, loc, type.getElementType(), op.getValue().convertToDouble());
      rewriter.replaceOp(op, padTensor(rewriter, loc, adaptor.getInput(), pads.take_front(rank), pads.drop_front(rank), v));
      return success();
    }
    Value src = adaptor.getInput();
    auto srcShape = cast<RankedTensorType>(src.getType()).getShape();
    bool reflect = op.getMode() == "reflect";
    rewriter.replaceOp(op, generateFromIndices(rewriter, loc, type, {}, [&](OpBuilder &b, Location l, ArrayRef<Value> idx, ValueRange) {
      SmallVector<Value> at;
      for (int64_t d = 0; d < rank; ++d)
        at.push_back(padSource(b, l, idx[d], pads[d], srcShape[d], reflect));
      return b.create<tensor::ExtractOp>(l, src, at);
    }));
    return success();
  }
};

struct TileLowering : OpConversionPattern<TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TileOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    Value src = adaptor.getInput();
    auto srcShape = cast<RankedTensorType>(src.getType()).getShape();
    rewriter.replaceOp(op, generateFromIndices(rewriter, op.getLoc(), op.getType(), {},
                                               [&](OpBuilder &b, Location l, ArrayRef<Value> idx, ValueRange) {
                                                 SmallVector<Value> at;
                                                 for (size_t d = 0; d < idx.size(); ++d)
                                                   at.push_back(b.create<arith::RemUIOp>(l, idx[d], indexConst(b, l, srcShape[d])));
                                                 return b.create<tensor::ExtractOp>(l, src, at);
                                               }));
    return success();
  }
};

struct TriluLowering : OpConversionPattern<TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TriluOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    int64_t rank = type.getRank(), k = op.getK();
    bool upper = op.getUpper();
    Type elem = type.getElementType();
    rewriter.replaceOp(op, generateFromIndices(rewriter, op.getLoc(), type, ValueRange{adaptor.getInput()},
                                               [&](OpBuilder &b, Location l, ArrayRef<Value> idx, ValueRange a) {
                                                 Value i = b.create<arith::IndexCastOp>(l, b.getI64Type(), idx[rank - 2]);
                                                 Value j = b.create<arith::IndexCastOp>(l, b.getI64Type(), idx[rank - 1]);
                                                 Value diff = b.create<arith::SubIOp>(l, j, i);
                                                 Value kv = scalarConstant(b, l, b.getI64Type(), k);
                                                 Value keep = b.create<arith::CmpIOp>(
                                                     l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle, diff, kv);
                                                 return b.create<arith::SelectOp>(l, keep, a[0], scalarConstant(b, l, elem, 0));
                                               }));
    return success();
  }
};

/// Zeros with the output gradient at the sliced positions: an insert_slice for positive
/// steps, else a gather from each input position's slice element (if it has one).
struct SliceGradLowering : OpConversionPattern<SliceGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SliceGradOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Type elem = type.getElementType();
    Value g = adaptor.getOutputGrad();
    auto gShape = cast<RankedTensorType>(g.getType()).getShape();
    auto starts = op.getStarts(), steps = op.getSteps();
    Value zero = scalarConstant(rewriter, loc, elem, 0);
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      Value zeros = filledTensor(rewriter, loc, type, zero);
      if (llvm::is_contained(gShape, 0)) {
        rewriter.replaceOp(op, zeros);
        return success();
      }
      rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(op, g, zeros, ValueRange{}, ValueRange{}, ValueRange{}, starts,
                                                         gShape, steps);
      return success();
    }
    rewriter.replaceOp(op, generateFromIndices(rewriter, loc, type, {}, [&](OpBuilder &b, Location l, ArrayRef<Value> idx, ValueRange) {
      // i = start + k * step for some k in [0, n): k = (i - start) / step, exact.
      Value valid = b.create<arith::ConstantIntOp>(l, 1, 1);
      SmallVector<Value> at;
      for (size_t d = 0; d < idx.size(); ++d) {
        Value off = b.create<arith::SubIOp>(l, idx[d], indexConst(b, l, starts[d]));
        Value k = b.create<arith::DivSIOp>(l, off, indexConst(b, l, steps[d]));
        Value exact = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq,
                                              b.create<arith::MulIOp>(l, k, indexConst(b, l, steps[d])), off);
        Value inRange = b.create<arith::AndIOp>(
            l, b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sge, k, indexConst(b, l, 0)),
            b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, k, indexConst(b, l, gShape[d])));
        valid = b.create<arith::AndIOp>(l, valid, b.create<arith::AndIOp>(l, exact, inRange));
        Value clamped = b.create<arith::MaxSIOp>(l, k, indexConst(b, l, 0));
        at.push_back(b.create<arith::MinSIOp>(l, clamped, indexConst(b, l, std::max<int64_t>(gShape[d] - 1, 0))));
      }
      if (llvm::is_contained(gShape, 0))
        return zero;
      Value v = b.create<tensor::ExtractOp>(l, g, at);
      return b.create<arith::SelectOp>(l, valid, v, zero).getResult();
    }));
    return success();
  }
};

/// A loop nest over `g` that adds each element into a zero tensor of `type` at the
/// position `target(ivs)`: the scatter-adds of the gather and pad gradients. Loops, not a
/// linalg.generic, because the written position is data-dependent.
/// `init` with every element of `updates` combined into the element `target` names, in
/// row-major order of the updates.
Value scatterInto(OpBuilder &rewriter, Location loc, Value init, Value updates,
                  function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> target,
                  function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t e : cast<RankedTensorType>(updates.getType()).getShape()) {
    lbs.push_back(indexConst(rewriter, loc, 0));
    ubs.push_back(indexConst(rewriter, loc, e));
    steps.push_back(indexConst(rewriter, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      rewriter, loc, lbs, ubs, steps, ValueRange{init},
      [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange acc) -> scf::ValueVector {
        SmallVector<Value> at = target(b, l, ivs);
        Value v = combine(b, l, b.create<tensor::ExtractOp>(l, acc[0], at), b.create<tensor::ExtractOp>(l, updates, ivs));
        return {b.create<tensor::InsertOp>(l, v, acc[0], at).getResult()};
      });
  return nest.results.front();
}

Value scatterAdd(OpBuilder &rewriter, Location loc, RankedTensorType type, Value g,
                 function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> target) {
  Value zeros = filledTensor(rewriter, loc, type, scalarConstant(rewriter, loc, type.getElementType(), 0));
  return scatterInto(rewriter, loc, zeros, g, target,
                     [](OpBuilder &b, Location l, Value x, Value y) { return b.create<arith::AddFOp>(l, x, y); });
}

/// The input, then each update combined into the element its index names along the axis.
struct ScatterElementsLowering : OpConversionPattern<ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ScatterElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    Type elem = type.getElementType();
    StringRef reduction = op.getReduction();
    bool isFloat = isa<FloatType>(elem);
    if (reduction != "none" && !isFloat && !elem.isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "reductions of unsigned elements are not lowered");
    Value indices = adaptor.getIndices();
    int64_t axis = op.getAxis(), dim = type.getDimSize(axis);
    auto combine = [&](OpBuilder &b, Location l, Value old, Value update) -> Value {
      if (reduction == "add")
        return isFloat ? (Value)b.create<arith::AddFOp>(l, old, update) : b.create<arith::AddIOp>(l, old, update);
      if (reduction == "mul")
        return isFloat ? (Value)b.create<arith::MulFOp>(l, old, update) : b.create<arith::MulIOp>(l, old, update);
      if (reduction == "max")
        return isFloat ? (Value)b.create<arith::MaximumFOp>(l, old, update) : b.create<arith::MaxSIOp>(l, old, update);
      if (reduction == "min")
        return isFloat ? (Value)b.create<arith::MinimumFOp>(l, old, update) : b.create<arith::MinSIOp>(l, old, update);
      return update;
    };
    rewriter.replaceOp(op, scatterInto(rewriter, op.getLoc(), adaptor.getInput(), adaptor.getUpdates(),
                                       [&](OpBuilder &b, Location l, ValueRange ivs) {
                                         SmallVector<Value> at(ivs);
                                         at[axis] = wrapIndex(b, l, b.create<tensor::ExtractOp>(l, indices, ivs), dim);
                                         return at;
                                       },
                                       combine));
    return success();
  }
};

/// Scatter-add into the table rows the indices pick.
struct GatherGradLowering : OpConversionPattern<GatherGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherGradOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    Value indices = adaptor.getIndices();
    int64_t axis = op.getAxis(), q = cast<RankedTensorType>(indices.getType()).getRank();
    int64_t dim = type.getDimSize(axis);
    rewriter.replaceOp(op, scatterAdd(rewriter, op.getLoc(), type, adaptor.getOutputGrad(),
                                      [&](OpBuilder &b, Location l, ValueRange ivs) {
                                        Value raw = b.create<tensor::ExtractOp>(l, indices, ivs.slice(axis, q));
                                        SmallVector<Value> at(ivs.take_front(axis));
                                        at.push_back(wrapIndex(b, l, raw, dim));
                                        at.append(ivs.begin() + axis + q, ivs.end());
                                        return at;
                                      }));
    return success();
  }
};

/// Scatter-add along the axis, at the positions the indices name.
struct GatherElementsGradLowering : OpConversionPattern<GatherElementsGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherElementsGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    Value indices = adaptor.getIndices();
    int64_t axis = op.getAxis(), dim = type.getDimSize(axis);
    rewriter.replaceOp(op, scatterAdd(rewriter, op.getLoc(), type, adaptor.getOutputGrad(),
                                      [&](OpBuilder &b, Location l, ValueRange ivs) {
                                        SmallVector<Value> at(ivs);
                                        at[axis] = wrapIndex(b, l, b.create<tensor::ExtractOp>(l, indices, ivs), dim);
                                        return at;
                                      }));
    return success();
  }
};

/// Scatter-add to the input element each padded position copies.
struct PadGradLowering : OpConversionPattern<PadGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(PadGradOp op, OpAdaptor adaptor, ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    auto pads = op.getPads();
    bool reflect = op.getMode() == "reflect";
    rewriter.replaceOp(op, scatterAdd(rewriter, op.getLoc(), type, adaptor.getOutputGrad(),
                                      [&](OpBuilder &b, Location l, ValueRange ivs) {
                                        SmallVector<Value> at;
                                        for (int64_t d = 0; d < type.getRank(); ++d)
                                          at.push_back(padSource(b, l, ivs[d], pads[d], type.getDimSize(d), reflect));
                                        return at;
                                      }));
    return success();
  }
};

} // namespace

void dlc::populateShapeLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, ReshapeLowering, TransposeLowering, ConcatLowering, SliceLowering, GatherLowering,
               GatherElementsLowering, PadLowering, TileLowering, TriluLowering, SliceGradLowering,
               GatherGradLowering, GatherElementsGradLowering, PadGradLowering, ScatterElementsLowering>(
      patterns.getContext());
}
