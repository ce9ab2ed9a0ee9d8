// RUN: dlc-opt %s -split-input-file --dlc-build-train-step="loss=cross_entropy optimizer=adam freeze=^w1$ label-smoothing=0.1" | FileCheck %s
// RUN: dlc-opt %s -split-input-file --dlc-build-train-step="loss=bce_logits optimizer=sgd freeze=1" | FileCheck %s --check-prefix=LOGITS

// --freeze: w1 (matched) is not trainable: no optimizer state, no update; w2 trains.
// Dropout adds rng.seed and rng.rank; train_step multiplies by a mask drawn from (rng.seed,
// optimizer.step), its elements numbered from rng.rank * 8 (the mask's elements: rank r's
// slice of the global batch's mask); eval_step keeps the site (the identity, folded later).
// Label smoothing adds 0.1 / 2 (classes) of the summed log-probabilities.
// CHECK-LABEL: func.func @infer
// CHECK-SAME: %[[W1:[a-z0-9]+]]: tensor<3x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w1", dlc.trainable = false}
// CHECK-NOT: w1/adam
// CHECK-SAME: dlc.name = "w2/adam.m"
// CHECK-SAME: dlc.name = "optimizer.step"
// CHECK-SAME: %{{.*}}: tensor<i64> {dlc.kind = #dlc<kind param>, dlc.name = "rng.seed", dlc.trainable = false}
// CHECK: graph.dropout %{{.*}} {ratio = 5.000000e-01 : f64}
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<i64> {dlc.kind = #dlc<kind param>, dlc.name = "optimizer.step", dlc.trainable = false}, %[[SEED:[a-z0-9]+]]: tensor<i64> {{.*}}dlc.name = "rng.seed"{{.*}}, %[[RANK:[a-z0-9]+]]: tensor<i64> {{.*}}dlc.name = "rng.rank"
// CHECK-NOT: graph.dropout %
// CHECK: %[[N:.*]] = graph.constant dense<8> : tensor<i64>
// CHECK-NEXT: %[[OFF:.*]] = graph.mul %[[RANK]], %[[N]]
// CHECK-NEXT: %[[MASK:.*]] = graph.dropout_mask %[[SEED]], %{{.*}}, %[[OFF]] {ratio = 5.000000e-01 : f64, site = 0 : i64} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<2x4xf32>
// CHECK: graph.mul %{{.*}}, %[[MASK]]
// CHECK: %[[SMOOTH:.*]] = graph.constant dense<5.000000e-02> : tensor<f32>
// CHECK: graph.mul %{{.*}}, %[[SMOOTH]]
// Two writes per trainable parameter with Adam (m, v) plus the parameter: w2 only, and the step.
// CHECK-COUNT-4: bufferization.materialize_in_destination
// CHECK-NOT: bufferization.materialize_in_destination
// CHECK-LABEL: func.func @eval_step
// CHECK: graph.dropout %{{.*}} {ratio = 5.000000e-01 : f64}
// CHECK-NOT: graph.dropout_mask

// LOGITS-LABEL: func.func @train_step
// LOGITS-SAME: %{{.*}}: tensor<2x2xf32> {dlc.kind = #dlc<kind input>, dlc.name = "label"}
// LOGITS-DAG: graph.relu
// LOGITS-DAG: graph.abs
// LOGITS-DAG: graph.exp
// LOGITS-DAG: graph.log
// LOGITS-COUNT-2: bufferization.materialize_in_destination
// LOGITS-NOT: bufferization.materialize_in_destination
func.func @infer(%x: tensor<2x3xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %w1: tensor<3x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w1"},
                 %w2: tensor<4x2xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w2"}) -> (tensor<2x2xf32> {dlc.name = "y"}) {
  %0 = graph.matmul %x, %w1 : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = graph.dropout %0 {ratio = 0.5 : f64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = graph.matmul %1, %w2 : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  return %2 : tensor<2x2xf32>
}
