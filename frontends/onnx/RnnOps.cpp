// Converters of the recurrent layers: RNN, GRU and LSTM become one graph.rnn, graph.gru or
// graph.lstm each (the recurrence is lowered as a loop, not unrolled here). Activation
// names are normalized and every activation gets its alpha and beta.
#include "dialects/Graph/RnnOps.h"
#include "frontends/onnx/ImporterContext.h"

using namespace mlir;

namespace dlc::onnx_frontend::detail {
namespace {

struct ActivationDefaults {
  const char *name;
  bool usesAlpha, usesBeta;
  double alpha, beta;
};

// ONNX's recurrent activations and the defaults of their parameters (those of the
// ONNX operator of the same name).
const ActivationDefaults kActivations[] = {
    {"Sigmoid", false, false, 0, 0},        {"Tanh", false, false, 0, 0},
    {"Relu", false, false, 0, 0},           {"HardSigmoid", true, true, 0.2, 0.5},
    {"LeakyRelu", true, false, 0.01, 0},    {"ThresholdedRelu", true, false, 1.0, 0},
    {"ScaledTanh", true, true, 1.0, 1.0},   {"Affine", true, true, 1.0, 0.0},
    {"Elu", true, false, 1.0, 0},           {"Softsign", false, false, 0, 0},
    {"Softplus", false, false, 0, 0},
};

Error recurrent(Importer &im, StringRef cell) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(w, im.input(1));
  DLC_TRY(r, im.input(2));
  auto xt = Importer::typeOf(x), wt = Importer::typeOf(w);
  if (xt.getRank() != 3 || wt.getRank() != 3)
    return im.error("X and W must be 3-D, got " + shapeStr(xt.getShape()) + " and " + shapeStr(wt.getShape()));
  int64_t gates = graph::recurrentGateCount(cell);
  int64_t hidden = im.attrInt("hidden_size", wt.getDimSize(1) / gates);
  if (hidden <= 0 || wt.getDimSize(1) != gates * hidden)
    return im.error("W has " + llvm::Twine(wt.getDimSize(1)) + " rows, expected " + llvm::Twine(gates) +
                    " x hidden_size " + llvm::Twine(hidden));
  std::string direction = im.attrString("direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    return im.unsupportedAttr("direction", "'" + direction + "'");
  int64_t dirs = direction == "bidirectional" ? 2 : 1;
  int64_t layout = im.attrInt("layout", 0);
  if (layout != 0 && layout != 1)
    return im.unsupportedAttr("layout", llvm::Twine(layout));

  Value b, seqLens, h0, c0, p;
  if (im.has(3)) {
    DLC_TRY(v, im.input(3));
    b = v;
  }
  if (im.has(4)) {
    DLC_TRY(v, im.input(4, /*nonTrainable=*/true));
    seqLens = v;
  }
  if (im.has(5)) {
    DLC_TRY(v, im.input(5, /*nonTrainable=*/true));
    h0 = v;
  }
  bool lstm = cell == "lstm";
  if (lstm && im.has(6)) {
    DLC_TRY(v, im.input(6, /*nonTrainable=*/true));
    c0 = v;
  }
  if (lstm && im.has(7)) {
    DLC_TRY(v, im.input(7));
    p = v;
  }

  // Activations: case-insensitive names; one direction's list serves both; alpha and
  // beta are consumed in order by the activations that take them.
  const onnx::AttributeProto *actAttr = im.attr("activations");
  std::vector<std::string> names;
  if (actAttr)
    for (const std::string &s : actAttr->strings())
      names.push_back(s);
  unsigned perDir = graph::recurrentActivationCount(cell);
  if (!names.empty() && names.size() == perDir && dirs == 2)
    names.insert(names.end(), names.begin(), names.end());
  if (!names.empty() && names.size() != perDir * dirs)
    return im.error("expects " + llvm::Twine(perDir * dirs) + " activations, got " + llvm::Twine(names.size()));
  std::vector<float> alphas, betas;
  if (auto *a = im.attr("activation_alpha"))
    alphas.assign(a->floats().begin(), a->floats().end());
  if (auto *a = im.attr("activation_beta"))
    betas.assign(a->floats().begin(), a->floats().end());
  SmallVector<Attribute> actNames;
  SmallVector<Attribute> actAlpha, actBeta;
  size_t nextAlpha = 0, nextBeta = 0;
  for (const std::string &n : names) {
    const ActivationDefaults *found = nullptr;
    for (const auto &d : kActivations)
      if (StringRef(d.name).equals_insensitive(n))
        found = &d;
    if (!found)
      return im.unsupportedAttr("activations", "'" + n + "'");
    double alpha = found->alpha, beta = found->beta;
    if (found->usesAlpha && nextAlpha < alphas.size())
      alpha = alphas[nextAlpha++];
    if (found->usesBeta && nextBeta < betas.size())
      beta = betas[nextBeta++];
    actNames.push_back(im.b.getStringAttr(found->name));
    actAlpha.push_back(im.b.getF64FloatAttr(alpha));
    actBeta.push_back(im.b.getF64FloatAttr(beta));
  }
  FloatAttr clip;
  if (im.hasAttr("clip"))
    clip = im.b.getF64FloatAttr(im.attrFloat("clip", 0));

  int64_t seq = xt.getDimSize(layout ? 1 : 0), batch = xt.getDimSize(layout ? 0 : 1);
  Type elem = xt.getElementType();
  auto yType = im.tensorType(layout ? SmallVector<int64_t>{batch, seq, dirs, hidden}
                                    : SmallVector<int64_t>{seq, dirs, batch, hidden},
                             elem);
  auto stateType = im.tensorType(layout ? SmallVector<int64_t>{batch, dirs, hidden}
                                        : SmallVector<int64_t>{dirs, batch, hidden},
                                 elem);
  auto hiddenAttr = im.b.getI64IntegerAttr(hidden);
  auto dirAttr = im.b.getStringAttr(direction);
  auto actsAttr = im.b.getArrayAttr(actNames);
  auto alphaAttr = im.b.getArrayAttr(actAlpha), betaAttr = im.b.getArrayAttr(actBeta);
  auto layoutAttr = im.b.getI64IntegerAttr(layout);
  Operation *op;
  if (cell == "rnn") {
    op = graph::RNNOp::create(im.b, im.loc(), yType, stateType, Type(), x, w, r, b, seqLens, h0, hiddenAttr, dirAttr,
                              actsAttr, alphaAttr, betaAttr, clip, layoutAttr);
  } else if (cell == "gru") {
    int64_t lbr = im.attrInt("linear_before_reset", 0);
    op = graph::GRUOp::create(im.b, im.loc(), yType, stateType, Type(), x, w, r, b, seqLens, h0, hiddenAttr, dirAttr,
                              actsAttr, alphaAttr, betaAttr, clip, layoutAttr, im.b.getI64IntegerAttr(lbr));
  } else {
    int64_t inputForget = im.attrInt("input_forget", 0);
    op = graph::LSTMOp::create(im.b, im.loc(), yType, stateType, stateType, Type(), x, w, r, b, seqLens, h0, c0, p,
                               hiddenAttr, dirAttr, actsAttr, alphaAttr, betaAttr, clip, layoutAttr,
                               im.b.getI64IntegerAttr(inputForget));
  }
  for (int i = 0; i < im.numOutputs() && i < (lstm ? 3 : 2); ++i)
    im.setOutput(i, op->getResult(i));
  return Error::success();
}

Error rnn(Importer &im) { return recurrent(im, "rnn"); }
Error gru(Importer &im) { return recurrent(im, "gru"); }
Error lstm(Importer &im) { return recurrent(im, "lstm"); }

} // namespace

void addRecurrentConverters(ConverterMap &m) {
  m["RNN"] = rnn;
  m["GRU"] = gru;
  m["LSTM"] = lstm;
}

} // namespace dlc::onnx_frontend::detail
