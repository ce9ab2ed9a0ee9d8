// DFT (opsets 17-20) and STFT as matrix products with constant cosine and sine tables, the
// way small transforms run fastest on a CPU anyway: [..., N] @ [N, K] per real and imaginary
// part. Forward and inverse, complex and real input, onesided output (rfft) and the
// onesided inverse (irfft, Hermitian spectrum to real signal).
#include "frontends/onnx/ImporterContext.h"

#include "dialects/Graph/GraphBuilders.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx_frontend::detail {

namespace {

struct Spectrum {
  bool inverse = false, onesided = false;
  int64_t length = 0; // the transform's N (dft_length, else the signal's)
};

/// [..., L, c] with the signal on the second-to-last axis (c = 1 real, 2 complex) ->
/// [..., K, 2], or [..., N, 1] for the onesided inverse.
Expected<Value> transformLastAxis(Importer &im, Value x, const Spectrum &s) {
  OpBuilder &b = im.b;
  Location l = im.loc();
  auto xt = Importer::typeOf(x);
  auto shape = xt.getShape();
  int64_t rank = shape.size(), in = shape[rank - 2], n = s.length;
  Type elem = xt.getElementType();
  bool complexIn = shape.back() == 2;
  if (shape.back() != 1 && shape.back() != 2)
    return im.error("the input's last axis must be 1 (real) or 2 (complex), got " + llvm::Twine(shape.back()));
  bool irfft = s.inverse && s.onesided;
  // The length the tables read: the onesided inverse reads the half spectrum as given.
  int64_t rows = irfft ? in : n;
  int64_t cols = irfft ? n : (s.onesided ? n / 2 + 1 : n);
  std::vector<int64_t> lead(shape.begin(), shape.end() - 2);
  auto part = [&](int64_t k) -> Value {
    std::vector<int64_t> size = lead;
    size.push_back(in);
    size.push_back(1);
    std::vector<int64_t> starts(rank, 0), steps(rank, 1);
    starts[rank - 1] = k;
    Value v = graph::SliceOp::create(b, l, im.tensorType(size, elem), x, b.getDenseI64ArrayAttr(starts),
                                     b.getDenseI64ArrayAttr(steps));
    size.pop_back();
    v = im.reshape(v, size);
    if (in == rows)
      return v;
    // Fit the signal to N: cut, or pad with zeros at the end.
    std::vector<int64_t> fitted = size;
    fitted.back() = rows;
    if (in > rows) {
      std::vector<int64_t> s0(size.size(), 0), st(size.size(), 1);
      return graph::SliceOp::create(b, l, im.tensorType(fitted, elem), v, b.getDenseI64ArrayAttr(s0),
                                    b.getDenseI64ArrayAttr(st));
    }
    std::vector<int64_t> pads(2 * size.size(), 0);
    pads[2 * size.size() - 1] = rows - in;
    return graph::PadOp::create(b, l, im.tensorType(fitted, elem), v, pads, "constant", llvm::APFloat(0.0));
  };
  Value re = part(0), imag = complexIn ? part(1) : Value();
  // cos and sin of 2 pi j k / N, [rows, cols], scaled by 1/N for the inverse; the onesided
  // inverse counts each bin but DC and Nyquist twice (its conjugate is not stored).
  std::vector<double> cosT(rows * cols), sinT(rows * cols);
  for (int64_t j = 0; j < rows; ++j)
    for (int64_t k = 0; k < cols; ++k) {
      double angle = 2 * M_PI * (double)((j * k) % n) / (double)n;
      double scale = s.inverse ? 1.0 / n : 1.0;
      if (irfft && j != 0 && !(n % 2 == 0 && j == n / 2))
        scale *= 2;
      cosT[j * cols + k] = std::cos(angle) * scale;
      sinT[j * cols + k] = std::sin(angle) * scale;
    }
  auto table = [&](std::vector<double> values) -> Expected<Value> {
    DLC_TRY(t, im.constant(ConstTensor::ofFloats(onnx::TensorProto::DOUBLE, {rows, cols}, std::move(values))));
    return graph::castTo(b, l, t, elem);
  };
  DLC_TRY(cosM, table(cosT));
  DLC_TRY(sinM, table(sinT));
  std::vector<int64_t> outShape = lead;
  outShape.push_back(cols);
  auto product = [&](Value v, Value m) -> Value {
    return graph::MatMulOp::create(b, l, im.tensorType(outShape, elem), v, m);
  };
  // forward: (re + i im)(cos - i sin); inverse: (re + i im)(cos + i sin).
  double sign = s.inverse ? -1 : 1;
  Value outRe = product(re, cosM), outIm;
  Value reSin = product(re, sinM);
  if (imag) {
    Value imSin = product(imag, sinM);
    outRe = graph::add(b, l, outRe, graph::mul(b, l, imSin, graph::scalar(b, l, imSin, sign)));
    outIm = graph::sub(b, l, product(imag, cosM), graph::mul(b, l, reSin, graph::scalar(b, l, reSin, sign)));
  } else {
    outIm = graph::mul(b, l, reSin, graph::scalar(b, l, reSin, -sign));
  }
  std::vector<int64_t> onePart = outShape;
  onePart.push_back(1);
  if (irfft)
    return im.reshape(outRe, onePart);
  std::vector<int64_t> bothParts = outShape;
  bothParts.push_back(2);
  return (Value)graph::ConcatOp::create(b, l, im.tensorType(bothParts, elem),
                                        ValueRange{im.reshape(outRe, onePart), im.reshape(outIm, onePart)},
                                        b.getI64IntegerAttr(rank - 1));
}

/// The permutation that swaps axes a and b.
std::vector<int64_t> swapAxes(int64_t rank, int64_t a, int64_t bAxis) {
  std::vector<int64_t> perm(rank);
  for (int64_t d = 0; d < rank; ++d)
    perm[d] = d;
  std::swap(perm[a], perm[bAxis]);
  return perm;
}

Error dft(Importer &im) {
  DLC_TRY(x, im.input(0));
  int64_t rank = Importer::typeOf(x).getRank();
  // DFT-20's form (every model is converted to it): the axis is input 2, default 1.
  int64_t axis = 1;
  if (im.has(2)) {
    DLC_TRY(a, im.constInput(2, "axis"));
    if (a.size() != 1)
      return im.error("axis must be a scalar");
    axis = a.getInt(0);
  }
  // The signal axes are all but the last (the real/complex pair).
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank - 1)
    return im.error("axis " + llvm::Twine(axis) + " is not a signal axis of an input of rank " + llvm::Twine(rank));
  Spectrum s;
  s.inverse = im.attrInt("inverse", 0) != 0;
  s.onesided = im.attrInt("onesided", 0) != 0;
  int64_t given = Importer::typeOf(x).getDimSize(axis);
  s.length = s.inverse && s.onesided ? 2 * (given - 1) : given;
  if (im.has(1)) {
    DLC_TRY(len, im.constInput(1, "dft_length"));
    if (len.size() != 1 || len.getInt(0) < 1)
      return im.error("dft_length must be a positive scalar");
    s.length = len.getInt(0);
  }
  auto perm = swapAxes(rank, axis, rank - 2);
  Value moved = axis == rank - 2 ? x : im.transpose(x, perm);
  DLC_TRY(y, transformLastAxis(im, moved, s));
  im.setOutput(0, axis == rank - 2 ? y : im.transpose(y, perm));
  return Error::success();
}

/// STFT: frames of frame_length every frame_step samples, times the window, each
/// transformed (onesided by default).
Error stft(Importer &im) {
  DLC_TRY(signal, im.input(0));
  DLC_TRY(type, im.outputType(0));
  DLC_TRY(stepC, im.constInput(1, "frame_step"));
  auto st = Importer::typeOf(signal);
  auto shape = st.getShape();
  if (shape.size() != 3)
    return im.error("the signal must be [batch, length, 1 or 2], got " + shapeStr(shape));
  int64_t step = stepC.getInt(0), frameLength = 0;
  Value window;
  if (im.has(2)) {
    DLC_TRY(w, im.input(2, /*nonTrainable=*/true));
    window = w;
    frameLength = Importer::typeOf(w).getDimSize(0);
  }
  if (im.has(3)) {
    DLC_TRY(fl, im.constInput(3, "frame_length"));
    frameLength = fl.getInt(0);
  }
  if (step < 1 || frameLength < 1 || frameLength > shape[1])
    return im.error("frame_step " + llvm::Twine(step) + " and frame_length " + llvm::Twine(frameLength) +
                    " do not frame a signal of length " + llvm::Twine(shape[1]));
  int64_t frames = (shape[1] - frameLength) / step + 1;
  std::vector<int64_t> positions;
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t k = 0; k < frameLength; ++k)
      positions.push_back(f * step + k);
  DLC_TRY(indices, im.constant(ConstTensor::ofInts(onnx::TensorProto::INT64, {frames, frameLength}, positions)));
  Type elem = st.getElementType();
  Value framed = graph::GatherOp::create(im.b, im.loc(), im.tensorType({shape[0], frames, frameLength, shape[2]}, elem),
                                         signal, indices, im.b.getI64IntegerAttr(1));
  if (window)
    framed = graph::mul(im.b, im.loc(), framed,
                        im.reshape(graph::castTo(im.b, im.loc(), window, elem), {frameLength, 1}));
  Spectrum s;
  s.onesided = im.attrInt("onesided", 1) != 0;
  s.length = frameLength;
  DLC_TRY(y, transformLastAxis(im, framed, s));
  im.setOutput(0, im.reshape(y, type.getShape()));
  return Error::success();
}

} // namespace

void addSpectralConverters(ConverterMap &m) {
  m["DFT"] = dft;
  m["STFT"] = stft;
}

} // namespace dlc::onnx_frontend::detail
