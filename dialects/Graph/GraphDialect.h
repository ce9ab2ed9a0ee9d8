#ifndef DLC_DIALECTS_GRAPH_GRAPHDIALECT_H
#define DLC_DIALECTS_GRAPH_GRAPHDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

#include "dialects/Graph/GraphDialect.h.inc"
#include "dialects/Graph/CompositeInterface.h.inc"
#include "dialects/Graph/GradientInterface.h.inc"

#define GET_OP_CLASSES
#include "dialects/Graph/GraphOps.h.inc"

namespace dlc::graph {
/// NumPy broadcast of `shapes`; false when two dims differ and neither is 1.
bool broadcastShapes(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                     llvm::SmallVectorImpl<int64_t> &result);
/// "2x3x4" (or "scalar") for messages.
std::string shapeString(llvm::ArrayRef<int64_t> shape);
} // namespace dlc::graph

#endif
