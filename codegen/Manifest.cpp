#include "codegen/Manifest.h"

#include "dialects/Abi/AbiDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <algorithm>
#include <cstring>

using namespace mlir;

namespace dlc {

namespace {

/// What the caller exchanges through argument `i` of `fn`.
llvm::Expected<TensorSpec> tensorSpec(func::FuncOp fn, unsigned i, StringRef fallbackName) {
  ShapedType type = abi::getArgTensorType(fn, i);
  if (!type)
    type = dyn_cast<ShapedType>(fn.getArgument(i).getType());
  TensorSpec s;
  s.name = abi::getArgName(fn, i).str();
  if (s.name.empty())
    s.name = fallbackName.str();
  if (!type || !type.hasStaticShape())
    return llvm::createStringError("argument '" + s.name + "' of entry '" + fn.getName().str() +
                                   "' has no static shape");
  s.dtype = abi::dtypeOf(type.getElementType());
  if (s.dtype == 0)
    return llvm::createStringError("tensor '" + s.name + "' of entry '" + fn.getName().str() +
                                   "' has an element type the runtime cannot exchange");
  s.shape.assign(type.getShape().begin(), type.getShape().end());
  s.indexRange = abi::getIndexRange(fn, i);
  return s;
}

/// Every element of a `type` buffer set to `init` (zero when null).
std::vector<char> filled(ShapedType type, FloatAttr init) {
  size_t elem = (type.getElementTypeBitWidth() + 7) / 8;
  std::vector<char> data(type.getNumElements() * elem, 0);
  if (!init || init.getValueAsDouble() == 0)
    return data;
  double d = init.getValueAsDouble();
  float f = (float)d;
  for (size_t i = 0; i < data.size(); i += elem) {
    if (type.getElementType().isF32())
      std::memcpy(&data[i], &f, sizeof f);
    else if (type.getElementType().isF64())
      std::memcpy(&data[i], &d, sizeof d);
  }
  return data;
}

std::vector<char> transposed(const std::vector<char> &data, ShapedType stored) {
  // `stored` is [cols, rows] of the imported [rows, cols].
  int64_t cols = stored.getDimSize(0), rows = stored.getDimSize(1);
  size_t elem = (stored.getElementTypeBitWidth() + 7) / 8;
  std::vector<char> out(data.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      std::memcpy(&out[(c * rows + r) * elem], &data[(r * cols + c) * elem], elem);
  return out;
}

} // namespace

llvm::Expected<ArtifactSpec> describeArtifact(ModuleOp module, StringRef modelName, InitializerLookup initializers) {
  ArtifactSpec spec;
  spec.modelName = modelName.str();
  SmallVector<func::FuncOp> entries;
  module.walk([&](func::FuncOp fn) {
    if (abi::isEntry(fn) && !fn.isExternal())
      entries.push_back(fn);
  });
  // infer first: the runtime's default entry, and the one whose parameters the manifest lists.
  std::stable_partition(entries.begin(), entries.end(), [](func::FuncOp fn) { return fn.getName() == "infer"; });
  if (entries.empty() || entries.front().getName() != "infer")
    return llvm::createStringError("the module has no @infer entry point");
  std::vector<std::string> paramNames;
  for (auto [e, fn] : llvm::enumerate(entries)) {
    if (fn.getNumResults() != 0)
      return llvm::createStringError("entry '" + fn.getName().str() + "' still returns values: describe it after dlc-bufferize");
    EntrySpec entry;
    entry.name = fn.getName().str();
    std::vector<std::string> names;
    abi::ArgKind last = abi::ArgKind::input;
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      auto kind = abi::getArgKind(fn, i);
      if (!kind)
        return llvm::createStringError("argument #" + std::to_string(i) + " of entry '" + entry.name +
                                       "' has no dlc.kind");
      if (*kind < last)
        return llvm::createStringError("the arguments of entry '" + entry.name +
                                       "' are not in the order inputs, parameters, outputs, arena");
      last = *kind;
      if (*kind == abi::ArgKind::arena) {
        entry.arenaBytes = abi::getArenaBytes(fn).value_or(0);
        continue;
      }
      auto tensor = tensorSpec(fn, i, (stringifyArgKind(*kind) + std::to_string(i)).str());
      if (!tensor)
        return tensor.takeError();
      if (*kind == abi::ArgKind::input) {
        entry.inputs.push_back(std::move(*tensor));
      } else if (*kind == abi::ArgKind::output) {
        entry.outputs.push_back(std::move(*tensor));
      } else if (e == 0) {
        ParamSpec p;
        p.tensor = std::move(*tensor);
        p.trainable = abi::getTrainable(fn, i).value_or(false);
        auto type = cast<ShapedType>(fn.getArgument(i).getType());
        const std::vector<char> *data = initializers(p.tensor.name);
        p.transposed = abi::isTransposedParam(fn, i);
        if (data && p.transposed)
          data = &spec.ownedData.emplace_back(transposed(*data, type));
        else if (!data)
          data = &spec.ownedData.emplace_back(filled(type, abi::getInit(fn, i)));
        if (data->size() != type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8))
          return llvm::createStringError("parameter '" + p.tensor.name + "' has " + std::to_string(data->size()) +
                                         " bytes of initial value for its type");
        p.data = data;
        paramNames.push_back(p.tensor.name);
        spec.params.push_back(std::move(p));
      } else {
        names.push_back(tensor->name);
      }
    }
    if (e != 0 && names != paramNames)
      return llvm::createStringError("entry '" + entry.name + "' does not take @infer's parameters");
    spec.entries.push_back(std::move(entry));
  }
  return spec;
}

} // namespace dlc
