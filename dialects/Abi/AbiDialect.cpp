#include "dialects/Abi/AbiDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace dlc::abi;

#include "dialects/Abi/AbiDialect.cpp.inc"
#include "dialects/Abi/AbiEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Abi/AbiAttributes.cpp.inc"

namespace {
// The one place that spells the attributes' names.
constexpr llvm::StringLiteral kEntry = "dlc.entry", kKind = "dlc.kind", kName = "dlc.name",
                              kTensorType = "dlc.tensor_type", kTrainable = "dlc.trainable", kInit = "dlc.init",
                              kTransposed = "dlc.transposed", kUpdatesParam = "dlc.updates_param",
                              kArenaBytes = "dlc.arena_bytes", kParallel = "dlc.parallel",
                              kParallelTrips = "dlc.parallel_trips", kIndexRange = "dlc.index_range",
                              kIndexUse = "dlc.index_use";
} // namespace

void AbiDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Abi/AbiAttributes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/Abi/AbiOps.cpp.inc"
      >();
}

LogicalResult AbiDialect::verifyOperationAttribute(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  Attribute value = attr.getValue();
  auto fail = [&](StringRef what) { return op->emitOpError() << "'" << name << "' " << what; };
  bool isFunction = isa<FunctionOpInterface>(op);
  if (name == kEntry) {
    if (!isa<UnitAttr>(value))
      return fail("is a unit attribute");
    return isFunction ? success() : fail("marks functions only");
  }
  if (name == kArenaBytes || name == kParallelTrips) {
    auto i = dyn_cast<IntegerAttr>(value);
    if (!i || !i.getType().isInteger(64))
      return fail("is an i64 integer");
    if (name == kArenaBytes && i.getInt() < 0)
      return fail("is a byte count (>= 0), not " + std::to_string(i.getInt()));
    if (name == kParallelTrips && i.getInt() <= 0)
      return fail("is an iteration count (> 0), not " + std::to_string(i.getInt()));
    if (!isFunction)
      return fail("is an attribute of functions");
    if (name == kArenaBytes && !op->hasAttr(kEntry))
      return fail("belongs on an entry point (dlc.entry)");
    return success();
  }
  if (name == kParallel) {
    if (!isa<UnitAttr>(value))
      return fail("is a unit attribute");
    return isa<LoopLikeOpInterface>(op) ? success() : fail("marks loops only");
  }
  return op->emitOpError() << "has the unknown attribute '" << name << "'";
}

/// The checks an argument's and a result's attributes share.
static LogicalResult verifyValueAttribute(Operation *op, StringRef where, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  Attribute value = attr.getValue();
  auto fail = [&](StringRef what) { return op->emitOpError() << where << ": '" << name << "' " << what; };
  if (name == kName)
    return isa<StringAttr>(value) ? success() : fail("is a string");
  if (name == kTensorType) {
    auto t = dyn_cast<TypeAttr>(value);
    if (!t || !isa<RankedTensorType>(t.getValue()))
      return fail("is a ranked tensor type");
    return success();
  }
  return fail("is not an attribute of " + where.split(' ').first.str() + "s");
}

LogicalResult AbiDialect::verifyRegionArgAttribute(Operation *op, unsigned region, unsigned arg,
                                                   NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  Attribute value = attr.getValue();
  std::string where = "argument #" + std::to_string(arg);
  auto fail = [&](StringRef what) { return op->emitOpError() << where << ": '" << name << "' " << what; };
  auto fn = dyn_cast<FunctionOpInterface>(op);
  if (!fn)
    return fail("is an attribute of function arguments");
  auto kind = fn.getArgAttrOfType<ArgKindAttr>(arg, kKind);
  if (name == kKind)
    return isa<ArgKindAttr>(value) ? success() : fail("is a #dlc<kind ...> (input, param, output, arena)");
  auto paramOnly = [&]() -> LogicalResult {
    if (!kind || kind.getValue() != ArgKind::param)
      return fail("belongs on a parameter (dlc.kind = #dlc<kind param>)");
    return success();
  };
  if (name == kTrainable) {
    if (!isa<BoolAttr>(value))
      return fail("is a boolean");
    return paramOnly();
  }
  if (name == kInit) {
    if (!isa<FloatAttr>(value))
      return fail("is a float (every element's initial value)");
    return paramOnly();
  }
  if (name == kTransposed) {
    if (!isa<UnitAttr>(value))
      return fail("is a unit attribute");
    return paramOnly();
  }
  if (name == kIndexRange || name == kIndexUse) {
    if (!kind || kind.getValue() != ArgKind::input)
      return fail("belongs on an input (dlc.kind = #dlc<kind input>)");
    if (name == kIndexUse)
      return isa<StringAttr>(value) ? success() : fail("is a string (the op that reads the indices)");
    auto range = dyn_cast<DenseI64ArrayAttr>(value);
    if (!range || (range.size() != 2 && range.size() != 3))
      return fail("is array<i64: lo, hi> or array<i64: lo, hi, ignore>");
    if (range[0] >= range[1])
      return fail("is the empty range [" + std::to_string(range[0]) + ", " + std::to_string(range[1]) + ")");
    if (!fn.getArgAttr(arg, kIndexUse))
      return fail("needs 'dlc.index_use' beside it");
    return success();
  }
  return verifyValueAttribute(op, where, attr);
}

LogicalResult AbiDialect::verifyRegionResultAttribute(Operation *op, unsigned region, unsigned result,
                                                      NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  std::string where = "result #" + std::to_string(result);
  if (name == kUpdatesParam) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitOpError() << where << ": '" << name << "' is a unit attribute";
    return success();
  }
  if (name == kKind) {
    auto kind = dyn_cast<ArgKindAttr>(attr.getValue());
    if (!kind || kind.getValue() != ArgKind::output)
      return op->emitOpError() << where << ": '" << name << "' of a result is #dlc<kind output>";
    return success();
  }
  return verifyValueAttribute(op, where, attr);
}

namespace dlc::abi {

static MLIRContext *loaded(Operation *op) {
  MLIRContext *ctx = op->getContext();
  ctx->getOrLoadDialect<AbiDialect>();
  return ctx;
}

bool isEntry(Operation *fn) { return fn->hasAttr(kEntry); }
void setEntry(Operation *fn) { fn->setAttr(kEntry, UnitAttr::get(loaded(fn))); }

std::optional<ArgKind> getArgKind(FunctionOpInterface fn, unsigned arg) {
  if (auto k = fn.getArgAttrOfType<ArgKindAttr>(arg, kKind))
    return k.getValue();
  return std::nullopt;
}
void setArgKind(FunctionOpInterface fn, unsigned arg, ArgKind kind) {
  fn.setArgAttr(arg, kKind, ArgKindAttr::get(loaded(fn), kind));
}

StringRef getArgName(FunctionOpInterface fn, unsigned arg) {
  auto n = fn.getArgAttrOfType<StringAttr>(arg, kName);
  return n ? n.getValue() : StringRef();
}
void setArgName(FunctionOpInterface fn, unsigned arg, StringRef name) {
  fn.setArgAttr(arg, kName, StringAttr::get(loaded(fn), name));
}
StringRef getResultName(FunctionOpInterface fn, unsigned result) {
  auto n = fn.getResultAttrOfType<StringAttr>(result, kName);
  return n ? n.getValue() : StringRef();
}
void setResultName(FunctionOpInterface fn, unsigned result, StringRef name) {
  fn.setResultAttr(result, kName, StringAttr::get(loaded(fn), name));
}

static RankedTensorType tensorType(TypeAttr t) { return t ? dyn_cast<RankedTensorType>(t.getValue()) : nullptr; }
RankedTensorType getArgTensorType(FunctionOpInterface fn, unsigned arg) {
  return tensorType(fn.getArgAttrOfType<TypeAttr>(arg, kTensorType));
}
void setArgTensorType(FunctionOpInterface fn, unsigned arg, RankedTensorType type) {
  loaded(fn);
  fn.setArgAttr(arg, kTensorType, TypeAttr::get(type));
}
RankedTensorType getResultTensorType(FunctionOpInterface fn, unsigned result) {
  return tensorType(fn.getResultAttrOfType<TypeAttr>(result, kTensorType));
}
void setResultTensorType(FunctionOpInterface fn, unsigned result, RankedTensorType type) {
  loaded(fn);
  fn.setResultAttr(result, kTensorType, TypeAttr::get(type));
}

std::optional<bool> getTrainable(FunctionOpInterface fn, unsigned arg) {
  if (auto t = fn.getArgAttrOfType<BoolAttr>(arg, kTrainable))
    return t.getValue();
  return std::nullopt;
}
void setTrainable(FunctionOpInterface fn, unsigned arg, bool trainable) {
  fn.setArgAttr(arg, kTrainable, BoolAttr::get(loaded(fn), trainable));
}

FloatAttr getInit(FunctionOpInterface fn, unsigned arg) { return fn.getArgAttrOfType<FloatAttr>(arg, kInit); }

bool isTransposedParam(FunctionOpInterface fn, unsigned arg) { return bool(fn.getArgAttr(arg, kTransposed)); }
void setTransposedParam(FunctionOpInterface fn, unsigned arg) {
  fn.setArgAttr(arg, kTransposed, UnitAttr::get(loaded(fn)));
}

std::optional<IndexRange> getIndexRange(FunctionOpInterface fn, unsigned arg) {
  auto range = fn.getArgAttrOfType<DenseI64ArrayAttr>(arg, kIndexRange);
  auto use = fn.getArgAttrOfType<StringAttr>(arg, kIndexUse);
  if (!range || !use || range.size() < 2)
    return std::nullopt;
  IndexRange r{range[0], range[1], std::nullopt, use.getValue().str()};
  if (range.size() == 3)
    r.ignore = range[2];
  return r;
}
void setIndexRange(FunctionOpInterface fn, unsigned arg, const IndexRange &range) {
  SmallVector<int64_t, 3> values{range.lo, range.hi};
  if (range.ignore)
    values.push_back(*range.ignore);
  fn.setArgAttr(arg, kIndexRange, DenseI64ArrayAttr::get(loaded(fn), values));
  fn.setArgAttr(arg, kIndexUse, StringAttr::get(fn.getContext(), range.use));
}

void markOutput(FunctionOpInterface fn, unsigned result) {
  fn.setResultAttr(result, kKind, ArgKindAttr::get(loaded(fn), ArgKind::output));
}

bool updatesParam(FunctionOpInterface fn, unsigned result) { return bool(fn.getResultAttr(result, kUpdatesParam)); }

DictionaryAttr paramAttrs(MLIRContext *ctx, StringRef name, FloatAttr init, bool trainable) {
  ctx->getOrLoadDialect<AbiDialect>();
  Builder b(ctx);
  NamedAttrList attrs;
  attrs.set(kKind, ArgKindAttr::get(ctx, ArgKind::param));
  attrs.set(kName, b.getStringAttr(name));
  if (init)
    attrs.set(kInit, init);
  attrs.set(kTrainable, b.getBoolAttr(trainable));
  return attrs.getDictionary(ctx);
}
DictionaryAttr inputAttrs(MLIRContext *ctx, StringRef name) {
  ctx->getOrLoadDialect<AbiDialect>();
  Builder b(ctx);
  return b.getDictionaryAttr({b.getNamedAttr(kKind, ArgKindAttr::get(ctx, ArgKind::input)),
                              b.getNamedAttr(kName, b.getStringAttr(name))});
}
DictionaryAttr arenaAttrs(MLIRContext *ctx) {
  ctx->getOrLoadDialect<AbiDialect>();
  Builder b(ctx);
  return b.getDictionaryAttr({b.getNamedAttr(kKind, ArgKindAttr::get(ctx, ArgKind::arena)),
                              b.getNamedAttr(kName, b.getStringAttr("arena"))});
}
DictionaryAttr resultAttrs(MLIRContext *ctx, StringRef name) {
  ctx->getOrLoadDialect<AbiDialect>();
  Builder b(ctx);
  return b.getDictionaryAttr(b.getNamedAttr(kName, b.getStringAttr(name)));
}
DictionaryAttr updateResultAttrs(MLIRContext *ctx) {
  ctx->getOrLoadDialect<AbiDialect>();
  Builder b(ctx);
  return b.getDictionaryAttr(b.getNamedAttr(kUpdatesParam, b.getUnitAttr()));
}

std::optional<int64_t> getArenaBytes(Operation *fn) {
  if (auto a = fn->getAttrOfType<IntegerAttr>(kArenaBytes))
    return a.getInt();
  return std::nullopt;
}
void setArenaBytes(Operation *fn, int64_t bytes) {
  fn->setAttr(kArenaBytes, IntegerAttr::get(IntegerType::get(loaded(fn), 64), bytes));
}

bool isParallel(Operation *loop) { return loop->hasAttr(kParallel); }
void setParallel(Operation *loop) { loop->setAttr(kParallel, UnitAttr::get(loaded(loop))); }
void clearParallel(Operation *loop) { loop->removeAttr(kParallel); }

std::optional<int64_t> getParallelTrips(Operation *fn) {
  if (auto a = fn->getAttrOfType<IntegerAttr>(kParallelTrips))
    return a.getInt();
  return std::nullopt;
}
void setParallelTrips(Operation *fn, int64_t trips) {
  fn->setAttr(kParallelTrips, IntegerAttr::get(IntegerType::get(loaded(fn), 64), trips));
}

void eraseAttributes(Operation *root) {
  Dialect *abi = root->getContext()->getLoadedDialect<AbiDialect>();
  if (!abi)
    return;
  auto isOurs = [&](NamedAttribute a) { return a.getNameDialect() == abi; };
  auto filtered = [&](DictionaryAttr attrs) {
    SmallVector<NamedAttribute> kept;
    for (NamedAttribute a : attrs)
      if (!isOurs(a))
        kept.push_back(a);
    return DictionaryAttr::get(root->getContext(), kept);
  };
  root->walk([&](Operation *op) {
    SmallVector<StringAttr> names;
    for (NamedAttribute a : op->getDiscardableAttrs())
      if (isOurs(a))
        names.push_back(a.getName());
    for (StringAttr name : names)
      op->removeDiscardableAttr(name);
    if (auto fn = dyn_cast<FunctionOpInterface>(op)) {
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (DictionaryAttr attrs = fn.getArgAttrDict(i))
          fn.setArgAttrs(i, filtered(attrs));
      for (unsigned i = 0; i < fn.getNumResults(); ++i)
        if (DictionaryAttr attrs = fn.getResultAttrDict(i))
          fn.setResultAttrs(i, filtered(attrs));
    }
  });
}

int dtypeOf(Type t) {
  if (t.isF32())
    return 1;
  if (t.isF64())
    return 2;
  if (t.isF16())
    return 3;
  if (t.isBF16())
    return 4;
  if (t.isInteger(1))
    return 10;
  if (t.isUnsignedInteger(8))
    return 9;
  if (t.isUnsignedInteger(16))
    return 11;
  if (t.isUnsignedInteger(32))
    return 12;
  if (t.isUnsignedInteger(64))
    return 13;
  if (t.isInteger(8))
    return 5;
  if (t.isInteger(16))
    return 6;
  if (t.isInteger(32))
    return 7;
  if (t.isInteger(64))
    return 8;
  if (isa<Float8E4M3FNType>(t))
    return 14;
  if (isa<Float8E4M3FNUZType>(t))
    return 15;
  if (isa<Float8E5M2Type>(t))
    return 16;
  if (isa<Float8E5M2FNUZType>(t))
    return 17;
  if (t.isSignlessInteger(4))
    return 18;
  if (t.isUnsignedInteger(4))
    return 19;
  if (t.isSignlessInteger(2))
    return 20;
  if (t.isUnsignedInteger(2))
    return 21;
  if (isa<Float4E2M1FNType>(t))
    return 22;
  return 0;
}

} // namespace dlc::abi
