#ifndef DLC_GRAPH_OPTIMIZER_OPS
#define DLC_GRAPH_OPTIMIZER_OPS

// Included from GraphOps.td: Graph_Op and the interfaces are defined.

//===----------------------------------------------------------------------===//
// Optimizer updates: the new value of one parameter (and of its optimizer state) from its
// gradient. `lr` is a rank-0 tensor of the parameter's element type (the run-time learning
// rate), `count` a rank-0 integer (as each op says). `weight_decay` adds weight_decay *
// param to the gradient (L2). Each is a composite op (CompositeOpInterface,
// OptimizerOps.cpp); PyTorch's optimizers and ONNX's training ops both map onto them.
//===----------------------------------------------------------------------===//

class Graph_UpdateOp<string mnemonic> : Graph_Op<mnemonic, [DeclareOpInterfaceMethods<Graph_CompositeOpInterface>]> {
  let hasVerifier = 1;
}

def Graph_SgdUpdateOp : Graph_UpdateOp<"sgd_update"> {
  let summary = "stochastic gradient descent: param - lr * grad";
  let description = [{
    ```mlir
    %p1 = graph.sgd_update %p, %g, %lr {weight_decay = 0.0 : f64}
        : (tensor<10x4xf32>, tensor<10x4xf32>, tensor<f32>) -> tensor<10x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$param, AnyRankedTensor:$grad, AnyRankedTensor:$lr,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay);
  let results = (outs AnyRankedTensor:$new_param);
  let assemblyFormat = "$param `,` $grad `,` $lr attr-dict `:` functional-type(operands, results)";
}

def Graph_MomentumUpdateOp : Graph_UpdateOp<"momentum_update"> {
  let summary = "SGD with (Nesterov) momentum";
  let description = [{
    v' = momentum * v + c * g with c = 1 on the first update (`count`, the updates done
    before this one, is 0) and 1 - `dampening` after (PyTorch's SGD; ONNX's Momentum with
    beta = 1 - dampening); param' = param - lr * v', or with `nesterov` param - lr * (g +
    momentum * v').

    ```mlir
    %p1, %v1 = graph.momentum_update %p, %g, %v, %lr, %step {momentum = 0.9 : f64, nesterov = false}
        : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$param, AnyRankedTensor:$grad, AnyRankedTensor:$velocity,
                       AnyRankedTensor:$lr, AnyRankedTensor:$count, F64Attr:$momentum,
                       DefaultValuedAttr<F64Attr, "0.0">:$dampening, DefaultValuedAttr<BoolAttr, "false">:$nesterov,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay);
  let results = (outs AnyRankedTensor:$new_param, AnyRankedTensor:$new_velocity);
  let assemblyFormat = [{
    $param `,` $grad `,` $velocity `,` $lr `,` $count attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_AdamUpdateOp : Graph_UpdateOp<"adam_update"> {
  let summary = "Adam and AdamW";
  let description = [{
    m' = beta1 m + (1 - beta1) g, v' = beta2 v + (1 - beta2) g^2, with the bias corrections
    bc1 = 1 - beta1^t, bc2 = 1 - beta2^t for t = `count` (none while t is 0, as ONNX's
    Adam): with `bias_corrected_eps` (PyTorch) param' = param - lr / bc1 * m' / (sqrt(v') /
    sqrt(bc2) + eps); without (ONNX) param - lr * sqrt(bc2) / bc1 * m' / (sqrt(v') + eps).
    `decoupled_weight_decay` (AdamW) first scales param by 1 - lr * decoupled_weight_decay;
    `post_decay` (ONNX's norm_coefficient_post) scales the result by 1 - post_decay.

    ```mlir
    %p1, %m1, %v1 = graph.adam_update %p, %g, %m, %v, %lr, %t {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
        : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>)
        -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$param, AnyRankedTensor:$grad, AnyRankedTensor:$m, AnyRankedTensor:$v,
                       AnyRankedTensor:$lr, AnyRankedTensor:$count, F64Attr:$beta1, F64Attr:$beta2, F64Attr:$eps,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                       DefaultValuedAttr<F64Attr, "0.0">:$decoupled_weight_decay,
                       DefaultValuedAttr<F64Attr, "0.0">:$post_decay,
                       DefaultValuedAttr<BoolAttr, "true">:$bias_corrected_eps);
  let results = (outs AnyRankedTensor:$new_param, AnyRankedTensor:$new_m, AnyRankedTensor:$new_v);
  let assemblyFormat = [{
    $param `,` $grad `,` $m `,` $v `,` $lr `,` $count attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_AdagradUpdateOp : Graph_UpdateOp<"adagrad_update"> {
  let summary = "AdaGrad: param - lr / (1 + count * lr_decay) * g / (sqrt(sum + g^2) + eps)";
  let description = [{
    `count` is the number of updates done before this one.

    ```mlir
    %p1, %s1 = graph.adagrad_update %p, %g, %s, %lr, %step {eps = 1.0e-10 : f64}
        : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$param, AnyRankedTensor:$grad, AnyRankedTensor:$sum, AnyRankedTensor:$lr,
                       AnyRankedTensor:$count, F64Attr:$eps, DefaultValuedAttr<F64Attr, "0.0">:$lr_decay,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay);
  let results = (outs AnyRankedTensor:$new_param, AnyRankedTensor:$new_sum);
  let assemblyFormat = [{
    $param `,` $grad `,` $sum `,` $lr `,` $count attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_RmspropUpdateOp : Graph_UpdateOp<"rmsprop_update"> {
  let summary = "RMSProp: param - lr * g / (sqrt(alpha v + (1 - alpha) g^2) + eps)";
  let description = [{
    ```mlir
    %p1, %v1 = graph.rmsprop_update %p, %g, %v, %lr {alpha = 0.99 : f64, eps = 1.0e-8 : f64}
        : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$param, AnyRankedTensor:$grad, AnyRankedTensor:$square_avg,
                       AnyRankedTensor:$lr, F64Attr:$alpha, F64Attr:$eps,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay);
  let results = (outs AnyRankedTensor:$new_param, AnyRankedTensor:$new_square_avg);
  let assemblyFormat = [{
    $param `,` $grad `,` $square_avg `,` $lr attr-dict `:` functional-type(operands, results)
  }];
}

#endif // DLC_GRAPH_OPTIMIZER_OPS
