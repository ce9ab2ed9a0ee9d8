// Gradient rules of graph.rnn, graph.gru and graph.lstm: backpropagation through time.
// The rule replaces the forward op by a copy that also returns its `saved` activations
// (gates and states of every step, planned in the arena like any other tensor) and
// builds one graph.recurrent_grad, whose lowering runs the reverse-time loop.
#include "dialects/Graph/GraphBuilders.h"
#include "dialects/Graph/RnnOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace dlc::graph;

namespace {

Value zerosOf(OpBuilder &b, Location l, RankedTensorType t) {
  return ConstantOp::create(b, l, t, DenseElementsAttr::get(t, b.getFloatAttr(t.getElementType(), 0.0)));
}

/// The activations the backward pass can differentiate from their outputs.
LogicalResult checkTrainable(Operation *op, StringRef cell, ArrayAttr acts, Value seqLens, std::optional<APFloat> clip,
                             int64_t dirs) {
  if (seqLens)
    return op->emitOpError() << "cannot be trained with sequence_lens yet (no gradient rule for padded sequences)";
  if (clip)
    return op->emitOpError() << "cannot be trained with clip yet";
  if (acts.empty())
    return success();
  SmallVector<std::string> defaults = defaultRecurrentActivations(cell);
  for (int64_t d = 0; d < dirs; ++d)
    for (auto [k, def] : llvm::enumerate(defaults)) {
      StringRef name = cast<StringAttr>(acts[d * defaults.size() + k]).getValue();
      bool ok = cell == "rnn" ? llvm::is_contained({"Tanh", "Sigmoid", "Relu"}, name) : name == def;
      if (!ok)
        return op->emitOpError() << "cannot be trained with activation '" << name
                                 << "' yet (rnn: Tanh, Sigmoid or Relu; gru and lstm: the defaults)";
    }
  return success();
}

/// A copy of `op` placed right after it that also returns the saved activations; the
/// uses of `op` move to the copy.
Operation *withSavedActivations(OpBuilder &b, Operation *op, RankedTensorType savedType) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfter(op);
  SmallVector<Type> types(op->getResultTypes());
  types.push_back(savedType);
  Operation *copy = Operation::create(op->getLoc(), op->getName(), types, op->getOperands(),
                                      op->getDiscardableAttrDictionary(), op->getPropertiesStorage(), {}, 0);
  b.insert(copy);
  for (unsigned i = 0; i < op->getNumResults(); ++i)
    op->getResult(i).replaceAllUsesWith(copy->getResult(i));
  return copy;
}

struct Forward {
  Operation *op;
  StringRef cell;
  Value x, w, r, b, seqLens, h0, c0, p;
  int64_t hidden, layout, linearBeforeReset = 0;
  StringRef direction;
  ArrayAttr activations;
};

LogicalResult buildRecurrentGradients(OpBuilder &b, const Forward &f, ValueRange resultGrads,
                                      SmallVectorImpl<Value> &out) {
  Operation *op = f.op;
  Location l = op->getLoc();
  auto xt = typeOf(f.x);
  int64_t dirs = f.direction == "bidirectional" ? 2 : 1;
  int64_t seq = xt.getDimSize(f.layout ? 1 : 0), batch = xt.getDimSize(f.layout ? 0 : 1);
  Type elem = xt.getElementType();
  auto stateType = RankedTensorType::get(f.layout ? SmallVector<int64_t>{batch, dirs, f.hidden}
                                                  : SmallVector<int64_t>{dirs, batch, f.hidden},
                                         elem);
  bool lstm = f.cell == "lstm";
  if (f.p)
    return op->emitOpError() << "cannot be trained with peepholes (P) yet";
  if (f.cell == "gru" && f.linearBeforeReset != 1)
    return op->emitOpError() << "can be trained only with linear_before_reset = 1 (PyTorch's GRU) yet";

  auto savedType = RankedTensorType::get({dirs, seq, batch, recurrentSavedSlots(f.cell) * f.hidden}, elem);
  Operation *fwd = withSavedActivations(b, op, savedType);
  Value saved = fwd->getResults().back();

  auto gradOr = [&](unsigned i) { return resultGrads[i] ? resultGrads[i] : zerosOf(b, l, typeOf(op->getResult(i))); };
  Value bias = f.b ? f.b : zerosOf(b, l, RankedTensorType::get({dirs, 2 * recurrentGateCount(f.cell) * f.hidden}, elem));
  Value h0 = f.h0 ? f.h0 : zerosOf(b, l, stateType);
  Value c0 = lstm ? (f.c0 ? f.c0 : zerosOf(b, l, stateType)) : Value();
  SmallVector<Type> types{f.x.getType(), f.w.getType(), f.r.getType(), bias.getType(), h0.getType()};
  if (lstm)
    types.push_back(c0.getType());
  auto acts = f.activations;
  if (acts.empty()) {
    SmallVector<Attribute> names;
    for (int64_t d = 0; d < dirs; ++d)
      for (const std::string &n : defaultRecurrentActivations(f.cell))
        names.push_back(b.getStringAttr(n));
    acts = b.getArrayAttr(names);
  }
  auto grad = RecurrentGradOp::create(b, l, types, f.x, f.w, f.r, bias, h0, c0, saved, gradOr(0), gradOr(1),
                                      lstm ? gradOr(2) : Value(), b.getStringAttr(f.cell),
                                      b.getI64IntegerAttr(f.hidden), b.getStringAttr(f.direction),
                                      b.getI64IntegerAttr(f.layout), acts, b.getI64IntegerAttr(f.linearBeforeReset));
  // One gradient per present operand, in operand order.
  out.push_back(grad.getDX());
  out.push_back(grad.getDW());
  out.push_back(grad.getDR());
  if (f.b)
    out.push_back(grad.getDB());
  if (f.seqLens)
    out.push_back(Value());
  if (f.h0)
    out.push_back(grad.getDinitialH());
  if (f.c0)
    out.push_back(grad.getDinitialC());
  return success();
}

} // namespace

LogicalResult RNNOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  SmallVector<Value> grads{g, Value()};
  return buildGradientsOfResults(b, grads, out);
}

LogicalResult RNNOp::buildGradientsOfResults(OpBuilder &b, ValueRange grads, SmallVectorImpl<Value> &out) {
  int64_t dirs = getDirection() == "bidirectional" ? 2 : 1;
  if (failed(checkTrainable(*this, "rnn", getActivations(), getSequenceLens(), getClip(), dirs)))
    return failure();
  Forward f{*this, "rnn", getX(), getW(), getR(), getB(), getSequenceLens(), getInitialH(), Value(), Value(),
            (int64_t)getHiddenSize(), (int64_t)getLayout(), 0, getDirection(), getActivations()};
  return buildRecurrentGradients(b, f, grads, out);
}

LogicalResult GRUOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  SmallVector<Value> grads{g, Value()};
  return buildGradientsOfResults(b, grads, out);
}

LogicalResult GRUOp::buildGradientsOfResults(OpBuilder &b, ValueRange grads, SmallVectorImpl<Value> &out) {
  int64_t dirs = getDirection() == "bidirectional" ? 2 : 1;
  if (failed(checkTrainable(*this, "gru", getActivations(), getSequenceLens(), getClip(), dirs)))
    return failure();
  Forward f{*this, "gru", getX(), getW(), getR(), getB(), getSequenceLens(), getInitialH(), Value(), Value(),
            (int64_t)getHiddenSize(), (int64_t)getLayout(), (int64_t)getLinearBeforeReset(), getDirection(),
            getActivations()};
  return buildRecurrentGradients(b, f, grads, out);
}

LogicalResult LSTMOp::buildGradients(OpBuilder &b, Value g, SmallVectorImpl<Value> &out) {
  SmallVector<Value> grads{g, Value(), Value()};
  return buildGradientsOfResults(b, grads, out);
}

LogicalResult LSTMOp::buildGradientsOfResults(OpBuilder &b, ValueRange grads, SmallVectorImpl<Value> &out) {
  int64_t dirs = getDirection() == "bidirectional" ? 2 : 1;
  if (failed(checkTrainable(*this, "lstm", getActivations(), getSequenceLens(), getClip(), dirs)))
    return failure();
  if (getInputForget())
    return emitOpError() << "cannot be trained with input_forget yet";
  Forward f{*this, "lstm", getX(), getW(), getR(), getB(), getSequenceLens(), getInitialH(), getInitialC(), getP(),
            (int64_t)getHiddenSize(), (int64_t)getLayout(), 0, getDirection(), getActivations()};
  return buildRecurrentGradients(b, f, grads, out);
}
