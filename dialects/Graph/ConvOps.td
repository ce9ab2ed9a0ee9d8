#ifndef DLC_GRAPH_CONV_OPS
#define DLC_GRAPH_CONV_OPS

// Included from GraphOps.td: Graph_Op and the interfaces are defined.

//===----------------------------------------------------------------------===//
// Contractions and convolutions.
//===----------------------------------------------------------------------===//

def Graph_MatMulOp : Graph_Op<"matmul", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "matrix product with NumPy semantics (batched, broadcast, 1-D promotion)";
  let description = [{
    ```mlir
    %c = graph.matmul %a, %b : (tensor<8x64x32xf32>, tensor<32x16xf32>) -> tensor<8x64x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConvOp : Graph_Op<"conv", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "N-d convolution (cross-correlation), channels first, with groups";
  let description = [{
    Input `N x C x D1 x ... x Dn`, weight `M x C/group x K1 x ... x Kn`, optional bias `M`.
    `pads` holds the begin pads of every spatial axis, then the end pads.

    ```mlir
    %y = graph.conv %x, %w, %b {strides = [1, 1], pads = [2, 2, 2, 2], dilations = [1, 1], group = 1}
        : (tensor<1x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32>) -> tensor<1x6x28x28xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight, Optional<AnyRankedTensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConvTransposeOp : Graph_Op<"conv_transpose", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "N-d transposed convolution (the gradient of conv with respect to its input)";
  let description = [{
    Input `N x C x D1..Dn`, weight `C x M/group x K1..Kn`; output size per axis is
    `stride * (in - 1) + output_padding + (k - 1) * dilation + 1 - pad_begin - pad_end`.

    ```mlir
    %y = graph.conv_transpose %x, %w {strides = [2, 2], pads = [0, 0, 0, 0], dilations = [1, 1],
        output_padding = [0, 0], group = 1} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x17x17xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight, Optional<AnyRankedTensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$output_padding, DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // DLC_GRAPH_CONV_OPS
