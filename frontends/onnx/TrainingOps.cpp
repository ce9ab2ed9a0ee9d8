// Converters of the optimizer ops of the ai.onnx.preview.training domain: Adagrad,
// Momentum (standard and Nesterov) and Adam. Each node updates one or more tensors:
// inputs R (learning rate), T (update count), then X1..Xn, G1..Gn and the optimizer
// states; outputs the new X1..Xn followed by the new states. They import as elementwise
// graph ops (an inference-style graph computing the new values), with the scalar
// coefficients that depend on T computed at run time.
#include "frontends/onnx/ImporterContext.h"

#include "dialects/Graph/GraphBuilders.h"

using namespace mlir;

namespace dlc::onnx_frontend::detail {
namespace {

/// Adagrad's and Adam's default epsilon (the float 1e-6 of ONNX's schemas).
constexpr double kDefaultEpsilon = 1e-6f;

/// The tensors of one optimizer node: `groups` lists per tensor X, G and the states.
struct UpdateInputs {
  Value rate, count; // R in X's element type; T as given (an integer scalar)
  std::vector<std::vector<Value>> groups;
};

Expected<UpdateInputs> updateInputs(Importer &im, int perTensor, llvm::ArrayRef<const char *> names) {
  int tensors = im.numInputs() - 2;
  std::string perTensorNames;
  for (const char *name : names)
    perTensorNames += (perTensorNames.empty() ? "" : ", ") + std::string(name);
  if (tensors <= 0 || tensors % perTensor != 0)
    return im.error("expects R, T and " + llvm::Twine(perTensor) + " inputs per optimized tensor (" +
                    perTensorNames + "), got " + llvm::Twine(im.numInputs()) + " inputs");
  int n = tensors / perTensor;
  if (im.numOutputs() != n * (perTensor - 1))
    return im.error("updates " + llvm::Twine(n) + " tensor(s), so it must have " + llvm::Twine(n * (perTensor - 1)) +
                    " outputs, got " + llvm::Twine(im.numOutputs()));
  UpdateInputs in;
  DLC_TRY(rate, im.input(0, /*nonTrainable=*/true));
  DLC_TRY(count, im.input(1, /*nonTrainable=*/true));
  auto rt = Importer::typeOf(rate), ct = Importer::typeOf(count);
  if (rt.getNumElements() != 1 || !isa<FloatType>(rt.getElementType()))
    return im.error("input 'R' (the learning rate) must be a floating-point scalar, got " +
                    shapeStr(rt.getShape()));
  if (ct.getNumElements() != 1 || !ct.getElementType().isSignlessInteger() || ct.getElementType().isInteger(1))
    return im.error("input 'T' (the update count) must be an integer scalar, got " + shapeStr(ct.getShape()));
  in.count = im.reshape(count, {});
  for (int t = 0; t < n; ++t) {
    std::vector<Value> group;
    for (int k = 0; k < perTensor; ++k) {
      int index = 2 + k * n + t;
      // "input 'G' (#3, the G of tensor 1)"
      std::string what = "input '" + im.node().input(index) + "' (#" + std::to_string(index) + ", the " + names[k] +
                         " of tensor " + std::to_string(t + 1) + ")";
      DLC_TRY(v, im.input(index, /*nonTrainable=*/true));
      auto vt = Importer::typeOf(v);
      if (!isa<FloatType>(vt.getElementType()))
        return im.error(what + " must be floating-point");
      if (k > 0 && vt != Importer::typeOf(group[0]))
        return im.error(what + " has shape " + shapeStr(vt.getShape()) + ", but it must have the shape and type of '" +
                        im.node().input(2 + t) + "' (" + shapeStr(Importer::typeOf(group[0]).getShape()) + ")");
      group.push_back(v);
    }
    in.groups.push_back(std::move(group));
  }
  Type elem = Importer::typeOf(in.groups[0][0]).getElementType();
  Value r = im.reshape(rate, {});
  if (rt.getElementType() != elem)
    r = graph::CastOp::create(im.b, im.loc(), RankedTensorType::get({}, elem), r);
  in.rate = r;
  return in;
}

/// Rank-0 helpers for the run-time coefficients.
struct Scalars {
  Importer &im;
  Type elem;
  Value c(double v) { return im.scalar(elem, v); }
  /// T as a float.
  Value count(Value t) { return graph::CastOp::create(im.b, im.loc(), RankedTensorType::get({}, elem), t); }
  /// T > 0
  Value positive(Value t) {
    return graph::GreaterOp::create(im.b, im.loc(), RankedTensorType::get({}, im.b.getI1Type()), t,
                                    im.scalar(Importer::typeOf(t).getElementType(), 0));
  }
  Value select(Value cond, Value a, Value b) {
    return graph::WhereOp::create(im.b, im.loc(), Importer::typeOf(a), cond, a, b);
  }
  /// base ^ exponent for a constant base
  Value pow(double base, Value exponent) {
    return graph::PowOp::create(im.b, im.loc(), Importer::typeOf(exponent), c(base), exponent);
  }
};

Value sqrtOf(Importer &im, Value x) { return graph::SqrtOp::create(im.b, im.loc(), x.getType(), x); }

/// norm_coefficient * X + G
Value regularizedGradient(Importer &im, Scalars &s, Value x, Value g, double norm) {
  if (norm == 0.0)
    return g;
  return graph::add(im.b, im.loc(), graph::mul(im.b, im.loc(), s.c(norm), x), g);
}

Error adagrad(Importer &im) {
  DLC_TRY(in, updateInputs(im, 3, {"X", "G", "H"}));
  double decay = im.attrFloat("decay_factor", 0.0), eps = im.attrFloat("epsilon", kDefaultEpsilon),
         norm = im.attrFloat("norm_coefficient", 0.0);
  OpBuilder &b = im.b;
  Location l = im.loc();
  Scalars s{im, Importer::typeOf(in.rate).getElementType()};
  // r / (1 + T * decay_factor)
  Value rate = graph::div(b, l, in.rate, graph::add(b, l, s.c(1.0), graph::mul(b, l, s.count(in.count), s.c(decay))));
  int n = in.groups.size();
  for (int t = 0; t < n; ++t) {
    Value x = in.groups[t][0], g = in.groups[t][1], h = in.groups[t][2];
    Value gr = regularizedGradient(im, s, x, g, norm);
    Value hNew = graph::add(b, l, h, graph::mul(b, l, gr, gr));
    Value scale = graph::add(b, l, sqrtOf(im, hNew), s.c(eps));
    im.setOutput(t, graph::sub(b, l, x, graph::div(b, l, graph::mul(b, l, rate, gr), scale)));
    im.setOutput(n + t, hNew);
  }
  return Error::success();
}

Error momentum(Importer &im) {
  for (const char *required : {"alpha", "beta", "mode", "norm_coefficient"})
    if (!im.hasAttr(required))
      return im.error(llvm::Twine("attribute '") + required + "' is required");
  std::string mode = im.attrString("mode", "");
  if (mode != "standard" && mode != "nesterov")
    return im.error("attribute 'mode' is '" + mode + "'; it must be 'standard' or 'nesterov'");
  DLC_TRY(in, updateInputs(im, 3, {"X", "G", "V"}));
  double alpha = im.attrFloat("alpha", 0.0), beta = im.attrFloat("beta", 0.0),
         norm = im.attrFloat("norm_coefficient", 0.0);
  OpBuilder &b = im.b;
  Location l = im.loc();
  Scalars s{im, Importer::typeOf(in.rate).getElementType()};
  // The gradient's coefficient is 1 on the first update (T == 0).
  Value betaNow = s.select(s.positive(in.count), s.c(beta), s.c(1.0));
  int n = in.groups.size();
  for (int t = 0; t < n; ++t) {
    Value x = in.groups[t][0], g = in.groups[t][1], v = in.groups[t][2];
    Value gr = regularizedGradient(im, s, x, g, norm);
    Value vNew = graph::add(b, l, graph::mul(b, l, s.c(alpha), v), graph::mul(b, l, betaNow, gr));
    Value step = mode == "standard" ? vNew : graph::add(b, l, gr, graph::mul(b, l, s.c(alpha), vNew));
    im.setOutput(t, graph::sub(b, l, x, graph::mul(b, l, in.rate, step)));
    im.setOutput(n + t, vNew);
  }
  return Error::success();
}

Error adam(Importer &im) {
  DLC_TRY(in, updateInputs(im, 4, {"X", "G", "V", "H"}));
  double alpha = im.attrFloat("alpha", 0.9f), beta = im.attrFloat("beta", 0.999f), eps = im.attrFloat("epsilon", kDefaultEpsilon),
         norm = im.attrFloat("norm_coefficient", 0.0), post = im.attrFloat("norm_coefficient_post", 0.0);
  OpBuilder &b = im.b;
  Location l = im.loc();
  Scalars s{im, Importer::typeOf(in.rate).getElementType()};
  // Bias correction r * sqrt(1 - beta^T) / (1 - alpha^T) from the first update on (T > 0).
  Value tf = s.count(in.count);
  Value corrected = graph::div(b, l, graph::mul(b, l, in.rate, sqrtOf(im, graph::sub(b, l, s.c(1.0), s.pow(beta, tf)))),
                               graph::sub(b, l, s.c(1.0), s.pow(alpha, tf)));
  Value rate = s.select(s.positive(in.count), corrected, in.rate);
  int n = in.groups.size();
  for (int t = 0; t < n; ++t) {
    Value x = in.groups[t][0], g = in.groups[t][1], v = in.groups[t][2], h = in.groups[t][3];
    Value gr = regularizedGradient(im, s, x, g, norm);
    Value vNew = graph::add(b, l, graph::mul(b, l, s.c(alpha), v), graph::mul(b, l, s.c(1.0 - alpha), gr));
    Value hNew = graph::add(b, l, graph::mul(b, l, s.c(beta), h), graph::mul(b, l, s.c(1.0 - beta), graph::mul(b, l, gr, gr)));
    Value scale = graph::add(b, l, sqrtOf(im, hNew), s.c(eps));
    Value xNew = graph::sub(b, l, x, graph::mul(b, l, rate, graph::div(b, l, vNew, scale)));
    if (post != 0.0)
      xNew = graph::mul(b, l, s.c(1.0 - post), xNew);
    im.setOutput(t, xNew);
    im.setOutput(n + t, vNew);
    im.setOutput(2 * n + t, hNew);
  }
  return Error::success();
}

} // namespace

const ConverterMap &trainingConverters() {
  static const ConverterMap map = [] {
    ConverterMap m;
    m["Adagrad"] = adagrad;
    m["Adam"] = adam;
    m["Momentum"] = momentum;
    return m;
  }();
  return map;
}

} // namespace dlc::onnx_frontend::detail
