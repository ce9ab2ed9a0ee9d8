// The `dlc` dialect: the typed attributes that pass meaning between the passes, the
// artifact's manifest and the runtime. Passes read and write them through these accessors
// only; the dialect verifies them wherever they appear (AbiDialect.td).
#ifndef DLC_DIALECTS_ABI_ABIDIALECT_H
#define DLC_DIALECTS_ABI_ABIDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <optional>
#include <string>

#include "dialects/Abi/AbiDialect.h.inc"
#include "dialects/Abi/AbiEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Abi/AbiAttributes.h.inc"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/Abi/AbiOps.h.inc"

namespace dlc::abi {

// Entry points (infer, eval_step, train_step): functions the artifact exports.
bool isEntry(mlir::Operation *fn);
void setEntry(mlir::Operation *fn);

// An argument's role; nullopt on arguments of functions that are not entry points.
std::optional<ArgKind> getArgKind(mlir::FunctionOpInterface fn, unsigned arg);
void setArgKind(mlir::FunctionOpInterface fn, unsigned arg, ArgKind kind);

// The names the manifest and the runtime show ("" when there is none).
llvm::StringRef getArgName(mlir::FunctionOpInterface fn, unsigned arg);
void setArgName(mlir::FunctionOpInterface fn, unsigned arg, llvm::StringRef name);
llvm::StringRef getResultName(mlir::FunctionOpInterface fn, unsigned result);
void setResultName(mlir::FunctionOpInterface fn, unsigned result, llvm::StringRef name);

// The tensor the caller exchanges, where the value's own type no longer says it: a packed
// 4- or 2-bit tensor (the graph holds one element per byte, the caller's bytes are packed
// as ONNX packs them), an unsigned tensor made signless (dlc-signless-integers), an empty
// tensor given a one-element buffer (dlc-retype-empty-arguments). Null when the type says it.
mlir::RankedTensorType getArgTensorType(mlir::FunctionOpInterface fn, unsigned arg);
void setArgTensorType(mlir::FunctionOpInterface fn, unsigned arg, mlir::RankedTensorType type);
mlir::RankedTensorType getResultTensorType(mlir::FunctionOpInterface fn, unsigned result);
void setResultTensorType(mlir::FunctionOpInterface fn, unsigned result, mlir::RankedTensorType type);

// Whether a parameter trains; nullopt when nothing decided it yet.
std::optional<bool> getTrainable(mlir::FunctionOpInterface fn, unsigned arg);
void setTrainable(mlir::FunctionOpInterface fn, unsigned arg, bool trainable);

// A parameter that training added (optimizer state): every element starts at this value
// (zero when absent).
mlir::FloatAttr getInit(mlir::FunctionOpInterface fn, unsigned arg);

// A parameter stored as the transpose of the imported initializer (dlc-prepack-params).
bool isTransposedParam(mlir::FunctionOpInterface fn, unsigned arg);
void setTransposedParam(mlir::FunctionOpInterface fn, unsigned arg);

// An integer input the model reads memory at (a Gather's indices, a loss's class labels):
// the values it may hold, [lo, hi) or `ignore`, and the op that reads them, for the
// runtime's error ("Gather 'embed'"). The manifest carries it as dlc_index_check.
struct IndexRange {
  int64_t lo, hi;
  std::optional<int64_t> ignore;
  std::string use;
};
std::optional<IndexRange> getIndexRange(mlir::FunctionOpInterface fn, unsigned arg);
void setIndexRange(mlir::FunctionOpInterface fn, unsigned arg, const IndexRange &range);

// After dlc-bufferize a kept result becomes an out-parameter with this kind (dlc-drop-argument-results).
void markOutput(mlir::FunctionOpInterface fn, unsigned result);

// A train_step result that is the new value of the parameter it is written into.
bool updatesParam(mlir::FunctionOpInterface fn, unsigned result);

// The attributes of a new argument or result, for insertArgument/setAllResultAttrs.
mlir::DictionaryAttr paramAttrs(mlir::MLIRContext *ctx, llvm::StringRef name, mlir::FloatAttr init, bool trainable);
mlir::DictionaryAttr inputAttrs(mlir::MLIRContext *ctx, llvm::StringRef name);
mlir::DictionaryAttr arenaAttrs(mlir::MLIRContext *ctx);
mlir::DictionaryAttr resultAttrs(mlir::MLIRContext *ctx, llvm::StringRef name);
mlir::DictionaryAttr updateResultAttrs(mlir::MLIRContext *ctx);

// On a bufferized entry point: the bytes of its arena (dlc-plan-memory).
std::optional<int64_t> getArenaBytes(mlir::Operation *fn);
void setArenaBytes(mlir::Operation *fn, int64_t bytes);

// An scf.for whose iterations may run on different threads.
bool isParallel(mlir::Operation *loop);
void setParallel(mlir::Operation *loop);
void clearParallel(mlir::Operation *loop);

// On a function outlined from a parallel loop: its number of iterations.
std::optional<int64_t> getParallelTrips(mlir::Operation *fn);
void setParallelTrips(mlir::Operation *fn, int64_t trips);

// The functions that dlc.grad_reduce_start / dlc.grad_reduce_wait become calls of: each
// artifact defines them (forwarding to the runtime's dlc_runtime_grad_reduce_start/wait)
// with the signature void (int64_t bucket, int32_t dtype, int64_t count, void *const
// *buffers, const int64_t *elements).
constexpr const char *kGradReduceStartSymbol = "dlc_grad_reduce_start";
constexpr const char *kGradReduceWaitSymbol = "dlc_grad_reduce_wait";

// The dlc_dtype (runtime/core/include/dlc/abi.h) of an element type, 0 when it has none.
int dtypeOf(mlir::Type elementType);

// Removes every attribute of this dialect under `root` (on ops, function arguments and
// results): for the translation to LLVM IR, which has no place for them, once the
// manifest is derived.
void eraseAttributes(mlir::Operation *root);

} // namespace dlc::abi

#endif
