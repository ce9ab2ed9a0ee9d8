// Converters of the network ops: Gemm, MatMul, Conv, ConvTranspose, Col2Im, pooling, LRN
// and the normalizations.
#include "frontends/onnx/ImporterContext.h"

#include "dialects/Graph/GraphBuilders.h"

#include "llvm/ADT/APFloat.h"

using namespace mlir;

namespace dlc::onnx_frontend::detail {
namespace {

Error gemm(Importer &im) {
  DLC_TRY(a, im.input(0));
  DLC_TRY(bm, im.input(1));
  DLC_TRY(type, im.outputType(0));
  if (Importer::typeOf(a).getRank() != 2 || Importer::typeOf(bm).getRank() != 2)
    return im.error("A and B must be matrices, got " + shapeStr(Importer::typeOf(a).getShape()) + " and " +
                    shapeStr(Importer::typeOf(bm).getShape()));
  Value lhs = im.attrInt("transA", 0) ? im.transpose(a, {1, 0}) : a;
  Value rhs = im.attrInt("transB", 0) ? im.transpose(bm, {1, 0}) : bm;
  Type elem = type.getElementType();
  double alpha = im.attrFloat("alpha", 1.0), beta = im.attrFloat("beta", 1.0);
  bool withC = im.has(2) && beta != 0.0;
  auto mmType = im.tensorType({Importer::typeOf(lhs).getDimSize(0), Importer::typeOf(rhs).getDimSize(1)}, elem);
  Value y = graph::MatMulOp::create(im.b, im.loc(), mmType, lhs, rhs);
  if (alpha != 1.0)
    y = graph::MulOp::create(im.b, im.loc(), mmType, y, im.scalar(elem, alpha));
  if (withC) {
    DLC_TRY(c, im.input(2));
    Value cv = c;
    if (beta != 1.0)
      cv = graph::MulOp::create(im.b, im.loc(), Importer::typeOf(c), c, im.scalar(elem, beta));
    y = graph::AddOp::create(im.b, im.loc(), type, y, cv);
  }
  if (Importer::typeOf(y) != type)
    return im.error("result type " + shapeStr(Importer::typeOf(y).getShape()) + " differs from the inferred " +
                    shapeStr(type.getShape()));
  im.setOutput(0, y);
  return Error::success();
}

Error matmul(Importer &im) {
  DLC_TRY(a, im.input(0));
  DLC_TRY(bm, im.input(1));
  DLC_TRY(type, im.outputType(0));
  im.setOutput(0, graph::MatMulOp::create(im.b, im.loc(), type, a, bm));
  return Error::success();
}

/// strides / dilations / pads of a windowed op, with the ONNX defaults; pads resolved from
/// auto_pad for the given input extents and (dilated) kernel.
struct Window {
  std::vector<int64_t> kernel, strides, dilations, pads;
};

Expected<Window> windowAttrs(Importer &im, llvm::ArrayRef<int64_t> inSpatial, std::vector<int64_t> kernel) {
  int64_t n = inSpatial.size();
  Window w;
  w.kernel = std::move(kernel);
  w.strides = im.attrInts("strides", std::vector<int64_t>(n, 1));
  w.dilations = im.attrInts("dilations", std::vector<int64_t>(n, 1));
  w.pads = im.attrInts("pads", std::vector<int64_t>(2 * n, 0));
  if ((int64_t)w.strides.size() != n || (int64_t)w.dilations.size() != n || (int64_t)w.pads.size() != 2 * n ||
      (int64_t)w.kernel.size() != n)
    return im.error("expects " + llvm::Twine(n) + " kernel_shape, strides and dilations values and " +
                    llvm::Twine(2 * n) + " pads for " + llvm::Twine(n) + " spatial axes");
  for (int64_t s : w.strides)
    if (s <= 0)
      return im.error("strides must be positive");
  std::string autoPad = im.attrString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET")
    return w;
  if (autoPad == "VALID") {
    std::fill(w.pads.begin(), w.pads.end(), 0);
    return w;
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return im.unsupportedAttr("auto_pad", "'" + autoPad + "'");
  for (int64_t i = 0; i < n; ++i) {
    int64_t in = inSpatial[i], s = w.strides[i];
    int64_t out = (in + s - 1) / s;
    int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t total = std::max<int64_t>(0, (out - 1) * s + span - in);
    int64_t small = total / 2, large = total - small;
    w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
    w.pads[i + n] = autoPad == "SAME_UPPER" ? large : small;
  }
  return w;
}

Error conv(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(wt, im.input(1));
  DLC_TRY(type, im.outputType(0));
  auto xs = Importer::typeOf(x).getShape(), ws = Importer::typeOf(wt).getShape();
  if (xs.size() < 3 || ws.size() != xs.size())
    return im.error("input " + shapeStr(xs) + " and weight " + shapeStr(ws) +
                    " must have the same rank >= 3 (N x C x spatial...)");
  std::vector<int64_t> kernel(ws.begin() + 2, ws.end());
  if (im.hasAttr("kernel_shape") && im.attrInts("kernel_shape") != kernel)
    return im.error("kernel_shape [" + shapeStr(im.attrInts("kernel_shape")) + "] differs from the weight's " +
                    shapeStr(ws));
  DLC_TRY(w, windowAttrs(im, xs.drop_front(2), kernel));
  Value bias;
  if (im.has(2)) {
    DLC_TRY(bv, im.input(2));
    bias = bv;
  }
  im.setOutput(0, graph::ConvOp::create(im.b, im.loc(), type, x, wt, bias, w.strides, w.pads, w.dilations,
                                        (uint64_t)im.attrInt("group", 1)));
  return Error::success();
}

Error convTranspose(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(wt, im.input(1));
  DLC_TRY(type, im.outputType(0));
  auto xs = Importer::typeOf(x).getShape(), ws = Importer::typeOf(wt).getShape();
  if (xs.size() < 3 || ws.size() != xs.size())
    return im.error("input " + shapeStr(xs) + " and weight " + shapeStr(ws) + " must have the same rank >= 3");
  int64_t n = xs.size() - 2;
  std::vector<int64_t> kernel(ws.begin() + 2, ws.end());
  if (im.hasAttr("kernel_shape") && im.attrInts("kernel_shape") != kernel)
    return im.error("kernel_shape [" + shapeStr(im.attrInts("kernel_shape")) + "] differs from the weight's " +
                    shapeStr(ws));
  std::vector<int64_t> strides = im.attrInts("strides", std::vector<int64_t>(n, 1));
  std::vector<int64_t> dilations = im.attrInts("dilations", std::vector<int64_t>(n, 1));
  std::vector<int64_t> outPad = im.attrInts("output_padding", std::vector<int64_t>(n, 0));
  std::vector<int64_t> pads = im.attrInts("pads", std::vector<int64_t>(2 * n, 0));
  if ((int64_t)strides.size() != n || (int64_t)dilations.size() != n || (int64_t)outPad.size() != n ||
      (int64_t)pads.size() != 2 * n)
    return im.error("expects " + llvm::Twine(n) + " strides, dilations and output_padding values and " +
                    llvm::Twine(2 * n) + " pads");
  std::string autoPad = im.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return im.unsupportedAttr("auto_pad", "'" + autoPad + "'");
  std::vector<int64_t> outShape = im.attrInts("output_shape");
  if (outShape.empty() && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER"))
    for (int64_t i = 0; i < n; ++i)
      outShape.push_back(xs[i + 2] * strides[i]);
  if (autoPad == "VALID" && outShape.empty())
    std::fill(pads.begin(), pads.end(), 0);
  if (!outShape.empty()) {
    if ((int64_t)outShape.size() == n + 2)
      outShape.erase(outShape.begin(), outShape.begin() + 2);
    if ((int64_t)outShape.size() != n)
      return im.error("output_shape has " + llvm::Twine(outShape.size()) + " values for " + llvm::Twine(n) +
                      " spatial axes");
    for (int64_t i = 0; i < n; ++i) {
      int64_t total =
          strides[i] * (xs[i + 2] - 1) + outPad[i] + (kernel[i] - 1) * dilations[i] + 1 - outShape[i];
      if (total < 0) { // the output is longer than the input reaches: extend it at the end
        outPad[i] -= total;
        total = 0;
      }
      int64_t half = total / 2;
      pads[i] = autoPad == "SAME_UPPER" ? half : total - half;
      pads[i + n] = autoPad == "SAME_UPPER" ? total - half : half;
    }
  }
  Value bias;
  if (im.has(2)) {
    DLC_TRY(bv, im.input(2));
    bias = bv;
  }
  im.setOutput(0, graph::ConvTransposeOp::create(im.b, im.loc(), type, x, wt, bias, strides, pads, dilations, outPad,
                                                 (uint64_t)im.attrInt("group", 1)));
  return Error::success();
}

template <bool isMax> Error pool(Importer &im) {
  if (isMax && im.outputUsed(1))
    return im.error("the Indices output of MaxPool is unsupported");
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  auto xs = Importer::typeOf(x).getShape();
  if (xs.size() < 3)
    return im.error("input " + shapeStr(xs) + " must have rank >= 3 (N x C x spatial...)");
  if (!im.hasAttr("kernel_shape"))
    return im.error("kernel_shape is required");
  DLC_TRY(w, windowAttrs(im, xs.drop_front(2), im.attrInts("kernel_shape")));
  if constexpr (isMax)
    im.setOutput(0, graph::MaxPoolOp::create(im.b, im.loc(), type, x, w.kernel, w.strides, w.pads, w.dilations));
  else
    im.setOutput(0, graph::AvgPoolOp::create(im.b, im.loc(), type, x, w.kernel, w.strides, w.pads, w.dilations,
                                             im.attrInt("count_include_pad", 0) != 0));
  return Error::success();
}

/// LpPool: (sum over the window of |x|^p)^(1/p): an average pool that counts the pads
/// (zeros) as elements, times the window size.
Error lpPool(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  auto xt = Importer::typeOf(x);
  auto xs = xt.getShape();
  if (xs.size() < 3)
    return im.error("input " + shapeStr(xs) + " must have rank >= 3 (N x C x spatial...)");
  if (!im.hasAttr("kernel_shape"))
    return im.error("kernel_shape is required");
  if (!isa<FloatType>(xt.getElementType()))
    return im.error("LpPool needs a floating-point input");
  DLC_TRY(w, windowAttrs(im, xs.drop_front(2), im.attrInts("kernel_shape")));
  Type elem = xt.getElementType();
  double p = (double)im.attrInt("p", 2), window = 1;
  for (int64_t k : w.kernel)
    window *= k;
  Value a = graph::AbsOp::create(im.b, im.loc(), xt, x);
  if (p != 1)
    a = graph::PowOp::create(im.b, im.loc(), xt, a, im.scalar(elem, p));
  Value avg = graph::AvgPoolOp::create(im.b, im.loc(), type, a, w.kernel, w.strides, w.pads, w.dilations, true);
  Value y = graph::MulOp::create(im.b, im.loc(), type, avg, im.scalar(elem, window));
  if (p != 1)
    y = graph::PowOp::create(im.b, im.loc(), type, y, im.scalar(elem, 1 / p));
  im.setOutput(0, y);
  return Error::success();
}

/// LRN: x / (bias + alpha / size * (sum of x^2 over `size` neighbouring channels))^beta,
/// the channel sum as an average pool over a [N, 1, C, rest] view counting the pads.
Error lrn(Importer &im) {
  DLC_TRY(x, im.input(0));
  auto xt = Importer::typeOf(x);
  auto xs = xt.getShape();
  if (xs.size() < 3)
    return im.error("input " + shapeStr(xs) + " must have rank >= 3 (N x C x spatial...)");
  int64_t size = im.attrInt("size", 0);
  if (size < 1)
    return im.unsupportedAttr("size", llvm::Twine(size) + " (must be positive)");
  Type elem = xt.getElementType();
  int64_t rest = numElements(xs.drop_front(2));
  std::vector<int64_t> view{xs[0], 1, xs[1], rest};
  Value sq = graph::MulOp::create(im.b, im.loc(), xt, x, x);
  auto viewType = im.tensorType(view, elem);
  Value avg = graph::AvgPoolOp::create(im.b, im.loc(), viewType, im.reshape(sq, view), std::vector<int64_t>{size, 1},
                                       std::vector<int64_t>{1, 1},
                                       std::vector<int64_t>{(size - 1) / 2, 0, size / 2, 0},
                                       std::vector<int64_t>{1, 1}, true);
  avg = im.reshape(avg, xs);
  Value scale = graph::AddOp::create(im.b, im.loc(), xt, im.scalar(elem, im.attrFloat("bias", 1.0)),
                                     graph::MulOp::create(im.b, im.loc(), xt, avg,
                                                          im.scalar(elem, im.attrFloat("alpha", 1e-4))));
  scale = graph::PowOp::create(im.b, im.loc(), xt, scale, im.scalar(elem, im.attrFloat("beta", 0.75)));
  im.setOutput(0, graph::DivOp::create(im.b, im.loc(), xt, x, scale));
  return Error::success();
}

/// Col2Im: sums the columns [N, C * prod(block), L] back into an image [N, C, image...],
/// as a depthwise ConvTranspose whose kernel for column position p is one-hot at p.
Error col2im(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  DLC_TRY(imageC, im.constInput(1, "image_shape"));
  DLC_TRY(blockC, im.constInput(2, "block_shape"));
  std::vector<int64_t> image = imageC.toInts(), block = blockC.toInts();
  int64_t n = image.size();
  auto xs = Importer::typeOf(x).getShape();
  int64_t positions = numElements(block);
  if ((int64_t)block.size() != n || xs.size() != 3 || positions < 1 || xs[1] % positions)
    return im.error("input " + shapeStr(xs) + " does not hold columns of block " + shapeStr(block) + " for image " +
                    shapeStr(image));
  std::vector<int64_t> dilations = im.attrInts("dilations", std::vector<int64_t>(n, 1));
  std::vector<int64_t> strides = im.attrInts("strides", std::vector<int64_t>(n, 1));
  std::vector<int64_t> pads = im.attrInts("pads", std::vector<int64_t>(2 * n, 0));
  if ((int64_t)dilations.size() != n || (int64_t)strides.size() != n || (int64_t)pads.size() != 2 * n)
    return im.error("expects " + llvm::Twine(n) + " dilations and strides and " + llvm::Twine(2 * n) + " pads");
  int64_t channels = xs[1] / positions;
  std::vector<int64_t> blocks{xs[0], xs[1]}, outPad;
  int64_t total = 1;
  for (int64_t i = 0; i < n; ++i) {
    int64_t span = dilations[i] * (block[i] - 1) + 1;
    int64_t count = (image[i] + pads[i] + pads[i + n] - span) / strides[i] + 1;
    blocks.push_back(count);
    total *= count;
    outPad.push_back(image[i] - (strides[i] * (count - 1) + span - pads[i] - pads[i + n]));
  }
  if (total != xs[2])
    return im.error("the input has " + llvm::Twine(xs[2]) + " columns, but the image, block, strides and pads make " +
                    llvm::Twine(total));
  Type elem = type.getElementType();
  std::vector<int64_t> kernelShape{xs[1], 1};
  kernelShape.insert(kernelShape.end(), block.begin(), block.end());
  ConstTensor kernel = ConstTensor::zeros(onnx::TensorProto::FLOAT, kernelShape);
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t p = 0; p < positions; ++p)
      kernel.set((c * positions + p) * positions + p, 1.0);
  DLC_TRY(weight, im.constant(kernel));
  weight = graph::castTo(im.b, im.loc(), weight, elem);
  im.setOutput(0, graph::ConvTransposeOp::create(im.b, im.loc(), type, im.reshape(x, blocks), weight, Value(), strides,
                                                 pads, dilations, outPad, (uint64_t)channels));
  return Error::success();
}

template <bool isMax> Error globalPool(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  int64_t rank = Importer::typeOf(x).getRank();
  if (rank < 3)
    return im.error("input must have rank >= 3 (N x C x spatial...)");
  std::vector<int64_t> axes;
  for (int64_t i = 2; i < rank; ++i)
    axes.push_back(i);
  im.setOutput(0, graph::ReduceOp::create(im.b, im.loc(), type, x, isMax ? "max" : "mean", axes, true));
  return Error::success();
}

/// Imported in its inference form; train_step switches to batch statistics and updates
/// the running ones itself (dlc-build-train-step), so training_mode = 1 (what
/// torch.onnx.export writes for a model in train mode) is accepted while its running-stat
/// outputs are unused.
Error batchNorm(Importer &im) {
  for (int i = 1; i < im.numOutputs(); ++i)
    if (im.outputUsed(i))
      return im.error("unsupported: only output 0 is supported; output '" + im.node().output(i) + "' is used");
  DLC_TRY(x, im.input(0));
  DLC_TRY(scale, im.input(1));
  DLC_TRY(bias, im.input(2));
  DLC_TRY(mean, im.input(3, /*nonTrainable=*/true));
  DLC_TRY(var, im.input(4, /*nonTrainable=*/true));
  DLC_TRY(type, im.outputType(0));
  im.setOutput(0, graph::BatchNormOp::create(im.b, im.loc(), type, x, scale, bias, mean, var,
                                             llvm::APFloat(im.attrFloat("epsilon", 1e-5)),
                                             llvm::APFloat(im.attrFloat("momentum", 0.9))));
  return Error::success();
}

Error instanceNorm(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(scale, im.input(1));
  DLC_TRY(bias, im.input(2));
  DLC_TRY(type, im.outputType(0));
  im.setOutput(0, graph::InstanceNormOp::create(im.b, im.loc(), type, x, scale, bias,
                                                llvm::APFloat(im.attrFloat("epsilon", 1e-5))));
  return Error::success();
}

Error layerNorm(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(scale, im.input(1));
  Value bias;
  if (im.has(2)) {
    DLC_TRY(bv, im.input(2));
    bias = bv;
  }
  DLC_TRY(type, im.outputType(0));
  auto xt = Importer::typeOf(x);
  DLC_TRY(axis, im.normAxis(im.attrInt("axis", -1), xt.getRank(), "axis"));
  double eps = im.attrFloat("epsilon", 1e-5);
  im.setOutput(0, graph::LayerNormOp::create(im.b, im.loc(), type, x, scale, bias, im.b.getI64IntegerAttr(axis),
                                             im.b.getF64FloatAttr(eps)));
  if (!im.outputUsed(1) && !im.outputUsed(2))
    return Error::success();
  // Mean and InvStdDev (shape d0..d(axis-1) x 1 x ... x 1), computed separately.
  std::vector<int64_t> axes, statShape(xt.getShape().begin(), xt.getShape().end());
  for (int64_t i = axis; i < xt.getRank(); ++i) {
    axes.push_back(i);
    statShape[i] = 1;
  }
  Type elem = xt.getElementType();
  auto statType = im.tensorType(statShape, elem);
  Value mean = graph::ReduceOp::create(im.b, im.loc(), statType, x, "mean", axes, true);
  Value centered = graph::SubOp::create(im.b, im.loc(), xt, x, mean);
  Value sq = graph::MulOp::create(im.b, im.loc(), xt, centered, centered);
  Value var = graph::ReduceOp::create(im.b, im.loc(), statType, sq, "mean", axes, true);
  Value varEps = graph::AddOp::create(im.b, im.loc(), statType, var, im.scalar(elem, eps));
  Value inv = graph::ReciprocalOp::create(im.b, im.loc(), statType,
                                          graph::SqrtOp::create(im.b, im.loc(), statType, varEps));
  Value stats[2] = {mean, inv};
  for (int i = 1; i <= 2; ++i) {
    if (!im.outputUsed(i))
      continue;
    DLC_TRY(t, im.outputType(i));
    Value v = stats[i - 1];
    if (Importer::typeOf(v) != t)
      v = graph::CastOp::create(im.b, im.loc(), t, v);
    im.setOutput(i, v);
  }
  return Error::success();
}

} // namespace

void addNNConverters(ConverterMap &m) {
  m["Gemm"] = gemm;
  m["MatMul"] = matmul;
  m["Conv"] = conv;
  m["ConvTranspose"] = convTranspose;
  m["MaxPool"] = pool<true>;
  m["AveragePool"] = pool<false>;
  m["LpPool"] = lpPool;
  m["LRN"] = lrn;
  m["Col2Im"] = col2im;
  m["GlobalMaxPool"] = globalPool<true>;
  m["GlobalAveragePool"] = globalPool<false>;
  m["BatchNormalization"] = batchNorm;
  m["InstanceNormalization"] = instanceNorm;
  m["LayerNormalization"] = layerNorm;
}

} // namespace dlc::onnx_frontend::detail
