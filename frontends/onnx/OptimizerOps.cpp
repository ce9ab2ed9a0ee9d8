// Converters of the optimizer ops of the ai.onnx.preview.training domain: Adagrad,
// Momentum (standard and Nesterov) and Adam. Each node updates one or more tensors:
// inputs R (learning rate), T (update count), then X1..Xn, G1..Gn and the optimizer
// states; outputs the new X1..Xn followed by the new states. Each tensor's update imports
// as the graph op `dlc compile --train` builds for the same optimizer (OptimizerOps.td),
// with ONNX's conventions in its attributes.
#include "frontends/onnx/ImporterContext.h"


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

Error adagrad(Importer &im) {
  DLC_TRY(in, updateInputs(im, 3, {"X", "G", "H"}));
  auto f64 = [&](double v) { return im.b.getF64FloatAttr(v); };
  int n = in.groups.size();
  for (int t = 0; t < n; ++t) {
    Value x = in.groups[t][0], g = in.groups[t][1], h = in.groups[t][2];
    auto u = graph::AdagradUpdateOp::create(im.b, im.loc(), TypeRange{x.getType(), x.getType()}, x, g, h, in.rate,
                                            in.count, f64(im.attrFloat("epsilon", kDefaultEpsilon)),
                                            f64(im.attrFloat("decay_factor", 0.0)),
                                            f64(im.attrFloat("norm_coefficient", 0.0)));
    im.setOutput(t, u.getNewParam());
    im.setOutput(n + t, u.getNewSum());
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
  auto f64 = [&](double v) { return im.b.getF64FloatAttr(v); };
  int n = in.groups.size();
  for (int t = 0; t < n; ++t) {
    Value x = in.groups[t][0], g = in.groups[t][1], v = in.groups[t][2];
    // ONNX's beta, the gradient's coefficient after the first update, is 1 - dampening.
    auto u = graph::MomentumUpdateOp::create(im.b, im.loc(), TypeRange{x.getType(), x.getType()}, x, g, v, in.rate,
                                             in.count, f64(im.attrFloat("alpha", 0.0)),
                                             f64(1.0 - im.attrFloat("beta", 0.0)), im.b.getBoolAttr(mode == "nesterov"),
                                             f64(im.attrFloat("norm_coefficient", 0.0)));
    im.setOutput(t, u.getNewParam());
    im.setOutput(n + t, u.getNewVelocity());
  }
  return Error::success();
}

Error adam(Importer &im) {
  DLC_TRY(in, updateInputs(im, 4, {"X", "G", "V", "H"}));
  auto f64 = [&](double v) { return im.b.getF64FloatAttr(v); };
  int n = in.groups.size();
  for (int t = 0; t < n; ++t) {
    Value x = in.groups[t][0], g = in.groups[t][1], v = in.groups[t][2], h = in.groups[t][3];
    Type xt = x.getType();
    auto u = graph::AdamUpdateOp::create(im.b, im.loc(), TypeRange{xt, xt, xt}, x, g, v, h, in.rate, in.count,
                                         f64(im.attrFloat("alpha", 0.9f)), f64(im.attrFloat("beta", 0.999f)),
                                         f64(im.attrFloat("epsilon", kDefaultEpsilon)),
                                         f64(im.attrFloat("norm_coefficient", 0.0)), f64(0.0),
                                         f64(im.attrFloat("norm_coefficient_post", 0.0)), im.b.getBoolAttr(false));
    im.setOutput(t, u.getNewParam());
    im.setOutput(n + t, u.getNewM());
    im.setOutput(2 * n + t, u.getNewV());
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
