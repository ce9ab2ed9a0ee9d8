#ifndef DLC_GRAPH_REDUCE_OPS
#define DLC_GRAPH_REDUCE_OPS

// Included from GraphOps.td: Graph_Op and the interfaces are defined.

//===----------------------------------------------------------------------===//
// Reductions.
//===----------------------------------------------------------------------===//

def Graph_ReduceOp : Graph_Op<"reduce", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "reduces the given axes with one of sum, mean, max, min, prod, l1, l2, log_sum, log_sum_exp, sum_square";
  let description = [{
    `axes` are non-negative and sorted; `keepdims` keeps them as size-1 axes.

    ```mlir
    %y = graph.reduce %x {kind = "mean", axes = [2, 3], keepdims = true}
        : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$kind, DenseI64ArrayAttr:$axes, BoolAttr:$keepdims);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ArgReduceOp : Graph_Op<"arg_reduce"> {
  let summary = "index (i64) of the max or min along an axis";
  let description = [{
    ```mlir
    %i = graph.arg_reduce %x {kind = "max", axis = 1 : i64, keepdims = false, select_last_index = false}
        : (tensor<4x10xf32>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$kind, I64Attr:$axis, BoolAttr:$keepdims,
                   BoolAttr:$select_last_index);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_TopKOp : Graph_Op<"topk"> {
  let summary = "the k largest (or smallest) elements along an axis, sorted, with their i64 indices";
  let description = [{
    `values` holds, along `axis`, the k largest elements (the k smallest with
    `largest = false`) in order, best first; `indices` their positions. Of equal elements
    the one with the lower index comes first (ONNX TopK).

    ```mlir
    %v, %i = graph.topk %x {k = 3 : i64, axis = 1 : i64, largest = true}
        : (tensor<4x10xf32>) -> (tensor<4x3xf32>, tensor<4x3xi64>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$k, I64Attr:$axis, BoolAttr:$largest);
  let results = (outs AnyRankedTensor:$values, AnyRankedTensor:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_CumSumOp : Graph_Op<"cumsum", [SameOperandsAndResultType, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "cumulative sum along an axis (exclusive and reverse variants)";
  let description = [{
    ```mlir
    %y = graph.cumsum %x {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<5xf32>) -> tensor<5xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis, BoolAttr:$exclusive, BoolAttr:$reverse);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_CumProdOp : Graph_Op<"cumprod", [SameOperandsAndResultType]> {
  let summary = "cumulative product along an axis (exclusive and reverse variants)";
  let description = [{
    Like `graph.cumsum` with products: an exclusive product starts at 1.

    ```mlir
    %y = graph.cumprod %x {axis = 0 : i64, exclusive = true, reverse = false} : (tensor<5xf32>) -> tensor<5xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis, BoolAttr:$exclusive, BoolAttr:$reverse);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // DLC_GRAPH_REDUCE_OPS
