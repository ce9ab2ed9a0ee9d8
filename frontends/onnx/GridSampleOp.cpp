// GridSample (opsets 16-22): X [N, C, D1..Dr] sampled at the grid [N, O1..Oo, r] of
// normalized coordinates (the last spatial axis first), nearest, linear or cubic, with
// zeros, border or reflection padding, for any number r of spatial axes. As in ONNX's
// reference, each axis has its taps (1, 2 or 4 indices with weights); the output is the
// sum over every combination of taps of the weights' product times the element the
// indices name, which a GatherElements reads from X viewed as [N, C, D1*...*Dr].
#include "frontends/onnx/ImporterContext.h"

#include "dialects/Graph/GraphBuilders.h"

using namespace mlir;

namespace dlc::onnx_frontend::detail {

namespace {

struct Tap {
  Value index;  // [N, O...] int64, within [0, extent)
  Value weight; // [N, O...] in X's type, 0 where zeros padding reads outside
};

class GridSampler {
public:
  GridSampler(Importer &im, std::string padding, bool alignCorners)
      : im_(im), b_(im.b), l_(im.loc()), padding_(std::move(padding)), align_(alignCorners) {}

  /// The taps of one axis of `extent` elements for the normalized coordinates `g`.
  std::vector<Tap> taps(Value g, int64_t extent, const std::string &mode) {
    double lo = align_ ? 0 : -0.5, hi = align_ ? extent - 1 : extent - 0.5;
    Value x = align_ ? mul(add(g, 1), (extent - 1) / 2.0) : div(sub(mul(add(g, 1), extent), 1), 2);
    if (mode == "nearest")
      x = graph::unary<graph::RoundOp>(b_, l_, x); // half to even, as PyTorch
    Value outside = orOf(less(x, lo), greater(x, hi));
    if (padding_ == "border")
      x = graph::where(b_, l_, outside, clip(x, 0, extent - 1), x);
    else if (padding_ == "reflection")
      x = graph::where(b_, l_, outside, reflect(x, lo, hi), x);
    if (mode == "nearest") // truncated toward zero, as the reference's int conversion
      return {pixel(truncate(x), constant(x, 1), extent, lo, hi)};
    Value x0 = graph::unary<graph::FloorOp>(b_, l_, x);
    Value t = sub(x, x0);
    std::vector<Tap> out;
    if (mode == "linear") {
      out.push_back(pixel(x0, sub(constant(t, 1), t), extent, lo, hi));
      out.push_back(pixel(add(x0, 1), t, extent, lo, hi));
      return out;
    }
    // Keys' cubic convolution, alpha = -0.75, at distances t + 1, t, 1 - t, 2 - t.
    const double a = -0.75;
    auto far = [&](Value d) { // (a(d) - 5a) d + 8a) d - 4a, for 1 <= d <= 2
      return sub(mul(add(mul(sub(mul(d, a), 5 * a), d), 8 * a), d), 4 * a);
    };
    auto near = [&](Value d) { // ((a + 2) d - (a + 3)) d d + 1, for d <= 1
      return add(mul(mul(sub(mul(d, a + 2), a + 3), d), d), 1);
    };
    Value one = constant(t, 1);
    std::vector<Value> weights{far(add(t, 1)), near(t), near(sub(one, t)), far(sub(constant(t, 2), t))};
    for (int k = 0; k < 4; ++k)
      out.push_back(pixel(add(x0, k - 1), weights[k], extent, lo, hi));
    return out;
  }

private:
  Value constant(Value like, double v) { return graph::scalar(b_, l_, like, v); }
  Value add(Value x, double v) { return graph::add(b_, l_, x, constant(x, v)); }
  Value add(Value x, Value y) { return graph::add(b_, l_, x, y); }
  Value sub(Value x, double v) { return graph::sub(b_, l_, x, constant(x, v)); }
  Value sub(Value x, Value y) { return graph::sub(b_, l_, x, y); }
  Value mul(Value x, double v) { return graph::mul(b_, l_, x, constant(x, v)); }
  Value mul(Value x, Value y) { return graph::mul(b_, l_, x, y); }
  Value div(Value x, double v) { return graph::div(b_, l_, x, constant(x, v)); }
  Value less(Value x, double v) { return graph::compare<graph::LessOp>(b_, l_, x, constant(x, v)); }
  Value greater(Value x, double v) { return graph::compare<graph::GreaterOp>(b_, l_, x, constant(x, v)); }
  Value orOf(Value p, Value q) { return graph::OrOp::create(b_, l_, graph::typeOf(p), p, q); }
  Value andOf(Value p, Value q) { return graph::AndOp::create(b_, l_, graph::typeOf(p), p, q); }
  Value clip(Value x, double lo, double hi) {
    return graph::ClipOp::create(b_, l_, graph::typeOf(x), x, b_.getF64FloatAttr(lo), b_.getF64FloatAttr(hi));
  }

  Value truncate(Value x) {
    return graph::where(b_, l_, less(x, 0), graph::unary<graph::CeilOp>(b_, l_, x), graph::unary<graph::FloorOp>(b_, l_, x));
  }

  /// Folds x back into [lo, hi] by reflecting at the nearer border until it lands inside.
  Value reflect(Value x, double lo, double hi) {
    double range = hi - lo;
    Value below = less(x, lo);
    // The distance past the border, in whole ranges n and the rest r.
    Value past = graph::where(b_, l_, below, sub(constant(x, lo), x), sub(x, hi));
    Value n = graph::unary<graph::FloorOp>(b_, l_, div(past, range));
    Value r = sub(past, mul(n, range));
    Value even = graph::compare<graph::EqualOp>(
        b_, l_, sub(n, mul(graph::unary<graph::FloorOp>(b_, l_, div(n, 2)), 2)), constant(n, 0));
    Value fromLo = add(r, lo), fromHi = sub(constant(r, hi), r);
    Value evenResult = graph::where(b_, l_, below, fromLo, fromHi);
    Value oddResult = graph::where(b_, l_, below, fromHi, fromLo);
    return graph::where(b_, l_, even, evenResult, oddResult);
  }

  /// The element at integer coordinate i (a float holding an integer) under the padding.
  Tap pixel(Value i, Value weight, int64_t extent, double lo, double hi) {
    if (padding_ == "zeros") {
      Value inside = andOf(graph::compare<graph::GreaterEqualOp>(b_, l_, i, constant(i, 0)), less(i, extent));
      weight = graph::where(b_, l_, inside, weight, constant(weight, 0));
    } else if (padding_ == "reflection") {
      // Reflected, then truncated toward zero as ONNX's reference does.
      i = truncate(reflect(i, lo, hi));
    }
    i = clip(i, 0, extent - 1);
    auto type = graph::typeOf(i);
    return {graph::CastOp::create(b_, l_, RankedTensorType::get(type.getShape(), b_.getI64Type()), i), weight};
  }

  Importer &im_;
  OpBuilder &b_;
  Location l_;
  std::string padding_;
  bool align_;
};

Error gridSample(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(grid, im.input(1));
  DLC_TRY(type, im.outputType(0));
  auto xt = Importer::typeOf(x);
  auto xs = xt.getShape(), gs = Importer::typeOf(grid).getShape();
  int64_t r = (int64_t)xs.size() - 2;
  if (r < 1 || (int64_t)gs.size() != r + 2 || gs[0] != xs[0] || gs.back() != r)
    return im.error("grid " + shapeStr(gs) + " does not sample input " + shapeStr(xs) + " (it needs [N, O..., " +
                    llvm::Twine(r) + "])");
  if (!isa<FloatType>(xt.getElementType()))
    return im.error("GridSample needs a floating-point input");
  std::string mode = im.attrString("mode", im.opset >= 20 ? "linear" : "bilinear");
  if (mode == "bilinear")
    mode = "linear";
  if (mode == "bicubic")
    mode = "cubic";
  if (mode != "linear" && mode != "nearest" && mode != "cubic")
    return im.unsupportedAttr("mode", "'" + mode + "'");
  std::string padding = im.attrString("padding_mode", "zeros");
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return im.unsupportedAttr("padding_mode", "'" + padding + "'");
  GridSampler sampler(im, padding, im.attrInt("align_corners", 0) != 0);

  Type elem = xt.getElementType();
  grid = graph::castTo(im.b, im.loc(), grid, elem);
  std::vector<int64_t> pointShape(gs.begin(), gs.end() - 1); // [N, O...]
  int64_t n = xs[0], c = xs[1], points = numElements(llvm::ArrayRef<int64_t>(pointShape).drop_front());
  // Axis i of X takes grid component r - 1 - i.
  std::vector<std::vector<Tap>> axisTaps;
  std::vector<int64_t> strides(r, 1);
  for (int64_t i = r - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * xs[i + 3];
  for (int64_t i = 0; i < r; ++i) {
    DLC_TRY(component, im.constant(ConstTensor::ofInts(onnx::TensorProto::INT64, {}, {r - 1 - i})));
    Value g = graph::GatherOp::create(im.b, im.loc(), im.tensorType(pointShape, elem), grid, component,
                                      im.b.getI64IntegerAttr(r + 1));
    axisTaps.push_back(sampler.taps(g, xs[i + 2], mode));
  }
  Value flat = im.reshape(x, {n, c, numElements(xs.drop_front(2))});
  auto gatheredType = im.tensorType({n, c, points}, elem);
  Value sum;
  std::vector<size_t> pick(r, 0);
  while (true) {
    Value index, weight;
    for (int64_t i = 0; i < r; ++i) {
      const Tap &t = axisTaps[i][pick[i]];
      Value scaled = graph::mul(im.b, im.loc(), t.index, graph::scalar(im.b, im.loc(), t.index, (double)strides[i]));
      index = index ? graph::add(im.b, im.loc(), index, scaled) : scaled;
      weight = weight ? graph::mul(im.b, im.loc(), weight, t.weight) : t.weight;
    }
    Value idx = graph::broadcastTo(im.b, im.loc(), im.reshape(index, {n, 1, points}), {n, c, points});
    Value v = graph::GatherElementsOp::create(im.b, im.loc(), gatheredType, flat, idx, im.b.getI64IntegerAttr(2));
    v = graph::mul(im.b, im.loc(), v, im.reshape(weight, {n, 1, points}));
    sum = sum ? graph::add(im.b, im.loc(), sum, v) : v;
    int64_t d = r - 1;
    while (d >= 0 && ++pick[d] == axisTaps[d].size())
      pick[d--] = 0;
    if (d < 0)
      break;
  }
  im.setOutput(0, im.reshape(sum, type.getShape()));
  return Error::success();
}

} // namespace

void addGridSampleConverter(ConverterMap &m) { m["GridSample"] = gridSample; }

} // namespace dlc::onnx_frontend::detail
