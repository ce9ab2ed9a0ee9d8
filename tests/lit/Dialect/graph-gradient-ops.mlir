// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// Round trip of the gradient ops (what gradient rules build where no forward op fits).

// CHECK-LABEL: func @gradient_ops
func.func @gradient_ops(%dy: tensor<1x4x4x4xf32>, %ds: tensor<4x4xf32>, %de: tensor<2x7x16xf32>, %idx: tensor<2x7xi64>)
    -> (tensor<1x4x8x8xf32>, tensor<4x10xf32>, tensor<100x16xf32>) {
  // CHECK: graph.avg_pool_grad %{{.*}} {count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  // CHECK-SAME: (tensor<1x4x4x4xf32>) -> tensor<1x4x8x8xf32>
  %0 = graph.avg_pool_grad %dy {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>,
      dilations = array<i64: 1, 1>, count_include_pad = true} : (tensor<1x4x4x4xf32>) -> tensor<1x4x8x8xf32>
  // CHECK: graph.slice_grad %{{.*}} {starts = array<i64: 0, 2>, steps = array<i64: 1, 2>} : (tensor<4x4xf32>) -> tensor<4x10xf32>
  %1 = graph.slice_grad %ds {starts = array<i64: 0, 2>, steps = array<i64: 1, 2>} : (tensor<4x4xf32>) -> tensor<4x10xf32>
  // CHECK: graph.gather_grad %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<2x7x16xf32>, tensor<2x7xi64>) -> tensor<100x16xf32>
  %2 = graph.gather_grad %de, %idx {axis = 0 : i64} : (tensor<2x7x16xf32>, tensor<2x7xi64>) -> tensor<100x16xf32>
  return %0, %1, %2 : tensor<1x4x8x8xf32>, tensor<4x10xf32>, tensor<100x16xf32>
}

// CHECK-LABEL: func @scatter_gradient_ops
func.func @scatter_gradient_ops(%dy: tensor<3x2xf32>, %idx: tensor<3x2xi64>, %dp: tensor<5x8xf32>)
    -> (tensor<3x3xf32>, tensor<3x4xf32>) {
  // CHECK: graph.gather_elements_grad %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<3x2xf32>, tensor<3x2xi64>) -> tensor<3x3xf32>
  %0 = graph.gather_elements_grad %dy, %idx {axis = 1 : i64} : (tensor<3x2xf32>, tensor<3x2xi64>) -> tensor<3x3xf32>
  // CHECK: graph.pad_grad %{{.*}} {mode = "reflect", pads = array<i64: 1, 2, 1, 2>} : (tensor<5x8xf32>) -> tensor<3x4xf32>
  %1 = graph.pad_grad %dp {pads = array<i64: 1, 2, 1, 2>, mode = "reflect"} : (tensor<5x8xf32>) -> tensor<3x4xf32>
  return %0, %1 : tensor<3x3xf32>, tensor<3x4xf32>
}
