// Elementwise graph ops -> one linalg.generic each, with NumPy broadcasting.
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

Value cst(OpBuilder &b, Location loc, Value like, double v) {
  return scalarConstant(b, loc, like.getType(), v);
}
bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, x));
  return b.create<arith::DivFOp>(loc, cst(b, loc, x, 1), b.create<arith::AddFOp>(loc, cst(b, loc, x, 1), e));
}

// log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)).
Value softplus(OpBuilder &b, Location loc, Value x) {
  Value ax = b.create<math::AbsFOp>(loc, x);
  Value l = b.create<math::Log1pOp>(loc, b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, ax)));
  return b.create<arith::AddFOp>(loc, b.create<arith::MaximumFOp>(loc, x, cst(b, loc, x, 0)), l);
}

// alpha * (exp(x) - 1) for x <= 0, x otherwise.
Value elu(OpBuilder &b, Location loc, Value x, double alpha) {
  Value neg = b.create<arith::MulFOp>(loc, cst(b, loc, x, alpha), b.create<math::ExpM1Op>(loc, x));
  Value pos = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, cst(b, loc, x, 0));
  return b.create<arith::SelectOp>(loc, pos, x, neg);
}

Value clampF(OpBuilder &b, Location loc, Value x, double lo, double hi) {
  return b.create<arith::MinimumFOp>(loc, b.create<arith::MaximumFOp>(loc, x, cst(b, loc, x, lo)),
                                     cst(b, loc, x, hi));
}

/// An integer constant of the signless type of `like`, for an unsigned context.
Value unsignedCst(OpBuilder &b, Location loc, Value like, double v) {
  unsigned width = like.getType().getIntOrFloatBitWidth();
  double top = std::ldexp(1.0, width) - 1;
  uint64_t u = v <= 0 ? 0 : v >= top ? (uint64_t)top : (uint64_t)v;
  return b.create<arith::ConstantOp>(loc, like.getType(), b.getIntegerAttr(like.getType(), APInt(width, u)));
}

/// The scalar computation of every unary op; `inUnsigned` / `outUnsigned`: the integer
/// operand / result is unsigned (the scalars are signless).
Value unaryScalar(Operation *op, OpBuilder &b, Location loc, Value x, Type outType, bool inUnsigned,
                  bool outUnsigned) {
  if (isa<ReluOp>(op) || (inUnsigned && isa<AbsOp>(op)))
    return inUnsigned ? x : maxOf(b, loc, x, cst(b, loc, x, 0));
  if (inUnsigned && isa<SignOp>(op)) {
    Value nz = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, x, cst(b, loc, x, 0));
    return b.create<arith::ExtUIOp>(loc, x.getType(), nz);
  }
  if (isa<NegOp>(op))
    return isFloat(x) ? (Value)b.create<arith::NegFOp>(loc, x)
                      : (Value)b.create<arith::SubIOp>(loc, cst(b, loc, x, 0), x);
  if (isa<AbsOp>(op))
    return isFloat(x) ? (Value)b.create<math::AbsFOp>(loc, x) : (Value)b.create<math::AbsIOp>(loc, x);
  if (isa<SignOp>(op)) {
    if (isFloat(x)) {
      Value pos = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, cst(b, loc, x, 0));
      Value neg = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, cst(b, loc, x, 0));
      Value r = b.create<arith::SelectOp>(loc, neg, cst(b, loc, x, -1), cst(b, loc, x, 0));
      return b.create<arith::SelectOp>(loc, pos, cst(b, loc, x, 1), r);
    }
    Value pos = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, x, cst(b, loc, x, 0));
    Value neg = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, cst(b, loc, x, 0));
    Value r = b.create<arith::SelectOp>(loc, neg, cst(b, loc, x, -1), cst(b, loc, x, 0));
    return b.create<arith::SelectOp>(loc, pos, cst(b, loc, x, 1), r);
  }
  if (isa<SigmoidOp>(op))
    return sigmoid(b, loc, x);
  if (isa<TanhOp>(op))
    return b.create<math::TanhOp>(loc, x);
  if (isa<ExpOp>(op))
    return b.create<math::ExpOp>(loc, x);
  if (isa<LogOp>(op))
    return b.create<math::LogOp>(loc, x);
  if (isa<SqrtOp>(op))
    return b.create<math::SqrtOp>(loc, x);
  if (isa<ReciprocalOp>(op))
    return b.create<arith::DivFOp>(loc, cst(b, loc, x, 1), x);
  if (isa<ErfOp>(op))
    return b.create<math::ErfOp>(loc, x);
  if (isa<SoftplusOp>(op))
    return softplus(b, loc, x);
  if (isa<SoftsignOp>(op))
    return b.create<arith::DivFOp>(
        loc, x, b.create<arith::AddFOp>(loc, cst(b, loc, x, 1), b.create<math::AbsFOp>(loc, x)));
  if (isa<MishOp>(op))
    return b.create<arith::MulFOp>(loc, x, b.create<math::TanhOp>(loc, softplus(b, loc, x)));
  if (isa<HardSwishOp>(op)) {
    Value t = b.create<arith::AddFOp>(loc, b.create<arith::MulFOp>(loc, x, cst(b, loc, x, 1.0 / 6)),
                                      cst(b, loc, x, 0.5));
    return b.create<arith::MulFOp>(loc, x, clampF(b, loc, t, 0, 1));
  }
  if (isa<FloorOp>(op))
    return b.create<math::FloorOp>(loc, x);
  if (isa<CeilOp>(op))
    return b.create<math::CeilOp>(loc, x);
  if (isa<RoundOp>(op))
    return b.create<math::RoundEvenOp>(loc, x);
  if (isa<SinOp>(op))
    return b.create<math::SinOp>(loc, x);
  if (isa<CosOp>(op))
    return b.create<math::CosOp>(loc, x);
  if (isa<TanOp>(op))
    return b.create<math::TanOp>(loc, x);
  if (isa<AsinOp>(op))
    return b.create<math::AsinOp>(loc, x);
  if (isa<AcosOp>(op))
    return b.create<math::AcosOp>(loc, x);
  if (isa<AtanOp>(op))
    return b.create<math::AtanOp>(loc, x);
  if (isa<SinhOp>(op))
    return b.create<math::SinhOp>(loc, x);
  if (isa<CoshOp>(op))
    return b.create<math::CoshOp>(loc, x);
  if (isa<AsinhOp>(op))
    return b.create<math::AsinhOp>(loc, x);
  if (isa<AcoshOp>(op))
    return b.create<math::AcoshOp>(loc, x);
  if (isa<AtanhOp>(op))
    return b.create<math::AtanhOp>(loc, x);
  if (isa<NotOp>(op))
    return b.create<arith::XOrIOp>(loc, x, cst(b, loc, x, 1));
  if (isa<IsNaNOp>(op))
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
  if (auto isInf = dyn_cast<IsInfOp>(op)) {
    Value no = scalarConstant(b, loc, b.getI1Type(), 0);
    Value pos = isInf.getDetectPositive()
                    ? (Value)b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, x,
                                                     cst(b, loc, x, highestValue(x.getType())))
                    : no;
    Value neg = isInf.getDetectNegative()
                    ? (Value)b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, x,
                                                     cst(b, loc, x, lowestValue(x.getType())))
                    : no;
    return b.create<arith::OrIOp>(loc, pos, neg);
  }
  if (isa<CastOp>(op))
    return convertScalar(b, loc, x, outType, inUnsigned, outUnsigned);
  if (isa<BitcastOp>(op))
    return x.getType() == outType ? x : (Value)b.create<arith::BitcastOp>(loc, outType, x);
  if (auto o = dyn_cast<LeakyReluOp>(op)) {
    Value pos = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, x, cst(b, loc, x, 0));
    return b.create<arith::SelectOp>(loc, pos, x,
                                     b.create<arith::MulFOp>(loc, x, cst(b, loc, x, o.getAlpha().convertToDouble())));
  }
  if (auto o = dyn_cast<EluOp>(op))
    return elu(b, loc, x, o.getAlpha().convertToDouble());
  if (auto o = dyn_cast<CeluOp>(op)) {
    double a = o.getAlpha().convertToDouble();
    Value scaled = b.create<arith::DivFOp>(loc, x, cst(b, loc, x, a));
    Value neg = b.create<arith::MulFOp>(loc, cst(b, loc, x, a), b.create<math::ExpM1Op>(loc, scaled));
    return b.create<arith::AddFOp>(loc, b.create<arith::MaximumFOp>(loc, x, cst(b, loc, x, 0)),
                                   b.create<arith::MinimumFOp>(loc, neg, cst(b, loc, x, 0)));
  }
  if (auto o = dyn_cast<ThresholdedReluOp>(op)) {
    Value gt = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x,
                                       cst(b, loc, x, o.getAlpha().convertToDouble()));
    return b.create<arith::SelectOp>(loc, gt, x, cst(b, loc, x, 0));
  }
  if (auto o = dyn_cast<SeluOp>(op))
    return b.create<arith::MulFOp>(loc, cst(b, loc, x, o.getGamma().convertToDouble()),
                                   elu(b, loc, x, o.getAlpha().convertToDouble()));
  if (auto o = dyn_cast<HardSigmoidOp>(op)) {
    Value t = b.create<arith::AddFOp>(
        loc, b.create<arith::MulFOp>(loc, x, cst(b, loc, x, o.getAlpha().convertToDouble())),
        cst(b, loc, x, o.getBeta().convertToDouble()));
    return clampF(b, loc, t, 0, 1);
  }
  if (auto o = dyn_cast<ClipOp>(op)) {
    auto bound = [&](double v) { return inUnsigned ? unsignedCst(b, loc, x, v) : cst(b, loc, x, v); };
    Value r = x;
    if (o.getMin())
      r = maxOfInteger(b, loc, r, bound(o.getMin()->convertToDouble()), inUnsigned);
    if (o.getMax())
      r = minOfInteger(b, loc, r, bound(o.getMax()->convertToDouble()), inUnsigned);
    return r;
  }
  llvm_unreachable("unary op without a scalar lowering");
}

Value floorDivRem(OpBuilder &b, Location loc, Value x, Value y, bool fmod, bool isUnsigned) {
  if (isUnsigned) // no signs to reconcile
    return b.create<arith::RemUIOp>(loc, x, y);
  if (isFloat(x)) {
    Value r = b.create<arith::RemFOp>(loc, x, y);
    if (fmod)
      return r;
    // Python-style: the result takes the divisor's sign.
    Value zero = cst(b, loc, x, 0);
    Value rNeg = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, r, zero);
    Value yNeg = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, y, zero);
    Value rNz = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, r, zero);
    Value fix = b.create<arith::AndIOp>(loc, rNz, b.create<arith::XOrIOp>(loc, rNeg, yNeg));
    return b.create<arith::SelectOp>(loc, fix, b.create<arith::AddFOp>(loc, r, y), r);
  }
  Value r = b.create<arith::RemSIOp>(loc, x, y);
  if (fmod)
    return r;
  Value zero = cst(b, loc, x, 0);
  Value rNeg = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, r, zero);
  Value yNeg = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, y, zero);
  Value rNz = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, r, zero);
  Value fix = b.create<arith::AndIOp>(loc, rNz, b.create<arith::XOrIOp>(loc, rNeg, yNeg));
  return b.create<arith::SelectOp>(loc, fix, b.create<arith::AddIOp>(loc, r, y), r);
}

Value compare(OpBuilder &b, Location loc, Value x, Value y, arith::CmpFPredicate fp,
              arith::CmpIPredicate ip) {
  if (isFloat(x))
    return b.create<arith::CmpFOp>(loc, fp, x, y);
  return b.create<arith::CmpIOp>(loc, ip, x, y);
}

/// The scalar computation of every binary op; `u`: the integer operands are unsigned.
Value binaryScalar(Operation *op, OpBuilder &b, Location loc, Value x, Value y, bool u) {
  bool f = isFloat(x);
  if (isa<AddOp>(op))
    return f ? (Value)b.create<arith::AddFOp>(loc, x, y)
             : x.getType().isInteger(1) ? (Value)b.create<arith::OrIOp>(loc, x, y)
                                        : (Value)b.create<arith::AddIOp>(loc, x, y);
  if (isa<SubOp>(op))
    return f ? (Value)b.create<arith::SubFOp>(loc, x, y) : (Value)b.create<arith::SubIOp>(loc, x, y);
  if (isa<MulOp>(op))
    return f ? (Value)b.create<arith::MulFOp>(loc, x, y) : (Value)b.create<arith::MulIOp>(loc, x, y);
  if (isa<DivOp>(op))
    return f ? (Value)b.create<arith::DivFOp>(loc, x, y)
           : u ? (Value)b.create<arith::DivUIOp>(loc, x, y)
               : (Value)b.create<arith::DivSIOp>(loc, x, y);
  if (isa<PowOp>(op)) {
    if (f) {
      Value e = convertScalar(b, loc, y, x.getType());
      return b.create<math::PowFOp>(loc, x, e);
    }
    Value e = convertScalar(b, loc, y, x.getType());
    return b.create<math::IPowIOp>(loc, x, e);
  }
  if (isa<MaxOp>(op))
    return maxOfInteger(b, loc, x, y, u);
  if (isa<MinOp>(op))
    return minOfInteger(b, loc, x, y, u);
  if (auto m = dyn_cast<ModOp>(op))
    return floorDivRem(b, loc, x, y, m.getFmod(), u);
  if (isa<PReluOp>(op)) {
    Value pos = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, x, cst(b, loc, x, 0));
    return b.create<arith::SelectOp>(loc, pos, x, b.create<arith::MulFOp>(loc, x, y));
  }
  if (isa<AndOp>(op))
    return b.create<arith::AndIOp>(loc, x, y);
  if (isa<OrOp>(op))
    return b.create<arith::OrIOp>(loc, x, y);
  if (isa<XorOp>(op))
    return b.create<arith::XOrIOp>(loc, x, y);
  if (isa<ShiftLeftOp, ShiftRightOp>(op)) {
    // An amount outside [0, width) (negative ones are huge unsigned) shifts everything out.
    unsigned width = x.getType().getIntOrFloatBitWidth();
    Value inRange = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, y, cst(b, loc, y, width));
    Value shifted, fill;
    if (isa<ShiftLeftOp>(op)) {
      shifted = b.create<arith::ShLIOp>(loc, x, y);
      fill = cst(b, loc, x, 0);
    } else if (u) {
      shifted = b.create<arith::ShRUIOp>(loc, x, y);
      fill = cst(b, loc, x, 0);
    } else {
      shifted = b.create<arith::ShRSIOp>(loc, x, y);
      fill = b.create<arith::ShRSIOp>(loc, x, cst(b, loc, x, width - 1)); // the sign, spread
    }
    return b.create<arith::SelectOp>(loc, inRange, shifted, fill);
  }
  if (isa<EqualOp>(op))
    return compare(b, loc, x, y, arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq);
  using P = arith::CmpIPredicate;
  if (isa<LessOp>(op))
    return compare(b, loc, x, y, arith::CmpFPredicate::OLT, u ? P::ult : P::slt);
  if (isa<LessEqualOp>(op))
    return compare(b, loc, x, y, arith::CmpFPredicate::OLE, u ? P::ule : P::sle);
  if (isa<GreaterOp>(op))
    return compare(b, loc, x, y, arith::CmpFPredicate::OGT, u ? P::ugt : P::sgt);
  if (isa<GreaterEqualOp>(op))
    return compare(b, loc, x, y, arith::CmpFPredicate::OGE, u ? P::uge : P::sge);
  llvm_unreachable("binary op without a scalar lowering");
}

template <typename OpTy> struct UnaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Operation *raw = op.getOperation();
    bool inUnsigned = isUnsignedInteger(raw->getOperand(0).getType()), outUnsigned = isUnsignedInteger(type);
    Value r = buildElementwise(rewriter, op.getLoc(), type, adaptor.getOperands().take_front(),
                               [&](OpBuilder &b, Location loc, ValueRange args) {
                                 return unaryScalar(raw, b, loc, args[0], signlessElement(type.getElementType()),
                                                    inUnsigned, outUnsigned);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

template <typename OpTy> struct BinaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Operation *raw = op.getOperation();
    bool u = isUnsignedInteger(raw->getOperand(0).getType());
    Value r = buildElementwise(rewriter, op.getLoc(), type, adaptor.getOperands(),
                               [&](OpBuilder &b, Location loc, ValueRange args) {
                                 return binaryScalar(raw, b, loc, args[0], args[1], u);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct WhereLowering : OpConversionPattern<WhereOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(WhereOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value r = buildElementwise(rewriter, op.getLoc(), op.getType(), adaptor.getOperands(),
                               [&](OpBuilder &b, Location loc, ValueRange args) {
                                 return b.create<arith::SelectOp>(loc, args[0], args[1], args[2]);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct BroadcastLowering : OpConversionPattern<BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value r = buildElementwise(rewriter, op.getLoc(), op.getType(), adaptor.getOperands(),
                               [&](OpBuilder &, Location, ValueRange args) { return args[0]; });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void dlc::populateElementwiseLoweringPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<UnaryLowering<ReluOp>, UnaryLowering<NegOp>, UnaryLowering<AbsOp>,
               UnaryLowering<SignOp>, UnaryLowering<SigmoidOp>, UnaryLowering<TanhOp>,
               UnaryLowering<ExpOp>, UnaryLowering<LogOp>, UnaryLowering<SqrtOp>,
               UnaryLowering<ReciprocalOp>, UnaryLowering<ErfOp>, UnaryLowering<SoftplusOp>,
               UnaryLowering<SoftsignOp>, UnaryLowering<MishOp>, UnaryLowering<HardSwishOp>,
               UnaryLowering<FloorOp>, UnaryLowering<CeilOp>, UnaryLowering<RoundOp>,
               UnaryLowering<SinOp>, UnaryLowering<CosOp>, UnaryLowering<TanOp>,
               UnaryLowering<AsinOp>, UnaryLowering<AcosOp>, UnaryLowering<AtanOp>,
               UnaryLowering<SinhOp>, UnaryLowering<CoshOp>, UnaryLowering<AsinhOp>,
               UnaryLowering<AcoshOp>, UnaryLowering<AtanhOp>, UnaryLowering<NotOp>,
               UnaryLowering<IsNaNOp>, UnaryLowering<IsInfOp>, UnaryLowering<CastOp>, UnaryLowering<BitcastOp>,
               UnaryLowering<LeakyReluOp>, UnaryLowering<EluOp>, UnaryLowering<CeluOp>,
               UnaryLowering<ThresholdedReluOp>, UnaryLowering<SeluOp>,
               UnaryLowering<HardSigmoidOp>, UnaryLowering<ClipOp>>(ctx);
  patterns.add<BinaryLowering<AddOp>, BinaryLowering<SubOp>, BinaryLowering<MulOp>,
               BinaryLowering<DivOp>, BinaryLowering<PowOp>, BinaryLowering<MaxOp>,
               BinaryLowering<MinOp>, BinaryLowering<ModOp>, BinaryLowering<PReluOp>,
               BinaryLowering<AndOp>, BinaryLowering<OrOp>, BinaryLowering<XorOp>,
               BinaryLowering<ShiftLeftOp>, BinaryLowering<ShiftRightOp>,
               BinaryLowering<EqualOp>, BinaryLowering<LessOp>, BinaryLowering<LessEqualOp>,
               BinaryLowering<GreaterOp>, BinaryLowering<GreaterEqualOp>>(ctx);
  patterns.add<WhereLowering, BroadcastLowering>(ctx);
}
