// dropout_mask -> one linalg.generic that hashes each element's linear index (from
// linalg.index) with a key made of (seed, counter, site); dropout -> its input.
//
// The hash is the one graph.dropout_mask's description specifies (splitmix64's finalizer
// over unsigned 64-bit wrap-around arithmetic); tests re-implement it in NumPy, so any
// change here must change that description and those tests too.
#include "codegen/linalg/GraphToLinalg.h"
#include "codegen/linalg/LoweringUtils.h"
#include "dialects/Graph/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::graph;

namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

Value i64Constant(OpBuilder &b, Location l, uint64_t v) {
  return b.create<arith::ConstantOp>(l, b.getI64IntegerAttr((int64_t)v));
}

/// splitmix64's output function: a bijection of 64-bit words that mixes every input bit
/// into every output bit.
Value mix64(OpBuilder &b, Location l, Value z) {
  auto xorShift = [&](Value v, uint64_t s) {
    return b.create<arith::XOrIOp>(l, v, b.create<arith::ShRUIOp>(l, v, i64Constant(b, l, s))).getResult();
  };
  z = b.create<arith::MulIOp>(l, xorShift(z, 30), i64Constant(b, l, 0xBF58476D1CE4E5B9ull));
  z = b.create<arith::MulIOp>(l, xorShift(z, 27), i64Constant(b, l, 0x94D049BB133111EBull));
  return xorShift(z, 31);
}

struct DropoutMaskLowering : OpConversionPattern<DropoutMaskOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(DropoutMaskOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location l = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    double ratio = op.getRatio().convertToDouble();
    uint64_t siteOffset = ((uint64_t)op.getSite() + 1) * kGolden;

    // The per-call key: the same for every element, so computed once outside the loops.
    Value seed = rewriter.create<tensor::ExtractOp>(l, adaptor.getSeed(), ValueRange{});
    Value counter = rewriter.create<tensor::ExtractOp>(l, adaptor.getCounter(), ValueRange{});
    Value offset = adaptor.getOffset() ? rewriter.create<tensor::ExtractOp>(l, adaptor.getOffset(), ValueRange{}).getResult()
                                       : Value();
    Value key = mix64(rewriter, l, rewriter.create<arith::AddIOp>(l, seed, i64Constant(rewriter, l, siteOffset)));
    key = mix64(rewriter, l,
                rewriter.create<arith::AddIOp>(l, key,
                                               rewriter.create<arith::MulIOp>(l, counter, i64Constant(rewriter, l, kGolden))));

    int64_t rank = type.getRank();
    SmallVector<int64_t> strides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * type.getDimSize(d + 1);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    auto generic = rewriter.create<linalg::GenericOp>(
        l, type, ValueRange{}, ValueRange{emptyTensor(rewriter, l, type)}, ArrayRef<AffineMap>{identity},
        parallelIterators(rank), [&](OpBuilder &b, Location loc, ValueRange) {
          Value linear = b.create<arith::ConstantIndexOp>(loc, 0);
          for (int64_t d = 0; d < rank; ++d) {
            Value idx = b.create<linalg::IndexOp>(loc, d);
            Value term = b.create<arith::MulIOp>(loc, idx, b.create<arith::ConstantIndexOp>(loc, strides[d]));
            linear = b.create<arith::AddIOp>(loc, linear, term);
          }
          Value i = b.create<arith::IndexCastUIOp>(loc, b.getI64Type(), linear);
          if (offset)
            i = b.create<arith::AddIOp>(loc, i, offset);
          Value h = mix64(b, loc, b.create<arith::AddIOp>(loc, key, b.create<arith::MulIOp>(loc, i, i64Constant(b, loc, kGolden))));
          // The top 24 bits as a float in [0, 1): exact in f32.
          Value top = b.create<arith::ShRUIOp>(loc, h, i64Constant(b, loc, 40));
          Value u = b.create<arith::MulFOp>(loc, b.create<arith::UIToFPOp>(loc, b.getF32Type(), top),
                                            scalarConstant(b, loc, b.getF32Type(), std::ldexp(1.0, -24)));
          Value keep = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, u,
                                               scalarConstant(b, loc, b.getF32Type(), (float)ratio));
          Value kept = scalarConstant(b, loc, elem, 1.0 / (1.0 - ratio));
          Value dropped = scalarConstant(b, loc, elem, 0.0);
          b.create<linalg::YieldOp>(loc, ValueRange{b.create<arith::SelectOp>(loc, keep, kept, dropped)});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// A dropout site that survived to lowering (no canonicalization ran) is still the
/// identity: only train_step drops, and there it is a mask already.
struct DropoutLowering : OpConversionPattern<DropoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(DropoutOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void dlc::populateRandomLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<DropoutMaskLowering, DropoutLowering>(patterns.getContext());
}
