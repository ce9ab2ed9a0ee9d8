// dlc-annotate-index-inputs: the integer inputs the compiled code reads memory at, and the
// values each may hold, for the runtime to check before an entry runs.
#include "compiler/Passes.h"

#include "llvm/ADT/StringMap.h"

namespace dlc {
#define GEN_PASS_DEF_ANNOTATEINDEXINPUTS
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;

namespace {

/// "Gather 'embed'": the op's ONNX kind and, where the importer left it, the node's name.
std::string useOf(StringRef kind, Operation *op) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return (kind + " '" + name.getName().getValue() + "'").str();
  return kind.str();
}

/// The values `indices` may hold where `user` reads memory at them; nullopt when it does not.
std::optional<abi::IndexRange> rangeAt(Operation *user, Value indices) {
  auto dimAt = [](Value data, int64_t axis) { return cast<RankedTensorType>(data.getType()).getDimSize(axis); };
  if (auto g = dyn_cast<graph::GatherOp>(user); g && g.getIndices() == indices) {
    int64_t d = dimAt(g.getInput(), g.getAxis());
    return abi::IndexRange{-d, d, std::nullopt, useOf("Gather", user)};
  }
  if (auto g = dyn_cast<graph::GatherElementsOp>(user); g && g.getIndices() == indices) {
    int64_t d = dimAt(g.getInput(), g.getAxis());
    return abi::IndexRange{-d, d, std::nullopt, useOf("GatherElements", user)};
  }
  if (auto l = dyn_cast<graph::NllLossOp>(user); l && l.getTarget() == indices) {
    std::optional<int64_t> ignore;
    if (auto i = l.getIgnoreIndex())
      ignore = (int64_t)*i;
    return abi::IndexRange{0, dimAt(l.getInput(), 1), ignore, useOf("loss", user)};
  }
  return std::nullopt;
}

/// Ops that pass integer values on unchanged: indices reach a Gather through them.
bool passesValuesOn(Operation *op) {
  if (isa<graph::ReshapeOp, graph::TransposeOp, graph::BroadcastOp>(op))
    return true;
  if (auto c = dyn_cast<graph::CastOp>(op))
    return isa<IntegerType>(getElementTypeOrSelf(c.getOperand().getType())) &&
           isa<IntegerType>(getElementTypeOrSelf(c.getType()));
  return false;
}

/// The tighter of two ranges (both must hold); `ignore` survives only where both allow it.
abi::IndexRange intersect(const abi::IndexRange &a, const abi::IndexRange &b) {
  abi::IndexRange r{std::max(a.lo, b.lo), std::min(a.hi, b.hi), a.ignore == b.ignore ? a.ignore : std::nullopt, ""};
  // The use the error names: the one whose bounds these are.
  bool isA = r.lo == a.lo && r.hi == a.hi, isB = r.lo == b.lo && r.hi == b.hi;
  r.use = isA ? a.use : isB ? b.use : a.use + " and " + b.use;
  return r;
}

std::optional<abi::IndexRange> rangeOf(Value v, std::optional<abi::IndexRange> acc) {
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    if (auto r = rangeAt(user, v))
      acc = acc ? intersect(*acc, *r) : *r;
    else if (passesValuesOn(user))
      acc = rangeOf(user->getResult(0), acc);
  }
  return acc;
}

struct AnnotateIndexInputsPass : dlc::impl::AnnotateIndexInputsBase<AnnotateIndexInputsPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> entries;
    getOperation().walk([&](func::FuncOp fn) {
      if (abi::isEntry(fn) && !fn.isExternal())
        entries.push_back(fn);
    });
    // An input means the same in every entry point: one range per name, the tightest.
    llvm::StringMap<abi::IndexRange> byName;
    for (func::FuncOp fn : entries) {
      annotateIndexInputs(fn);
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (auto r = abi::getIndexRange(fn, i)) {
          auto [it, inserted] = byName.try_emplace(abi::getArgName(fn, i), *r);
          if (!inserted)
            it->second = intersect(it->second, *r);
        }
    }
    for (func::FuncOp fn : entries)
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (abi::getArgKind(fn, i) == abi::ArgKind::input)
          if (auto it = byName.find(abi::getArgName(fn, i)); it != byName.end())
            abi::setIndexRange(fn, i, it->second);
  }
};

} // namespace

void dlc::annotateIndexInputs(func::FuncOp fn) {
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    if (abi::getArgKind(fn, i) != abi::ArgKind::input)
      continue;
    auto type = dyn_cast<RankedTensorType>(fn.getArgument(i).getType());
    if (!type || !(type.getElementType().isSignlessInteger(64) || type.getElementType().isSignlessInteger(32)))
      continue;
    if (auto r = rangeOf(fn.getArgument(i), abi::getIndexRange(fn, i)))
      abi::setIndexRange(fn, i, *r);
  }
}
