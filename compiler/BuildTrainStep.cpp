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
namespace abi = dlc::abi;

namespace {

/// The dropout masks' seed: an i64 parameter that dlc-run train sets from --seed and
/// checkpoints keep, like optimizer.step (the masks' counter).
constexpr const char *kSeedParam = "rng.seed";
/// The data-parallel rank (0 alone), which the Trainer sets: rank r's dropout masks are
/// its slice of the global batch's.
constexpr const char *kRankParam = "rng.rank";

/// --sync-batchnorm's reductions (graph.rank_mean keys) start here, above any gradient
/// bucket's number; their gradients' keys add 2^30.
constexpr int64_t kBatchNormKeys = int64_t(1) << 20;

bool isTrainable(func::FuncOp f, unsigned i) {
  if (abi::getArgKind(f, i) != abi::ArgKind::param)
    return false;
  if (auto t = abi::getTrainable(f, i))
    return *t;
  return isa<FloatType>(typeOf(f.getArgument(i)).getElementType());
}

struct BuildTrainStepPass : dlc::impl::BuildTrainStepBase<BuildTrainStepPass> {
  using BuildTrainStepBase::BuildTrainStepBase;

  /// The batch statistics synchronized so far (--sync-batchnorm), for their keys.
  int64_t syncedStatistics = 0;

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
      StringRef name = abi::getArgName(infer, i);
      names += (names.empty() ? "" : ", ") + name.str();
      if (std::regex_search(name.begin(), name.end(), re)) {
        abi::setTrainable(infer, i, false);
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
        trainable.push_back({i, abi::getArgName(infer, i)});
    auto append = [&](Type type, std::string name, FloatAttr init) {
      unsigned index = infer.getNumArguments();
      (void)infer.insertArgument(index, type, abi::paramAttrs(b.getContext(), name, init, false), loc);
    };
    for (StringRef slot : slots())
      for (auto [i, name] : trainable)
        append(infer.getArgument(i).getType(), (name + "/" + slot).str(), FloatAttr());
    append(RankedTensorType::get({}, b.getF32Type()), "optimizer.lr", b.getF64FloatAttr(lr));
    append(RankedTensorType::get({}, b.getI64Type()), "optimizer.step", FloatAttr());
    bool dropout = false;
    infer.walk([&](DropoutOp) { dropout = true; });
    if (dropout) {
      append(RankedTensorType::get({}, b.getI64Type()), kSeedParam, FloatAttr());
      append(RankedTensorType::get({}, b.getI64Type()), kRankParam, FloatAttr());
    }
  }

  /// The label's type for the chosen loss and model output.
  Type labelType(RankedTensorType output) const {
    if (loss == "cross_entropy" || loss == "nll")
      return RankedTensorType::get({output.getDimSize(0)}, IntegerType::get(output.getContext(), 64));
    return output;
  }

  /// The --loss op on the model output `y`; null after an error.
  Value buildLoss(OpBuilder &b, Location l, Value y, Value label) {
    auto yt = typeOf(y);
    auto scalarType = RankedTensorType::get({}, yt.getElementType());
    if (loss == "cross_entropy" || loss == "nll") {
      if (yt.getRank() != 2) {
        emitError(l) << "loss " << loss << " expects a [batch, classes] output, got " << y.getType();
        return {};
      }
      Value logp = loss == "nll" ? y : b.create<LogSoftmaxOp>(l, yt, y, b.getI64IntegerAttr(1)).getResult();
      return b.create<NllLossOp>(l, scalarType, logp, label, Value(), b.getStringAttr("mean"), IntegerAttr(),
                                 b.getF64FloatAttr(labelSmoothing));
    }
    if (loss == "mse")
      return b.create<MseLossOp>(l, scalarType, y, label, "mean");
    if (loss == "l1")
      return b.create<L1LossOp>(l, scalarType, y, label, "mean");
    if (loss == "bce_logits")
      return b.create<BceWithLogitsLossOp>(l, scalarType, y, label, "mean");
    return b.create<BceLossOp>(l, scalarType, y, label, "mean");
  }

  /// The loss of `fn` (a clone of @infer whose terminator is `ret`): a graph output, or
  /// one built from the first output and a new label input; null after an error.
  Value attachLoss(func::FuncOp fn, func::ReturnOp ret) {
    OpBuilder b(fn.getContext());
    Location loc = fn.getLoc();
    unsigned numInputs = 0;
    while (numInputs < fn.getNumArguments() && abi::getArgKind(fn, numInputs) == abi::ArgKind::input)
      ++numInputs;
    if (!lossOutput.empty()) {
      // A loss the graph computes (ONNX's SoftmaxCrossEntropyLoss): autodiff differentiates
      // what it is made of.
      dlc::annotateIndexInputs(fn);
      if (failed(dlc::decomposeComposites(fn)))
        return {};
      for (unsigned i = 0; i < fn.getNumResults(); ++i)
        if (abi::getResultName(fn, i) == lossOutput)
          if (typeOf(ret.getOperand(i)).getRank() == 0)
            return ret.getOperand(i);
      fn.emitError() << "--loss-output '" << lossOutput << "' is not a scalar output of the graph";
      return {};
    }
    auto yt = typeOf(ret.getOperand(0));
    (void)fn.insertArgument(numInputs, labelType(yt), abi::inputAttrs(b.getContext(), label), loc);
    OpBuilder lb(ret);
    // Named after the option, for the runtime's message about labels out of range.
    Value lossValue = buildLoss(lb, NameLoc::get(lb.getStringAttr(loss), loc), ret.getOperand(0), fn.getArgument(numInputs));
    if (!lossValue)
      return {};
    // Autodiff differentiates what the loss is made of; the label's range is known only before.
    dlc::annotateIndexInputs(fn);
    auto decomposed = dlc::decomposeComposite(cast<CompositeOpInterface>(lossValue.getDefiningOp()));
    return succeeded(decomposed) ? decomposed->front() : Value();
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
        names.push_back(abi::getArgName(scratch, i));
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
      if (isTrainable(infer, i) && unreached.contains(abi::getArgName(infer, i)))
        abi::setTrainable(infer, i, false);
    scratch.erase();
    return success();
  }

  func::FuncOp buildEntry(func::FuncOp infer, StringRef name, bool train) {
    OpBuilder b(infer->getNextNode() ? infer->getNextNode() : infer.getOperation());
    b.setInsertionPointAfter(infer);
    func::FuncOp fn = cast<func::FuncOp>(infer->clone());
    fn.setName(name);
    abi::setEntry(fn);
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
    SmallVector<DictionaryAttr> resultAttrs{abi::resultAttrs(b.getContext(), "loss")};
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
    Value seed, step, rank;
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      if (abi::getArgName(fn, i) == kSeedParam)
        seed = fn.getArgument(i);
      if (abi::getArgName(fn, i) == kRankParam)
        rank = fn.getArgument(i);
      if (abi::getArgName(fn, i) == "optimizer.step")
        step = fn.getArgument(i);
    }
    if (!seed || !step || !rank)
      return fn.emitError() << "train_step has dropout but no '" << kSeedParam << "', '" << kRankParam
                            << "' and 'optimizer.step' parameters";
    for (auto [site, d] : llvm::enumerate(sites)) {
      OpBuilder b(d);
      // Rank r numbers its elements from r * (elements per rank): its slice of the mask
      // of the global batch.
      auto i64 = cast<RankedTensorType>(rank.getType());
      Value numel = b.create<ConstantOp>(
          d.getLoc(), i64, DenseElementsAttr::get(i64, b.getI64IntegerAttr(typeOf(d.getOutput()).getNumElements()).getValue()));
      Value offset = b.create<MulOp>(d.getLoc(), i64, rank, numel);
      Value mask = b.create<DropoutMaskOp>(d.getLoc(), d.getType(), seed, step, offset, d.getRatioAttr(),
                                           b.getI64IntegerAttr((int64_t)site));
      d.getOutput().replaceAllUsesWith(mul(b, d.getLoc(), d.getInput(), mask));
      d.erase();
    }
    return success();
  }

  /// train_step's batch normalization: batch statistics in the forward pass (built from
  /// graph ops, so autodiff differentiates through them) and the running statistics'
  /// updates, returned as (new value, argument) writes. A layer applied twice in one step
  /// (a GAN's discriminator on a real and a generated batch) updates its statistics twice,
  /// the second update from the first's result, as PyTorch does: one write per argument.
  SmallVector<std::pair<Value, Value>> batchNormTraining(func::FuncOp fn) {
    SmallVector<std::pair<Value, Value>> writes;
    llvm::DenseMap<Value, size_t> written; // argument -> its entry in `writes`
    auto current = [&](Value arg) {
      auto it = written.find(arg);
      return it == written.end() ? arg : writes[it->second].first;
    };
    auto write = [&](Value value, Value arg) {
      auto [it, fresh] = written.try_emplace(arg, writes.size());
      if (fresh)
        writes.push_back({value, arg});
      else
        writes[it->second].first = value;
    };
    SmallVector<BatchNormOp> norms;
    fn.walk([&](BatchNormOp bn) { norms.push_back(bn); });
    syncedStatistics = 0; // keys count within each function built
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
      // --sync-batchnorm: each statistic is the mean over the ranks of the ranks' own
      // (equal batches: the global batch's), under keys no gradient bucket uses.
      auto meanOver = [&](Value v) {
        Value m = b.create<ReduceOp>(l, withShape(v, keep), v, b.getStringAttr("mean"), b.getDenseI64ArrayAttr(axes),
                                     b.getBoolAttr(true));
        if (syncBatchnorm)
          m = b.create<RankMeanOp>(l, m.getType(), m, b.getI64IntegerAttr(kBatchNormKeys + syncedStatistics++));
        return m;
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
        write(add(b, l, mul(b, l, current(bn.getMean()), scalar(b, l, x, m)), mul(b, l, batchMean, scalar(b, l, x, 1 - m))),
              bn.getMean());
        write(add(b, l, mul(b, l, current(bn.getVariance()), scalar(b, l, x, m)),
                  mul(b, l, unbiased, scalar(b, l, x, 1 - m))),
              bn.getVariance());
      }
      bn.erase();
    }
    return writes;
  }

  /// Data parallelism's hook: buckets of gradients, in the order the backward pass
  /// finishes them, each handed to the runtime (dlc.grad_reduce_start) right after its
  /// last gradient is computed, and waited for (dlc.grad_reduce_wait) at `b`, after the
  /// backward pass; `grads` become the averaged values. A bucket closes before the
  /// gradient that would take it past --grad-bucket-mb, or at a change of element type.
  LogicalResult reduceGradients(OpBuilder &b, func::FuncOp fn, SmallVectorImpl<Value> &grads) {
    if (grads.empty())
      return success();
    if (!(gradBucketMb > 0))
      return fn.emitError() << "--grad-bucket-mb must be positive";
    Block &body = fn.getBody().front();
    auto finishedAt = [&](Value g) -> Operation * {
      Operation *def = g.getDefiningOp();
      return def && def->getBlock() == &body ? def : nullptr; // null: before the first op
    };
    SmallVector<unsigned> order(grads.size());
    for (unsigned i = 0; i < order.size(); ++i)
      order[i] = i;
    llvm::stable_sort(order, [&](unsigned x, unsigned y) {
      Operation *a = finishedAt(grads[x]), *c = finishedAt(grads[y]);
      if (!a || !c)
        return !a && c;
      return a != c && a->isBeforeInBlock(c);
    });
    const double cap = gradBucketMb * 1024.0 * 1024.0;
    SmallVector<SmallVector<unsigned>> buckets;
    double bytes = 0;
    Type element;
    for (unsigned i : order) {
      auto t = typeOf(grads[i]);
      double size = (double)t.getNumElements() * std::max<unsigned>(1, t.getElementTypeBitWidth() / 8);
      if (buckets.empty() || t.getElementType() != element || (bytes > 0 && bytes + size > cap)) {
        buckets.emplace_back();
        bytes = 0;
        element = t.getElementType();
      }
      buckets.back().push_back(i);
      bytes += size;
    }
    Location l = fn.getLoc();
    for (auto [k, bucket] : llvm::enumerate(buckets)) {
      SmallVector<Value> values;
      for (unsigned i : bucket)
        values.push_back(grads[i]);
      OpBuilder sb(fn.getContext());
      if (Operation *last = finishedAt(values.back()))
        sb.setInsertionPointAfter(last);
      else
        sb.setInsertionPointToStart(&body);
      dlc::abi::GradReduceStartOp::create(sb, l, (int64_t)k, values);
    }
    for (auto [k, bucket] : llvm::enumerate(buckets)) {
      SmallVector<Value> values;
      SmallVector<Type> types;
      for (unsigned i : bucket) {
        values.push_back(grads[i]);
        types.push_back(grads[i].getType());
      }
      auto wait = dlc::abi::GradReduceWaitOp::create(b, l, types, (int64_t)k, values);
      for (auto [i, r] : llvm::zip(bucket, wait.getReduced()))
        grads[i] = r;
    }
    return success();
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
      StringRef n = abi::getArgName(fn, i);
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
    if (failed(reduceGradients(b, fn, grads)))
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

    auto stepType = cast<RankedTensorType>(stepV.getType());
    Value one = b.create<ConstantOp>(l, stepType, DenseElementsAttr::get(stepType, b.getI64IntegerAttr(1).getValue()));
    Value nextStep = b.create<AddOp>(l, stepType, stepV, one); // Adam's bias corrections use t = step + 1
    SmallVector<std::pair<Value, Value>> writes(initialWrites); // (new value, destination argument)
    for (auto [p, g] : llvm::zip(params, grads)) {
      StringRef name;
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (fn.getArgument(i) == p)
          name = abi::getArgName(fn, i);
      auto state = [&](StringRef slot) { return byName.lookup(b.getStringAttr((name + "/" + slot).str()).getValue()); };
      auto f64 = [&](double v) { return b.getF64FloatAttr(v); };
      Value lrT = castTo(b, l, lrV, typeOf(p).getElementType());
      Type pt = p.getType();
      // PyTorch's weight_decay is L2 in the gradient, AdamW's decoupled.
      double l2 = optimizer == "adamw" ? 0.0 : (double)weightDecay;
      if (optimizer == "sgd") {
        writes.push_back({b.create<SgdUpdateOp>(l, pt, p, g, lrT, f64(l2)), p});
      } else if (optimizer == "momentum" || optimizer == "nesterov") {
        Value v = state("momentum");
        auto u = b.create<MomentumUpdateOp>(l, TypeRange{pt, pt}, p, g, v, lrT, stepV, f64(momentum), f64(0.0),
                                            b.getBoolAttr(optimizer == "nesterov"), f64(l2));
        writes.push_back({u.getNewVelocity(), v});
        writes.push_back({u.getNewParam(), p});
      } else if (optimizer == "adam" || optimizer == "adamw") {
        Value m = state("adam.m"), v = state("adam.v");
        double decoupled = optimizer == "adamw" ? (double)weightDecay : 0.0;
        auto u = b.create<AdamUpdateOp>(l, TypeRange{pt, pt, pt}, p, g, m, v, lrT, nextStep, f64(beta1), f64(beta2),
                                        f64(eps()), f64(l2), f64(decoupled), f64(0.0), b.getBoolAttr(true));
        writes.push_back({u.getNewM(), m});
        writes.push_back({u.getNewV(), v});
        writes.push_back({u.getNewParam(), p});
      } else if (optimizer == "rmsprop") {
        Value v = state("square_avg");
        auto u = b.create<RmspropUpdateOp>(l, TypeRange{pt, pt}, p, g, v, lrT, f64(alpha), f64(eps()), f64(l2));
        writes.push_back({u.getNewSquareAvg(), v});
        writes.push_back({u.getNewParam(), p});
      } else if (optimizer == "adagrad") {
        Value acc = state("sum");
        auto u = b.create<AdagradUpdateOp>(l, TypeRange{pt, pt}, p, g, acc, lrT, stepV, f64(eps()), f64(0.0), f64(l2));
        writes.push_back({u.getNewSum(), acc});
        writes.push_back({u.getNewParam(), p});
      }
    }
    writes.push_back({nextStep, stepV});
    for (auto [value, dest] : writes) {
      auto written = b.create<bufferization::MaterializeInDestinationOp>(l, value, dest);
      results.push_back(written.getResult());
      resultAttrs.push_back(abi::updateResultAttrs(b.getContext()));
    }
    return success();
  }
};

} // namespace
