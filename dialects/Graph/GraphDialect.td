#ifndef DLC_GRAPH_DIALECT
#define DLC_GRAPH_DIALECT

include "mlir/IR/OpBase.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let summary = "dlc's network-level dialect: one op per network concept";
  let description = [{
    The graph dialect is what the ONNX frontend produces: ranked tensors with static
    shapes and one op per concept of a neural network (matmul, conv, pooling,
    activations, normalizations, reductions, shape manipulation). Every op verifies
    its operand and result types and names the offending value when they disagree.

    ```mlir
    func.func @infer(%x: tensor<1x784xf32>, %w: tensor<784x10xf32>) -> tensor<1x10xf32> {
      %0 = graph.matmul %x, %w : (tensor<1x784xf32>, tensor<784x10xf32>) -> tensor<1x10xf32>
      %1 = graph.relu %0 : (tensor<1x10xf32>) -> tensor<1x10xf32>
      return %1 : tensor<1x10xf32>
    }
    ```
  }];
  let cppNamespace = "::dlc::graph";
  let hasConstantMaterializer = 1;
}

#endif // DLC_GRAPH_DIALECT
