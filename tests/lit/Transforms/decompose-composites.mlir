// RUN: dlc-opt %s --split-input-file --dlc-decompose-composites | FileCheck %s

// mean squared error: (y - t)^2 summed, divided by the element count.
// CHECK-LABEL: func.func @mse
// CHECK-NOT: graph.mse_loss
// CHECK-DAG: %[[N:.*]] = graph.constant dense<2.400000e+01> : tensor<f32>
// CHECK-DAG: %[[D:.*]] = graph.sub %arg0, %arg1
// CHECK: %[[S:.*]] = graph.mul %[[D]], %[[D]]
// CHECK: %[[R:.*]] = graph.reduce %[[S]] {axes = array<i64: 0, 1>, keepdims = false, kind = "sum"}
// CHECK: graph.div %[[R]], %[[N]]
func.func @mse(%y: tensor<8x3xf32>, %t: tensor<8x3xf32>) -> tensor<f32> {
  %0 = graph.mse_loss %y, %t : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Negative log-likelihood with class weights and ignore_index: the mean divides by the
// sum of the selected weights.
// CHECK-LABEL: func.func @nll
// CHECK-NOT: graph.nll_loss
// CHECK: graph.equal
// CHECK: graph.mul
// CHECK: graph.not
// CHECK: %[[COEF:.*]] = graph.mul
// CHECK: graph.mul %arg0, %[[COEF]]
// CHECK: graph.reduce {{.*}}kind = "sum"
// CHECK: graph.neg
// CHECK: graph.reduce %[[COEF]] {axes = array<i64: 0, 1>
// CHECK: graph.div
func.func @nll(%lp: tensor<8x3xf32>, %c: tensor<8xi64>, %w: tensor<3xf32>) -> tensor<f32> {
  %0 = graph.nll_loss %lp, %c, %w {ignore_index = -100 : i64} : (tensor<8x3xf32>, tensor<8xi64>, tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// reduction none: the per-element loss, no reduction over the batch.
// CHECK-LABEL: func.func @l1_none
// CHECK: %[[D:.*]] = graph.sub %arg0, %arg1
// CHECK: %[[A:.*]] = graph.abs %[[D]]
// CHECK-NEXT: return %[[A]]
func.func @l1_none(%y: tensor<4xf32>, %t: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.l1_loss %y, %t {reduction = "none"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Adam as PyTorch defines it: bias corrections with t = count, eps added to the corrected
// sqrt(v); the new moments are returned for their buffers.
// CHECK-LABEL: func.func @adam
// CHECK-NOT: graph.adam_update
// CHECK: %[[T:.*]] = graph.cast %arg5 : (tensor<i64>) -> tensor<f32>
// CHECK: graph.greater %arg5
// CHECK: graph.pow %{{.*}}, %[[T]]
// CHECK: graph.where
// CHECK: graph.sqrt
// CHECK: graph.sqrt
// CHECK: graph.div
// CHECK: %[[P:.*]] = graph.sub %arg0
// CHECK: return %[[P]]
func.func @adam(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: tensor<f32>, %t: tensor<i64>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0:3 = graph.adam_update %p, %g, %m, %v, %lr, %t {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>)
      -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %0#0, %0#1, %0#2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// SGD with momentum (PyTorch, no dampening): v' = 0.9 v + g, param - lr v'.
// CHECK-LABEL: func.func @momentum
// CHECK: %[[MV:.*]] = graph.mul %arg2, %{{.*}}
// CHECK: %[[NV:.*]] = graph.add %[[MV]], %arg1
// CHECK: %[[STEP:.*]] = graph.mul %arg3, %[[NV]]
// CHECK: %[[P:.*]] = graph.sub %arg0, %[[STEP]]
// CHECK: return %[[P]], %[[NV]]
func.func @momentum(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %lr: tensor<f32>, %t: tensor<i64>)
    -> (tensor<4xf32>, tensor<4xf32>) {
  %0:2 = graph.momentum_update %p, %g, %v, %lr, %t {momentum = 0.9 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  return %0#0, %0#1 : tensor<4xf32>, tensor<4xf32>
}
