// The graph-level passes (compiler/Passes.td): they know no target.
#ifndef DLC_COMPILER_PASSES_H
#define DLC_COMPILER_PASSES_H

#include "dialects/Abi/AbiDialect.h"
#include "dialects/Graph/GraphDialect.h"
#include "dialects/Kernel/KernelDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace dlc {

#define GEN_PASS_DECL
#include "compiler/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Passes.h.inc"

/// Replaces the composite op `op` by its decomposition; returns the values that replace
/// its results.
mlir::FailureOr<llvm::SmallVector<mlir::Value>> decomposeComposite(graph::CompositeOpInterface op);
/// Replaces every composite op (graph::CompositeOpInterface) under `root` by its
/// decomposition (what dlc-decompose-composites runs).
mlir::LogicalResult decomposeComposites(mlir::Operation *root);
/// Marks each i32/i64 input of `fn` that an op in it reads memory at (Gather's indices, a
/// loss's class labels) with the values it may hold (dlc.index_range), intersected with a
/// range it already has (what dlc-annotate-index-inputs runs on every entry point).
void annotateIndexInputs(mlir::func::FuncOp fn);

} // namespace dlc

#endif
