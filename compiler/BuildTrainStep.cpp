// dlc-build-train-step: @infer -> @eval_step and @train_step (loss, autodiff, optimizer).
#include "compiler/Autodiff.h"
#include "compiler/Passes.h"

#include "dialects/Graph/GraphBuilders.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/Format.h"

#include <regex>

namespace dlc {
#define GEN_PASS_DEF_BUILDTRAINSTEP
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc::graph;

namespace {

constexpr const char *kKind = "dlc.kind", *kName = "dlc.name", *kInit = "dlc.init", *kTrainable = "dlc.trainable";
constexpr const char *kUpdatesParam = "dlc.updates_param";
/// The dropout masks' seed: an i64 parameter that dlc-run train sets from --seed and
/// checkpoints keep, like optimizer.step (the masks' counter).
constexpr const char *kSeedParam = "rng.seed";

StringRef argAttr(func::FuncOp f, unsigned i, StringRef name) {
  auto a = f.getArgAttrOfType<StringAttr>(i, name);
  return a ? a.getValue() : StringRef();
}

bool isTrainable(func::FuncOp f, unsigned i) {
  if (argAttr(f, i, kKind) != "param")
    return false;
  if (auto t = f.getArgAttrOfType<BoolAttr>(i, kTrainable))
    return t.getValue();
  return isa<FloatType>(typeOf(f.getArgument(i)).getElementType());
}

struct BuildTrainStepPass : dlc::impl::BuildTrainStepBase<BuildTrainStepPass> {
  using BuildTrainStepBase::BuildTrainStepBase;

  SmallVector<StringRef> slots() const {
    if (optimizer == "sgd")
      return {};
    if (optimizer == "momentum" || optimizer == "nesterov")
      return {"momentum"};
    if (optimizer == "adam" || optimizer == "adamw")
      return {"adam.m", "adam.v"};
    if (optimizer == "rmsprop")
      return {"square_avg"};
    if (optimizer == "adagrad")
      return {"sum"};
    return {};
  }

  double eps() const {
    if (epsilon >= 0)
      return epsilon;
    return optimizer == "adagrad" ? 1e-10 : 1e-8;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    static const char *optimizers[] = {"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"};
    static const char *losses[] = {"mse", "l1", "bce", "bce_logits", "cross_entropy", "nll"};
    if (!llvm::is_contained(optimizers, optimizer)) {
      module.emitError() << "unknown optimizer '" << optimizer << "' (sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad)";
      return signalPassFailure();
    }
    if (lossOutput.empty() && !llvm::is_contained(losses, loss)) {
      module.emitError() << "unknown loss '" << loss << "' (mse, l1, bce, bce_logits, cross_entropy, nll)";
      return signalPassFailure();
    }
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
      std::string text;
      llvm::raw_string_ostream(text) << llvm::format("%g", (double)labelSmoothing);
      module.emitError() << "label smoothing " << text << " is outside [0, 1]";
      return signalPassFailure();
    }
    if (labelSmoothing > 0 && (!lossOutput.empty() || loss != "cross_entropy")) {
      module.emitError() << "label smoothing applies to the cross_entropy loss only, not to "
                         << (lossOutput.empty() ? "'" + loss + "'" : "--loss-output '" + lossOutput + "'");
      return signalPassFailure();
    }
    auto infer = module.lookupSymbol<func::FuncOp>("infer");
    if (!infer) {
      module.emitError() << "dlc-build-train-step needs an @infer function";
      return signalPassFailure();
    }
    if (failed(freezeParams(infer)) || failed(freezeUnreached(infer)))
      return signalPassFailure();
    addOptimizerParams(infer);
    SymbolTable symbols(module);
    func::FuncOp eval = buildEntry(infer, "eval_step", /*train=*/false);
    if (!eval)
      return signalPassFailure();
    symbols.insert(eval);
    func::FuncOp train = buildEntry(infer, "train_step", /*train=*/true);
    if (!train)
      return signalPassFailure();
    symbols.insert(train);
  }

  /// --freeze: parameters whose name the regex matches anywhere (std::regex_search with
  /// ECMAScript syntax, as Python's re.search) are not trainable.
  LogicalResult freezeParams(func::FuncOp infer) {
    if (freeze.empty())
      return success();
    std::regex re;
    try {
      re = std::regex(freeze, std::regex::ECMAScript);
    } catch (const std::regex_error &e) {
      return infer.emitError() << "--freeze '" << freeze << "' is not a valid regular expression: " << e.what();
    }
    std::string names;
    unsigned frozen = 0;
    for (unsigned i = 0; i < infer.getNumArguments(); ++i) {
      if (!isTrainable(infer, i))
        continue;
      StringRef name = argAttr(infer, i, kName);
      names += (names.empty() ? "" : ", ") + name.str();
      if (std::regex_search(name.begin(), name.end(), re)) {
        infer.setArgAttr(i, kTrainable, BoolAttr::get(infer.getContext(), false));
        ++frozen;
      }
    }
    if (!frozen)
      return infer.emitError() << "--freeze '" << freeze << "' matches none of the trainable parameters ("
                               << names << ")";
    return success();
  }

  /// State slots, optimizer.lr and optimizer.step: new trailing parameters of @infer
  /// (and so of every entry cloned from it).
  void addOptimizerParams(func::FuncOp infer) {
    OpBuilder b(infer.getContext());
    Location loc = infer.getLoc();
    SmallVector<std::pair<unsigned, StringRef>> trainable;
    for (unsigned i = 0; i < infer.getNumArguments(); ++i)
      if (isTrainable(infer, i))
        trainable.push_back({i, argAttr(infer, i, kName)});
    auto append = [&](Type type, std::string name, Attribute init) {
      unsigned index = infer.getNumArguments();
      NamedAttrList attrs;
      attrs.set(kKind, b.getStringAttr("param"));
      attrs.set(kName, b.getStringAttr(name));
      attrs.set(kInit, init);
      attrs.set(kTrainable, b.getBoolAttr(false));
      (void)infer.insertArgument(index, type, attrs.getDictionary(b.getContext()), loc);
    };
    for (StringRef slot : slots())
      for (auto [i, name] : trainable)
        append(infer.getArgument(i).getType(), (name + "/" + slot).str(), b.getStringAttr("zeros"));
    append(RankedTensorType::get({}, b.getF32Type()), "optimizer.lr", b.getF64FloatAttr(lr));
    append(RankedTensorType::get({}, b.getI64Type()), "optimizer.step", b.getStringAttr("zeros"));
    bool dropout = false;
    infer.walk([&](DropoutOp) { dropout = true; });
    if (dropout)
      append(RankedTensorType::get({}, b.getI64Type()), kSeedParam, b.getStringAttr("zeros"));
  }

  /// The label's type for the chosen loss and model output.
  Type labelType(RankedTensorType output) const {
    if (loss == "cross_entropy" || loss == "nll")
      return RankedTensorType::get({output.getDimSize(0)}, IntegerType::get(output.getContext(), 64));
    return output;
  }

  Value buildLoss(OpBuilder &b, Location l, Value y, Value label) {
    auto yt = typeOf(y);
    if (loss == "cross_entropy" || loss == "nll") {
      if (yt.getRank() != 2) {
        emitError(l) << "loss " << loss << " expects a [batch, classes] output, got " << y.getType();
        return {};
      }
      int64_t n = yt.getDimSize(0), c = yt.getDimSize(1);
      Value logp = loss == "nll" ? y : b.create<LogSoftmaxOp>(l, yt, y, b.getI64IntegerAttr(1)).getResult();
      // one-hot(label) from a comparison with [0, 1, ..., C-1]
      auto iotaType = RankedTensorType::get({1, c}, b.getI64Type());
      SmallVector<int64_t> iota(c);
      for (int64_t i = 0; i < c; ++i)
        iota[i] = i;
      Value classes = b.create<ConstantOp>(l, iotaType, DenseElementsAttr::get(iotaType, ArrayRef<int64_t>(iota)));
      Value column = reshape(b, l, label, {n, 1});
      Value hit = b.create<EqualOp>(l, RankedTensorType::get({n, c}, b.getI1Type()), column, classes);
      Value target = b.create<CastOp>(l, yt, hit);
      if (labelSmoothing > 0) // torch: (1 - eps) * one-hot + eps / C
        target = add(b, l, mul(b, l, target, scalar(b, l, y, 1 - labelSmoothing)),
                     scalar(b, l, y, labelSmoothing / (double)c));
      Value picked = reduceSum(b, l, mul(b, l, logp, target), {0, 1}, false);
      return neg(b, l, div(b, l, picked, scalar(b, l, y, (double)n)));
    }
    SmallVector<int64_t> all;
    for (int64_t i = 0; i < yt.getRank(); ++i)
      all.push_back(i);
    double count = (double)yt.getNumElements();
    Value perElement;
    if (loss == "mse") {
      Value d = sub(b, l, y, label);
      perElement = mul(b, l, d, d);
    } else if (loss == "l1") {
      Value d = sub(b, l, y, label);
      perElement = b.create<AbsOp>(l, d.getType(), d);
    } else if (loss == "bce_logits") {
      // max(x, 0) - x t + log(1 + exp(-|x|)): no overflow for any x, as torch's
      // BCEWithLogitsLoss.
      Value softplusNegAbs = b.create<LogOp>(
          l, yt, add(b, l, scalar(b, l, y, 1.0), b.create<ExpOp>(l, yt, neg(b, l, b.create<AbsOp>(l, yt, y)))));
      perElement = add(b, l, sub(b, l, b.create<ReluOp>(l, yt, y), mul(b, l, y, label)), softplusNegAbs);
    } else { // bce on probabilities: -(t log p + (1 - t) log(1 - p))
      Value one = scalar(b, l, y, 1.0);
      Value logp = b.create<LogOp>(l, yt, y);
      Value log1mp = b.create<LogOp>(l, yt, sub(b, l, one, y));
      perElement = neg(b, l, add(b, l, mul(b, l, label, logp), mul(b, l, sub(b, l, one, label), log1mp)));
    }
    return div(b, l, reduceSum(b, l, perElement, all, false), scalar(b, l, y, count));
  }

  /// The loss of `fn` (a clone of @infer whose terminator is `ret`): a graph output, or
  /// one built from the first output and a new label input; null after an error.
  Value attachLoss(func::FuncOp fn, func::ReturnOp ret) {
    OpBuilder b(fn.getContext());
    Location loc = fn.getLoc();
    unsigned numInputs = 0;
    while (numInputs < fn.getNumArguments() && argAttr(fn, numInputs, kKind) == "input")
      ++numInputs;
    if (!lossOutput.empty()) {
      for (unsigned i = 0; i < fn.getNumResults(); ++i)
        if (auto n = fn.getResultAttrOfType<StringAttr>(i, kName); n && n.getValue() == lossOutput)
          if (typeOf(ret.getOperand(i)).getRank() == 0)
            return ret.getOperand(i);
      fn.emitError() << "--loss-output '" << lossOutput << "' is not a scalar output of the graph";
      return {};
    }
    auto yt = typeOf(ret.getOperand(0));
    NamedAttrList attrs;
    attrs.set(kKind, b.getStringAttr("input"));
    attrs.set(kName, b.getStringAttr(label));
    (void)fn.insertArgument(numInputs, labelType(yt), attrs.getDictionary(b.getContext()), loc);
    OpBuilder lb(ret);
    return buildLoss(lb, loc, ret.getOperand(0), fn.getArgument(numInputs));
  }

  /// Parameters no gradient reaches (a mask buffer used only through a comparison, the
  /// weights of an output the loss does not read) do not train: no update, no optimizer
  /// state, and the manifest says so, as PyTorch leaves a parameter without .grad alone.
  /// Found by differentiating a scratch copy of @infer.
  LogicalResult freezeUnreached(func::FuncOp infer) {
    auto scratch = cast<func::FuncOp>(infer->clone());
    auto ret = cast<func::ReturnOp>(scratch.getBody().front().getTerminator());
    // train_step's forward: batch statistics; a dropout mask passes gradients where the
    // input does, so here it is the identity.
    (void)batchNormTraining(scratch);
    scratch.walk([](DropoutOp d) {
      d.getOutput().replaceAllUsesWith(d.getInput());
      d.erase();
    });
    Value lossValue = attachLoss(scratch, ret);
    SmallVector<Value> params, grads;
    SmallVector<StringRef> names;
    SmallVector<bool> reached;
    for (unsigned i = 0; i < scratch.getNumArguments(); ++i)
      if (isTrainable(scratch, i)) {
        params.push_back(scratch.getArgument(i));
        names.push_back(argAttr(scratch, i, kName));
      }
    OpBuilder b(ret);
    if (!lossValue || failed(dlc::differentiate(b, lossValue, params, grads, &reached))) {
      scratch.erase();
      return failure();
    }
    DenseSet<StringRef> unreached;
    for (auto [name, r] : llvm::zip(names, reached))
      if (!r)
        unreached.insert(name);
    for (unsigned i = 0; i < infer.getNumArguments(); ++i)
      if (isTrainable(infer, i) && unreached.contains(argAttr(infer, i, kName)))
        infer.setArgAttr(i, kTrainable, BoolAttr::get(infer.getContext(), false));
    scratch.erase();
    return success();
  }

  func::FuncOp buildEntry(func::FuncOp infer, StringRef name, bool train) {
    OpBuilder b(infer->getNextNode() ? infer->getNextNode() : infer.getOperation());
    b.setInsertionPointAfter(infer);
    func::FuncOp fn = cast<func::FuncOp>(infer->clone());
    fn.setName(name);
    b.insert(fn);
    Location loc = fn.getLoc();
    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());

    Value lossValue = attachLoss(fn, ret);
    if (!lossValue) {
      fn.erase();
      return {};
    }
    OpBuilder lb(ret);

    SmallVector<Value> results{lossValue};
    SmallVector<DictionaryAttr> resultAttrs{b.getDictionaryAttr(b.getNamedAttr(kName, b.getStringAttr("loss")))};
    if (!train) {
      for (unsigned i = 0; i < ret.getNumOperands(); ++i) {
        // The --loss-output graph output is the "loss" result already (returning it
        // twice would also give one buffer to two results).
        if (ret.getOperand(i) == lossValue)
          continue;
        results.push_back(ret.getOperand(i));
        resultAttrs.push_back(fn.getResultAttrDict(i) ? fn.getResultAttrDict(i) : b.getDictionaryAttr({}));
      }
    } else if (failed(dropoutTraining(fn)) ||
               failed(buildUpdate(lb, fn, lossValue, batchNormTraining(fn), results, resultAttrs))) {
      fn.erase();
      return {};
    }
    lb.create<func::ReturnOp>(loc, results);
    ret.erase();
    SmallVector<Type> resultTypes;
    for (Value v : results)
      resultTypes.push_back(v.getType());
    fn.setType(FunctionType::get(fn.getContext(), fn.getArgumentTypes(), resultTypes));
    fn.setAllResultAttrs(resultAttrs);
    return fn;
  }

  /// train_step's dropout: each site (numbered in program order) multiplies by its mask
  /// drawn from (rng.seed, optimizer.step before the increment, site), so the gradient,
  /// graph.mul's rule, goes through the same mask.
  LogicalResult dropoutTraining(func::FuncOp fn) {
    SmallVector<DropoutOp> sites;
    fn.walk([&](DropoutOp d) { sites.push_back(d); });
    if (sites.empty())
      return success();
    Value seed, step;
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      if (argAttr(fn, i, kName) == kSeedParam)
        seed = fn.getArgument(i);
      if (argAttr(fn, i, kName) == "optimizer.step")
        step = fn.getArgument(i);
    }
    if (!seed || !step)
      return fn.emitError() << "train_step has dropout but no '" << kSeedParam << "' and 'optimizer.step' parameters";
    for (auto [site, d] : llvm::enumerate(sites)) {
      OpBuilder b(d);
      Value mask = b.create<DropoutMaskOp>(d.getLoc(), d.getType(), seed, step, d.getRatioAttr(),
                                           b.getI64IntegerAttr((int64_t)site));
      d.getOutput().replaceAllUsesWith(mul(b, d.getLoc(), d.getInput(), mask));
      d.erase();
    }
    return success();
  }

  /// train_step's batch normalization: batch statistics in the forward pass (built from
  /// graph ops, so autodiff differentiates through them) and the running statistics'
  /// updates, returned as (new value, argument) writes.
  SmallVector<std::pair<Value, Value>> batchNormTraining(func::FuncOp fn) {
    SmallVector<std::pair<Value, Value>> writes;
    SmallVector<BatchNormOp> norms;
    fn.walk([&](BatchNormOp bn) { norms.push_back(bn); });
    for (BatchNormOp bn : norms) {
      OpBuilder b(bn);
      Location l = bn.getLoc();
      Value x = bn.getInput();
      auto shape = typeOf(x).getShape();
      int64_t c = shape[1], count = 1;
      SmallVector<int64_t> axes{0}, keep{1, c};
      count *= shape[0];
      for (int64_t i = 2; i < (int64_t)shape.size(); ++i) {
        axes.push_back(i);
        keep.push_back(1);
        count *= shape[i];
      }
      auto meanOver = [&](Value v) {
        return b.create<ReduceOp>(l, withShape(v, keep), v, b.getStringAttr("mean"), b.getDenseI64ArrayAttr(axes),
                                  b.getBoolAttr(true))
            .getResult();
      };
      Value mu = meanOver(x);
      Value centered = sub(b, l, x, mu);
      Value var = meanOver(mul(b, l, centered, centered));
      Value inv = div(b, l, scalar(b, l, x, 1.0),
                      b.create<SqrtOp>(l, var.getType(), add(b, l, var, scalar(b, l, x, bn.getEpsilon().convertToDouble()))));
      Value y = add(b, l, mul(b, l, mul(b, l, centered, inv), reshape(b, l, bn.getScale(), keep)),
                    reshape(b, l, bn.getBias(), keep));
      bn.getOutput().replaceAllUsesWith(y);
      double m = bn.getMomentum().convertToDouble();
      if (isa<BlockArgument>(bn.getMean()) && isa<BlockArgument>(bn.getVariance())) {
        Value batchMean = reshape(b, l, mu, {c});
        Value unbiased = reshape(b, l, mul(b, l, var, scalar(b, l, x, (double)count / std::max<int64_t>(count - 1, 1))), {c});
        writes.push_back({add(b, l, mul(b, l, bn.getMean(), scalar(b, l, x, m)), mul(b, l, batchMean, scalar(b, l, x, 1 - m))),
                          bn.getMean()});
        writes.push_back({add(b, l, mul(b, l, bn.getVariance(), scalar(b, l, x, m)), mul(b, l, unbiased, scalar(b, l, x, 1 - m))),
                          bn.getVariance()});
      }
      bn.erase();
    }
    return writes;
  }

  /// Gradients, clipping, the optimizer's update of every trainable parameter and its
  /// state, and step + 1, each written into its own argument.
  LogicalResult buildUpdate(OpBuilder &b, func::FuncOp fn, Value lossValue,
                            SmallVector<std::pair<Value, Value>> initialWrites, SmallVectorImpl<Value> &results,
                            SmallVectorImpl<DictionaryAttr> &resultAttrs) {
    Location l = fn.getLoc();
    SmallVector<Value> params;
    DenseMap<StringRef, Value> byName;
    Value lrV, stepV;
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      StringRef n = argAttr(fn, i, kName);
      byName[n] = fn.getArgument(i);
      if (isTrainable(fn, i))
        params.push_back(fn.getArgument(i));
      if (n == "optimizer.lr")
        lrV = fn.getArgument(i);
      if (n == "optimizer.step")
        stepV = fn.getArgument(i);
    }
    SmallVector<Value> grads;
    if (failed(dlc::differentiate(b, lossValue, params, grads)))
      return failure();

    if (clipGradNorm > 0) {
      // g *= min(1, max_norm / (||g||_2 + 1e-6)) over all gradients together, as
      // torch.nn.utils.clip_grad_norm_.
      Value total;
      for (Value g : grads) {
        SmallVector<int64_t> all;
        for (int64_t i = 0; i < typeOf(g).getRank(); ++i)
          all.push_back(i);
        Value sq = reduceSum(b, l, mul(b, l, g, g), all, false);
        total = total ? add(b, l, total, sq) : sq;
      }
      Value norm = b.create<SqrtOp>(l, total.getType(), total);
      Value factor = div(b, l, scalar(b, l, norm, clipGradNorm), add(b, l, norm, scalar(b, l, norm, 1e-6)));
      factor = b.create<MinOp>(l, factor.getType(), factor, scalar(b, l, norm, 1.0));
      for (Value &g : grads)
        g = mul(b, l, g, factor);
    }

    // Bias corrections use t = step + 1.
    Value t = b.create<CastOp>(l, RankedTensorType::get({}, b.getF32Type()),
                               b.create<AddOp>(l, stepV.getType(), stepV,
                                               b.create<ConstantOp>(l, cast<RankedTensorType>(stepV.getType()),
                                                                    DenseElementsAttr::get(cast<RankedTensorType>(stepV.getType()),
                                                                                           b.getI64IntegerAttr(1).getValue()))));
    SmallVector<std::pair<Value, Value>> writes(initialWrites); // (new value, destination argument)
    for (auto [p, g] : llvm::zip(params, grads)) {
      StringRef name;
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (fn.getArgument(i) == p)
          name = argAttr(fn, i, kName);
      auto state = [&](StringRef slot) { return byName.lookup(b.getStringAttr((name + "/" + slot).str()).getValue()); };
      auto s = [&](double v) { return scalar(b, l, p, v); };
      Value lrT = lrV.getType() == RankedTensorType::get({}, typeOf(p).getElementType())
                      ? lrV
                      : b.create<CastOp>(l, RankedTensorType::get({}, typeOf(p).getElementType()), lrV).getResult();
      if (weightDecay > 0 && optimizer != "adamw")
        g = add(b, l, g, mul(b, l, p, s(weightDecay)));
      Value np = p;
      if (optimizer == "adamw" && weightDecay > 0)
        np = sub(b, l, p, mul(b, l, mul(b, l, p, lrT), s(weightDecay)));
      if (optimizer == "sgd") {
        np = sub(b, l, np, mul(b, l, lrT, g));
      } else if (optimizer == "momentum" || optimizer == "nesterov") {
        Value v = state("momentum");
        // PyTorch: v = mu * v + g (the first step starts from v = g, the same with v = 0)
        Value nv = add(b, l, mul(b, l, v, s(momentum)), g);
        Value dir = optimizer == "nesterov" ? add(b, l, g, mul(b, l, nv, s(momentum))) : nv;
        np = sub(b, l, np, mul(b, l, lrT, dir));
        writes.push_back({nv, v});
      } else if (optimizer == "adam" || optimizer == "adamw") {
        Value m = state("adam.m"), v = state("adam.v");
        Value nm = add(b, l, mul(b, l, m, s(beta1)), mul(b, l, g, s(1 - beta1)));
        Value nv = add(b, l, mul(b, l, v, s(beta2)), mul(b, l, mul(b, l, g, g), s(1 - beta2)));
        Value tp = typeOf(p).getElementType() == b.getF32Type() ? t : b.create<CastOp>(l, RankedTensorType::get({}, typeOf(p).getElementType()), t).getResult();
        Value bc1 = sub(b, l, s(1), b.create<PowOp>(l, tp.getType(), s(beta1), tp));
        Value bc2 = sub(b, l, s(1), b.create<PowOp>(l, tp.getType(), s(beta2), tp));
        Value denom = add(b, l, div(b, l, b.create<SqrtOp>(l, nv.getType(), nv), b.create<SqrtOp>(l, bc2.getType(), bc2)), s(eps()));
        np = sub(b, l, np, mul(b, l, div(b, l, lrT, bc1), div(b, l, nm, denom)));
        writes.push_back({nm, m});
        writes.push_back({nv, v});
      } else if (optimizer == "rmsprop") {
        Value v = state("square_avg");
        Value nv = add(b, l, mul(b, l, v, s(alpha)), mul(b, l, mul(b, l, g, g), s(1 - alpha)));
        np = sub(b, l, np, mul(b, l, lrT, div(b, l, g, add(b, l, b.create<SqrtOp>(l, nv.getType(), nv), s(eps())))));
        writes.push_back({nv, v});
      } else if (optimizer == "adagrad") {
        Value acc = state("sum");
        Value na = add(b, l, acc, mul(b, l, g, g));
        np = sub(b, l, np, mul(b, l, lrT, div(b, l, g, add(b, l, b.create<SqrtOp>(l, na.getType(), na), s(eps())))));
        writes.push_back({na, acc});
      }
      writes.push_back({np, p});
    }
    Value one = b.create<ConstantOp>(l, cast<RankedTensorType>(stepV.getType()),
                                     DenseElementsAttr::get(cast<RankedTensorType>(stepV.getType()), b.getI64IntegerAttr(1).getValue()));
    writes.push_back({b.create<AddOp>(l, stepV.getType(), stepV, one), stepV});
    for (auto [value, dest] : writes) {
      auto written = b.create<bufferization::MaterializeInDestinationOp>(l, value, dest);
      results.push_back(written.getResult());
      resultAttrs.push_back(b.getDictionaryAttr(b.getNamedAttr(kUpdatesParam, b.getUnitAttr())));
    }
    return success();
  }
};

} // namespace
