#ifndef DLC_GRAPH_OPS
#define DLC_GRAPH_OPS

include "dialects/Graph/GraphDialect.td"
include "dialects/Graph/CompositeInterface.td"
include "dialects/Graph/GradientInterface.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, !listconcat([Pure], traits)>;

// The ops, one file per family: the same family names as the frontend's converters, the
// gradient rules, the lowerings and the tests.
include "dialects/Graph/ElementwiseOps.td"
include "dialects/Graph/ConvOps.td"
include "dialects/Graph/PoolOps.td"
include "dialects/Graph/NNOps.td"
include "dialects/Graph/ReduceOps.td"
include "dialects/Graph/ShapeOps.td"
include "dialects/Graph/RnnOps.td"
include "dialects/Graph/LossOps.td"
include "dialects/Graph/OptimizerOps.td"

#endif // DLC_GRAPH_OPS
