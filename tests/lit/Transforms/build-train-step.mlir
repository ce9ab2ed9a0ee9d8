// RUN: dlc-opt %s -split-input-file --dlc-build-train-step="loss=cross_entropy optimizer=adam lr=0.001" | FileCheck %s

// Optimizer state and counters become parameters of every entry point; train_step takes
// the label after the inputs (its values must be class indices: dlc.index_range), differentiates through relu, add and matmul, and writes
// every update (graph.adam_update, decomposed by dlc-graph-to-kernel) into its argument.
// CHECK-LABEL: func.func @infer
// CHECK-SAME: dlc.name = "w/adam.m"
// CHECK-SAME: dlc.init = 1.000000e-03 : f64, dlc.kind = #dlc<kind param>, dlc.name = "optimizer.lr"
// CHECK-SAME: dlc.name = "optimizer.step"
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[LABEL:.*]]: tensor<4xi64> {dlc.index_range = array<i64: 0, 2>, dlc.index_use = "loss 'cross_entropy'", dlc.kind = #dlc<kind input>, dlc.name = "label"}
// CHECK-SAME: -> (tensor<f32> {dlc.name = "loss"}, {{.*}}dlc.updates_param
// CHECK: graph.log_softmax
// CHECK: graph.equal
// CHECK: graph.where
// CHECK: graph.transpose
// CHECK: graph.matmul
// CHECK: graph.adam_update %arg{{[0-9]+}}, %{{.*}} {beta1 = 9.000000e-01 : f64, beta2 = 0.99899999999999999 : f64, eps = 1.000000e-08 : f64}
// CHECK: bufferization.materialize_in_destination
// CHECK-LABEL: func.func @eval_step
// CHECK-SAME: -> (tensor<f32> {dlc.name = "loss"}, tensor<4x2xf32> {dlc.name = "y"})
// CHECK-NOT: materialize_in_destination
func.func @infer(%x: tensor<4x3xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %w: tensor<3x2xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"},
                 %b: tensor<2xf32> {dlc.kind = #dlc<kind param>, dlc.name = "b"}) -> (tensor<4x2xf32> {dlc.name = "y"}) {
  %0 = graph.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %1 = graph.add %0, %b : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %2 = graph.relu %1 : (tensor<4x2xf32>) -> tensor<4x2xf32>
  return %2 : tensor<4x2xf32>
}

// -----

// Batch norm trains on the batch's statistics (reductions autodiff can go through) and
// writes the running statistics back; eval_step keeps the running ones.
// CHECK-LABEL: func.func @train_step
// CHECK-NOT: graph.batch_norm
// CHECK: graph.reduce %{{.*}} {axes = array<i64: 0, 2, 3>, keepdims = true, kind = "mean"}
// CHECK: graph.sqrt
// CHECK-COUNT-2: bufferization.materialize_in_destination %{{.*}} in %arg
// CHECK-LABEL: func.func @eval_step
// CHECK: graph.batch_norm
func.func @infer(%x: tensor<2x3x4x4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %s: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "s"},
                 %b: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "b"},
                 %m: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "m", dlc.trainable = false},
                 %v: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "v", dlc.trainable = false}) -> (tensor<2x48xf32> {dlc.name = "y"}) {
  %0 = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-5 : f64, momentum = 0.9 : f64}
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  %1 = graph.reshape %0 : (tensor<2x3x4x4xf32>) -> tensor<2x48xf32>
  return %1 : tensor<2x48xf32>
}

// -----

// One batch norm applied twice (a GAN's discriminator on two batches): the running
// statistics are written once each, the second update computed from the first's result.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[M:arg[0-9]+]]: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "m", dlc.trainable = false}
// CHECK-SAME: %[[V:arg[0-9]+]]: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "v", dlc.trainable = false}
// CHECK: %[[OLD:.*]] = graph.mul %[[M]], %{{.*}} : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
// CHECK: %[[FIRST:.*]] = graph.add %[[OLD]], %{{.*}} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
// CHECK: graph.mul %[[FIRST]], %{{.*}} : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
// CHECK: bufferization.materialize_in_destination %{{.*}} in %[[M]] :
// CHECK: bufferization.materialize_in_destination %{{.*}} in %[[V]] :
// CHECK-NOT: in %[[M]] :
// CHECK-NOT: in %[[V]] :
// CHECK-LABEL: func.func @eval_step
func.func @infer(%x: tensor<2x3x4x4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %x2: tensor<2x3x4x4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x2"},
                 %s: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "s"},
                 %b: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "b"},
                 %m: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "m", dlc.trainable = false},
                 %v: tensor<3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "v", dlc.trainable = false}) -> (tensor<2x48xf32> {dlc.name = "y"}) {
  %0 = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-5 : f64, momentum = 0.9 : f64}
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  %1 = graph.batch_norm %x2, %s, %b, %m, %v {epsilon = 1.0e-5 : f64, momentum = 0.9 : f64}
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  %2 = graph.add %0, %1 : (tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  %3 = graph.reshape %2 : (tensor<2x3x4x4xf32>) -> tensor<2x48xf32>
  return %3 : tensor<2x48xf32>
}

// -----

// A float buffer that reaches the loss only through a comparison (a mask used by where)
// and a parameter of an output the loss does not read get no gradient: they are not
// trainable, have no optimizer state and are not written (w, its two moments, the step).
// CHECK-LABEL: func.func @infer
// CHECK-SAME: dlc.name = "mask", dlc.trainable = false
// CHECK-SAME: dlc.name = "w"}
// CHECK-SAME: dlc.name = "unused", dlc.trainable = false
// CHECK-SAME: dlc.name = "w/adam.m"
// CHECK-NOT: mask/adam
// CHECK-NOT: unused/adam
// CHECK-LABEL: func.func @train_step
// CHECK-COUNT-4: bufferization.materialize_in_destination
// CHECK-NOT: bufferization.materialize_in_destination
// CHECK: return
func.func @infer(%x: tensor<4x2xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %mask: tensor<4x2xf32> {dlc.kind = #dlc<kind param>, dlc.name = "mask"},
                 %w: tensor<4x2xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"},
                 %unused: tensor<4x2xf32> {dlc.kind = #dlc<kind param>, dlc.name = "unused"})
    -> (tensor<4x2xf32> {dlc.name = "y"}, tensor<4x2xf32> {dlc.name = "z"}) {
  %zero = graph.constant dense<0.0> : tensor<4x2xf32>
  %keep = graph.equal %mask, %zero : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xi1>
  %0 = graph.mul %x, %w : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %1 = graph.where %keep, %0, %zero : (tensor<4x2xi1>, tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %2 = graph.mul %x, %unused : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  return %1, %2 : tensor<4x2xf32>, tensor<4x2xf32>
}
