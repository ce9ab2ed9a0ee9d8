// graph.rnn, graph.gru, graph.lstm and graph.recurrent_grad -> linalg + scf on tensors.
//
// Per direction, the input projection of every step is one matmul, X[T*B, I] x W^T.
// The recurrence is an scf.for over time whose body is one matmul H x R^T and one
// linalg.generic over (batch, hidden) holding the whole gate math (GRU without
// linear_before_reset needs a second matmul after the reset gate). Every loop-carried
// tensor (H, C, Y, the saved activations, the H R^T scratch) is updated in place
// (linalg.copy, tensor.insert_slice, the matmul's init), so each scf.yield is equivalent to
// its iteration argument for bufferization; the generic's fresh outputs become static
// buffers inside the loop, which dlc-plan-memory places once before it.
//
// graph.recurrent_grad runs the same loop backwards over the saved activations: per step
// one generic for the gate gradients and one matmul dA_t R; the gradients of X, W, R and
// B are matmuls over all steps after the loop.
#include "codegen/linalg/GraphToLinalg.h"
#include "codegen/linalg/LoweringUtils.h"
#include "dialects/Graph/GraphDialect.h"
#include "dialects/Graph/RnnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::graph;

namespace {

RankedTensorType tensorTypeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

//===----------------------------------------------------------------------===//
// Tensor helpers
//===----------------------------------------------------------------------===//

SmallVector<OpFoldResult> foldResults(OpBuilder &b, ArrayRef<int64_t> values) {
  SmallVector<OpFoldResult> r;
  for (int64_t v : values)
    r.push_back(b.getIndexAttr(v));
  return r;
}

/// The slice of `src` at `offsets` (static, or `dynamic` at axis `dynAxis`) of `sizes`,
/// with the unit axes not in `keep` dropped.
Value extract(OpBuilder &b, Location l, Value src, ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
              ArrayRef<int64_t> resultShape, Value dynamic = Value(), int64_t dynAxis = -1) {
  auto type = RankedTensorType::get(resultShape, tensorTypeOf(src).getElementType());
  SmallVector<OpFoldResult> offs = foldResults(b, offsets);
  if (dynamic)
    offs[dynAxis] = dynamic;
  return tensor::ExtractSliceOp::create(b, l, type, src, offs, foldResults(b, sizes),
                                        foldResults(b, SmallVector<int64_t>(sizes.size(), 1)));
}

Value insert(OpBuilder &b, Location l, Value src, Value dest, ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
             Value dynamic = Value(), int64_t dynAxis = -1) {
  SmallVector<OpFoldResult> offs = foldResults(b, offsets);
  if (dynamic)
    offs[dynAxis] = dynamic;
  return tensor::InsertSliceOp::create(b, l, src, dest, offs, foldResults(b, sizes),
                                       foldResults(b, SmallVector<int64_t>(sizes.size(), 1)));
}

Value transposed(OpBuilder &b, Location l, Value v, ArrayRef<int64_t> perm) {
  auto shape = tensorTypeOf(v).getShape();
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(shape[p]);
  Value init = emptyTensor(b, l, RankedTensorType::get(out, tensorTypeOf(v).getElementType()));
  return linalg::TransposeOp::create(b, l, v, init, perm)->getResult(0);
}

Value zeroFilled(OpBuilder &b, Location l, Value init) {
  Value zero = scalarConstant(b, l, tensorTypeOf(init).getElementType(), 0);
  return linalg::FillOp::create(b, l, ValueRange{zero}, ValueRange{init})->getResult(0);
}

/// a[M, K] x bm[K, N] accumulated into `init` (filled with zeros first unless `accumulate`).
Value matmulInto(OpBuilder &b, Location l, Value a, Value bm, Value init, bool accumulate = false) {
  Value acc = accumulate ? init : zeroFilled(b, l, init);
  return linalg::MatmulOp::create(b, l, TypeRange{init.getType()}, ValueRange{a, bm}, ValueRange{acc})->getResult(0);
}

Value matmul(OpBuilder &b, Location l, Value a, Value bm) {
  auto as = tensorTypeOf(a).getShape(), bs = tensorTypeOf(bm).getShape();
  auto t = RankedTensorType::get({as[0], bs[1]}, tensorTypeOf(a).getElementType());
  return matmulInto(b, l, a, bm, emptyTensor(b, l, t));
}

/// One linalg.generic over (batch, hidden) built operand by operand.
struct StepGeneric {
  MLIRContext *ctx;
  SmallVector<Value> ins, outs;
  SmallVector<AffineMap> inMaps;

  AffineExpr d(unsigned i) { return getAffineDimExpr(i, ctx); }
  AffineExpr c(int64_t v) { return getAffineConstantExpr(v, ctx); }
  unsigned addIn(Value v, AffineMap m) {
    ins.push_back(v);
    inMaps.push_back(m);
    return ins.size() - 1;
  }
  /// [B, G, H] at gate g.
  unsigned gate(Value v, int64_t g) { return addIn(v, AffineMap::get(2, 0, {d(0), c(g), d(1)}, ctx)); }
  /// [G, H] at gate g (biases, peepholes).
  unsigned row(Value v, int64_t g) { return addIn(v, AffineMap::get(2, 0, {c(g), d(1)}, ctx)); }
  /// [B, H]
  unsigned full(Value v) { return addIn(v, AffineMap::getMultiDimIdentityMap(2, ctx)); }
  /// [B]
  unsigned perBatch(Value v) { return addIn(v, AffineMap::get(2, 0, {d(0)}, ctx)); }
  /// Outputs are [B, H]; their block arguments follow the inputs'.
  unsigned out(Value v) {
    outs.push_back(v);
    return ins.size() + outs.size() - 1;
  }

  SmallVector<Value> build(OpBuilder &b, Location l,
                           function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
    SmallVector<AffineMap> maps(inMaps);
    for (size_t i = 0; i < outs.size(); ++i)
      maps.push_back(AffineMap::getMultiDimIdentityMap(2, ctx));
    SmallVector<Type> types;
    for (Value o : outs)
      types.push_back(o.getType());
    auto op = linalg::GenericOp::create(b, l, types, ins, outs, maps, parallelIterators(2),
                                        [&](OpBuilder &nb, Location nl, ValueRange args) {
                                          linalg::YieldOp::create(nb, nl, body(nb, nl, args));
                                        });
    return SmallVector<Value>(op->getResults());
  }
};

//===----------------------------------------------------------------------===//
// Scalar math
//===----------------------------------------------------------------------===//

struct Activation {
  std::string name;
  double alpha = 0, beta = 0;
};

struct Scalar {
  OpBuilder &b;
  Location l;
  Type t;
  Value k(double v) { return scalarConstant(b, l, t, v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, l, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, l, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, l, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, l, x, y); }
  Value max(Value x, Value y) { return arith::MaximumFOp::create(b, l, x, y); }
  Value min(Value x, Value y) { return arith::MinimumFOp::create(b, l, x, y); }
  Value exp(Value x) { return math::ExpOp::create(b, l, x); }
  Value tanh(Value x) {
    if (!t.isF32())
      return math::TanhOp::create(b, l, x);
    // f32: a rational approximation (within 4e-7 of tanh; Eigen's coefficients) in
    // plain arithmetic, so that a step's gate math makes no libm call per element.
    Value c = max(k(-7.90531110763549805), min(x, k(7.90531110763549805)));
    Value c2 = mul(c, c);
    Value p = k(-2.76076847742355e-16);
    for (double a : {2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-08, 1.48572235717979e-05,
                     6.37261928875436e-04, 4.89352455891786e-03})
      p = add(mul(p, c2), k(a));
    p = mul(p, c);
    Value q = k(1.19825839466702e-06);
    for (double a : {1.18534705686654e-04, 2.26843463243900e-03, 4.89352518554385e-03})
      q = add(mul(q, c2), k(a));
    Value tiny = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, math::AbsFOp::create(b, l, x), k(0.0004));
    return select(tiny, x, div(p, q));
  }
  Value select(Value c, Value x, Value y) { return arith::SelectOp::create(b, l, c, x, y); }
  Value gt(Value x, Value y) { return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, y); }
  Value ge(Value x, Value y) { return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, x, y); }
  Value sigmoid(Value x) {
    if (t.isF32()) // 1 / (1 + e^-x) = (1 + tanh(x / 2)) / 2
      return add(k(0.5), mul(k(0.5), tanh(mul(k(0.5), x))));
    return div(k(1), add(k(1), exp(arith::NegFOp::create(b, l, x))));
  }
  Value oneMinus(Value x) { return sub(k(1), x); }

  Value apply(const Activation &a, Value x) {
    const std::string &n = a.name;
    if (n == "Sigmoid")
      return sigmoid(x);
    if (n == "Tanh")
      return tanh(x);
    if (n == "Relu")
      return max(x, k(0));
    if (n == "HardSigmoid")
      return max(k(0), min(k(1), add(mul(k(a.alpha), x), k(a.beta))));
    if (n == "LeakyRelu")
      return select(ge(x, k(0)), x, mul(k(a.alpha), x));
    if (n == "ThresholdedRelu")
      return select(gt(x, k(a.alpha)), x, k(0));
    if (n == "ScaledTanh")
      return mul(k(a.alpha), tanh(mul(k(a.beta), x)));
    if (n == "Affine")
      return add(mul(k(a.alpha), x), k(a.beta));
    if (n == "Elu")
      return select(ge(x, k(0)), x, mul(k(a.alpha), sub(exp(x), k(1))));
    if (n == "Softsign")
      return div(x, add(k(1), math::AbsFOp::create(b, l, x)));
    // Softplus: log(1 + exp(x)), stable for large x
    Value big = gt(x, k(20));
    return select(big, x, math::Log1pOp::create(b, l, exp(min(x, k(20)))));
  }
};

//===----------------------------------------------------------------------===//
// The forward recurrence
//===----------------------------------------------------------------------===//

struct Recurrence {
  StringRef cell;
  Value x, w, r, bias, seqLens, h0, c0, p;
  int64_t hidden = 0, layout = 0, linearBeforeReset = 0, inputForget = 0;
  StringRef direction;
  SmallVector<Activation> acts; // per direction, forward first
  std::optional<double> clip;
  RankedTensorType savedType; // null: not requested
};

SmallVector<Activation> activationsOf(StringRef cell, int64_t dirs, ArrayAttr names, ArrayAttr alpha, ArrayAttr beta) {
  SmallVector<Activation> acts;
  if (names.empty()) {
    for (int64_t d = 0; d < dirs; ++d)
      for (const std::string &n : defaultRecurrentActivations(cell))
        acts.push_back({n});
    return acts;
  }
  for (auto [i, n] : llvm::enumerate(names)) {
    Activation a{cast<StringAttr>(n).getValue().str()};
    if (!alpha.empty())
      a.alpha = cast<FloatAttr>(alpha[i]).getValueAsDouble();
    if (!beta.empty())
      a.beta = cast<FloatAttr>(beta[i]).getValueAsDouble();
    acts.push_back(a);
  }
  return acts;
}

/// The slice of a state operand (initial_h/c, Y_h layout) for direction d, [B, H].
Value stateOfDirection(OpBuilder &b, Location l, Value s, int64_t d, int64_t layout, int64_t batch, int64_t hidden) {
  if (layout)
    return extract(b, l, s, {0, d, 0}, {batch, 1, hidden}, {batch, hidden});
  return extract(b, l, s, {d, 0, 0}, {1, batch, hidden}, {batch, hidden});
}

/// Y, Y_h, Y_c (null for rnn and gru), saved (null unless requested).
SmallVector<Value> lowerRecurrence(OpBuilder &b, Location l, const Recurrence &rc) {
  auto xt = tensorTypeOf(rc.x);
  Type elem = xt.getElementType();
  MLIRContext *ctx = b.getContext();
  bool lstm = rc.cell == "lstm", gru = rc.cell == "gru";
  int64_t dirs = rc.direction == "bidirectional" ? 2 : 1;
  int64_t seq = xt.getDimSize(rc.layout ? 1 : 0), batch = xt.getDimSize(rc.layout ? 0 : 1), in = xt.getDimSize(2);
  int64_t H = rc.hidden, G = recurrentGateCount(rc.cell), S = recurrentSavedSlots(rc.cell);
  unsigned perDir = recurrentActivationCount(rc.cell);
  auto bh = RankedTensorType::get({batch, H}, elem);

  Value x = rc.layout ? transposed(b, l, rc.x, {1, 0, 2}) : rc.x;
  Value xFlat = reshapeTensor(b, l, x, {seq * batch, in});
  auto stateShape = rc.layout ? SmallVector<int64_t>{batch, dirs, H} : SmallVector<int64_t>{dirs, batch, H};
  Value yAll = emptyTensor(b, l, RankedTensorType::get({seq, dirs, batch, H}, elem));
  Value yh = emptyTensor(b, l, RankedTensorType::get(stateShape, elem));
  Value yc = lstm ? emptyTensor(b, l, RankedTensorType::get(stateShape, elem)) : Value();
  Value savedAll = rc.savedType ? emptyTensor(b, l, rc.savedType) : Value();

  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = rc.direction == "reverse" || d == 1;
    ArrayRef<Activation> acts = ArrayRef<Activation>(rc.acts).slice(d * perDir, perDir);
    // Input projection of every step at once: [T*B, G*H] -> [T, B, G, H].
    Value wT = transposed(b, l, extract(b, l, rc.w, {d, 0, 0}, {1, G * H, in}, {G * H, in}), {1, 0});
    Value xw = reshapeTensor(b, l, matmul(b, l, xFlat, wT), {seq, batch, G, H});
    Value rT = transposed(b, l, extract(b, l, rc.r, {d, 0, 0}, {1, G * H, H}, {G * H, H}), {1, 0});
    Value wb, rb;
    if (rc.bias) {
      wb = reshapeTensor(b, l, extract(b, l, rc.bias, {d, 0}, {1, G * H}, {G * H}), {G, H});
      rb = reshapeTensor(b, l, extract(b, l, rc.bias, {d, G * H}, {1, G * H}, {G * H}), {G, H});
    } else {
      wb = rb = filledTensor(b, l, RankedTensorType::get({G, H}, elem), scalarConstant(b, l, elem, 0));
    }
    Value p = rc.p ? reshapeTensor(b, l, extract(b, l, rc.p, {d, 0}, {1, 3 * H}, {3 * H}), {3, H}) : Value();
    auto initial = [&](Value s) -> Value {
      // A fresh tensor: the loop updates it in place.
      Value init = emptyTensor(b, l, bh);
      if (!s)
        return zeroFilled(b, l, init);
      return linalg::CopyOp::create(b, l, stateOfDirection(b, l, s, d, rc.layout, batch, H), init)->getResult(0);
    };
    SmallVector<Value> iterInit{initial(rc.h0), emptyTensor(b, l, RankedTensorType::get({seq, batch, H}, elem)),
                                emptyTensor(b, l, RankedTensorType::get({batch, G * H}, elem))};
    if (lstm)
      iterInit.push_back(initial(rc.c0));
    if (rc.savedType)
      iterInit.push_back(emptyTensor(b, l, RankedTensorType::get({seq, batch, S * H}, elem)));
    bool twoMatmuls = gru && !rc.linearBeforeReset;

    Value zero = arith::ConstantIndexOp::create(b, l, 0), one = arith::ConstantIndexOp::create(b, l, 1),
          steps = arith::ConstantIndexOp::create(b, l, seq);
    auto loop = scf::ForOp::create(
        b, l, zero, steps, one, iterInit, [&](OpBuilder &lb, Location ll, Value s, ValueRange iters) {
          Value h = iters[0], yd = iters[1], hrBuf = iters[2];
          unsigned next = 3;
          Value c = lstm ? iters[next++] : Value();
          Value sd = rc.savedType ? iters[next++] : Value();
          Value t = reverse ? arith::SubIOp::create(lb, ll, arith::ConstantIndexOp::create(lb, ll, seq - 1), s)
                            : s;
          Value xwt = extract(lb, ll, xw, {0, 0, 0, 0}, {1, batch, G, H}, {batch, G, H}, t, 0);
          Value hrFlat = matmulInto(lb, ll, h, rT, hrBuf);
          Value hr = reshapeTensor(lb, ll, hrFlat, {batch, G, H});
          // The generic writes fresh tensors; they are copied into the loop-carried ones.
          // (Outputs whose old value the payload does not read get replaced by
          // tensor.empty in the elementwise fusion, so they cannot carry the state.)
          auto fresh = [&]() { return emptyTensor(lb, ll, bh); };
          // valid(b) = t < sequence_lens[b]; padded steps keep the state and write Y = 0.
          auto validOf = [&](OpBuilder &nb, Location nl, Value len) -> Value {
            Value t64 = arith::IndexCastOp::create(nb, nl, len.getType(), t);
            return arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt, t64, len);
          };
          auto clipped = [&](Scalar &m, Value v) {
            return rc.clip ? m.max(m.k(-*rc.clip), m.min(v, m.k(*rc.clip))) : v;
          };

          Value zBuf, rhBuf, rhn;
          if (twoMatmuls) {
            // z and r * H first; then (r * H) Rh^T.
            StepGeneric g{ctx};
            unsigned xz = g.gate(xwt, 0), xr = g.gate(xwt, 1), hz = g.gate(hr, 0), hrr = g.gate(hr, 1),
                     wz = g.row(wb, 0), wr = g.row(wb, 1), rz = g.row(rb, 0), rr = g.row(rb, 1), hp = g.full(h);
            g.out(fresh());
            g.out(fresh());
            auto res = g.build(lb, ll, [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
              Scalar m{nb, nl, elem};
              Value z = m.apply(acts[0], clipped(m, m.add(m.add(a[xz], a[hz]), m.add(a[wz], a[rz]))));
              Value r = m.apply(acts[0], clipped(m, m.add(m.add(a[xr], a[hrr]), m.add(a[wr], a[rr]))));
              return {z, m.mul(r, a[hp])};
            });
            zBuf = res[0];
            rhBuf = res[1];
            Value rhT = extract(lb, ll, rT, {0, 2 * H}, {H, H}, {H, H});
            rhn = matmul(lb, ll, rhBuf, rhT);
          }

          StepGeneric g{ctx};
          SmallVector<unsigned> xg, hg, wg, rg;
          for (int64_t k = 0; k < G; ++k) {
            xg.push_back(g.gate(xwt, k));
            hg.push_back(g.gate(hr, k));
            wg.push_back(g.row(wb, k));
            rg.push_back(g.row(rb, k));
          }
          unsigned pi = 0, po = 0, pf = 0, lenIdx = 0, zIdx = 0, rhnIdx = 0;
          if (p)
            pi = g.row(p, 0), po = g.row(p, 1), pf = g.row(p, 2);
          if (rc.seqLens)
            lenIdx = g.perBatch(rc.seqLens);
          if (twoMatmuls)
            zIdx = g.full(zBuf), rhnIdx = g.full(rhn);
          unsigned hIn = g.full(h), cIn = lstm ? g.full(c) : 0;
          g.out(fresh());
          if (rc.seqLens)
            g.out(fresh());
          if (lstm)
            g.out(fresh());
          if (sd)
            for (int64_t k = 0; k < S; ++k)
              g.out(fresh());
          auto res = g.build(lb, ll, [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
            Scalar m{nb, nl, elem};
            auto pre = [&](int64_t k) { return m.add(m.add(a[xg[k]], a[hg[k]]), m.add(a[wg[k]], a[rg[k]])); };
            Value hPrev = a[hIn], hNew, cNew;
            SmallVector<Value> slots;
            if (lstm) {
              Value cPrev = a[cIn];
              Value xi = pre(0), xo = pre(1), xf = pre(2), xc = pre(3);
              if (p) {
                xi = m.add(xi, m.mul(a[pi], cPrev));
                xf = m.add(xf, m.mul(a[pf], cPrev));
              }
              Value i = m.apply(acts[0], clipped(m, xi));
              Value f = rc.inputForget ? m.oneMinus(i) : m.apply(acts[0], clipped(m, xf));
              Value cc = m.apply(acts[1], clipped(m, xc));
              cNew = m.add(m.mul(f, cPrev), m.mul(i, cc));
              if (p)
                xo = m.add(xo, m.mul(a[po], cNew));
              Value o = m.apply(acts[0], clipped(m, xo));
              hNew = m.mul(o, m.apply(acts[2], cNew));
              slots = {i, o, f, cc, cNew, hNew};
            } else if (gru) {
              Value z, r, n, hn;
              if (twoMatmuls) {
                z = a[zIdx];
                hn = m.add(a[rhnIdx], a[rg[2]]);
                n = m.apply(acts[1], clipped(m, m.add(m.add(a[xg[2]], a[wg[2]]), hn)));
              } else {
                z = m.apply(acts[0], clipped(m, pre(0)));
                r = m.apply(acts[0], clipped(m, pre(1)));
                hn = m.add(a[hg[2]], a[rg[2]]);
                n = m.apply(acts[1], clipped(m, m.add(m.add(a[xg[2]], a[wg[2]]), m.mul(r, hn))));
              }
              hNew = m.add(m.mul(m.oneMinus(z), n), m.mul(z, hPrev));
              slots = {z, r ? r : z, n, hn, hNew};
            } else {
              hNew = m.apply(acts[0], clipped(m, pre(0)));
              slots = {hNew};
            }
            Value y = hNew;
            if (rc.seqLens) {
              Value valid = validOf(nb, nl, a[lenIdx]);
              y = m.select(valid, hNew, m.k(0));
              hNew = m.select(valid, hNew, hPrev);
              if (lstm)
                cNew = m.select(valid, cNew, a[cIn]);
            }
            SmallVector<Value> outs{hNew};
            if (rc.seqLens)
              outs.push_back(y);
            if (lstm)
              outs.push_back(cNew);
            if (sd)
              outs.append(slots);
            return outs;
          });
          unsigned ri = 0;
          Value hNew = res[ri++];
          Value yNew = rc.seqLens ? res[ri++] : hNew;
          Value hNext = linalg::CopyOp::create(lb, ll, hNew, h)->getResult(0);
          Value ydNext = insert(lb, ll, yNew, yd, {0, 0, 0}, {1, batch, H}, t, 0);
          SmallVector<Value> yields{hNext, ydNext, hrFlat};
          if (lstm)
            yields.push_back(linalg::CopyOp::create(lb, ll, res[ri++], c)->getResult(0));
          if (sd) {
            Value sdNext = sd;
            for (int64_t k = 0; k < S; ++k)
              sdNext = insert(lb, ll, res[ri++], sdNext, {0, 0, k * H}, {1, batch, H}, t, 0);
            yields.push_back(sdNext);
          }
          scf::YieldOp::create(lb, ll, yields);
        });
    ValueRange results = loop.getResults();
    Value hFinal = results[0], ydFinal = results[1];
    unsigned next = 3;
    yAll = insert(b, l, ydFinal, yAll, {0, d, 0, 0}, {seq, 1, batch, H});
    auto stateOffsets = rc.layout ? SmallVector<int64_t>{0, d, 0} : SmallVector<int64_t>{d, 0, 0};
    auto stateSizes = rc.layout ? SmallVector<int64_t>{batch, 1, H} : SmallVector<int64_t>{1, batch, H};
    yh = insert(b, l, hFinal, yh, stateOffsets, stateSizes);
    if (lstm)
      yc = insert(b, l, results[next++], yc, stateOffsets, stateSizes);
    if (rc.savedType)
      savedAll = insert(b, l, results[next++], savedAll, {d, 0, 0, 0}, {1, seq, batch, S * H});
  }
  Value y = rc.layout ? transposed(b, l, yAll, {2, 0, 1, 3}) : yAll;
  return {y, yh, yc, savedAll};
}

template <typename OpT>
Recurrence recurrenceOf(OpT op, typename OpT::Adaptor a, StringRef cell) {
  Recurrence rc;
  rc.cell = cell;
  rc.x = a.getX();
  rc.w = a.getW();
  rc.r = a.getR();
  rc.bias = a.getB();
  rc.seqLens = a.getSequenceLens();
  rc.h0 = a.getInitialH();
  rc.hidden = op.getHiddenSize();
  rc.layout = op.getLayout();
  rc.direction = op.getDirection();
  int64_t dirs = rc.direction == "bidirectional" ? 2 : 1;
  rc.acts = activationsOf(cell, dirs, op.getActivations(), op.getActivationAlpha(), op.getActivationBeta());
  if (auto clip = op.getClip())
    rc.clip = clip->convertToDouble();
  if (op.getSaved())
    rc.savedType = cast<RankedTensorType>(op.getSaved().getType());
  return rc;
}

template <typename OpT>
void replaceRecurrent(ConversionPatternRewriter &rewriter, OpT op, ArrayRef<Value> lowered, bool lstm) {
  SmallVector<Value> results{lowered[0], lowered[1]};
  if (lstm)
    results.push_back(lowered[2]);
  if (op.getSaved())
    results.push_back(lowered[3]);
  rewriter.replaceOp(op, results);
}

struct RNNLowering : OpConversionPattern<RNNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(RNNOp op, OpAdaptor a, ConversionPatternRewriter &rewriter) const override {
    Recurrence rc = recurrenceOf(op, a, "rnn");
    replaceRecurrent(rewriter, op, lowerRecurrence(rewriter, op.getLoc(), rc), false);
    return success();
  }
};

struct GRULowering : OpConversionPattern<GRUOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GRUOp op, OpAdaptor a, ConversionPatternRewriter &rewriter) const override {
    Recurrence rc = recurrenceOf(op, a, "gru");
    rc.linearBeforeReset = op.getLinearBeforeReset();
    if (rc.savedType && !rc.linearBeforeReset)
      return rewriter.notifyMatchFailure(op, "saved activations need linear_before_reset = 1");
    replaceRecurrent(rewriter, op, lowerRecurrence(rewriter, op.getLoc(), rc), false);
    return success();
  }
};

struct LSTMLowering : OpConversionPattern<LSTMOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LSTMOp op, OpAdaptor a, ConversionPatternRewriter &rewriter) const override {
    Recurrence rc = recurrenceOf(op, a, "lstm");
    rc.c0 = a.getInitialC();
    rc.p = a.getP();
    rc.inputForget = op.getInputForget();
    replaceRecurrent(rewriter, op, lowerRecurrence(rewriter, op.getLoc(), rc), true);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Backpropagation through time
//===----------------------------------------------------------------------===//

/// Rows of `a` summed: [N, K] -> [K], as ones[1, N] x a.
Value sumRows(OpBuilder &b, Location l, Value a) {
  auto as = tensorTypeOf(a).getShape();
  Type elem = tensorTypeOf(a).getElementType();
  Value ones = filledTensor(b, l, RankedTensorType::get({1, as[0]}, elem), scalarConstant(b, l, elem, 1));
  return reshapeTensor(b, l, matmul(b, l, ones, a), {as[1]});
}

/// The derivative of activation `name` at the point where it returned `y`.
Value derivativeFromOutput(Scalar &m, StringRef name, Value y) {
  if (name == "Sigmoid")
    return m.mul(y, m.oneMinus(y));
  if (name == "Relu")
    return m.select(m.gt(y, m.k(0)), m.k(1), m.k(0));
  return m.oneMinus(m.mul(y, y)); // Tanh
}

struct RecurrentGradLowering : OpConversionPattern<RecurrentGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(RecurrentGradOp op, OpAdaptor a, ConversionPatternRewriter &rewriter) const override {
    OpBuilder &b = rewriter;
    Location l = op.getLoc();
    MLIRContext *ctx = b.getContext();
    StringRef cell = op.getCell();
    bool lstm = cell == "lstm", gru = cell == "gru";
    auto xt = tensorTypeOf(a.getX());
    Type elem = xt.getElementType();
    int64_t layout = op.getLayout(), H = op.getHiddenSize();
    int64_t dirs = op.getDirection() == "bidirectional" ? 2 : 1;
    int64_t seq = xt.getDimSize(layout ? 1 : 0), batch = xt.getDimSize(layout ? 0 : 1), in = xt.getDimSize(2);
    int64_t G = recurrentGateCount(cell), S = recurrentSavedSlots(cell);
    unsigned perDir = recurrentActivationCount(cell);
    auto bh = RankedTensorType::get({batch, H}, elem);
    auto fresh = [&](OpBuilder &nb, Location nl) { return emptyTensor(nb, nl, bh); };

    Value x = layout ? transposed(b, l, a.getX(), {1, 0, 2}) : a.getX();
    Value xFlat = reshapeTensor(b, l, x, {seq * batch, in});
    Value dy = layout ? transposed(b, l, a.getDY(), {1, 2, 0, 3}) : a.getDY(); // [T, dirs, B, H]
    auto stateShape = layout ? SmallVector<int64_t>{batch, dirs, H} : SmallVector<int64_t>{dirs, batch, H};
    auto stateOffsets = [&](int64_t d) {
      return layout ? SmallVector<int64_t>{0, d, 0} : SmallVector<int64_t>{d, 0, 0};
    };
    auto stateSizes = layout ? SmallVector<int64_t>{batch, 1, H} : SmallVector<int64_t>{1, batch, H};

    Value dX, dW = emptyTensor(b, l, cast<RankedTensorType>(op.getDW().getType())),
              dR = emptyTensor(b, l, cast<RankedTensorType>(op.getDR().getType())),
              dB = emptyTensor(b, l, cast<RankedTensorType>(op.getDB().getType())),
              dH0 = emptyTensor(b, l, RankedTensorType::get(stateShape, elem)),
              dC0 = lstm ? emptyTensor(b, l, RankedTensorType::get(stateShape, elem)) : Value();

    for (int64_t d = 0; d < dirs; ++d) {
      bool reverse = op.getDirection() == "reverse" || d == 1;
      StringRef act0 = cast<StringAttr>(op.getActivations()[d * perDir]).getValue();
      Value saved = reshapeTensor(b, l, extract(b, l, a.getSaved(), {d, 0, 0, 0}, {1, seq, batch, S * H},
                                                {seq, batch, S * H}),
                                  {seq, batch, S, H});
      // H (and C) before every step: the previous step's, or the initial state.
      auto previous = [&](int64_t slot, Value initial) {
        Value states = extract(b, l, saved, {0, 0, slot, 0}, {seq, batch, 1, H}, {seq, batch, H});
        Value init = stateOfDirection(b, l, initial, d, layout, batch, H);
        Value prev = emptyTensor(b, l, RankedTensorType::get({seq, batch, H}, elem));
        int64_t first = reverse ? seq - 1 : 0;
        prev = insert(b, l, init, prev, {first, 0, 0}, {1, batch, H});
        if (seq > 1) {
          Value shifted = extract(b, l, states, {reverse ? 1 : 0, 0, 0}, {seq - 1, batch, H}, {seq - 1, batch, H});
          prev = insert(b, l, shifted, prev, {reverse ? 0 : 1, 0, 0}, {seq - 1, batch, H});
        }
        return prev;
      };
      Value hPrevAll = previous(S - 1, a.getInitialH());
      Value cPrevAll = lstm ? previous(4, a.getInitialC()) : Value();
      Value dyd = extract(b, l, dy, {0, d, 0, 0}, {seq, 1, batch, H}, {seq, batch, H});
      Value rd = extract(b, l, a.getR(), {d, 0, 0}, {1, G * H, H}, {G * H, H});
      Value wd = extract(b, l, a.getW(), {d, 0, 0}, {1, G * H, in}, {G * H, in});
      auto copyOf = [&](Value v) {
        return linalg::CopyOp::create(b, l, v, emptyTensor(b, l, tensorTypeOf(v)))->getResult(0);
      };
      SmallVector<Value> iterInit{copyOf(stateOfDirection(b, l, a.getDYH(), d, layout, batch, H)),
                                  emptyTensor(b, l, RankedTensorType::get({seq, batch, G * H}, elem))};
      if (gru)
        iterInit.push_back(emptyTensor(b, l, RankedTensorType::get({seq, batch, G * H}, elem)));
      if (lstm)
        iterInit.push_back(copyOf(stateOfDirection(b, l, a.getDYC(), d, layout, batch, H)));

      Value zero = arith::ConstantIndexOp::create(b, l, 0), one = arith::ConstantIndexOp::create(b, l, 1),
            steps = arith::ConstantIndexOp::create(b, l, seq);
      auto loop = scf::ForOp::create(
          b, l, zero, steps, one, iterInit, [&](OpBuilder &lb, Location ll, Value s, ValueRange iters) {
            // Forward order reversed: the forward pass's last step first.
            Value t = reverse ? s : arith::SubIOp::create(lb, ll, arith::ConstantIndexOp::create(lb, ll, seq - 1), s);
            Value dh = iters[0], dax = iters[1];
            Value dah = gru ? iters[2] : Value();
            Value dc = lstm ? iters[2] : Value();
            Value st = extract(lb, ll, saved, {0, 0, 0, 0}, {1, batch, S, H}, {batch, S, H}, t, 0);
            Value dyt = extract(lb, ll, dyd, {0, 0, 0}, {1, batch, H}, {batch, H}, t, 0);
            Value hPrev = extract(lb, ll, hPrevAll, {0, 0, 0}, {1, batch, H}, {batch, H}, t, 0);
            StepGeneric g{ctx};
            SmallVector<unsigned> slot;
            for (int64_t k = 0; k < S; ++k)
              slot.push_back(g.gate(st, k));
            unsigned dhI = g.full(dh), dyI = g.full(dyt), hpI = g.full(hPrev);
            unsigned dcI = 0, cpI = 0;
            if (lstm) {
              dcI = g.full(dc);
              cpI = g.full(extract(lb, ll, cPrevAll, {0, 0, 0}, {1, batch, H}, {batch, H}, t, 0));
            }
            // Outputs: the G pre-activation gradients (X side), then per cell: lstm dC_prev;
            // gru the h gate's H-side gradient and dh * z.
            unsigned nOut = G + (lstm ? 1 : gru ? 2 : 0);
            for (unsigned k = 0; k < nOut; ++k)
              g.out(fresh(lb, ll));
            auto res = g.build(lb, ll, [&](OpBuilder &nb, Location nl, ValueRange v) -> SmallVector<Value> {
              Scalar m{nb, nl, elem};
              Value dht = m.add(v[dhI], v[dyI]);
              if (lstm) {
                Value i = v[slot[0]], o = v[slot[1]], f = v[slot[2]], cc = v[slot[3]], c = v[slot[4]];
                Value tc = m.tanh(c);
                Value dC = m.add(v[dcI], m.mul(m.mul(dht, o), m.oneMinus(m.mul(tc, tc))));
                Value dai = m.mul(m.mul(dC, cc), m.mul(i, m.oneMinus(i)));
                Value dao = m.mul(m.mul(dht, tc), m.mul(o, m.oneMinus(o)));
                Value daf = m.mul(m.mul(dC, v[cpI]), m.mul(f, m.oneMinus(f)));
                Value dacc = m.mul(m.mul(dC, i), m.oneMinus(m.mul(cc, cc)));
                return {dai, dao, daf, dacc, m.mul(dC, f)};
              }
              if (gru) {
                Value z = v[slot[0]], r = v[slot[1]], n = v[slot[2]], hn = v[slot[3]];
                Value dz = m.mul(dht, m.sub(v[hpI], n));
                Value dan = m.mul(m.mul(dht, m.oneMinus(z)), m.oneMinus(m.mul(n, n)));
                Value daz = m.mul(dz, m.mul(z, m.oneMinus(z)));
                Value dar = m.mul(m.mul(dan, hn), m.mul(r, m.oneMinus(r)));
                return {daz, dar, dan, m.mul(dan, r), m.mul(dht, z)};
              }
              return {m.mul(dht, derivativeFromOutput(m, act0, v[slot[0]]))};
            });
            Value daxNext = dax;
            for (int64_t k = 0; k < G; ++k)
              daxNext = insert(lb, ll, res[k], daxNext, {0, 0, k * H}, {1, batch, H}, t, 0);
            Value dahNext = daxNext;
            if (gru) {
              dahNext = dah;
              for (int64_t k = 0; k < 2; ++k)
                dahNext = insert(lb, ll, res[k], dahNext, {0, 0, k * H}, {1, batch, H}, t, 0);
              dahNext = insert(lb, ll, res[3], dahNext, {0, 0, 2 * H}, {1, batch, H}, t, 0);
            }
            Value dat = extract(lb, ll, dahNext, {0, 0, 0}, {1, batch, G * H}, {batch, G * H}, t, 0);
            // dH_prev = dA_t R (+ dh * z for gru)
            Value dhPrev = gru ? matmulInto(lb, ll, dat, rd, res[4], /*accumulate=*/true) : matmul(lb, ll, dat, rd);
            SmallVector<Value> yields{linalg::CopyOp::create(lb, ll, dhPrev, dh)->getResult(0), daxNext};
            if (gru)
              yields.push_back(dahNext);
            if (lstm)
              yields.push_back(linalg::CopyOp::create(lb, ll, res[4], dc)->getResult(0));
            scf::YieldOp::create(lb, ll, yields);
          });
      ValueRange results = loop.getResults();
      Value daxAll = reshapeTensor(b, l, results[1], {seq * batch, G * H});
      Value dahAll = gru ? reshapeTensor(b, l, results[2], {seq * batch, G * H}) : daxAll;
      // The weight gradients over all steps at once.
      Value dXd = matmul(b, l, daxAll, wd);
      dX = dX ? linalg::AddOp::create(b, l, ValueRange{dX, dXd}, ValueRange{emptyTensor(b, l, tensorTypeOf(dXd))})
                    ->getResult(0)
              : dXd;
      Value daxT = transposed(b, l, daxAll, {1, 0}), dahT = gru ? transposed(b, l, dahAll, {1, 0}) : daxT;
      Value dWd = matmul(b, l, daxT, xFlat);
      Value dRd = matmul(b, l, dahT, reshapeTensor(b, l, hPrevAll, {seq * batch, H}));
      dW = insert(b, l, dWd, dW, {d, 0, 0}, {1, G * H, in});
      dR = insert(b, l, dRd, dR, {d, 0, 0}, {1, G * H, H});
      dB = insert(b, l, sumRows(b, l, daxAll), dB, {d, 0}, {1, G * H});
      dB = insert(b, l, sumRows(b, l, dahAll), dB, {d, G * H}, {1, G * H});
      dH0 = insert(b, l, results[0], dH0, stateOffsets(d), stateSizes);
      if (lstm)
        dC0 = insert(b, l, results[gru ? 3 : 2], dC0, stateOffsets(d), stateSizes);
    }
    Value dXOut = reshapeTensor(b, l, dX, {seq, batch, in});
    if (layout)
      dXOut = transposed(b, l, dXOut, {1, 0, 2});
    SmallVector<Value> repl{dXOut, dW, dR, dB, dH0};
    if (lstm)
      repl.push_back(dC0);
    rewriter.replaceOp(op, repl);
    return success();
  }
};

} // namespace

namespace dlc {
void populateRnnLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<RNNLowering, GRULowering, LSTMLowering, RecurrentGradLowering>(patterns.getContext());
}
} // namespace dlc
