// max_pool and avg_pool -> pad + one windowed linalg.generic (+ a divide by the
// per-position element count for averages, computed at compile time); their gradients
// -> one linalg.generic over the input that gathers from the windows covering each
// element (an elementwise kernel when the windows tile the input).
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

struct Window {
  ArrayRef<int64_t> kernel, strides, pads, dilations;
};

/// Pads so that every output window lies inside; ceil_mode may need more at the end.
Value padForWindows(OpBuilder &b, Location loc, Value x, RankedTensorType out, const Window &w, Value padValue) {
  auto xs = cast<RankedTensorType>(x.getType()).getShape();
  int64_t s = xs.size() - 2;
  SmallVector<int64_t> lo, hi;
  for (int64_t i = 0; i < s; ++i) {
    int64_t need = (out.getDimSize(i + 2) - 1) * w.strides[i] + (w.kernel[i] - 1) * w.dilations[i] + 1;
    lo.push_back(w.pads[i]);
    hi.push_back(std::max(w.pads[i + s], need - xs[i + 2] - w.pads[i]));
  }
  return padSpatialTensor(b, loc, x, lo, hi, padValue);
}

Value windowReduce(OpBuilder &b, Location loc, Value x, RankedTensorType out, const Window &w, Value init,
                   function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *ctx = b.getContext();
  int64_t s = out.getRank() - 2;
  unsigned dims = 2 + 2 * s;
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> xe{d(0), d(1)}, ke, ye{d(0), d(1)};
  for (int64_t i = 0; i < s; ++i) {
    xe.push_back(d(2 + i) * w.strides[i] + d(2 + s + i) * w.dilations[i]);
    ke.push_back(d(2 + s + i));
    ye.push_back(d(2 + i));
  }
  Value kernel = b.create<tensor::EmptyOp>(loc, w.kernel, out.getElementType());
  Value acc = filledTensor(b, loc, out, init);
  SmallVector<utils::IteratorType> iters(2 + s, utils::IteratorType::parallel);
  iters.append(s, utils::IteratorType::reduction);
  SmallVector<AffineMap> maps{AffineMap::get(dims, 0, xe, ctx), AffineMap::get(dims, 0, ke, ctx),
                              AffineMap::get(dims, 0, ye, ctx)};
  return b.create<linalg::GenericOp>(loc, TypeRange{out}, ValueRange{x, kernel}, ValueRange{acc}, maps, iters,
                                     [&](OpBuilder &nb, Location l, ValueRange a) {
                                       nb.create<linalg::YieldOp>(l, combine(nb, l, a[2], a[0]));
                                     })
      .getResult(0);
}

/// Elements counted per output position of an average pool, as PyTorch and ONNX count
/// them: explicit pads count with count_include_pad, positions past them (ceil_mode)
/// never do. A [1, 1, spatial...] constant computed at compile time.
Value windowCounts(OpBuilder &b, Location loc, ArrayRef<int64_t> xs, RankedTensorType out, const Window &w,
                   bool includePad) {
  Type elem = out.getElementType();
  int64_t s = out.getRank() - 2;
  SmallVector<int64_t> spatial(out.getShape().drop_front(2));
  SmallVector<SmallVector<double>> perAxis(s);
  for (int64_t i = 0; i < s; ++i) {
    int64_t lo = includePad ? -w.pads[i] : 0;
    int64_t hi = includePad ? xs[i + 2] + w.pads[i + s] : xs[i + 2];
    for (int64_t o = 0; o < spatial[i]; ++o) {
      int64_t n = 0;
      for (int64_t k = 0; k < w.kernel[i]; ++k) {
        int64_t p = o * w.strides[i] - w.pads[i] + k * w.dilations[i];
        n += p >= lo && p < hi;
      }
      perAxis[i].push_back(std::max<int64_t>(n, 1));
    }
  }
  int64_t total = 1;
  for (int64_t e : spatial)
    total *= e;
  SmallVector<APFloat> counts;
  for (int64_t flat = 0; flat < total; ++flat) {
    double c = 1;
    int64_t rest = flat;
    for (int64_t i = s - 1; i >= 0; --i) {
      c *= perAxis[i][rest % spatial[i]];
      rest /= spatial[i];
    }
    APFloat v(c);
    bool lost;
    v.convert(cast<FloatType>(elem).getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    counts.push_back(v);
  }
  SmallVector<int64_t> cshape{1, 1};
  cshape.append(spatial);
  auto ctype = RankedTensorType::get(cshape, elem);
  return b.create<arith::ConstantOp>(loc, ctype, DenseElementsAttr::get(ctype, counts));
}

struct MaxPoolLowering : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto out = op.getType();
    Window w{op.getKernelShape(), op.getStrides(), op.getPads(), op.getDilations()};
    Value lowest = scalarConstant(rewriter, loc, out.getElementType(), lowestValue(out.getElementType()));
    Value x = padForWindows(rewriter, loc, adaptor.getInput(), out, w, lowest);
    rewriter.replaceOp(op, windowReduce(rewriter, loc, x, out, w, lowest, maxOf));
    return success();
  }
};

struct AvgPoolLowering : OpConversionPattern<AvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AvgPoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto out = op.getType();
    Type elem = out.getElementType();
    if (!isa<FloatType>(elem))
      return rewriter.notifyMatchFailure(op, "avg_pool needs a floating-point tensor");
    Window w{op.getKernelShape(), op.getStrides(), op.getPads(), op.getDilations()};
    Value zero = scalarConstant(rewriter, loc, elem, 0);
    Value x = padForWindows(rewriter, loc, adaptor.getInput(), out, w, zero);
    Value sum = windowReduce(rewriter, loc, x, out, w, zero, [](OpBuilder &b, Location l, Value a, Value v) {
      return b.create<arith::AddFOp>(l, a, v);
    });

    Value countT = windowCounts(rewriter, loc, cast<RankedTensorType>(adaptor.getInput().getType()).getShape(), out, w,
                                op.getCountIncludePad());
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, out, ValueRange{sum, countT},
                                            [](OpBuilder &b, Location l, ValueRange a) {
                                              return b.create<arith::DivFOp>(l, a[0], a[1]);
                                            }));
    return success();
  }
};

/// Whether the windows tile the input exactly (stride = kernel, no pads or dilation):
/// then each input element lies in one window, o = h / stride.
bool tilesInput(const Window &w, RankedTensorType xt, RankedTensorType yt) {
  int64_t s = xt.getRank() - 2;
  for (int64_t i = 0; i < s; ++i)
    if (w.strides[i] != w.kernel[i] || w.dilations[i] != 1 || w.pads[i] != 0 || w.pads[i + s] != 0 ||
        yt.getDimSize(2 + i) * w.strides[i] != xt.getDimSize(2 + i))
      return false;
  return true;
}

/// The windowed tensors `windowed` (N x C x output spatial) read at each input position's
/// one window through floordiv maps (tiled windows); `body` gets the `direct` operands
/// (input-shaped) then the windowed ones.
Value tiledGather(OpBuilder &b, Location loc, RankedTensorType xt, const Window &w, ValueRange direct,
                  ValueRange windowed, ScalarBody body) {
  MLIRContext *ctx = b.getContext();
  int64_t s = xt.getRank() - 2;
  SmallVector<AffineExpr> oe{getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)};
  for (int64_t i = 0; i < s; ++i)
    oe.push_back(getAffineDimExpr(2 + i, ctx).floorDiv(w.strides[i]));
  auto id = b.getMultiDimIdentityMap(2 + s);
  auto om = AffineMap::get(2 + s, 0, oe, ctx);
  SmallVector<AffineMap> maps(direct.size(), id);
  maps.append(windowed.size(), om);
  maps.push_back(id);
  SmallVector<Value> ins(direct);
  ins.append(windowed.begin(), windowed.end());
  return b
      .create<linalg::GenericOp>(loc, TypeRange{xt}, ins, ValueRange{emptyTensor(b, loc, xt)}, maps,
                                 parallelIterators(2 + s),
                                 [&](OpBuilder &nb, Location l, ValueRange a) {
                                   nb.create<linalg::YieldOp>(l, body(nb, l, a.drop_back()));
                                 })
      .getResult(0);
}

/// dx[n, c, h] = sum over kernel offsets k whose window o = (h + pad - k * dilation) /
/// stride exists of contrib(window o): a gather over the windows covering each input
/// element, so no scatter is needed. `contrib` gets the `direct` operands' scalars (input
/// shaped) and the window's indices [n, c, o...].
Value windowGather(OpBuilder &rewriter, Location loc, RankedTensorType xt, RankedTensorType yt, const Window &w,
                   ValueRange direct,
                   function_ref<Value(OpBuilder &, Location, ValueRange, ArrayRef<Value>)> contrib) {
  MLIRContext *ctx = rewriter.getContext();
  Type elem = xt.getElementType();
  int64_t s = xt.getRank() - 2;
  unsigned dims = 2 + 2 * s;
  SmallVector<AffineExpr> xe, ke;
  for (int64_t i = 0; i < 2 + s; ++i)
    xe.push_back(getAffineDimExpr(i, ctx));
  for (int64_t i = 0; i < s; ++i)
    ke.push_back(getAffineDimExpr(2 + s + i, ctx));
  Value kernelT = rewriter.create<tensor::EmptyOp>(loc, w.kernel, elem);
  Value init = filledTensor(rewriter, loc, xt, scalarConstant(rewriter, loc, elem, 0));
  SmallVector<utils::IteratorType> iters(2 + s, utils::IteratorType::parallel);
  iters.append(s, utils::IteratorType::reduction);
  SmallVector<AffineMap> maps(direct.size(), AffineMap::get(dims, 0, xe, ctx));
  maps.push_back(AffineMap::get(dims, 0, ke, ctx));
  maps.push_back(AffineMap::get(dims, 0, xe, ctx));
  SmallVector<Value> ins(direct);
  ins.push_back(kernelT);
  return rewriter
      .create<linalg::GenericOp>(
          loc, TypeRange{xt}, ins, ValueRange{init}, maps, iters,
          [&](OpBuilder &b, Location l, ValueRange a) {
            auto cst = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(l, v); };
            Value valid = b.create<arith::ConstantIntOp>(l, 1, 1);
            SmallVector<Value> at{b.create<linalg::IndexOp>(l, 0), b.create<linalg::IndexOp>(l, 1)};
            for (int64_t i = 0; i < s; ++i) {
              Value h = b.create<linalg::IndexOp>(l, 2 + i), k = b.create<linalg::IndexOp>(l, 2 + s + i);
              Value num = b.create<arith::SubIOp>(l, b.create<arith::AddIOp>(l, h, cst(w.pads[i])),
                                                  b.create<arith::MulIOp>(l, k, cst(w.dilations[i])));
              Value nonneg = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sge, num, cst(0));
              Value safe = b.create<arith::MaxSIOp>(l, num, cst(0));
              Value o = b.create<arith::DivUIOp>(l, safe, cst(w.strides[i]));
              Value exact = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq,
                                                    b.create<arith::RemUIOp>(l, safe, cst(w.strides[i])), cst(0));
              Value inRange = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, o, cst(yt.getDimSize(2 + i)));
              valid = b.create<arith::AndIOp>(l, valid, b.create<arith::AndIOp>(l, nonneg, b.create<arith::AndIOp>(l, exact, inRange)));
              at.push_back(b.create<arith::MinSIOp>(l, o, cst(yt.getDimSize(2 + i) - 1)));
            }
            Value c = contrib(b, l, a.take_front(direct.size()), at);
            Value taken = b.create<arith::SelectOp>(l, valid, c, scalarConstant(b, l, elem, 0));
            b.create<linalg::YieldOp>(l, b.create<arith::AddFOp>(l, a.back(), taken).getResult());
          })
      .getResult(0);
}

/// The gradient goes to the input positions of a window that equal its maximum.
struct MaxPoolGradLowering : OpConversionPattern<MaxPoolGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MaxPoolGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xt = cast<RankedTensorType>(op.getInput().getType());
    auto yt = cast<RankedTensorType>(op.getOutput().getType());
    Type elem = xt.getElementType();
    Window w{op.getKernelShape(), op.getStrides(), op.getPads(), op.getDilations()};
    Value x = adaptor.getInput(), y = adaptor.getOutput(), g = adaptor.getOutputGrad();
    if (tilesInput(w, xt, yt)) {
      rewriter.replaceOp(op, tiledGather(rewriter, loc, xt, w, ValueRange{x}, ValueRange{y, g},
                                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                           Value isMax = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, a[0], a[1]);
                                           return b.create<arith::SelectOp>(l, isMax, a[2], scalarConstant(b, l, elem, 0));
                                         }));
      return success();
    }
    rewriter.replaceOp(op, windowGather(rewriter, loc, xt, yt, w, ValueRange{x},
                                        [&](OpBuilder &b, Location l, ValueRange a, ArrayRef<Value> at) -> Value {
                                          Value ym = b.create<tensor::ExtractOp>(l, y, at);
                                          Value gv = b.create<tensor::ExtractOp>(l, g, at);
                                          Value isMax = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, a[0], ym);
                                          return b.create<arith::SelectOp>(l, isMax, gv, scalarConstant(b, l, elem, 0));
                                        }));
    return success();
  }
};

/// Every position of a window gets the window's gradient divided by its element count.
struct AvgPoolGradLowering : OpConversionPattern<AvgPoolGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AvgPoolGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xt = cast<RankedTensorType>(op.getInputGrad().getType());
    auto yt = cast<RankedTensorType>(op.getOutputGrad().getType());
    Window w{op.getKernelShape(), op.getStrides(), op.getPads(), op.getDilations()};
    Value counts = windowCounts(rewriter, loc, xt.getShape(), yt, w, op.getCountIncludePad());
    Value share = buildElementwise(rewriter, loc, yt, ValueRange{adaptor.getOutputGrad(), counts},
                                   [](OpBuilder &b, Location l, ValueRange a) {
                                     return b.create<arith::DivFOp>(l, a[0], a[1]);
                                   });
    if (tilesInput(w, xt, yt)) {
      rewriter.replaceOp(op, tiledGather(rewriter, loc, xt, w, ValueRange{}, ValueRange{share},
                                         [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
      return success();
    }
    rewriter.replaceOp(op, windowGather(rewriter, loc, xt, yt, w, ValueRange{},
                                        [&](OpBuilder &b, Location l, ValueRange, ArrayRef<Value> at) -> Value {
                                          return b.create<tensor::ExtractOp>(l, share, at);
                                        }));
    return success();
  }
};

} // namespace

void dlc::populatePoolLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, AvgPoolLowering, MaxPoolGradLowering, AvgPoolGradLowering>(patterns.getContext());
}
