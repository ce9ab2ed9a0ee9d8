// dlc-expand-small-floats: arith.extf from and arith.truncf to the 8-bit and smaller float
// types (f8E4M3FN, f8E5M2, their FNUZ variants, f4E2M1FN, ...) as integer and f32 ops.
// LLVM has no such types: memory holds them as i8, and the conversions are computed from
// the type's APFloat semantics, so one pattern serves every format.
#include "codegen/linalg/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/APFloat.h"

namespace dlc {
#define GEN_PASS_DEF_EXPANDSMALLFLOATS
#include "codegen/linalg/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// A float type narrower than f16 with a sign bit: the formats this pass expands.
bool isSmallFloat(Type t) {
  auto f = dyn_cast<FloatType>(getElementTypeOrSelf(t));
  return f && f.getWidth() <= 8 && llvm::APFloat::semanticsHasSignedRepr(f.getFloatSemantics());
}

/// The bit layout and special encodings of a small float format, from its semantics.
struct Format {
  const llvm::fltSemantics *sem;
  unsigned width, mantissa;
  int minExp, maxExp; // of normal numbers, unbiased
  uint32_t largest, overflow, nan;
  bool hasNaN, negZeroIsNaN;
  SmallVector<uint32_t> nanCodes, infCodes; // every encoding that decodes to NaN / inf

  explicit Format(FloatType t) : sem(&t.getFloatSemantics()) {
    width = t.getWidth();
    mantissa = llvm::APFloat::semanticsPrecision(*sem) - 1;
    minExp = llvm::APFloat::semanticsMinExponent(*sem);
    maxExp = llvm::APFloat::semanticsMaxExponent(*sem);
    auto bits = [](const llvm::APFloat &v) { return (uint32_t)v.bitcastToAPInt().getZExtValue(); };
    largest = bits(llvm::APFloat::getLargest(*sem));
    hasNaN = llvm::APFloat::semanticsHasNaN(*sem);
    nan = hasNaN ? bits(llvm::APFloat::getQNaN(*sem)) : 0;
    // Overflow rounds to infinity where there is one, else to NaN; a format with neither
    // saturates.
    overflow = llvm::APFloat::semanticsHasInf(*sem) ? bits(llvm::APFloat::getInf(*sem)) : hasNaN ? nan : largest;
    negZeroIsNaN = bits(llvm::APFloat::getZero(*sem, /*Negative=*/true)) == 0;
    for (uint32_t code = 0; code < (1u << width); ++code) {
      llvm::APFloat v(*sem, llvm::APInt(width, code));
      if (v.isNaN())
        nanCodes.push_back(code);
      else if (v.isInfinity())
        infCodes.push_back(code);
    }
  }
};

struct Builder {
  PatternRewriter &r;
  Location loc;
  Type shapeOf; // scalar or vector: the constants and intermediate types follow it

  Type like(Type elem) const {
    if (auto v = dyn_cast<VectorType>(shapeOf))
      return VectorType::get(v.getShape(), elem);
    return elem;
  }
  Value i32(int64_t v) { return constant(r.getI32Type(), r.getI32IntegerAttr((int32_t)v)); }
  Value f32(double v) { return constant(r.getF32Type(), r.getF32FloatAttr((float)v)); }
  Value constant(Type elem, TypedAttr scalar) {
    Type t = like(elem);
    if (auto v = dyn_cast<VectorType>(t))
      return arith::ConstantOp::create(r, loc, DenseElementsAttr::get(v, scalar));
    return arith::ConstantOp::create(r, loc, scalar);
  }
  Value eq(Value a, Value b) { return arith::CmpIOp::create(r, loc, arith::CmpIPredicate::eq, a, b); }
  Value select(Value c, Value a, Value b) { return arith::SelectOp::create(r, loc, c, a, b); }
  Value shl(Value a, int64_t n) { return arith::ShLIOp::create(r, loc, a, i32(n)); }
  Value shr(Value a, int64_t n) { return arith::ShRUIOp::create(r, loc, a, i32(n)); }
  Value mask(Value a, uint32_t m) { return arith::AndIOp::create(r, loc, a, i32(m)); }
  Value anyOf(Value x, ArrayRef<uint32_t> codes) {
    Value any;
    for (uint32_t c : codes) {
      Value e = eq(x, i32(c));
      any = any ? (Value)arith::OrIOp::create(r, loc, any, e) : e;
    }
    return any;
  }
};

/// f32 (or any wider float) from a small float: the fields rebuilt as f32 bits, the
/// subnormals as mantissa * 2^(minExp - mantissa), then the format's NaN and inf codes.
struct ExtFLowering : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op, PatternRewriter &rewriter) const override {
    Type srcType = op.getIn().getType();
    if (!isSmallFloat(srcType))
      return failure();
    Format f(cast<FloatType>(getElementTypeOrSelf(srcType)));
    Builder b{rewriter, op.getLoc(), srcType};
    Type narrowInt = b.like(rewriter.getIntegerType(f.width));
    Value code = arith::ExtUIOp::create(rewriter, b.loc, b.like(rewriter.getI32Type()),
                                        arith::BitcastOp::create(rewriter, b.loc, narrowInt, op.getIn()));
    uint32_t signBit = 1u << (f.width - 1);
    Value magnitude = b.mask(code, signBit - 1);
    Value exponent = b.shr(magnitude, f.mantissa);
    Value fraction = b.mask(magnitude, (1u << f.mantissa) - 1);
    int bias = 1 - f.minExp;
    Value normalBits = arith::OrIOp::create(
        rewriter, b.loc,
        b.shl(arith::AddIOp::create(rewriter, b.loc, exponent, b.i32(127 - bias)), 23),
        b.shl(fraction, 23 - f.mantissa));
    Type f32 = b.like(rewriter.getF32Type());
    Value normal = arith::BitcastOp::create(rewriter, b.loc, f32, normalBits);
    Value subnormal = arith::MulFOp::create(rewriter, b.loc, arith::UIToFPOp::create(rewriter, b.loc, f32, fraction),
                                            b.f32(std::ldexp(1.0, f.minExp - (int)f.mantissa)));
    Value value = b.select(b.eq(exponent, b.i32(0)), subnormal, normal);
    if (!f.infCodes.empty())
      value = b.select(b.anyOf(magnitude, {f.infCodes.front() & (signBit - 1)}),
                       b.f32(std::numeric_limits<float>::infinity()), value);
    // The sign as f32's sign bit: -0.0 stays -0.0 where the format has it.
    Value signBits = b.shl(b.shr(code, f.width - 1), 31);
    value = arith::BitcastOp::create(
        rewriter, b.loc, f32,
        arith::OrIOp::create(rewriter, b.loc, arith::BitcastOp::create(rewriter, b.loc, b.like(rewriter.getI32Type()), value),
                             signBits));
    if (!f.nanCodes.empty())
      value = b.select(b.anyOf(code, f.nanCodes), b.f32(std::numeric_limits<float>::quiet_NaN()), value);
    Type resultElem = getElementTypeOrSelf(op.getType());
    if (!resultElem.isF32())
      value = resultElem.getIntOrFloatBitWidth() > 32
                  ? (Value)arith::ExtFOp::create(rewriter, b.loc, op.getType(), value)
                  : (Value)arith::TruncFOp::create(rewriter, b.loc, op.getType(), value);
    rewriter.replaceOp(op, value);
    return success();
  }
};

/// A small float from f32 (wider floats go through f32), rounded to nearest even: the
/// magnitude as N quanta of 2^(max(e, minExp) - mantissa), which is exact in f32; the code
/// is then ((max(e, minExp) - minExp) << mantissa) + N, a carry into the exponent included.
/// Codes past the largest finite one overflow (to inf, else NaN, else the largest).
struct TruncFLowering : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op, PatternRewriter &rewriter) const override {
    Type resultType = op.getType();
    if (!isSmallFloat(resultType))
      return failure();
    Format f(cast<FloatType>(getElementTypeOrSelf(resultType)));
    Builder b{rewriter, op.getLoc(), resultType};
    Type f32 = b.like(rewriter.getF32Type()), i32 = b.like(rewriter.getI32Type());
    Value x = op.getIn();
    if (getElementTypeOrSelf(x.getType()).getIntOrFloatBitWidth() > 32)
      x = arith::TruncFOp::create(rewriter, b.loc, f32, x);
    else if (!getElementTypeOrSelf(x.getType()).isF32())
      x = arith::ExtFOp::create(rewriter, b.loc, f32, x);
    Value bits = arith::BitcastOp::create(rewriter, b.loc, i32, x);
    Value absBits = b.mask(bits, 0x7fffffffu);
    Value isNaN = arith::CmpIOp::create(rewriter, b.loc, arith::CmpIPredicate::ugt, absBits, b.i32(0x7f800000));
    // Anything at or past 2^(maxExp + 2) overflows; clamping first keeps N small.
    Value magnitude = arith::MinimumFOp::create(rewriter, b.loc, arith::BitcastOp::create(rewriter, b.loc, f32, absBits),
                                                b.f32(std::ldexp(1.0, f.maxExp + 2)));
    Value exponent = arith::SubIOp::create(
        rewriter, b.loc, b.shr(arith::BitcastOp::create(rewriter, b.loc, i32, magnitude), 23), b.i32(127));
    exponent = arith::MaxSIOp::create(rewriter, b.loc, exponent, b.i32(f.minExp));
    // 2^-(exponent - mantissa) as f32 bits.
    Value scale = arith::BitcastOp::create(
        rewriter, b.loc, f32,
        b.shl(arith::SubIOp::create(rewriter, b.loc, b.i32(127 + (int)f.mantissa), exponent), 23));
    Value quanta = arith::FPToSIOp::create(
        rewriter, b.loc, i32,
        math::RoundEvenOp::create(rewriter, b.loc, arith::MulFOp::create(rewriter, b.loc, magnitude, scale)));
    Value code = arith::AddIOp::create(
        rewriter, b.loc, b.shl(arith::SubIOp::create(rewriter, b.loc, exponent, b.i32(f.minExp)), f.mantissa), quanta);
    Value overflows = arith::CmpIOp::create(rewriter, b.loc, arith::CmpIPredicate::ugt, code, b.i32(f.largest));
    code = b.select(overflows, b.i32(f.overflow), code);
    Value sign = b.shl(b.shr(bits, 31), f.width - 1);
    if (f.negZeroIsNaN) // no -0: a negative number that rounds to zero is +0
      sign = b.select(b.eq(code, b.i32(0)), b.i32(0), sign);
    code = arith::OrIOp::create(rewriter, b.loc, code, sign);
    // A format without NaN (f4E2M1FN) takes NaN as a zero of its sign, as ONNX's
    // reference casts do.
    code = b.select(isNaN, f.hasNaN ? b.i32(f.nan) : sign, code);
    Type narrowInt = b.like(rewriter.getIntegerType(f.width));
    rewriter.replaceOp(op, arith::BitcastOp::create(rewriter, b.loc, resultType,
                                                    arith::TruncIOp::create(rewriter, b.loc, narrowInt, code)));
    return success();
  }
};

struct ExpandSmallFloatsPass : dlc::impl::ExpandSmallFloatsBase<ExpandSmallFloatsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExtFLowering, TruncFLowering>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
