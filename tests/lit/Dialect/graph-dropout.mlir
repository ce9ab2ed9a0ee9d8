// RUN: dlc-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// RUN: dlc-opt %s -split-input-file -verify-diagnostics --canonicalize | FileCheck %s --check-prefix=FOLD

// Dropout sites round-trip and fold to their input outside train_step; the mask op
// round-trips and stays (it is the training-time draw).
// CHECK-LABEL: func @sites
// CHECK: graph.dropout %{{.*}} {ratio = 2.500000e-01 : f64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: graph.dropout_mask %{{.*}}, %{{.*}} {ratio = 5.000000e-01 : f64, site = 3 : i64} : (tensor<i64>, tensor<i64>) -> tensor<4x8xf32>
// FOLD-LABEL: func @sites
// FOLD-NOT: graph.dropout %
// FOLD: %[[M:.*]] = graph.dropout_mask
// FOLD: graph.mul %arg0, %[[M]]
func.func @sites(%x: tensor<4x8xf32>, %seed: tensor<i64>, %step: tensor<i64>) -> tensor<4x8xf32> {
  %0 = graph.dropout %x {ratio = 0.25 : f64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = graph.dropout_mask %seed, %step {ratio = 0.5 : f64, site = 3 : i64} : (tensor<i64>, tensor<i64>) -> tensor<4x8xf32>
  %2 = graph.mul %0, %1 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

// -----

func.func @ratio_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.dropout' op ratio 1 is outside [0, 1)}}
  %0 = graph.dropout %x {ratio = 1.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @seed_not_scalar(%seed: tensor<2xi64>, %step: tensor<i64>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.dropout_mask' op seed must be an i64 scalar (tensor<i64>), got 'tensor<2xi64>'}}
  %0 = graph.dropout_mask %seed, %step {ratio = 0.5 : f64, site = 0 : i64} : (tensor<2xi64>, tensor<i64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @counter_i32(%seed: tensor<i64>, %step: tensor<i32>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.dropout_mask' op counter must be an i64 scalar (tensor<i64>), got 'tensor<i32>'}}
  %0 = graph.dropout_mask %seed, %step {ratio = 0.5 : f64, site = 0 : i64} : (tensor<i64>, tensor<i32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @integer_mask(%seed: tensor<i64>, %step: tensor<i64>) -> tensor<4xi32> {
  // expected-error @+1 {{'graph.dropout_mask' op result element type 'i32' should be a float type}}
  %0 = graph.dropout_mask %seed, %step {ratio = 0.5 : f64, site = 0 : i64} : (tensor<i64>, tensor<i64>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @negative_ratio(%seed: tensor<i64>, %step: tensor<i64>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.dropout_mask' op ratio -0.1 is outside [0, 1)}}
  %0 = graph.dropout_mask %seed, %step {ratio = -0.1 : f64, site = 0 : i64} : (tensor<i64>, tensor<i64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @bad_offset(%seed: tensor<i64>, %step: tensor<i64>, %off: tensor<2xi64>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.dropout_mask' op offset must be an i64 scalar (tensor<i64>), got 'tensor<2xi64>'}}
  %0 = graph.dropout_mask %seed, %step, %off {ratio = 0.5 : f64, site = 0 : i64} : (tensor<i64>, tensor<i64>, tensor<2xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
