// RUN: dlc-opt %s --dlc-build-train-step="loss=mse optimizer=sgd clip-grad-norm=1.0" | FileCheck %s --check-prefix=ONE
// RUN: dlc-opt %s --dlc-build-train-step="loss=mse optimizer=sgd clip-grad-norm=1.0 grad-bucket-mb=0.00005" | FileCheck %s --check-prefix=SPLIT

// Data parallelism's hook in train_step: the gradients, in the order the backward pass
// finishes them (the last layer's first), go to the runtime in buckets. A bucket starts
// right after the op that computes its last gradient; every wait follows the backward
// pass, and clipping and the update read the waited values.

// 25 MiB (the default) holds all three gradients: one bucket, started after the first
// layer's weight gradient, the last one computed.
// ONE-LABEL: func.func @train_step
// ONE: %[[GW2:.*]] = graph.matmul %{{.*}}, %{{.*}} : (tensor<8x4xf32>, tensor<4x2xf32>) -> tensor<8x2xf32>
// ONE: %[[GW1:.*]] = graph.matmul %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4x8xf32>) -> tensor<3x8xf32>
// ONE-NEXT: dlc.grad_reduce_start 0, %[[GW2]], %{{.*}}, %[[GW1]] : tensor<8x2xf32>, tensor<8xf32>, tensor<3x8xf32>
// ONE-NEXT: %[[R:.*]]:3 = dlc.grad_reduce_wait 0, %[[GW2]], %{{.*}}, %[[GW1]]
// ONE-NOT: dlc.grad_reduce
// ONE: graph.mul %[[R]]#0, %[[R]]#0
// ONE: graph.sgd_update %arg{{[0-9]+}}, %{{.*}}

// 52 bytes per bucket: w2's gradient (64 bytes) fills one alone and starts as soon as it
// is computed, before the backward pass reaches the first layer; b1's (32 bytes) and
// w1's (96 bytes) each get their own.
// SPLIT-LABEL: func.func @train_step
// SPLIT: %[[GW2:.*]] = graph.matmul %{{.*}}, %{{.*}} : (tensor<8x4xf32>, tensor<4x2xf32>) -> tensor<8x2xf32>
// SPLIT-NEXT: dlc.grad_reduce_start 0, %[[GW2]] : tensor<8x2xf32>
// SPLIT: graph.reduce %{{.*}} {axes = array<i64: 0>, keepdims = true, kind = "sum"}
// SPLIT: dlc.grad_reduce_start 1, %{{.*}} : tensor<8xf32>
// SPLIT: %[[GW1:.*]] = graph.matmul %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4x8xf32>) -> tensor<3x8xf32>
// SPLIT-NEXT: dlc.grad_reduce_start 2, %[[GW1]] : tensor<3x8xf32>
// SPLIT-NEXT: dlc.grad_reduce_wait 0, %[[GW2]] : tensor<8x2xf32> -> tensor<8x2xf32>
// SPLIT-NEXT: dlc.grad_reduce_wait 1
// SPLIT-NEXT: dlc.grad_reduce_wait 2, %[[GW1]]
// SPLIT-LABEL: func.func @eval_step
// SPLIT-NOT: dlc.grad_reduce
func.func @infer(%x: tensor<4x3xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %w1: tensor<3x8xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w1"},
                 %b1: tensor<8xf32> {dlc.kind = #dlc<kind param>, dlc.name = "b1"},
                 %w2: tensor<8x2xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w2"}) -> (tensor<4x2xf32> {dlc.name = "y"}) {
  %0 = graph.matmul %x, %w1 : (tensor<4x3xf32>, tensor<3x8xf32>) -> tensor<4x8xf32>
  %1 = graph.add %0, %b1 : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %2 = graph.relu %1 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = graph.matmul %2, %w2 : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
  return %3 : tensor<4x2xf32>
}
