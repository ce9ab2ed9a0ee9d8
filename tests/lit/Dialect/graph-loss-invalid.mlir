// RUN: dlc-opt %s -split-input-file -verify-diagnostics
// What the loss verifiers refuse, naming the operand.

func.func @f(%y: tensor<8xf32>, %t: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{target has type 'tensor<4xf32>', but input has type 'tensor<8xf32>'; they must be the same}}
  %0 = graph.mse_loss %y, %t : (tensor<8xf32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%y: tensor<8xf32>, %t: tensor<8xf32>) -> tensor<f32> {
  // expected-error @+1 {{reduction 'avg' is none of none, sum, mean}}
  %0 = graph.l1_loss %y, %t {reduction = "avg"} : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%y: tensor<8xf32>, %t: tensor<8xf32>) -> tensor<f32> {
  // expected-error @+1 {{result has type 'tensor<f32>', but reduction 'none' gives 'tensor<8xf32>'}}
  %0 = graph.bce_loss %y, %t {reduction = "none"} : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%y: tensor<8xi32>, %t: tensor<8xi32>) -> tensor<i32> {
  // expected-error @+1 {{a loss needs floating-point values}}
  %0 = graph.bce_with_logits_loss %y, %t : (tensor<8xi32>, tensor<8xi32>) -> tensor<i32>
  return %0 : tensor<i32>
}

// -----

func.func @f(%lp: tensor<8x3xf32>, %c: tensor<4xi64>) -> tensor<f32> {
  // expected-error @+1 {{target has shape 4, but for input of shape 8x3 it must have shape 8}}
  %0 = graph.nll_loss %lp, %c : (tensor<8x3xf32>, tensor<4xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%lp: tensor<8x3xf32>, %c: tensor<8xf32>) -> tensor<f32> {
  // expected-error @+1 {{target has type 'tensor<8xf32>'; it must hold integer class indices}}
  %0 = graph.nll_loss %lp, %c : (tensor<8x3xf32>, tensor<8xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%lp: tensor<8x3xf32>, %c: tensor<8xi64>, %w: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{weight has type 'tensor<4xf32>'; it must be a vector of 3 class weights}}
  %0 = graph.nll_loss %lp, %c, %w : (tensor<8x3xf32>, tensor<8xi64>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%lp: tensor<8x3xf32>, %c: tensor<8xi64>) -> tensor<f32> {
  // expected-error @+1 {{label_smoothing is 1.5; it must lie in [0, 1]}}
  %0 = graph.nll_loss %lp, %c {label_smoothing = 1.5 : f64} : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%lp: tensor<8x3xf32>, %c: tensor<8xi64>) -> tensor<f32> {
  // expected-error @+1 {{label_smoothing takes neither class weights nor ignore_index}}
  %0 = graph.nll_loss %lp, %c {label_smoothing = 0.1 : f64, ignore_index = 0 : i64} : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}
