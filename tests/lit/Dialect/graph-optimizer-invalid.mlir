// RUN: dlc-opt %s -split-input-file -verify-diagnostics
// What the optimizer update verifiers refuse, naming the operand.

func.func @f(%p: tensor<4xf32>, %g: tensor<3xf32>, %lr: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #1 has type 'tensor<3xf32>', but param has type 'tensor<4xf32>'; the gradient and the optimizer state must have the parameter's type}}
  %0 = graph.sgd_update %p, %g, %lr : (tensor<4xf32>, tensor<3xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @f(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f64>) -> tensor<4xf32> {
  // expected-error @+1 {{lr has type 'tensor<f64>'; it must be 'tensor<f32>', a scalar of the parameter's element type}}
  %0 = graph.sgd_update %p, %g, %lr : (tensor<4xf32>, tensor<4xf32>, tensor<f64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @f(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %lr: tensor<f32>, %t: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{count has type 'tensor<f32>'; it must be a rank-0 integer}}
  %0:2 = graph.momentum_update %p, %g, %v, %lr, %t {momentum = 0.9 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %0#0 : tensor<4xf32>
}

// -----

func.func @f(%p: tensor<4xi32>, %g: tensor<4xi32>, %lr: tensor<i32>) -> tensor<4xi32> {
  // expected-error @+1 {{param has type 'tensor<4xi32>'; only floating-point parameters are updated}}
  %0 = graph.sgd_update %p, %g, %lr : (tensor<4xi32>, tensor<4xi32>, tensor<i32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @f(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %lr: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{result #1 has type 'tensor<3xf32>'; it must be 'tensor<4xf32>'}}
  %0:2 = graph.rmsprop_update %p, %g, %v, %lr {alpha = 0.99 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<3xf32>)
  return %0#0 : tensor<4xf32>
}
