// Converters of the ONNX losses SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss:
// graph.nll_loss (after graph.log_softmax for the former), the op `dlc compile --train`
// builds for its own cross-entropy, so a graph ending in one of them can be trained with
// `dlc compile --train --loss-output NAME`.
#include "frontends/onnx/ImporterContext.h"


using namespace mlir;

namespace dlc::onnx_frontend::detail {
namespace {

struct LossInputs {
  Value logp, target, weight; // weight may be null
  std::optional<int64_t> ignoreIndex;
  std::string reduction;
};

/// Reads and checks the inputs shared by both losses: (N, C, d1..dk) scores, (N, d1..dk)
/// integer labels, optional (C) weights, ignore_index and reduction.
Expected<LossInputs> lossInputs(Importer &im, const char *scoresName, const char *labelsName,
                                const char *weightsName) {
  LossInputs in;
  in.reduction = im.attrString("reduction", "mean");
  if (in.reduction != "none" && in.reduction != "sum" && in.reduction != "mean")
    return im.error("attribute 'reduction' is '" + in.reduction + "'; it must be 'none', 'sum' or 'mean'");
  if (im.hasAttr("ignore_index"))
    in.ignoreIndex = im.attrInt("ignore_index", 0);

  DLC_TRY(scores, im.input(0));
  DLC_TRY(target, im.input(1));
  auto st = Importer::typeOf(scores), tt = Importer::typeOf(target);
  if (st.getRank() < 2)
    return im.error(llvm::Twine("input '") + scoresName + "' has shape " + shapeStr(st.getShape()) +
                    "; it must have rank >= 2 (N x C x d1 ... dk)");
  if (!isa<FloatType>(st.getElementType()))
    return im.error(llvm::Twine("input '") + scoresName + "' must be floating-point");
  if (!tt.getElementType().isSignlessInteger() || tt.getElementType().isInteger(1))
    return im.error(llvm::Twine("input '") + labelsName + "' must hold integer class indices");
  SmallVector<int64_t> expected{st.getDimSize(0)};
  expected.append(st.getShape().begin() + 2, st.getShape().end());
  if (tt.getShape() != ArrayRef<int64_t>(expected))
    return im.error(llvm::Twine("input '") + labelsName + "' has shape " + shapeStr(tt.getShape()) +
                    ", but for '" + scoresName + "' of shape " + shapeStr(st.getShape()) + " it must have shape " +
                    shapeStr(expected) + " (N x d1 ... dk: the scores' shape without the class axis)");
  in.logp = scores;
  in.target = target;
  if (im.has(2)) {
    DLC_TRY(weight, im.input(2, /*nonTrainable=*/true));
    auto wt = Importer::typeOf(weight);
    if (wt.getRank() != 1 || wt.getDimSize(0) != st.getDimSize(1) || wt.getElementType() != st.getElementType())
      return im.error(llvm::Twine("input '") + weightsName + "' has shape " + shapeStr(wt.getShape()) +
                      ", but it must be a vector of " + llvm::Twine(st.getDimSize(1)) +
                      " class weights of the scores' element type");
    in.weight = weight;
  }
  return in;
}

/// graph.nll_loss, with the result type its reduction gives.
Value negativeLogLikelihood(Importer &im, const LossInputs &in) {
  auto lt = Importer::typeOf(in.logp), tt = Importer::typeOf(in.target);
  auto resultType = in.reduction == "none" ? RankedTensorType::get(tt.getShape(), lt.getElementType())
                                           : RankedTensorType::get({}, lt.getElementType());
  IntegerAttr ignore = in.ignoreIndex ? im.b.getI64IntegerAttr(*in.ignoreIndex) : IntegerAttr();
  return graph::NllLossOp::create(im.b, im.loc(), resultType, in.logp, in.target, in.weight,
                                  im.b.getStringAttr(in.reduction), ignore, im.b.getF64FloatAttr(0.0));
}

Error negativeLogLikelihoodLoss(Importer &im) {
  DLC_TRY(in, lossInputs(im, "input", "target", "weight"));
  im.setOutput(0, negativeLogLikelihood(im, in));
  return Error::success();
}

Error softmaxCrossEntropyLoss(Importer &im) {
  DLC_TRY(in, lossInputs(im, "scores", "labels", "weights"));
  in.logp = graph::LogSoftmaxOp::create(im.b, im.loc(), Importer::typeOf(in.logp), in.logp, im.b.getI64IntegerAttr(1));
  im.setOutput(0, negativeLogLikelihood(im, in));
  im.setOutput(1, in.logp);
  return Error::success();
}

} // namespace

void addLossConverters(ConverterMap &m) {
  m["NegativeLogLikelihoodLoss"] = negativeLogLikelihoodLoss;
  m["SoftmaxCrossEntropyLoss"] = softmaxCrossEntropyLoss;
}

} // namespace dlc::onnx_frontend::detail
