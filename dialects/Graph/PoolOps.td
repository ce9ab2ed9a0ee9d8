#ifndef DLC_GRAPH_POOL_OPS
#define DLC_GRAPH_POOL_OPS

// Included from GraphOps.td: Graph_Op and the interfaces are defined.

//===----------------------------------------------------------------------===//
// Pooling, and the gradient ops of max and average pooling.
//===----------------------------------------------------------------------===//

class Graph_PoolOp<string mnemonic, string sum, list<Trait> traits = []> : Graph_Op<mnemonic, traits> {
  let summary = sum;
  let description = !strconcat("Sliding-window pooling over the spatial axes of an N x C x ... tensor.\n",
    "`pads` holds begin pads then end pads; `ceil_mode` is already reflected in the result shape.\n\n",
    "```mlir\n%y = graph.", mnemonic, " %x {kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0], ",
    "dilations = [1, 1]}\n    : (tensor<1x6x28x28xf32>) -> tensor<1x6x14x14xf32>\n```");
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Graph_MaxPoolOp : Graph_PoolOp<"max_pool", "max pooling", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations);
}
def Graph_AvgPoolOp : Graph_PoolOp<"avg_pool", "average pooling", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
}

def Graph_MaxPoolGradOp : Graph_Op<"max_pool_grad"> {
  let summary = "gradient of max_pool with respect to its input";
  let description = [{
    Routes every output gradient to the input positions of its window that equal the
    window's maximum `output` (the forward result).

    ```mlir
    %dx = graph.max_pool_grad %x, %y, %dy {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
        : (tensor<1x6x28x28xf32>, tensor<1x6x14x14xf32>, tensor<1x6x14x14xf32>) -> tensor<1x6x28x28xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$output, AnyRankedTensor:$output_grad,
                   DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations);
  let results = (outs AnyRankedTensor:$input_grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_AvgPoolGradOp : Graph_Op<"avg_pool_grad"> {
  let summary = "gradient of avg_pool with respect to its input";
  let description = [{
    Every output gradient, divided by its window's element count (as avg_pool counts
    it, with or without `count_include_pad`), is added to each input position of its
    window. The attributes are the forward avg_pool's; the result has the input's type.

    ```mlir
    %dx = graph.avg_pool_grad %dy {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
        pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, count_include_pad = false}
        : (tensor<1x4x4x4xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$output_grad, DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs AnyRankedTensor:$input_grad);
  let assemblyFormat = "$output_grad attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // DLC_GRAPH_POOL_OPS
