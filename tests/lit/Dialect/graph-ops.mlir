// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// Round trip of every op family of the graph dialect.

// CHECK-LABEL: func @elementwise
func.func @elementwise(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %c: tensor<2x1xi1>) -> tensor<2x3xf32> {
  // CHECK: graph.relu %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = graph.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: graph.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f64}
  %1 = graph.leaky_relu %0 {alpha = 0.1 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: graph.add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = graph.add %1, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: graph.less
  %3 = graph.less %2, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: graph.where
  %4 = graph.where %c, %2, %x : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: graph.cast %{{.*}} : (tensor<2x3xi1>) -> tensor<2x3xf32>
  %5 = graph.cast %3 : (tensor<2x3xi1>) -> tensor<2x3xf32>
  %6 = graph.mul %4, %5 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: graph.clip %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64}
  %7 = graph.clip %6 {min = 0.0 : f64, max = 6.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %7 : tensor<2x3xf32>
}

// CHECK-LABEL: func @nn
func.func @nn(%x: tensor<1x1x28x28xf32>, %w: tensor<6x1x5x5xf32>, %b: tensor<6xf32>, %s: tensor<6xf32>) -> tensor<1x6x14x14xf32> {
  // CHECK: graph.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>}
  %0 = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 2, 2, 2, 2>, dilations = array<i64: 1, 1>, group = 1}
      : (tensor<1x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32>) -> tensor<1x6x28x28xf32>
  // CHECK: graph.batch_norm
  %1 = graph.batch_norm %0, %s, %b, %b, %s {epsilon = 1.0e-5 : f64}
      : (tensor<1x6x28x28xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x6x28x28xf32>
  // CHECK: graph.max_pool
  %2 = graph.max_pool %1 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x6x28x28xf32>) -> tensor<1x6x14x14xf32>
  return %2 : tensor<1x6x14x14xf32>
}

// CHECK-LABEL: func @shapes
func.func @shapes(%x: tensor<2x3x4xf32>, %i: tensor<5xi64>) -> tensor<5x3x2xf32> {
  // CHECK: graph.transpose %{{.*}} {perm = array<i64: 2, 1, 0>}
  %0 = graph.transpose %x {perm = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  // CHECK: graph.gather
  %1 = graph.gather %0, %i {axis = 0 : i64} : (tensor<4x3x2xf32>, tensor<5xi64>) -> tensor<5x3x2xf32>
  // CHECK: graph.reshape
  %2 = graph.reshape %1 : (tensor<5x3x2xf32>) -> tensor<30xf32>
  %3 = graph.reshape %2 : (tensor<30xf32>) -> tensor<5x3x2xf32>
  // CHECK: graph.reduce %{{.*}} {axes = array<i64: 1>, keepdims = true, kind = "mean"}
  %4 = graph.reduce %3 {kind = "mean", axes = array<i64: 1>, keepdims = true} : (tensor<5x3x2xf32>) -> tensor<5x1x2xf32>
  %5 = graph.mul %3, %4 : (tensor<5x3x2xf32>, tensor<5x1x2xf32>) -> tensor<5x3x2xf32>
  // CHECK: graph.constant dense<1.000000e+00> : tensor<2xf32>
  %c = graph.constant dense<1.0> : tensor<2xf32>
  %6 = graph.add %5, %c : (tensor<5x3x2xf32>, tensor<2xf32>) -> tensor<5x3x2xf32>
  return %6 : tensor<5x3x2xf32>
}

// CHECK-LABEL: func @bits_and_scatter
func.func @bits_and_scatter(%x: tensor<3x3xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>, %c: tensor<8xf4E2M1FN>)
    -> (tensor<3x3xi32>, tensor<3x3xf32>, tensor<3x3xf32>, tensor<8xui4>) {
  // CHECK: graph.bitcast %{{.*}} : (tensor<3x3xf32>) -> tensor<3x3xi32>
  %0 = graph.bitcast %x : (tensor<3x3xf32>) -> tensor<3x3xi32>
  // CHECK: graph.scatter_elements %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64, reduction = "max"}
  %1 = graph.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "max"}
      : (tensor<3x3xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x3xf32>
  // CHECK: graph.cumprod %{{.*}} {axis = 0 : i64, exclusive = true, reverse = false}
  %2 = graph.cumprod %x {axis = 0 : i64, exclusive = true, reverse = false} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  // CHECK: graph.bitcast %{{.*}} : (tensor<8xf4E2M1FN>) -> tensor<8xui4>
  %3 = graph.bitcast %c : (tensor<8xf4E2M1FN>) -> tensor<8xui4>
  // CHECK: graph.topk %{{.*}} {axis = 0 : i64, k = 2 : i64, largest = false}
  %v, %i2 = graph.topk %x {k = 2 : i64, axis = 0 : i64, largest = false} : (tensor<3x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  return %0, %1, %2, %3 : tensor<3x3xi32>, tensor<3x3xf32>, tensor<3x3xf32>, tensor<8xui4>
}
