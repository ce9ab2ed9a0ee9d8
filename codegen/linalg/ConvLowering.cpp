// matmul, conv and conv_transpose -> linalg. f32 convs are im2col and a matmul (a
// batch_matmul over the groups when grouped); depthwise convs and other element types a
// linalg.generic over (n, group, out-channel, out-spatial..., in-channel, kernel...).
#include "codegen/linalg/GraphToLinalg.h"
#include "codegen/linalg/LoweringUtils.h"
#include "dialects/Abi/AbiDialect.h"
#include "dialects/Graph/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::graph;

namespace {

Value mulAdd(OpBuilder &b, Location loc, Value acc, Value x, Value y) {
  if (isa<FloatType>(acc.getType()))
    return b.create<arith::AddFOp>(loc, acc, b.create<arith::MulFOp>(loc, x, y));
  return b.create<arith::AddIOp>(loc, acc, b.create<arith::MulIOp>(loc, x, y));
}

/// The generic init += x * y, the operands read through `maps` (x, y, init).
Value multiplyAccumulate(OpBuilder &b, Location loc, Value x, Value y, Value init, ArrayRef<AffineMap> maps,
                         ArrayRef<utils::IteratorType> iters) {
  return b
      .create<linalg::GenericOp>(loc, TypeRange{init.getType()}, ValueRange{x, y}, ValueRange{init}, maps, iters,
                                 [&](OpBuilder &nb, Location l, ValueRange a) {
                                   nb.create<linalg::YieldOp>(l, mulAdd(nb, l, a[2], a[0], a[1]));
                                 })
      .getResult(0);
}

struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = resultType.getElementType();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    SmallVector<int64_t> a(cast<RankedTensorType>(lhs.getType()).getShape());
    SmallVector<int64_t> bs(cast<RankedTensorType>(rhs.getType()).getShape());
    if (a.size() == 1) {
      a.insert(a.begin(), 1);
      lhs = reshapeTensor(rewriter, loc, lhs, a);
    }
    if (bs.size() == 1) {
      bs.push_back(1);
      rhs = reshapeTensor(rewriter, loc, rhs, bs);
    }
    int64_t m = a[a.size() - 2], k = a.back(), n = bs.back();
    SmallVector<int64_t> batch;
    broadcastShapes({ArrayRef<int64_t>(a).drop_back(2), ArrayRef<int64_t>(bs).drop_back(2)}, batch);
    SmallVector<int64_t> outShape(batch);
    outShape.append({m, n});
    auto outType = RankedTensorType::get(outShape, elem);
    Value init = filledTensor(rewriter, loc, outType, scalarConstant(rewriter, loc, elem, 0));

    Value result;
    int64_t batchCount = 1;
    for (int64_t d : batch)
      batchCount *= d;
    if (a.size() > 2 && bs.size() == 2) {
      // A stack of rows times one matrix (a Linear layer on a sequence): one 2-D matmul.
      Value flat = reshapeTensor(rewriter, loc, lhs, {batchCount * m, k});
      auto flatType = RankedTensorType::get({batchCount * m, n}, elem);
      Value flatInit = filledTensor(rewriter, loc, flatType, scalarConstant(rewriter, loc, elem, 0));
      result = rewriter.create<linalg::MatmulOp>(loc, TypeRange{flatType}, ValueRange{flat, rhs}, ValueRange{flatInit})
                   .getResult(0);
    } else if (a.size() > 2 && ArrayRef<int64_t>(a).drop_back(2) == ArrayRef<int64_t>(bs).drop_back(2)) {
      // Same batch dims on both sides (attention scores): one batch_matmul.
      Value l3 = reshapeTensor(rewriter, loc, lhs, {batchCount, m, k});
      Value r3 = reshapeTensor(rewriter, loc, rhs, {batchCount, k, n});
      auto t3 = RankedTensorType::get({batchCount, m, n}, elem);
      Value init3 = filledTensor(rewriter, loc, t3, scalarConstant(rewriter, loc, elem, 0));
      result = rewriter.create<linalg::BatchMatmulOp>(loc, TypeRange{t3}, ValueRange{l3, r3}, ValueRange{init3})
                   .getResult(0);
    } else if (a.size() == 2 && bs.size() == 2) {
      result = rewriter.create<linalg::MatmulOp>(loc, TypeRange{outType}, ValueRange{lhs, rhs}, ValueRange{init})
                   .getResult(0);
    } else {
      MLIRContext *ctx = rewriter.getContext();
      unsigned nb = batch.size(), dims = nb + 3;
      auto batchExprs = [&](ArrayRef<int64_t> shape) {
        SmallVector<AffineExpr> e;
        auto bshape = shape.drop_back(2);
        size_t off = nb - bshape.size();
        for (size_t i = 0; i < bshape.size(); ++i)
          e.push_back(bshape[i] == 1 && batch[i + off] != 1 ? getAffineConstantExpr(0, ctx)
                                                             : getAffineDimExpr(i + off, ctx));
        return e;
      };
      AffineExpr dm = getAffineDimExpr(nb, ctx), dn = getAffineDimExpr(nb + 1, ctx),
                 dk = getAffineDimExpr(nb + 2, ctx);
      auto le = batchExprs(a), re = batchExprs(bs);
      le.append({dm, dk});
      re.append({dk, dn});
      SmallVector<AffineExpr> oe;
      for (unsigned i = 0; i < nb; ++i)
        oe.push_back(getAffineDimExpr(i, ctx));
      oe.append({dm, dn});
      SmallVector<AffineMap> maps{AffineMap::get(dims, 0, le, ctx), AffineMap::get(dims, 0, re, ctx),
                                  AffineMap::get(dims, 0, oe, ctx)};
      auto iters = parallelIterators(dims);
      iters.back() = utils::IteratorType::reduction;
      result = multiplyAccumulate(rewriter, loc, lhs, rhs, init, maps, iters);
    }
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, result, resultType.getShape()));
    return success();
  }
};

/// Pads the spatial axes (negative pads crop).
Value padSpatial(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> lo, ArrayRef<int64_t> hi,
                 Value padValue) {
  SmallVector<int64_t> l{0, 0}, h{0, 0};
  l.append(lo.begin(), lo.end());
  h.append(hi.begin(), hi.end());
  return padTensor(b, loc, x, l, h, padValue);
}

/// A conv's accumulator: the bias (reshaped to `biasShape`) broadcast over `outType`, or zeros.
Value biasOrZeros(OpBuilder &b, Location loc, RankedTensorType outType, Value bias, ArrayRef<int64_t> biasShape) {
  if (!bias)
    return filledTensor(b, loc, outType, scalarConstant(b, loc, outType.getElementType(), 0));
  return buildElementwise(b, loc, outType, ValueRange{reshapeTensor(b, loc, bias, biasShape)},
                          [](OpBuilder &, Location, ValueRange a) { return a[0]; });
}

/// The shapes of an im2col conv of x (N x C x ...) with w (M x C/g x K...) into y, and
/// the sizes of its matmul: the kernel window kk = K1*..*Ks and cols2 = N*O1*..*Os columns.
struct Im2colShapes {
  ArrayRef<int64_t> xs, ws, ys;
  int64_t s, n, kk = 1, cols2;

  Im2colShapes(Value x, Value w, RankedTensorType resultType)
      : xs(cast<RankedTensorType>(x.getType()).getShape()), ws(cast<RankedTensorType>(w.getType()).getShape()),
        ys(resultType.getShape()), s(xs.size() - 2), n(xs[0]), cols2(n) {
    for (int64_t i = 0; i < s; ++i) {
      kk *= ws[i + 2];
      cols2 *= ys[i + 2];
    }
  }

  /// The window gather's layout: [lead..., K1..Ks, N, O1..Os].
  SmallVector<int64_t> columnShape(ArrayRef<int64_t> lead) const {
    SmallVector<int64_t> shape(lead);
    shape.append(ws.begin() + 2, ws.end());
    shape.push_back(n);
    shape.append(ys.begin() + 2, ys.end());
    return shape;
  }
};

/// Copies `x` into a new `shape` x `elem` tensor (or into `into`, of that type) whose
/// element at the loop indices reads x at `xIndex`: im2col's window gather, a bias spread
/// across rows, the valid positions of a flat plane.
Value gatherWindows(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> shape, Type elem,
                    ArrayRef<AffineExpr> xIndex, Value into = {}) {
  unsigned dims = shape.size();
  auto type = RankedTensorType::get(shape, elem);
  return b.create<linalg::GenericOp>(loc, TypeRange{type}, ValueRange{x}, ValueRange{into ? into : emptyTensor(b, loc, type)},
                                     SmallVector<AffineMap>{AffineMap::get(dims, 0, xIndex, b.getContext()),
                                                            b.getMultiDimIdentityMap(dims)},
                                     parallelIterators(dims),
                                     [](OpBuilder &nb, Location l, ValueRange a) {
                                       nb.create<linalg::YieldOp>(l, a[0]);
                                     })
      .getResult(0);
}

/// The bias of each of into's rows (`bias` has one value per row), or zeros, written into
/// `into` ([M, cols]).
Value rowBiasOrZerosInto(OpBuilder &b, Location loc, Value into, Value bias) {
  auto type = cast<RankedTensorType>(into.getType());
  if (!bias)
    return b.create<linalg::FillOp>(loc, scalarConstant(b, loc, type.getElementType(), 0), into).getResult(0);
  Value column = reshapeTensor(b, loc, bias, {type.getDimSize(0), 1});
  return gatherWindows(b, loc, column, type.getShape(), type.getElementType(),
                       {getAffineDimExpr(0, b.getContext()), getAffineConstantExpr(0, b.getContext())}, into);
}

/// A grouped conv as one batch_matmul over the groups (im2col per group):
/// W[G, M/g, C/g*K...] x cols[G, C/g*K..., N*O...]. Returns [G, M/g, N*O...].
Value buildGroupedIm2colMatmul(OpBuilder &b, Location loc, Value x, Value w, Value bias, ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> dilations, int64_t group, RankedTensorType resultType) {
  MLIRContext *ctx = b.getContext();
  Im2colShapes sh(x, w, resultType);
  auto xs = sh.xs, ws = sh.ws;
  Type elem = resultType.getElementType();
  int64_t s = sh.s, n = sh.n, kk = sh.kk, cols2 = sh.cols2, cg = ws[1], mg = ws[0] / group;
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<int64_t> xg{n, group, cg};
  xg.append(xs.begin() + 2, xs.end());
  Value xv = reshapeTensor(b, loc, x, xg);
  // cols: [G, C/g, K1..Ks, N, O1..Os], the ungrouped im2col's layout per group.
  SmallVector<int64_t> colShape = sh.columnShape({group, cg});
  SmallVector<AffineExpr> xe{d(2 + s), d(0), d(1)};
  for (int64_t i = 0; i < s; ++i)
    xe.push_back(d(3 + s + i) * strides[i] + d(2 + i) * dilations[i]);
  Value cols = gatherWindows(b, loc, xv, colShape, elem, xe);
  cols = reshapeTensor(b, loc, cols, {group, cg * kk, cols2});
  auto outType = RankedTensorType::get({group, mg, cols2}, elem);
  Value init = biasOrZeros(b, loc, outType, bias, {group, mg, 1});
  return b.create<linalg::BatchMatmulOp>(loc, TypeRange{outType},
                                         ValueRange{reshapeTensor(b, loc, w, {group, mg, cg * kk}), cols},
                                         ValueRange{init})
      .getResult(0);
}

/// conv as one matmul (im2col): W[M, C*K...] x cols[C*K..., N*O...], where cols gathers
/// every input window; grouped convs as one batch_matmul over the groups. Used for f32
/// convs, where the matmul micro-kernel does the heavy lifting.
Value buildConvIm2col(OpBuilder &b, Location loc, Value x, Value w, Value bias, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> dilations, int64_t group, RankedTensorType resultType, int64_t blockBytes) {
  MLIRContext *ctx = b.getContext();
  Im2colShapes sh(x, w, resultType);
  auto ws = sh.ws, ys = sh.ys;
  Type elem = resultType.getElementType();
  int64_t s = sh.s, n = sh.n, kk = sh.kk, cols2 = sh.cols2, c = sh.xs[1], m = ws[0];
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  auto outType = RankedTensorType::get({m, cols2}, elem);
  Value wm;
  if (group == 1)
    wm = reshapeTensor(b, loc, w, {m, c * kk});
  Value out;
  if (group > 1) {
    out = buildGroupedIm2colMatmul(b, loc, x, w, bias, strides, dilations, group, resultType);
  } else if (c * kk > cols2) {
    // A long reduction onto few columns (the weight gradient's conv, batch as channels):
    // the windows as rows, [N, O1..Os, C, K1..Ks], contiguous along the window, and
    // out = W rows^T, both operands read along the reduction.
    Value init = biasOrZeros(b, loc, outType, bias, {m, 1});
    SmallVector<int64_t> rowShape{n};
    rowShape.append(ys.begin() + 2, ys.end());
    rowShape.push_back(c);
    rowShape.append(ws.begin() + 2, ws.end());
    SmallVector<AffineExpr> xe{d(0), d(1 + s)};
    for (int64_t i = 0; i < s; ++i)
      xe.push_back(d(2 + s + i) * dilations[i] + d(1 + i) * strides[i]); // as the forward im2col: shared
    Value rows = gatherWindows(b, loc, x, rowShape, elem, xe);
    rows = reshapeTensor(b, loc, rows, {cols2, c * kk});
    SmallVector<AffineMap> maps{AffineMap::get(3, 0, {d(0), d(2)}, ctx), AffineMap::get(3, 0, {d(1), d(2)}, ctx),
                                AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
    out = b.create<linalg::MatmulOp>(loc, TypeRange{outType}, ValueRange{wm, rows}, ValueRange{init},
                                     ArrayRef<NamedAttribute>{b.getNamedAttr("indexing_maps", b.getAffineMapArrayAttr(maps))})
              .getResult(0);
  } else {
    // The im2col matmul of the images [n0, n0 + count) of x into their columns of `into`
    // ([M, count * O1..Os], starting from the bias): cols [C, K1..Ks, count, O1..Os].
    int64_t outPerImage = cols2 / n;
    auto columnShape = [&](int64_t count) {
      SmallVector<int64_t> shape{c};
      shape.append(ws.begin() + 2, ws.end());
      shape.push_back(count);
      shape.append(ys.begin() + 2, ys.end());
      return shape;
    };
    auto gatherInto = [&](OpBuilder &ob, Location l, Value images, int64_t count, Value slot = {}) {
      SmallVector<AffineExpr> xe{d(1 + s), d(0)};
      for (int64_t i = 0; i < s; ++i)
        xe.push_back(d(2 + s + i) * strides[i] + d(1 + i) * dilations[i]);
      return gatherWindows(ob, l, images, columnShape(count), elem, xe, slot);
    };
    auto multiply = [&](OpBuilder &ob, Location l, Value cols, int64_t count, Value into) {
      cols = reshapeTensor(ob, l, cols, {c * kk, count * outPerImage});
      return ob.create<linalg::MatmulOp>(l, TypeRange{into.getType()}, ValueRange{wm, cols}, ValueRange{into})
          .getResult(0);
    };
    // Images per block: the largest divisor of N whose columns fit blockBytes, once the
    // whole matrix exceeds 4 blocks (below that it mostly stays in L2 anyway, and every
    // block's matmul is one more dispatch to the thread pool: ResNet-18 at batch 8 ran
    // 0.29 -> 0.36 ms at 2 threads when its 1.2 MB matrices were blocked).
    int64_t perBlock = n;
    if (blockBytes > 0 && c * kk * cols2 * 4 > 4 * blockBytes) {
      perBlock = 1;
      for (int64_t g = 1; g <= n; ++g)
        if (n % g == 0 && c * kk * g * outPerImage * 4 <= blockBytes)
          perBlock = g;
    }
    if (perBlock == n) {
      Value init = biasOrZeros(b, loc, outType, bias, {m, 1});
      out = multiply(b, loc, gatherInto(b, loc, x, n), n, init);
    } else {
      // Blocks of images: each gathers its columns and multiplies them right away, while
      // they are in cache, instead of the whole im2col matrix (LeNet's 5x5 conv2: 12.8x
      // its input) going out to memory and back. Every block has its own slot of the
      // columns and of the output, so the blocks run in parallel on the thread pool.
      int64_t blocks = n / perBlock, blockCols = perBlock * outPerImage;
      SmallVector<int64_t> slotShape = columnShape(perBlock), allShape{blocks};
      allShape.append(slotShape);
      auto xt = cast<RankedTensorType>(x.getType());
      SmallVector<int64_t> xBlock(xt.getShape());
      xBlock[0] = perBlock;
      auto attrs = [&](OpBuilder &ob, ArrayRef<int64_t> v) { return getAsIndexOpFoldResult(ob.getContext(), v); };
      Value c0 = b.create<arith::ConstantIndexOp>(loc, 0);
      auto loop = b.create<scf::ForOp>(
          loc, c0, b.create<arith::ConstantIndexOp>(loc, blocks), b.create<arith::ConstantIndexOp>(loc, 1),
          ValueRange{emptyTensor(b, loc, RankedTensorType::get(allShape, elem)), emptyTensor(b, loc, outType)},
          [&](OpBuilder &ob, Location l, Value blk, ValueRange acc) {
            SmallVector<OpFoldResult> xOffsets = attrs(ob, SmallVector<int64_t>(xBlock.size(), 0));
            xOffsets[0] = ob.create<arith::MulIOp>(l, blk, ob.create<arith::ConstantIndexOp>(l, perBlock)).getResult();
            Value images = ob.create<tensor::ExtractSliceOp>(l, RankedTensorType::get(xBlock, elem), x, xOffsets,
                                                             attrs(ob, xBlock),
                                                             attrs(ob, SmallVector<int64_t>(xBlock.size(), 1)));
            // This block's slot of the columns, [blk] of allShape (rank-reduced).
            SmallVector<OpFoldResult> slotOffsets = attrs(ob, SmallVector<int64_t>(allShape.size(), 0)),
                                      slotSizes = attrs(ob, allShape),
                                      slotStrides = attrs(ob, SmallVector<int64_t>(allShape.size(), 1));
            slotOffsets[0] = blk;
            slotSizes[0] = ob.getIndexAttr(1);
            auto slotType = RankedTensorType::get(slotShape, elem);
            auto slotOf = [&](Value all) {
              return ob.create<tensor::ExtractSliceOp>(l, slotType, all, slotOffsets, slotSizes, slotStrides);
            };
            Value gathered = gatherInto(ob, l, images, perBlock, slotOf(acc[0]));
            // This block's columns of the output, starting from the bias.
            Value col0 = ob.create<arith::MulIOp>(l, blk, ob.create<arith::ConstantIndexOp>(l, blockCols));
            SmallVector<OpFoldResult> outOffsets{ob.getIndexAttr(0), col0}, outSizes = attrs(ob, {m, blockCols}),
                                      outStrides = attrs(ob, {1, 1});
            Value outSlot = ob.create<tensor::ExtractSliceOp>(l, RankedTensorType::get({m, blockCols}, elem), acc[1],
                                                              outOffsets, outSizes, outStrides);
            Value product = multiply(ob, l, gathered, perBlock, rowBiasOrZerosInto(ob, l, outSlot, bias));
            // Inserted after its last read, so that the gather writes into the slot itself
            // (empty-tensor elimination) rather than into a buffer copied in.
            Value colsNext = ob.create<tensor::InsertSliceOp>(l, gathered, acc[0], slotOffsets, slotSizes, slotStrides);
            Value outNext = ob.create<tensor::InsertSliceOp>(l, product, acc[1], outOffsets, outSizes, outStrides);
            ob.create<scf::YieldOp>(l, ValueRange{colsNext, outNext});
          });
      dlc::abi::setParallel(loop); // blocks touch disjoint slots of the columns and the output
      out = loop.getResult(1);
    }
  }
  // [M, N, O...] -> [N, M, O...]
  SmallVector<int64_t> mn{m, n};
  mn.append(ys.begin() + 2, ys.end());
  out = reshapeTensor(b, loc, out, mn);
  SmallVector<int64_t> perm{1, 0};
  for (int64_t i = 0; i < s; ++i)
    perm.push_back(2 + i);
  Value t = emptyTensor(b, loc, resultType);
  return b.create<linalg::TransposeOp>(loc, out, t, perm).getResult()[0];
}

/// A 2-D depthwise conv with dilation 1 and the same stride s (1 or 2, which the vector
/// loops read) along both axes, over each channel's padded plane read as one flat row:
/// output position p = oh * W + ow (W the padded width) reads the input at
/// s * p + kh * W + kw, so one vector loop runs over the whole plane instead of one per
/// output row, which fills the lanes where rows are narrow (MobileNet's 2x2 to 8x8 maps).
/// The W - OW positions past each row's end are computed and dropped: a copy that reads
/// the plane through p = oh * W + ow, which elementwise fusion folds into the conv's
/// consumer (its activation). Null where that would not take fewer vectors than the rows.
Value buildDepthwiseFlat(OpBuilder &b, Location loc, Value x, Value w, Value bias, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations, RankedTensorType resultType, int64_t lanes) {
  auto xs = cast<RankedTensorType>(x.getType()).getShape();
  auto ws = cast<RankedTensorType>(w.getType()).getShape();
  auto ys = resultType.getShape();
  if (lanes <= 0 || xs.size() != 4 || strides[0] != strides[1] || strides[0] > 2 ||
      llvm::any_of(dilations, [](int64_t v) { return v != 1; }))
    return {};
  int64_t stride = strides[0];
  int64_t n = xs[0], c = xs[1], ih = xs[2], iw = xs[3], kh = ws[2], kw = ws[3], oh = ys[2], ow = ys[3];
  // The last valid output is at (oh - 1) * iw + ow - 1. Every position up to it reads
  // within the plane: s * (oh - 1) + kh <= ih and s * (ow - 1) + kw <= iw.
  int64_t flat = (oh - 1) * iw + ow;
  auto vectors = [&](int64_t len) { return (len + lanes - 1) / lanes; };
  if (vectors(flat) >= oh * vectors(ow))
    return {};
  MLIRContext *ctx = b.getContext();
  Type elem = resultType.getElementType();
  Value xf = reshapeTensor(b, loc, x, {n, c, ih * iw});
  Value wf = reshapeTensor(b, loc, w, {c, kh, kw});
  auto flatType = RankedTensorType::get({n, c, flat}, elem);
  Value init = biasOrZeros(b, loc, flatType, bias, {c, 1});
  // Loop dims: n, c, p, kh, kw.
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps{AffineMap::get(5, 0, {d(0), d(1), d(2) * stride + d(3) * iw + d(4)}, ctx),
                              AffineMap::get(5, 0, {d(1), d(3), d(4)}, ctx),
                              AffineMap::get(5, 0, {d(0), d(1), d(2)}, ctx)};
  SmallVector<utils::IteratorType> iters(3, utils::IteratorType::parallel);
  iters.append(2, utils::IteratorType::reduction);
  Value yf = multiplyAccumulate(b, loc, xf, wf, init, maps, iters);
  return gatherWindows(b, loc, yf, ys, elem, {d(0), d(1), d(2) * iw + d(3)});
}

/// conv of `x` (already padded) with `w` (M x C/g x K...), stride and dilation, plus bias.
Value buildConv(OpBuilder &b, Location loc, Value x, Value w, Value bias, ArrayRef<int64_t> strides,
                ArrayRef<int64_t> dilations, int64_t group, RankedTensorType resultType,
                const ConvLoweringOptions &options = {}) {
  MLIRContext *ctx = b.getContext();
  auto xs = cast<RankedTensorType>(x.getType()).getShape();
  auto ws = cast<RankedTensorType>(w.getType()).getShape();
  auto ys = resultType.getShape();
  Type elem = resultType.getElementType();
  // A depthwise conv (one input and one output channel per group) is a window sum per
  // channel, like pooling: the generic below, vectorized along the last output dim with
  // the window loops inside, rather than im2col's copies and a one-row batch_matmul.
  bool depthwise = group > 1 && ws[1] == 1 && ws[0] == group;
  if (elem.isF32() && !depthwise)
    return buildConvIm2col(b, loc, x, w, bias, strides, dilations, group, resultType, options.blockBytes);
  if (depthwise)
    if (Value y = buildDepthwiseFlat(b, loc, x, w, bias, strides, dilations, resultType, options.depthwiseFlatLanes))
      return y;
  int64_t s = xs.size() - 2, mg = ws[0] / group, cg = ws[1];
  SmallVector<int64_t> xg{xs[0], group, cg}, wg{group, mg, cg}, yg{ys[0], group, mg};
  xg.append(xs.begin() + 2, xs.end());
  wg.append(ws.begin() + 2, ws.end());
  yg.append(ys.begin() + 2, ys.end());
  Value xv = reshapeTensor(b, loc, x, xg), wv = reshapeTensor(b, loc, w, wg);
  auto outType = RankedTensorType::get(yg, elem);
  SmallVector<int64_t> bshape{group, mg};
  bshape.append(s, 1);
  Value init = biasOrZeros(b, loc, outType, bias, bshape);
  // Loop dims: n, g, m, o_1..o_s, c, k_1..k_s.
  unsigned dims = 3 + s + 1 + s;
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> xe{d(0), d(1), d(3 + s)}, we{d(1), d(2), d(3 + s)}, ye{d(0), d(1), d(2)};
  for (int64_t i = 0; i < s; ++i) {
    xe.push_back(d(3 + i) * strides[i] + d(4 + s + i) * dilations[i]);
    we.push_back(d(4 + s + i));
    ye.push_back(d(3 + i));
  }
  SmallVector<AffineMap> maps{AffineMap::get(dims, 0, xe, ctx), AffineMap::get(dims, 0, we, ctx),
                              AffineMap::get(dims, 0, ye, ctx)};
  SmallVector<utils::IteratorType> iters(3 + s, utils::IteratorType::parallel);
  iters.append(1 + s, utils::IteratorType::reduction);
  return reshapeTensor(b, loc, multiplyAccumulate(b, loc, xv, wv, init, maps, iters), ys);
}

struct ConvLowering : OpConversionPattern<ConvOp> {
  ConvLowering(MLIRContext *ctx, const ConvLoweringOptions &options) : OpConversionPattern(ctx), options(options) {}
  ConvLoweringOptions options;
  LogicalResult matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t s = op.getStrides().size();
    auto pads = op.getPads();
    Type elem = op.getType().getElementType();
    Value x = padSpatial(rewriter, loc, adaptor.getInput(), pads.take_front(s), pads.drop_front(s),
                         scalarConstant(rewriter, loc, elem, 0));
    rewriter.replaceOp(op, buildConv(rewriter, loc, x, adaptor.getWeight(), adaptor.getBias(), op.getStrides(),
                                     op.getDilations(), op.getGroup(), op.getType(), options));
    return success();
  }
};

/// conv_transpose as the transpose of the im2col convolution: cols = W^T x (one matmul
/// per group over every input position), then col2im scatters each kernel position's
/// columns into the output with the stride and dilation and sums them. Nothing is
/// zero-inserted, and the matmul's reduction is only the input channels.
struct ConvTransposeLowering : OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto xt = cast<RankedTensorType>(adaptor.getInput().getType());
    auto wt = cast<RankedTensorType>(adaptor.getWeight().getType());
    auto yt = cast<RankedTensorType>(op.getType());
    Type elem = xt.getElementType();
    int64_t s = xt.getRank() - 2, group = op.getGroup(), n = xt.getDimSize(0), c = xt.getDimSize(1);
    int64_t cg = c / group, mg = wt.getDimSize(1), kk = 1, in = 1;
    auto strides = op.getStrides(), dil = op.getDilations(), pads = op.getPads();
    SmallVector<int64_t> ks, is;
    for (int64_t i = 0; i < s; ++i) {
      ks.push_back(wt.getDimSize(i + 2));
      is.push_back(xt.getDimSize(i + 2));
      kk *= ks.back();
      in *= is.back();
    }
    Value zero = scalarConstant(rewriter, loc, elem, 0);

    // x: N x C x I... -> G x C/g x (N I...)
    SmallVector<int64_t> cn{c, n};
    cn.append(is);
    SmallVector<int64_t> swap{1, 0};
    for (int64_t i = 0; i < s; ++i)
      swap.push_back(i + 2);
    Value xcn = rewriter.create<linalg::TransposeOp>(loc, adaptor.getInput(),
                                                     emptyTensor(rewriter, loc, RankedTensorType::get(cn, elem)), swap)
                    .getResult()[0];
    // w: C x M/g x K... -> G x (M/g K...) x C/g
    Value wv = reshapeTensor(rewriter, loc, adaptor.getWeight(), {group, cg, mg * kk});
    Value wT = rewriter.create<linalg::TransposeOp>(
                           loc, wv, emptyTensor(rewriter, loc, RankedTensorType::get({group, mg * kk, cg}, elem)),
                           ArrayRef<int64_t>{0, 2, 1})
                   .getResult()[0];
    Value cols;
    if (group == 1) {
      auto colType = RankedTensorType::get({mg * kk, n * in}, elem);
      cols = rewriter
                 .create<linalg::MatmulOp>(loc, TypeRange{colType},
                                           ValueRange{reshapeTensor(rewriter, loc, wT, {mg * kk, cg}),
                                                      reshapeTensor(rewriter, loc, xcn, {c, n * in})},
                                           ValueRange{filledTensor(rewriter, loc, colType, zero)})
                 .getResult(0);
    } else {
      auto colType = RankedTensorType::get({group, mg * kk, n * in}, elem);
      cols = rewriter
                 .create<linalg::BatchMatmulOp>(loc, TypeRange{colType},
                                                ValueRange{wT, reshapeTensor(rewriter, loc, xcn, {group, cg, n * in})},
                                                ValueRange{filledTensor(rewriter, loc, colType, zero)})
                 .getResult(0);
    }
    // cols: G x M/g x K... x N x I...
    SmallVector<int64_t> colShape{group, mg};
    colShape.append(ks);
    colShape.push_back(n);
    colShape.append(is);
    cols = reshapeTensor(rewriter, loc, cols, colShape);

    // col2im into acc (N x G x M/g x A...), which covers every (i * stride + k * dilation)
    // and the padded output; kernel position k adds its columns into the strided window
    // starting at k * dilation.
    SmallVector<int64_t> accShape{n, group, mg};
    for (int64_t i = 0; i < s; ++i)
      accShape.push_back(std::max((is[i] - 1) * strides[i] + (ks[i] - 1) * dil[i] + 1, yt.getDimSize(i + 2) + pads[i]));
    Value acc = filledTensor(rewriter, loc, RankedTensorType::get(accShape, elem), zero);
    SmallVector<int64_t> winSizes{n, group, mg}, winStrides{1, 1, 1};
    winSizes.append(is);
    for (int64_t i = 0; i < s; ++i)
      winStrides.push_back(strides[i]);
    auto winType = RankedTensorType::get(winSizes, elem);
    unsigned dims = 3 + s;
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<int64_t> k(s, 0);
    for (int64_t pos = 0; pos < kk; ++pos) {
      for (int64_t i = s - 1, rest = pos; i >= 0; --i) {
        k[i] = rest % ks[i];
        rest /= ks[i];
      }
      SmallVector<int64_t> offsets{0, 0, 0};
      SmallVector<AffineExpr> ce{d(1), d(2)};
      for (int64_t i = 0; i < s; ++i) {
        offsets.push_back(k[i] * dil[i]);
        ce.push_back(getAffineConstantExpr(k[i], ctx));
      }
      ce.push_back(d(0));
      for (int64_t i = 0; i < s; ++i)
        ce.push_back(d(3 + i));
      Value win = rewriter.create<tensor::ExtractSliceOp>(loc, winType, acc, ValueRange{}, ValueRange{}, ValueRange{},
                                                          offsets, winSizes, winStrides);
      win = rewriter
                .create<linalg::GenericOp>(loc, TypeRange{winType}, ValueRange{cols}, ValueRange{win},
                                           SmallVector<AffineMap>{AffineMap::get(dims, 0, ce, ctx),
                                                                  rewriter.getMultiDimIdentityMap(dims)},
                                           parallelIterators(dims),
                                           [](OpBuilder &b, Location l, ValueRange a) {
                                             Value sum = isa<FloatType>(a[0].getType())
                                                             ? (Value)b.create<arith::AddFOp>(l, a[1], a[0])
                                                             : (Value)b.create<arith::AddIOp>(l, a[1], a[0]);
                                             b.create<linalg::YieldOp>(l, sum);
                                           })
                .getResult(0);
      acc = rewriter.create<tensor::InsertSliceOp>(loc, win, acc, ValueRange{}, ValueRange{}, ValueRange{}, offsets,
                                                   winSizes, winStrides);
    }
    // Crop the padding: N x G x M/g x H...
    SmallVector<int64_t> cropOffsets{0, 0, 0}, cropSizes{n, group, mg};
    for (int64_t i = 0; i < s; ++i) {
      cropOffsets.push_back(pads[i]);
      cropSizes.push_back(yt.getDimSize(i + 2));
    }
    Value y = acc;
    if (ArrayRef<int64_t>(cropSizes) != ArrayRef<int64_t>(accShape))
      y = rewriter.create<tensor::ExtractSliceOp>(loc, RankedTensorType::get(cropSizes, elem), acc, ValueRange{},
                                                  ValueRange{}, ValueRange{}, cropOffsets, cropSizes,
                                                  SmallVector<int64_t>(cropSizes.size(), 1));
    y = reshapeTensor(rewriter, loc, y, yt.getShape());
    if (Value bias = adaptor.getBias()) {
      SmallVector<int64_t> bshape{yt.getDimSize(1)};
      bshape.append(s, 1);
      Value bv = reshapeTensor(rewriter, loc, bias, bshape);
      y = buildElementwise(rewriter, loc, yt, ValueRange{y, bv}, [](OpBuilder &b, Location l, ValueRange a) -> Value {
        if (isa<FloatType>(a[0].getType()))
          return b.create<arith::AddFOp>(l, a[0], a[1]);
        return b.create<arith::AddIOp>(l, a[0], a[1]);
      });
    }
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

namespace dlc {
Value padSpatialTensor(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> lo, ArrayRef<int64_t> hi,
                       Value padValue) {
  return padSpatial(b, loc, x, lo, hi, padValue);
}
} // namespace dlc

void dlc::populateConvLoweringPatterns(RewritePatternSet &patterns, const ConvLoweringOptions &options) {
  patterns.add<MatMulLowering, ConvTransposeLowering>(patterns.getContext());
  patterns.add<ConvLowering>(patterns.getContext(), options);
}
