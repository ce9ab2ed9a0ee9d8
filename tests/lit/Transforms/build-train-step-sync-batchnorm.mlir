// RUN: dlc-opt %s --dlc-build-train-step="loss=mse optimizer=sgd sync-batchnorm=true" | FileCheck %s
// RUN: dlc-opt %s --dlc-build-train-step="loss=mse optimizer=sgd" | FileCheck %s --check-prefix=LOCAL

// --sync-batchnorm: train_step's batch mean, then the variance around the global mean, are
// averaged over the ranks; the backward pass (a parameter comes before the batch norm)
// averages their gradients under keys + 2^30, the variance's first.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[XS:.*]] = graph.mul %arg0, %arg2
// CHECK-NEXT: %[[MU:.*]] = graph.reduce %[[XS]] {axes = array<i64: 0, 2, 3>, keepdims = true, kind = "mean"}
// CHECK-NEXT: %[[GMU:.*]] = graph.rank_mean %[[MU]] {key = 1048576 : i64}
// CHECK-NEXT: %[[C:.*]] = graph.sub %[[XS]], %[[GMU]]
// CHECK: graph.reduce %{{.*}} {axes = array<i64: 0, 2, 3>, keepdims = true, kind = "mean"}
// CHECK-NEXT: graph.rank_mean %{{.*}} {key = 1048577 : i64}
// CHECK: graph.rank_mean %{{.*}} {key = 1074790401 : i64}
// CHECK: graph.rank_mean %{{.*}} {key = 1074790400 : i64}
// CHECK-LABEL: func.func @eval_step
// CHECK-NOT: graph.rank_mean
// LOCAL-NOT: graph.rank_mean
func.func @infer(%x: tensor<2x3x4x4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %s: tensor<1x3x1x1xf32> {dlc.kind = #dlc<kind param>, dlc.name = "scale"},
                 %g: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "gamma"},
                 %b: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "beta"},
                 %m: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "mean", dlc.trainable = false},
                 %v: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "var", dlc.trainable = false})
    -> (tensor<2x3x4x4xf32> {dlc.name = "y"}) {
  %xs = graph.mul %x, %s : (tensor<2x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<2x3x4x4xf32>
  %y = graph.batch_norm %xs, %g, %b, %m, %v {epsilon = 1.000000e-05 : f64, momentum = 9.000000e-01 : f64}
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %y : tensor<2x3x4x4xf32>
}
