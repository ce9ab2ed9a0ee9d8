// Converters of the ONNX losses SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss.
// Both become compositions of existing graph ops (log_softmax, equal against the class
// indices, cast, mul, reduce, div), so a graph ending in one of them can be trained with
// `dlc compile --train --loss-output NAME`: the gradient comes from those ops' rules, and
// the label-only part (one-hot, weights, ignore mask) is off the differentiated path.
#include "frontends/onnx/ImporterContext.h"

#include "dialects/Graph/GraphBuilders.h"

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

/// loss[n, d] = -logp[n, target[n, d], d] * weight[target[n, d]] (0 where target ==
/// ignore_index), then reduced. The selection is a product with coef[n, c, d] = (target[n,
/// d] == c) * weight[c] * (target[n, d] != ignore_index), summed over the class axis; the
/// mean divides by the sum of coef, the selected weights, as ONNX specifies.
Value negativeLogLikelihood(Importer &im, const LossInputs &in) {
  OpBuilder &b = im.b;
  Location l = im.loc();
  auto lt = Importer::typeOf(in.logp), tt = Importer::typeOf(in.target);
  int64_t rank = lt.getRank(), classes = lt.getDimSize(1);
  Type labelElem = tt.getElementType();

  SmallVector<int64_t> column(lt.getShape()); // (N, 1, d1..dk)
  column[1] = 1;
  Value labels = im.reshape(in.target, column);
  SmallVector<int64_t> iotaShape(rank, 1); // (1, C, 1..1)
  iotaShape[1] = classes;
  SmallVector<APInt> iota;
  for (int64_t c = 0; c < classes; ++c)
    iota.push_back(APInt(labelElem.getIntOrFloatBitWidth(), c, /*isSigned=*/true));
  Value classIndex = im.constant(DenseElementsAttr::get(RankedTensorType::get(iotaShape, labelElem), iota));
  Value hit = graph::EqualOp::create(b, l, RankedTensorType::get(lt.getShape(), b.getI1Type()), labels, classIndex);
  Value coef = graph::CastOp::create(b, l, lt, hit);
  if (in.weight)
    coef = graph::mul(b, l, coef, im.reshape(in.weight, iotaShape));
  if (in.ignoreIndex) {
    Value ignored = graph::EqualOp::create(b, l, RankedTensorType::get(column, b.getI1Type()), labels,
                                           im.scalar(labelElem, (double)*in.ignoreIndex));
    Value kept = graph::NotOp::create(b, l, ignored.getType(), ignored);
    coef = graph::mul(b, l, coef, graph::CastOp::create(b, l, RankedTensorType::get(column, lt.getElementType()), kept));
  }
  Value perElement = graph::neg(b, l, graph::reduceSum(b, l, graph::mul(b, l, in.logp, coef), {1}, false));
  if (in.reduction == "none")
    return perElement;
  Value total = graph::reduceSum(b, l, perElement, llvm::to_vector(llvm::seq<int64_t>(0, rank - 1)), false);
  if (in.reduction == "sum")
    return total;
  Value count = !in.weight && !in.ignoreIndex
                    ? im.scalar(lt.getElementType(), (double)tt.getNumElements())
                    : graph::reduceSum(b, l, coef, llvm::to_vector(llvm::seq<int64_t>(0, rank)), false);
  return graph::div(b, l, total, count);
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
