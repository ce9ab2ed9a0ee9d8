#ifndef DLC_GRAPH_NN_OPS
#define DLC_GRAPH_NN_OPS

// Included from GraphOps.td: Graph_Op and the interfaces are defined.

//===----------------------------------------------------------------------===//
// Normalization and softmax.
//===----------------------------------------------------------------------===//

def Graph_BatchNormOp : Graph_Op<"batch_norm"> {
  let summary = "batch normalization with running statistics (inference)";
  let description = [{
    `y = scale * (x - mean) / sqrt(var + epsilon) + bias` per channel (axis 1). In
    train_step, `dlc-build-train-step` uses the batch's statistics instead and updates
    the running ones: `mean = mean * momentum + batch_mean * (1 - momentum)` (ONNX's
    momentum; PyTorch's is 1 - it), the variance likewise with the unbiased batch variance.

    ```mlir
    %y = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f64}
        : (tensor<8x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<8x16x4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$scale, AnyRankedTensor:$bias,
                   AnyRankedTensor:$mean, AnyRankedTensor:$variance, DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon,
                   DefaultValuedAttr<F64Attr, "0.9">:$momentum);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_InstanceNormOp : Graph_Op<"instance_norm", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "normalizes every (sample, channel) over its spatial axes";
  let description = [{
    ```mlir
    %y = graph.instance_norm %x, %s, %b {epsilon = 1.0e-05 : f64}
        : (tensor<2x3x8x8xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$scale, AnyRankedTensor:$bias,
                   DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_LayerNormOp : Graph_Op<"layer_norm", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "normalizes over the axes from `axis` to the last, then scales and shifts";
  let description = [{
    ```mlir
    %y = graph.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f64}
        : (tensor<2x5x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x5x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$scale, Optional<AnyRankedTensor>:$bias,
                   I64Attr:$axis, DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Graph_AxisOp<string mnemonic, string sum, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat([SameOperandsAndResultType], traits)> {
  let summary = sum;
  let description = !strconcat("Along one axis (non-negative).\n\n```mlir\n%y = graph.", mnemonic,
    " %x {axis = 1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>\n```");
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Graph_SoftmaxOp : Graph_AxisOp<"softmax", "exp(x - max) / sum(exp(x - max)) along axis", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_LogSoftmaxOp : Graph_AxisOp<"log_softmax", "x - max - log(sum(exp(x - max))) along axis", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_HardmaxOp : Graph_AxisOp<"hardmax", "1 at the first maximum along axis, 0 elsewhere", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;

//===----------------------------------------------------------------------===//
// Dropout (training) and its counter-based random mask.
//===----------------------------------------------------------------------===//

def Graph_RankMeanOp : Graph_Op<"rank_mean", [SameOperandsAndResultType,
                                              DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "the mean of a tensor over the data-parallel ranks (synchronized batch norm)";
  let description = [{
    Each rank passes its value; every rank gets their mean. `dlc-build-train-step
    sync-batchnorm=true` puts it on train_step's batch statistics, so that batch norm
    normalizes with the statistics of the global batch. In one process (no reduction
    bound at run time) it is the identity. Its gradient is the rank mean of the output's
    gradient (each rank's input contributes 1/N to every rank's output), with key
    `key + 2^30`. `key` names the reduction: the same op has the same key on every rank,
    and no two reductions of a step share one. Lowered to `dlc.grad_reduce_start` and
    `dlc.grad_reduce_wait` of bucket `key`.

    ```mlir
    %m = graph.rank_mean %mu {key = 1048576 : i64} : (tensor<1x16x1x1xf32>) -> tensor<1x16x1x1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$key);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_DropoutOp : Graph_Op<"dropout", [SameOperandsAndResultType]> {
  let summary = "a dropout site: the identity, except in train_step";
  let description = [{
    ONNX Dropout as imported. In `infer` and `eval_step` it is the identity and folds
    away; `dlc-build-train-step` replaces it in `train_step` by
    `input * graph.dropout_mask(rng.seed, optimizer.step)` with the same `ratio`, so
    autodiff's rule for `graph.mul` gives the gradient through the same mask. `ratio`
    (the probability of dropping an element) is in [0, 1).

    ```mlir
    %y = graph.dropout %x {ratio = 5.000000e-01 : f64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, F64Attr:$ratio);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_DropoutMaskOp : Graph_Op<"dropout_mask"> {
  let summary = "dropout's scaled keep mask from a counter-based hash of (seed, counter, site, element)";
  let description = [{
    Every element is 0 (dropped, with probability `ratio`) or `1 / (1 - ratio)` (kept),
    as PyTorch scales kept units. The draw is a pure function, so a mask is the same on
    every run with the same `seed` (i64 scalar) and differs per `counter` (i64 scalar,
    train_step passes optimizer.step) and per dropout `site`. With
    `mix` the splitmix64 finalizer, `G = 0x9E3779B97F4A7C15` and unsigned 64-bit
    wrap-around arithmetic, element `i` (row-major linear index) draws

        key = mix(mix(seed + (site + 1) * G) + counter * G)
        u   = float(mix(key + (offset + i) * G) >> 40) * 2^-24   (in [0, 1), exact in f32)
        out = u >= float(ratio) ? 1 / (1 - ratio) : 0

    `offset` (i64 scalar, 0 when absent) shifts the element numbering: under data
    parallelism rank r passes r * (the mask's elements), so that its mask is its slice of
    the mask one process would draw for the global batch (batch along dimension 0).

    ```mlir
    %m = graph.dropout_mask %seed, %step {ratio = 1.000000e-01 : f64, site = 0 : i64}
        : (tensor<i64>, tensor<i64>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$seed, AnyRankedTensor:$counter, Optional<AnyRankedTensor>:$offset,
                       F64Attr:$ratio, I64Attr:$site);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$seed `,` $counter (`,` $offset^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // DLC_GRAPH_NN_OPS
