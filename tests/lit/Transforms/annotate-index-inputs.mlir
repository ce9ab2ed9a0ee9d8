// RUN: dlc-opt %s --split-input-file --dlc-annotate-index-inputs | FileCheck %s

// Token ids read by a Gather, through a reshape and a cast: [-rows, rows). A float input
// and an integer input no op indexes with get nothing.
// CHECK-LABEL: func.func @infer
// CHECK-SAME: %{{.*}}: tensor<2x3xi32> {dlc.index_range = array<i64: -10, 10>, dlc.index_use = "Gather 'embed'", dlc.kind = #dlc<kind input>, dlc.name = "tokens"}
// CHECK-SAME: %{{.*}}: tensor<2xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"}
// CHECK-SAME: %{{.*}}: tensor<2xi64> {dlc.kind = #dlc<kind input>, dlc.name = "n"}
func.func @infer(%tok: tensor<2x3xi32> {dlc.kind = #dlc<kind input>, dlc.name = "tokens"},
                 %x: tensor<2xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %n: tensor<2xi64> {dlc.kind = #dlc<kind input>, dlc.name = "n"},
                 %emb: tensor<10x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "emb"})
    -> (tensor<6x4xf32>, tensor<2xi64>) attributes {dlc.entry} {
  %r = graph.reshape %tok : (tensor<2x3xi32>) -> tensor<6xi32>
  %c = graph.cast %r : (tensor<6xi32>) -> tensor<6xi64>
  %e = graph.gather %emb, %c {axis = 0 : i64} : (tensor<10x4xf32>, tensor<6xi64>) -> tensor<6x4xf32> loc("embed")
  %m = graph.add %n, %n : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %e, %m : tensor<6x4xf32>, tensor<2xi64>
}

// -----

// Labels of a loss with ignore_index: [0, classes) or the ignored value.
// CHECK-LABEL: func.func @infer
// CHECK-SAME: {dlc.index_range = array<i64: 0, 5, -100>, dlc.index_use = "loss 'ce'", dlc.kind = #dlc<kind input>, dlc.name = "label"}
func.func @infer(%lp: tensor<4x5xf32> {dlc.kind = #dlc<kind input>, dlc.name = "lp"},
                 %t: tensor<4xi64> {dlc.kind = #dlc<kind input>, dlc.name = "label"}) -> tensor<f32> attributes {dlc.entry} {
  %l = graph.nll_loss %lp, %t {ignore_index = -100 : i64, reduction = "mean"} : (tensor<4x5xf32>, tensor<4xi64>) -> tensor<f32> loc("ce")
  return %l : tensor<f32>
}

// -----

// The same input also indexing a smaller table gets the intersection, and the ignored
// value is dropped (GatherElements does not ignore it). Every entry point gets the range of
// its input of that name, also where it reads the input through no such op.
// CHECK-LABEL: func.func @infer
// CHECK-SAME: {dlc.index_range = array<i64: 0, 3>, dlc.index_use = "GatherElements 'pick' and loss 'ce'", dlc.kind = #dlc<kind input>, dlc.name = "label"}
// CHECK-LABEL: func.func @eval_step
// CHECK-SAME: {dlc.index_range = array<i64: 0, 3>, dlc.index_use = "GatherElements 'pick' and loss 'ce'", dlc.kind = #dlc<kind input>, dlc.name = "label"}
func.func @infer(%t: tensor<4xi64> {dlc.kind = #dlc<kind input>, dlc.name = "label"}) -> tensor<4xi64> attributes {dlc.entry} {
  return %t : tensor<4xi64>
}
func.func @eval_step(%lp: tensor<4x5xf32> {dlc.kind = #dlc<kind input>, dlc.name = "lp"},
                     %t: tensor<4xi64> {dlc.kind = #dlc<kind input>, dlc.name = "label"},
                     %s: tensor<4x3xf32> {dlc.kind = #dlc<kind input>, dlc.name = "s"}) -> (tensor<f32>, tensor<4x1xf32>) attributes {dlc.entry} {
  %l = graph.nll_loss %lp, %t {ignore_index = -100 : i64, reduction = "mean"} : (tensor<4x5xf32>, tensor<4xi64>) -> tensor<f32> loc("ce")
  %c = graph.reshape %t : (tensor<4xi64>) -> tensor<4x1xi64>
  %g = graph.gather_elements %s, %c {axis = 1 : i64} : (tensor<4x3xf32>, tensor<4x1xi64>) -> tensor<4x1xf32> loc("pick")
  return %l, %g : tensor<f32>, tensor<4x1xf32>
}
