// Verifiers of graph.rnn, graph.gru, graph.lstm and graph.recurrent_grad: every shape is
// checked against hidden_size, the number of directions and the layout, and the message
// names the operand or result that is wrong.
#include "dialects/Graph/GraphDialect.h"
#include "dialects/Graph/RnnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace dlc::graph;

namespace dlc::graph {

unsigned recurrentActivationCount(StringRef cell) { return cell == "lstm" ? 3 : cell == "gru" ? 2 : 1; }
unsigned recurrentGateCount(StringRef cell) { return cell == "lstm" ? 4 : cell == "gru" ? 3 : 1; }
unsigned recurrentSavedSlots(StringRef cell) { return cell == "lstm" ? 6 : cell == "gru" ? 5 : 1; }

bool isRecurrentActivation(StringRef name) {
  return llvm::is_contained({"Sigmoid", "Tanh", "Relu", "HardSigmoid", "LeakyRelu", "ThresholdedRelu", "ScaledTanh",
                             "Affine", "Elu", "Softsign", "Softplus"},
                            name);
}

SmallVector<std::string> defaultRecurrentActivations(StringRef cell) {
  if (cell == "lstm")
    return {"Sigmoid", "Tanh", "Tanh"};
  if (cell == "gru")
    return {"Sigmoid", "Tanh"};
  return {"Tanh"};
}

} // namespace dlc::graph

namespace {

RankedTensorType tensorOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Checks the recurrent shapes; `cell` is "rnn", "gru" or "lstm".
struct RecurrentShapes {
  Operation *op;
  StringRef cell;
  int64_t seq = 0, batch = 0, input = 0, hidden = 0, dirs = 1, layout = 0;
  Type elem;

  LogicalResult expect(Value v, StringRef what, ArrayRef<int64_t> shape) {
    auto t = tensorOf(v);
    if (t.getShape() != shape)
      return op->emitOpError() << what << " must be " << shapeString(shape) << " (hidden_size " << hidden
                               << ", " << dirs << " direction(s), layout " << layout << "), got "
                               << shapeString(t.getShape());
    if (t.getElementType() != elem)
      return op->emitOpError() << what << " element type " << t.getElementType() << " should be " << elem
                               << " as X's";
    return success();
  }
  SmallVector<int64_t> stateShape() const {
    return layout ? SmallVector<int64_t>{batch, dirs, hidden} : SmallVector<int64_t>{dirs, batch, hidden};
  }
  SmallVector<int64_t> outputShape() const {
    return layout ? SmallVector<int64_t>{batch, seq, dirs, hidden} : SmallVector<int64_t>{seq, dirs, batch, hidden};
  }

  /// Reads X, hidden_size, direction and layout.
  LogicalResult init(Value x, int64_t hiddenSize, StringRef direction, int64_t layoutAttr) {
    hidden = hiddenSize;
    layout = layoutAttr;
    if (hidden <= 0)
      return op->emitOpError() << "hidden_size must be positive, got " << hidden;
    if (direction == "bidirectional")
      dirs = 2;
    else if (direction != "forward" && direction != "reverse")
      return op->emitOpError() << "direction must be forward, reverse or bidirectional, got '" << direction << "'";
    if (layout != 0 && layout != 1)
      return op->emitOpError() << "layout must be 0 or 1, got " << layout;
    auto xt = tensorOf(x);
    if (xt.getRank() != 3)
      return op->emitOpError() << "X must be " << (layout ? "batch x seq x input" : "seq x batch x input")
                               << ", got " << shapeString(xt.getShape());
    elem = xt.getElementType();
    if (!isa<FloatType>(elem))
      return op->emitOpError() << "X must be a floating-point tensor, got " << elem;
    seq = xt.getDimSize(layout ? 1 : 0);
    batch = xt.getDimSize(layout ? 0 : 1);
    input = xt.getDimSize(2);
    return success();
  }

  LogicalResult weights(Value w, Value r, Value b) {
    int64_t gates = recurrentGateCount(cell);
    if (failed(expect(w, "W", {dirs, gates * hidden, input})) || failed(expect(r, "R", {dirs, gates * hidden, hidden})))
      return failure();
    if (b && failed(expect(b, "B", {dirs, 2 * gates * hidden})))
      return failure();
    return success();
  }

  LogicalResult activations(ArrayAttr names, ArrayAttr alpha, ArrayAttr beta) {
    if (names.empty()) {
      if (!alpha.empty() || !beta.empty())
        return op->emitOpError() << "activation_alpha/activation_beta need explicit activations";
      return success();
    }
    int64_t want = recurrentActivationCount(cell) * dirs;
    if ((int64_t)names.size() != want)
      return op->emitOpError() << "expects " << want << " activations (" << recurrentActivationCount(cell)
                               << " per direction), got " << names.size();
    for (Attribute a : names)
      if (!isRecurrentActivation(cast<StringAttr>(a).getValue()))
        return op->emitOpError() << "unknown activation '" << cast<StringAttr>(a).getValue() << "'";
    if ((!alpha.empty() && alpha.size() != names.size()) || (!beta.empty() && beta.size() != names.size()))
      return op->emitOpError() << "activation_alpha and activation_beta must hold one value per activation ("
                               << names.size() << "), got " << alpha.size() << " and " << beta.size();
    return success();
  }

  LogicalResult sequenceLens(Value lens) {
    if (!lens)
      return success();
    auto t = tensorOf(lens);
    if (t.getShape() != ArrayRef<int64_t>{batch} || !isa<IntegerType>(t.getElementType()))
      return op->emitOpError() << "sequence_lens must be an integer tensor of " << batch << " elements, got "
                               << t;
    return success();
  }
};

template <typename OpT>
LogicalResult verifyForward(OpT op, StringRef cell, Value initialC, Value peepholes, Value yc) {
  RecurrentShapes s{op, cell};
  if (failed(s.init(op.getX(), op.getHiddenSize(), op.getDirection(), op.getLayout())) ||
      failed(s.weights(op.getW(), op.getR(), op.getB())) || failed(s.sequenceLens(op.getSequenceLens())) ||
      failed(s.activations(op.getActivations(), op.getActivationAlpha(), op.getActivationBeta())))
    return failure();
  if (op.getInitialH() && failed(s.expect(op.getInitialH(), "initial_h", s.stateShape())))
    return failure();
  if (initialC && failed(s.expect(initialC, "initial_c", s.stateShape())))
    return failure();
  if (peepholes && failed(s.expect(peepholes, "P", {s.dirs, 3 * s.hidden})))
    return failure();
  if (auto clip = op.getClip(); clip && !(clip->convertToDouble() > 0))
    return op.emitOpError() << "clip must be positive, got " << clip->convertToDouble();
  if (failed(s.expect(op.getY(), "result Y", s.outputShape())) ||
      failed(s.expect(op.getYH(), "result Y_h", s.stateShape())))
    return failure();
  if (yc && failed(s.expect(yc, "result Y_c", s.stateShape())))
    return failure();
  if (op.getSaved() &&
      failed(s.expect(op.getSaved(), "result saved", {s.dirs, s.seq, s.batch, recurrentSavedSlots(cell) * s.hidden})))
    return failure();
  return success();
}

} // namespace

LogicalResult RNNOp::verify() { return verifyForward(*this, "rnn", Value(), Value(), Value()); }

LogicalResult GRUOp::verify() {
  if (getLinearBeforeReset() != 0 && getLinearBeforeReset() != 1)
    return emitOpError() << "linear_before_reset must be 0 or 1, got " << getLinearBeforeReset();
  return verifyForward(*this, "gru", Value(), Value(), Value());
}

LogicalResult LSTMOp::verify() {
  if (getInputForget() != 0 && getInputForget() != 1)
    return emitOpError() << "input_forget must be 0 or 1, got " << getInputForget();
  return verifyForward(*this, "lstm", getInitialC(), getP(), getYC());
}

LogicalResult RecurrentGradOp::verify() {
  StringRef cell = getCell();
  if (cell != "rnn" && cell != "gru" && cell != "lstm")
    return emitOpError() << "cell must be rnn, gru or lstm, got '" << cell << "'";
  RecurrentShapes s{*this, cell};
  if (failed(s.init(getX(), getHiddenSize(), getDirection(), getLayout())) ||
      failed(s.weights(getW(), getR(), getB())) ||
      failed(s.activations(getActivations(), ArrayAttr::get(getContext(), {}), ArrayAttr::get(getContext(), {}))))
    return failure();
  bool lstm = cell == "lstm";
  if (lstm != (bool)getInitialC() || lstm != (bool)getDYC() || lstm != (bool)getDinitialC())
    return emitOpError() << "initial_c, dY_c and the dinitial_c result are given exactly for cell lstm";
  if (failed(s.expect(getInitialH(), "initial_h", s.stateShape())) ||
      failed(s.expect(getSaved(), "saved", {s.dirs, s.seq, s.batch, recurrentSavedSlots(cell) * s.hidden})) ||
      failed(s.expect(getDY(), "dY", s.outputShape())) || failed(s.expect(getDYH(), "dY_h", s.stateShape())))
    return failure();
  if (lstm && (failed(s.expect(getInitialC(), "initial_c", s.stateShape())) ||
               failed(s.expect(getDYC(), "dY_c", s.stateShape()))))
    return failure();
  // Each gradient is shaped as its operand.
  Value pairs[][2] = {{getDX(), getX()}, {getDW(), getW()}, {getDR(), getR()}, {getDB(), getB()},
                      {getDinitialH(), getInitialH()}};
  const char *names[] = {"dX", "dW", "dR", "dB", "dinitial_h"};
  for (auto [i, p] : llvm::enumerate(pairs))
    if (p[0].getType() != p[1].getType())
      return emitOpError() << "result " << names[i] << " must have the type of its operand, " << p[1].getType()
                           << ", got " << p[0].getType();
  if (lstm && getDinitialC().getType() != getInitialC().getType())
    return emitOpError() << "result dinitial_c must have initial_c's type " << getInitialC().getType();
  return success();
}
