// Linear quantization as graph compositions: DequantizeLinear, QuantizeLinear (per tensor,
// per axis and blocked; integer and 8-bit float targets) and QLinearMatMul. The integer
// arithmetic runs in f32 (f64 for f64 inputs), where the values ONNX's reference computes
// in int32 are exact.
#include "frontends/onnx/ImporterContext.h"

#include "dialects/Graph/GraphBuilders.h"


using namespace mlir;

namespace dlc::onnx_frontend::detail {

namespace {

/// The element type the arithmetic runs in: f64 for f64 values, else f32.
Type computeType(Importer &im, Type elem) {
  return elem.isF64() ? (Type)im.b.getF64Type() : (Type)im.b.getF32Type();
}

/// A scale or zero point brought to a shape that broadcasts against `x`'s: per tensor
/// (one element) as a scalar, per axis (rank 1) along `axis`, blocked (x's rank, `block`
/// elements of x per element along `axis`) repeated and cut to x's extent.
Expected<Value> alignToInput(Importer &im, Value param, ArrayRef<int64_t> xShape, int64_t axis, int64_t block,
                             StringRef what) {
  auto type = Importer::typeOf(param);
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = xShape.size();
  if (type.getNumElements() == 1 && block == 0)
    return im.reshape(param, {});
  // The axis matters (and must be in range) only for per-axis and blocked parameters.
  DLC_TRY(normalized, im.normAxis(axis, rank, "axis"));
  axis = normalized;
  if (block == 0) {
    if (shape.size() != 1 || rank == 0 || shape[0] != xShape[axis])
      return im.error(what + " has shape " + shapeStr(shape) + ": per-axis quantization along axis " +
                      llvm::Twine(axis) + " needs " + llvm::Twine(rank ? xShape[axis] : 0) + " elements");
    std::vector<int64_t> aligned(rank, 1);
    aligned[axis] = shape[0];
    return im.reshape(param, aligned);
  }
  if ((int64_t)shape.size() != rank)
    return im.error(what + " has rank " + llvm::Twine(shape.size()) + "; blocked quantization needs the input's rank " +
                    llvm::Twine(rank));
  for (int64_t d = 0; d < rank; ++d) {
    bool ok = d == axis ? shape[d] == (xShape[d] + block - 1) / block : shape[d] == xShape[d];
    if (!ok)
      return im.error(what + " has shape " + shapeStr(shape) + ", which does not block input shape " +
                      shapeStr(xShape) + " by " + llvm::Twine(block) + " along axis " + llvm::Twine(axis));
  }
  std::vector<int64_t> split(shape.begin(), shape.end()), repeated, joined(shape.begin(), shape.end());
  split.insert(split.begin() + axis + 1, 1);
  repeated = split;
  repeated[axis + 1] = block;
  joined[axis] = shape[axis] * block;
  Value v = graph::broadcastTo(im.b, im.loc(), im.reshape(param, split), repeated);
  v = im.reshape(v, joined);
  if (joined[axis] != xShape[axis]) {
    std::vector<int64_t> starts(rank, 0), steps(rank, 1);
    v = graph::SliceOp::create(im.b, im.loc(), im.tensorType(xShape, type.getElementType()), v,
                               im.b.getDenseI64ArrayAttr(starts), im.b.getDenseI64ArrayAttr(steps));
  }
  return v;
}

struct QuantParams {
  Value scale, zeroPoint; // aligned to the input; zeroPoint null when absent
};

Expected<QuantParams> quantParams(Importer &im, ArrayRef<int64_t> xShape) {
  int64_t rank = xShape.size();
  int64_t axis = im.attrInt("axis", 1);
  int64_t block = im.attrInt("block_size", 0);
  if (block < 0)
    return im.unsupportedAttr("block_size", llvm::Twine(block) + " (must be positive)");
  QuantParams p;
  DLC_TRY(scale, im.input(1, /*nonTrainable=*/true));
  DLC_TRY(s, alignToInput(im, scale, xShape, axis, block, "the scale"));
  p.scale = s;
  if (im.has(2)) {
    DLC_TRY(zp, im.input(2, /*nonTrainable=*/true));
    DLC_TRY(z, alignToInput(im, zp, xShape, axis, block, "the zero point"));
    p.zeroPoint = z;
  }
  return p;
}

/// y = (x - zero_point) * scale, in the scale's type (or output_dtype's).
Error dequantizeLinear(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  auto xShape = Importer::typeOf(x).getShape();
  DLC_TRY(p, quantParams(im, xShape));
  Type compute = computeType(im, type.getElementType());
  Value v = graph::castTo(im.b, im.loc(), x, compute);
  if (p.zeroPoint)
    v = graph::sub(im.b, im.loc(), v, graph::castTo(im.b, im.loc(), p.zeroPoint, compute));
  v = graph::mul(im.b, im.loc(), v, graph::castTo(im.b, im.loc(), p.scale, compute));
  im.setOutput(0, graph::castTo(im.b, im.loc(), v, type.getElementType()));
  return Error::success();
}

/// round_half_even(v) + zero_point, saturated to the integer target's range; an 8-bit
/// float target is a (saturating unless saturate=0) cast of v.
Value quantizeValue(Importer &im, Value v, Value zeroPoint, RankedTensorType type) {
  Type elem = type.getElementType();
  Type compute = Importer::typeOf(v).getElementType();
  auto shaped = [&](Value like) { return im.tensorType(Importer::typeOf(like).getShape(), elem); };
  if (isa<FloatType>(elem)) {
    v = saturateFor(im, v, elem);
    return graph::CastOp::create(im.b, im.loc(), shaped(v), v);
  }
  v = graph::unary<graph::RoundOp>(im.b, im.loc(), v);
  if (zeroPoint)
    v = graph::add(im.b, im.loc(), v, graph::castTo(im.b, im.loc(), zeroPoint, compute));
  unsigned bits = elem.getIntOrFloatBitWidth();
  bool isUnsigned = elem.isUnsignedInteger();
  double lo = isUnsigned ? 0 : -std::ldexp(1.0, bits - 1);
  double hi = isUnsigned ? std::ldexp(1.0, bits) - 1 : std::ldexp(1.0, bits - 1) - 1;
  v = graph::ClipOp::create(im.b, im.loc(), Importer::typeOf(v), v, im.b.getF64FloatAttr(lo), im.b.getF64FloatAttr(hi));
  return graph::CastOp::create(im.b, im.loc(), shaped(v), v);
}

/// y = saturate(round_half_even(x / scale) + zero_point).
Error quantizeLinear(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  auto xShape = Importer::typeOf(x).getShape();
  DLC_TRY(p, quantParams(im, xShape));
  Type compute = computeType(im, Importer::typeOf(x).getElementType());
  Value v = graph::div(im.b, im.loc(), graph::castTo(im.b, im.loc(), x, compute),
                       graph::castTo(im.b, im.loc(), p.scale, compute));
  im.setOutput(0, quantizeValue(im, v, p.zeroPoint, type));
  return Error::success();
}

/// QLinearMatMul: ((a - a_zp) @ (b - b_zp)) * (a_scale * b_scale / y_scale), quantized
/// with y_zp. The scales and zero points are per tensor or per row of a / column of b.
Error qlinearMatMul(Importer &im) {
  DLC_TRY(a, im.input(0));
  DLC_TRY(b, im.input(3));
  DLC_TRY(type, im.outputType(0));
  Type f32 = im.b.getF32Type();
  auto operand = [&](Value q, int scaleIn, int zpIn) -> Expected<std::pair<Value, Value>> {
    DLC_TRY(scale, im.input(scaleIn, true));
    DLC_TRY(zp, im.input(zpIn, true));
    Value v = graph::sub(im.b, im.loc(), graph::castTo(im.b, im.loc(), q, f32), graph::castTo(im.b, im.loc(), zp, f32));
    return std::make_pair(v, graph::castTo(im.b, im.loc(), scale, f32));
  };
  DLC_TRY(av, operand(a, 1, 2));
  DLC_TRY(bv, operand(b, 4, 5));
  DLC_TRY(yScale, im.input(6, true));
  DLC_TRY(yZp, im.input(7, true));
  auto aShape = Importer::typeOf(a).getShape(), bShape = Importer::typeOf(b).getShape();
  // Per-row a scales ([M]) and per-column b scales ([N]) broadcast as [M, 1] and [N].
  Value aScale = av.second, bScale = bv.second;
  if (Importer::typeOf(aScale).getNumElements() > 1)
    aScale = im.reshape(aScale, {aShape[aShape.size() - 2], 1});
  if (Importer::typeOf(bScale).getNumElements() > 1)
    bScale = im.reshape(bScale, {bShape.back()});
  auto outShape = type.getShape();
  Value product =
      graph::MatMulOp::create(im.b, im.loc(), im.tensorType(outShape, f32), av.first, bv.first);
  Value scale = graph::div(im.b, im.loc(), graph::mul(im.b, im.loc(), aScale, bScale),
                           graph::castTo(im.b, im.loc(), yScale, f32));
  Value v = graph::mul(im.b, im.loc(), product, scale);
  im.setOutput(0, quantizeValue(im, v, yZp, type));
  return Error::success();
}

} // namespace

void addQuantizationConverters(ConverterMap &m) {
  m["DequantizeLinear"] = dequantizeLinear;
  m["QuantizeLinear"] = quantizeLinear;
  m["QLinearMatMul"] = qlinearMatMul;
}

} // namespace dlc::onnx_frontend::detail
