// Resize (and Upsample, which the version converter turns into Resize): every mode,
// coordinate transformation and nearest rounding of Resize-19, separable one axis at a
// time as ONNX's reference computes it. All positions are known at import (static
// shapes), so each axis becomes constant data: nearest is a Gather of source indices,
// linear and cubic (with antialias, exclude_outside, edge clamping) an [out, in]
// interpolation matrix applied with a MatMul. Both are graph ops with gradient rules, so
// a U-Net's bilinear upsampling trains. Whole-factor nearest upsampling stays a broadcast.
#include "frontends/onnx/ImporterContext.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace dlc::onnx_frontend::detail {
namespace {

struct AxisPlan {
  int64_t in = 0, out = 0;
  double scale = 1; // output_width / input_width, as the reference uses it
};

/// The source coordinate of output position y (Resize-19's coordinate_transformation_mode).
double sourceCoordinate(const std::string &mode, double y, const AxisPlan &a, double roiStart, double roiEnd) {
  double outWidth = a.scale * a.in;
  if (mode == "align_corners")
    return outWidth == 1 ? 0.0 : y * (a.in - 1) / (outWidth - 1);
  if (mode == "asymmetric")
    return y / a.scale;
  if (mode == "tf_crop_and_resize")
    return (outWidth == 1 ? (roiEnd - roiStart) * (a.in - 1) / 2 : y * (roiEnd - roiStart) * (a.in - 1) / (outWidth - 1)) +
           roiStart * (a.in - 1);
  if (mode == "pytorch_half_pixel")
    return outWidth == 1 ? -0.5 : (y + 0.5) / a.scale - 0.5;
  if (mode == "half_pixel_symmetric") {
    double adjustment = a.out / outWidth, center = a.in / 2.0;
    return center * (1 - adjustment) + (y + 0.5) / a.scale - 0.5;
  }
  return (y + 0.5) / a.scale - 0.5; // half_pixel
}

double cubic(double x, double A) {
  x = std::fabs(x);
  if (x <= 1)
    return ((A + 2) * x - (A + 3)) * x * x + 1;
  if (x < 2)
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return 0;
}

/// The tap weights for the fraction `ratio` in (0, 1] (ONNX's reference coefficient functions).
std::vector<double> coefficients(const std::string &mode, const std::string &nearestMode, double ratio, double scale,
                                 double A, bool antialias) {
  if (mode == "nearest") {
    if (ratio == std::floor(ratio))
      return {0, 1};
    if (nearestMode == "round_prefer_ceil")
      return {double(ratio < 0.5), double(ratio >= 0.5)};
    if (nearestMode == "floor")
      return {1, 0};
    if (nearestMode == "ceil")
      return {0, 1};
    return {double(ratio <= 0.5), double(ratio > 0.5)}; // round_prefer_floor
  }
  std::vector<double> c;
  if (antialias && scale < 1) { // a wider kernel when downsampling
    int64_t start = (int64_t)std::floor((mode == "linear" ? -1 : -2) / scale) + 1;
    int64_t end = (mode == "linear" ? 1 : 2) - start + (mode == "linear" ? 1 : 0);
    for (int64_t i = start; i < end; ++i) {
      double x = (i - ratio) * scale;
      c.push_back(mode == "linear" ? std::clamp(1 - std::fabs(x), 0.0, 1.0) : cubic(x, A));
    }
    double sum = std::accumulate(c.begin(), c.end(), 0.0);
    for (double &v : c)
      v /= sum;
    return c;
  }
  if (mode == "linear")
    return {1 - ratio, ratio};
  return {cubic(ratio + 1, A), cubic(ratio, A), cubic(1 - ratio, A), cubic(2 - ratio, A)};
}

/// One axis: for each output position, its taps as (clamped source index, weight), and
/// whether it lies outside the crop (tf_crop_and_resize's extrapolation).
struct AxisTaps {
  std::vector<std::vector<std::pair<int64_t, double>>> taps;
  std::vector<bool> extrapolated;
  bool anyExtrapolated() const { return std::find(extrapolated.begin(), extrapolated.end(), true) != extrapolated.end(); }
};

AxisTaps axisTaps(const std::string &mode, const std::string &coord, const std::string &nearestMode, const AxisPlan &a,
                  double roiStart, double roiEnd, double A, bool antialias, bool excludeOutside) {
  AxisTaps t;
  for (int64_t y = 0; y < a.out; ++y) {
    double x = sourceCoordinate(coord, y, a, roiStart, roiEnd);
    t.extrapolated.push_back(coord == "tf_crop_and_resize" && (x < 0 || x > a.in - 1));
    double ratio = x == std::floor(x) ? 1.0 : x - std::floor(x);
    std::vector<double> c = coefficients(mode, nearestMode, ratio, a.scale, A, antialias);
    int64_t n = c.size(), pad = (n + 1) / 2;
    double xp = x + pad;
    int64_t p = (int64_t)std::floor(xp);
    double frac = xp - p;
    // The n indices nearest to x, ties to the smaller (the reference's neighbour choice).
    int64_t start = n % 2 == 0 ? p + (frac == 0 ? -(n / 2) : -(n / 2) + 1)
                               : p + (frac <= 0.5 ? -((n - 1) / 2) : -((n - 1) / 2) + 1);
    std::vector<int64_t> idx(n);
    for (int64_t k = 0; k < n; ++k)
      idx[k] = start + k - pad;
    if (excludeOutside) {
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) {
        if (idx[k] < 0 || idx[k] >= a.in)
          c[k] = 0;
        sum += c[k];
      }
      for (double &v : c)
        v /= sum == 0 ? 1 : sum;
    }
    std::vector<std::pair<int64_t, double>> row;
    for (int64_t k = 0; k < n; ++k)
      row.push_back({std::clamp<int64_t>(idx[k], 0, a.in - 1), c[k]});
    t.taps.push_back(std::move(row));
  }
  return t;
}

int32_t onnxFloatType(Type t) {
  if (t.isF64())
    return onnx::TensorProto::DOUBLE;
  if (t.isF16())
    return onnx::TensorProto::FLOAT16;
  if (t.isBF16())
    return onnx::TensorProto::BFLOAT16;
  return onnx::TensorProto::FLOAT;
}

/// Resizes `x` along `axis` by the taps: a Gather for nearest, else a MatMul with the
/// interpolation matrix on the axis moved last; extrapolated positions become `fill`.
Expected<Value> resizeAxis(Importer &im, Value x, int64_t axis, const AxisTaps &t, bool nearest, double fill) {
  auto xt = Importer::typeOf(x);
  Type elem = xt.getElementType();
  std::vector<int64_t> shape(xt.getShape());
  int64_t in = shape[axis], out = t.taps.size();
  shape[axis] = out;
  Value y;
  if (nearest) {
    std::vector<int64_t> idx;
    for (const auto &row : t.taps)
      for (const auto &[i, w] : row)
        if (w != 0) {
          idx.push_back(i);
          break;
        }
    DLC_TRY(indices, im.constant(ConstTensor::ofInts(onnx::TensorProto::INT64, {out}, idx)));
    y = graph::GatherOp::create(im.b, im.loc(), im.tensorType(shape, elem), x, indices, im.b.getI64IntegerAttr(axis));
  } else {
    std::vector<double> wt(in * out, 0.0); // [in, out]: the transposed interpolation matrix
    for (int64_t o = 0; o < out; ++o)
      if (!t.extrapolated[o])
        for (const auto &[i, w] : t.taps[o])
          wt[i * out + o] += w;
    DLC_TRY(w, im.constant(ConstTensor::ofFloats(onnxFloatType(elem), {in, out}, wt)));
    int64_t rank = xt.getRank();
    std::vector<int64_t> perm(rank);
    std::iota(perm.begin(), perm.end(), 0);
    perm.erase(perm.begin() + axis);
    perm.push_back(axis);
    Value moved = axis == rank - 1 ? x : im.transpose(x, perm);
    std::vector<int64_t> movedShape;
    for (int64_t p : perm)
      movedShape.push_back(xt.getDimSize(p));
    int64_t rows = std::accumulate(movedShape.begin(), movedShape.end() - 1, int64_t(1), std::multiplies<>());
    Value flat = im.reshape(moved, {rows, in});
    y = graph::MatMulOp::create(im.b, im.loc(), im.tensorType({rows, out}, elem), flat, w);
    movedShape.back() = out;
    y = im.reshape(y, movedShape);
    if (axis != rank - 1) {
      std::vector<int64_t> inverse(rank);
      for (int64_t k = 0; k < rank; ++k)
        inverse[perm[k]] = k;
      y = im.transpose(y, inverse);
    }
  }
  if (fill != 0 && t.anyExtrapolated()) {
    std::vector<int64_t> maskShape(shape.size(), 1);
    maskShape[axis] = out;
    std::vector<double> add;
    for (bool e : t.extrapolated)
      add.push_back(e ? fill : 0.0);
    DLC_TRY(a, im.constant(ConstTensor::ofFloats(onnxFloatType(elem), maskShape, add)));
    y = graph::AddOp::create(im.b, im.loc(), im.tensorType(shape, elem), y, a);
  }
  return y;
}

/// Whole-factor nearest upsampling under the coordinate modes where it is a plain repeat:
/// interleave size-1 axes, broadcast them to the factors, reshape.
std::optional<Value> repeatUpsample(Importer &im, Value x, RankedTensorType type, const std::string &coord,
                                    const std::string &nearestMode) {
  bool repeat = (coord == "asymmetric" && nearestMode == "floor") ||
                ((coord == "half_pixel" || coord == "pytorch_half_pixel") && nearestMode != "floor" &&
                 nearestMode != "ceil");
  auto in = Importer::typeOf(x).getShape();
  auto out = type.getShape();
  std::vector<int64_t> interleaved, ones;
  for (size_t i = 0; i < in.size() && repeat; ++i) {
    repeat = in[i] > 0 && out[i] % in[i] == 0 && out[i] >= in[i];
    ones.push_back(in[i]);
    ones.push_back(1);
    interleaved.push_back(in[i]);
    interleaved.push_back(in[i] ? out[i] / in[i] : 0);
  }
  if (!repeat)
    return std::nullopt;
  Value y = im.reshape(x, ones);
  if (ones != interleaved)
    y = graph::BroadcastOp::create(im.b, im.loc(), im.tensorType(interleaved, type.getElementType()), y);
  return im.reshape(y, std::vector<int64_t>(out.begin(), out.end()));
}

Error resize(Importer &im) {
  DLC_TRY(x, im.input(0));
  // Resize-13+: X, roi, scales, sizes (Upsample is converted to Resize before import).
  std::optional<ConstTensor> roi, scales, sizes;
  for (int k : {1, 2, 3}) {
    if (!im.has(k))
      continue;
    DLC_TRY(c, im.constInput(k, k == 1 ? "roi" : k == 2 ? "scales" : "sizes"));
    if (c.size() == 0)
      continue;
    (k == 1 ? roi : k == 2 ? scales : sizes) = std::move(c);
  }
  DLC_TRY(type, im.outputType(0));
  auto in = Importer::typeOf(x).getShape();
  auto out = type.getShape();
  int64_t rank = in.size();
  if ((int64_t)out.size() != rank)
    return im.error("result rank differs from the input's");
  std::string mode = im.attrString("mode", "nearest");
  std::string coord = im.attrString("coordinate_transformation_mode", "half_pixel");
  std::string nearestMode = im.attrString("nearest_mode", "round_prefer_floor");
  std::string policy = im.attrString("keep_aspect_ratio_policy", "stretch");
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return im.unsupportedAttr("mode", "'" + mode + "'");
  static const char *coords[] = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                                 "asymmetric", "tf_crop_and_resize"};
  if (std::find(std::begin(coords), std::end(coords), coord) == std::end(coords))
    return im.unsupportedAttr("coordinate_transformation_mode", "'" + coord + "'");
  if (mode != "nearest" && !isa<FloatType>(Importer::typeOf(x).getElementType()))
    return im.unsupportedAttr("mode", "'" + mode + "' on integer data");

  std::vector<int64_t> axes = im.attrInts("axes");
  if (axes.empty()) {
    axes.resize(rank);
    std::iota(axes.begin(), axes.end(), 0);
  }
  for (int64_t &a : axes) {
    DLC_TRY(n, im.normAxis(a, rank, "axes"));
    a = n;
  }
  std::vector<AxisPlan> plan(rank);
  std::vector<double> roiStart(rank, 0.0), roiEnd(rank, 1.0);
  for (int64_t d = 0; d < rank; ++d)
    plan[d] = {in[d], out[d], in[d] ? double(out[d]) / in[d] : 1.0};
  if (scales) {
    if (scales->size() != (int64_t)axes.size())
      return im.error("scales has " + llvm::Twine(scales->size()) + " values for " + llvm::Twine(axes.size()) + " axes");
    for (size_t i = 0; i < axes.size(); ++i)
      plan[axes[i]].scale = scales->getDouble(i);
  } else if (sizes && policy != "stretch") {
    double s = policy == "not_larger" ? INFINITY : 0.0;
    for (size_t i = 0; i < axes.size(); ++i) {
      double r = sizes->getDouble(i) / in[axes[i]];
      s = policy == "not_larger" ? std::min(s, r) : std::max(s, r);
    }
    for (int64_t a : axes)
      plan[a].scale = s;
  }
  if (roi && coord == "tf_crop_and_resize") {
    if (roi->size() != 2 * (int64_t)axes.size())
      return im.error("roi has " + llvm::Twine(roi->size()) + " values for " + llvm::Twine(axes.size()) + " axes");
    for (size_t i = 0; i < axes.size(); ++i) {
      roiStart[axes[i]] = roi->getDouble(i);
      roiEnd[axes[i]] = roi->getDouble(axes.size() + i);
    }
  }
  if (mode == "nearest" && coord != "tf_crop_and_resize")
    if (auto y = repeatUpsample(im, x, type, coord, nearestMode)) {
      im.setOutput(0, *y);
      return Error::success();
    }

  double A = im.attrFloat("cubic_coeff_a", -0.75), fill = im.attrFloat("extrapolation_value", 0.0);
  bool antialias = im.attrInt("antialias", 0) != 0, excludeOutside = im.attrInt("exclude_outside", 0) != 0;
  Value y = x;
  for (int64_t d : axes) {
    const AxisPlan &a = plan[d];
    bool identity = a.in == a.out && std::fabs(a.scale - 1) < 1e-12 &&
                    (coord != "tf_crop_and_resize" || (roiStart[d] == 0 && roiEnd[d] == 1));
    if (identity)
      continue;
    if (a.in == 0 || a.out == 0)
      return im.unsupportedAttr("scales", "giving " + shapeStr(out) + " from " + shapeStr(in) + " (empty axis)");
    AxisTaps taps = axisTaps(mode, coord, nearestMode, a, roiStart[d], roiEnd[d], A, antialias, excludeOutside);
    if (mode == "nearest" && fill != 0 && !isa<FloatType>(Importer::typeOf(x).getElementType()) &&
        taps.anyExtrapolated())
      return im.unsupportedAttr("extrapolation_value", "on integer data");
    DLC_TRY(r, resizeAxis(im, y, d, taps, mode == "nearest", fill));
    y = r;
  }
  if (Importer::typeOf(y) != type)
    return im.error("resized to " + shapeStr(Importer::typeOf(y).getShape()) + ", but shape inference gives " +
                    shapeStr(out));
  im.setOutput(0, y);
  return Error::success();
}

} // namespace

void addResizeConverters(ConverterMap &m) {
  m["Resize"] = resize;
  m["Upsample"] = resize;
}

} // namespace dlc::onnx_frontend::detail
