// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// The optimizer updates round-trip.

// CHECK-LABEL: func.func @updates
func.func @updates(%p: tensor<4xf32>, %g: tensor<4xf32>, %s1: tensor<4xf32>, %s2: tensor<4xf32>, %lr: tensor<f32>,
                   %t: tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: graph.sgd_update %{{.*}}, %{{.*}}, %{{.*}} {weight_decay = 1.000000e-02 : f64}
  %0 = graph.sgd_update %p, %g, %lr {weight_decay = 0.01 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  // CHECK: graph.momentum_update {{.*}} {momentum = 9.000000e-01 : f64, nesterov = true}
  %1:2 = graph.momentum_update %p, %g, %s1, %lr, %t {momentum = 0.9 : f64, nesterov = true}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  // CHECK: graph.adam_update {{.*}} {beta1 = 9.000000e-01 : f64, beta2 = 0.99899999999999999 : f64, bias_corrected_eps = false, decoupled_weight_decay = 1.000000e-02 : f64, eps = 1.000000e-08 : f64}
  %2:3 = graph.adam_update %p, %g, %s1, %s2, %lr, %t {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64,
                                                      decoupled_weight_decay = 0.01 : f64, bias_corrected_eps = false}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>)
      -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  // CHECK: graph.adagrad_update {{.*}} {eps = 1.000000e-10 : f64, lr_decay = 1.000000e-01 : f64}
  %3:2 = graph.adagrad_update %p, %g, %s1, %lr, %t {eps = 1.0e-10 : f64, lr_decay = 0.1 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  // CHECK: graph.rmsprop_update {{.*}} {alpha = 0.98999999999999999 : f64, eps = 1.000000e-08 : f64}
  %4:2 = graph.rmsprop_update %p, %g, %s1, %lr {alpha = 0.99 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %0, %1#0, %2#0, %3#0, %4#0 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
