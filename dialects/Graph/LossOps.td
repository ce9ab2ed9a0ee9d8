#ifndef DLC_GRAPH_LOSS_OPS
#define DLC_GRAPH_LOSS_OPS

// Included from GraphOps.td: Graph_Op and the interfaces are defined.

//===----------------------------------------------------------------------===//
// Losses. `reduction` is none (the per-element loss), sum or mean (a scalar); each loss is
// a composite op (CompositeOpInterface, LossOps.cpp) made of elementwise ops and reductions.
//===----------------------------------------------------------------------===//

class Graph_ElementwiseLossOp<string mnemonic, string sum>
    : Graph_Op<mnemonic, [DeclareOpInterfaceMethods<Graph_CompositeOpInterface>]> {
  let summary = sum;
  let description = !strconcat("The per-element loss of `input` against `target` (same type), ",
    "reduced as `reduction` says (none, sum, mean).\n\n```mlir\n%l = graph.", mnemonic,
    " %y, %t {reduction = \"mean\"} : (tensor<8x1xf32>, tensor<8x1xf32>) -> tensor<f32>\n```");
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$target,
                       DefaultValuedStrAttr<StrAttr, "mean">:$reduction);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $target attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_MseLossOp : Graph_ElementwiseLossOp<"mse_loss", "squared error (input - target)^2">;
def Graph_L1LossOp : Graph_ElementwiseLossOp<"l1_loss", "absolute error |input - target|">;
def Graph_BceLossOp : Graph_ElementwiseLossOp<"bce_loss",
    "binary cross-entropy of probabilities: -(t log p + (1 - t) log(1 - p))">;
def Graph_BceWithLogitsLossOp : Graph_ElementwiseLossOp<"bce_with_logits_loss",
    "binary cross-entropy of logits: max(x, 0) - x t + log(1 + exp(-|x|)), finite for any x">;

def Graph_NllLossOp : Graph_Op<"nll_loss", [DeclareOpInterfaceMethods<Graph_CompositeOpInterface>]> {
  let summary = "negative log-likelihood of class indices under log-probabilities";
  let description = [{
    `input` holds log-probabilities (N, C, d1..dk) (a log_softmax: cross-entropy), `target`
    class indices (N, d1..dk), the optional `weight` one weight per class (C). Per element,
    loss = -weight[t] * input[n, t, d] with t = target[n, d], and 0 where t ==
    `ignore_index`. `label_smoothing` s (PyTorch's cross-entropy) mixes in the uniform
    distribution: loss = -(1 - s) input[n, t, d] - s / C sum_c input[n, c, d]; it takes
    neither weights nor ignore_index. `mean` divides by the sum of the selected weights
    (ONNX's NegativeLogLikelihoodLoss; the number of elements without weights).

    ```mlir
    %lp = graph.log_softmax %logits {axis = 1 : i64} : (tensor<64x10xf32>) -> tensor<64x10xf32>
    %l = graph.nll_loss %lp, %labels {reduction = "mean"} : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$target, Optional<AnyRankedTensor>:$weight,
                       DefaultValuedStrAttr<StrAttr, "mean">:$reduction, OptionalAttr<I64Attr>:$ignore_index,
                       DefaultValuedAttr<F64Attr, "0.0">:$label_smoothing);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $target (`,` $weight^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // DLC_GRAPH_LOSS_OPS
