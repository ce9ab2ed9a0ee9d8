// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// The losses round-trip.

// CHECK-LABEL: func.func @losses
func.func @losses(%y: tensor<8x3xf32>, %t: tensor<8x3xf32>, %lp: tensor<8x3xf32>, %c: tensor<8xi64>,
                  %w: tensor<3xf32>) -> (tensor<f32>, tensor<8x3xf32>, tensor<f32>, tensor<f32>, tensor<8xf32>, tensor<f32>) {
  // CHECK: graph.mse_loss %{{.*}}, %{{.*}} : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<f32>
  %0 = graph.mse_loss %y, %t : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<f32>
  // CHECK: graph.l1_loss %{{.*}}, %{{.*}} {reduction = "none"} : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<8x3xf32>
  %1 = graph.l1_loss %y, %t {reduction = "none"} : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<8x3xf32>
  // CHECK: graph.bce_loss %{{.*}}, %{{.*}} {reduction = "sum"}
  %2 = graph.bce_loss %y, %t {reduction = "sum"} : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<f32>
  // CHECK: graph.bce_with_logits_loss
  %3 = graph.bce_with_logits_loss %y, %t : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<f32>
  // CHECK: graph.nll_loss %{{.*}}, %{{.*}}, %{{.*}} {ignore_index = -100 : i64, reduction = "none"} : (tensor<8x3xf32>, tensor<8xi64>, tensor<3xf32>) -> tensor<8xf32>
  %4 = graph.nll_loss %lp, %c, %w {reduction = "none", ignore_index = -100 : i64} : (tensor<8x3xf32>, tensor<8xi64>, tensor<3xf32>) -> tensor<8xf32>
  // CHECK: graph.nll_loss %{{.*}}, %{{.*}} {label_smoothing = 1.000000e-01 : f64} : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  %5 = graph.nll_loss %lp, %c {label_smoothing = 0.1 : f64} : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  return %0, %1, %2, %3, %4, %5 : tensor<f32>, tensor<8x3xf32>, tensor<f32>, tensor<f32>, tensor<8xf32>, tensor<f32>
}
