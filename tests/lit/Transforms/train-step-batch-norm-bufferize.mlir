// RUN: dlc-opt %s --dlc-build-train-step="loss=cross_entropy optimizer=sgd lr=0.01" --dlc-cpu-pipeline | FileCheck %s
// RUN: dlc-opt %s --dlc-build-train-step="loss=cross_entropy optimizer=adam lr=0.01" --dlc-cpu-pipeline | FileCheck %s

// Regression (model-zoo issue): a training-mode batch norm whose input is a conv without
// bias and whose output feeds a LeakyReLU, a residual add and a second batch norm once
// stopped one-shot bufferization ("tensor.expand_shape op not bufferizable ... cannot
// avoid RaW conflict"). All three entry points must come out of the CPU pipeline.
// CHECK-DAG: llvm.func @infer(
// CHECK-DAG: llvm.func @train_step(
// CHECK-DAG: llvm.func @eval_step(
func.func @infer(%x: tensor<2x4x6x6xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %w1: tensor<4x4x3x3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w1"},
                 %s1: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "s1"},
                 %b1: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "b1"},
                 %m1: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "m1", dlc.trainable = false},
                 %v1: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "v1", dlc.trainable = false},
                 %s2: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "s2"},
                 %b2: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "b2"},
                 %m2: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "m2", dlc.trainable = false},
                 %v2: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "v2", dlc.trainable = false}) -> (tensor<2x144xf32> {dlc.name = "y"}) {
  %0 = graph.conv %x, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1}
      : (tensor<2x4x6x6xf32>, tensor<4x4x3x3xf32>) -> tensor<2x4x6x6xf32>
  %1 = graph.batch_norm %0, %s1, %b1, %m1, %v1 {epsilon = 1.0e-5 : f64, momentum = 0.9 : f64}
      : (tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  %2 = graph.leaky_relu %1 {alpha = 0.1 : f64} : (tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %3 = graph.add %2, %x : (tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %4 = graph.batch_norm %3, %s2, %b2, %m2, %v2 {epsilon = 1.0e-5 : f64, momentum = 0.9 : f64}
      : (tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  %5 = graph.reshape %4 : (tensor<2x4x6x6xf32>) -> tensor<2x144xf32>
  return %5 : tensor<2x144xf32>
}
