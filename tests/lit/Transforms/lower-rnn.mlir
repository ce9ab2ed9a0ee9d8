// RUN: dlc-opt %s -split-input-file --dlc-lower-graph-to-linalg | FileCheck %s
// The recurrence is a loop, not unrolled: the input projection of every step is one
// matmul before the scf.for; each step is one matmul with R^T and one linalg.generic
// holding the gate math; Y is written one step at a time.

// CHECK-LABEL: func @lstm
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<12x5xf32>, tensor<5x12xf32>)
// CHECK: scf.for %[[S:.*]] = %{{.*}} to %{{.*}} step
// CHECK:   tensor.extract_slice %{{.*}}[%[[S]], 0, 0, 0] [1, 3, 4, 3]
// CHECK:   linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<3x3xf32>, tensor<3x12xf32>)
// CHECK:   linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// f32 gates use a rational tanh (and sigmoid from it): no libm call per element.
// CHECK:     arith.divf
// CHECK-NOT: math.{{exp|tanh}}
// CHECK:   } -> (tensor<3x3xf32>, tensor<3x3xf32>)
// CHECK:   linalg.copy
// CHECK:   tensor.insert_slice %{{.*}} into %{{.*}}[%[[S]], 0, 0] [1, 3, 3]
// CHECK:   scf.yield
// CHECK-NOT: scf.for
// CHECK: return
func.func @lstm(%x: tensor<4x3x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x3xf32>) -> tensor<4x1x3x3xf32> {
  %y, %yh, %yc = graph.lstm %x, %w, %r {hidden_size = 3 : i64}
      : (tensor<4x3x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>)
      -> (tensor<4x1x3x3xf32>, tensor<1x3x3xf32>, tensor<1x3x3xf32>)
  return %y : tensor<4x1x3x3xf32>
}

// -----

// Bidirectional: one loop per direction; the reverse one walks t = T-1-s.
// CHECK-LABEL: func @gru_bidirectional
// CHECK: scf.for
// CHECK: scf.for %[[S:.*]] = %{{.*}} to %{{.*}} step
// CHECK:   %[[T:.*]] = arith.subi %{{.*}}, %[[S]] : index
// CHECK:   tensor.extract_slice %{{.*}}[%[[T]], 0, 0, 0]
func.func @gru_bidirectional(%x: tensor<5x2x3xf32>, %w: tensor<2x12x3xf32>, %r: tensor<2x12x4xf32>) -> tensor<2x2x4xf32> {
  %y, %yh = graph.gru %x, %w, %r {hidden_size = 4 : i64, direction = "bidirectional", linear_before_reset = 1 : i64}
      : (tensor<5x2x3xf32>, tensor<2x12x3xf32>, tensor<2x12x4xf32>) -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>)
  return %yh : tensor<2x2x4xf32>
}

// -----

// Backpropagation through time: a reverse-time loop whose step is one generic and one
// matmul dA_t x R; the weight gradients of all steps are matmuls after the loop.
// CHECK-LABEL: func @rnn_grad
// CHECK: scf.for %[[S:.*]] = %{{.*}} to %{{.*}} step
// CHECK:   %[[T:.*]] = arith.subi %{{.*}}, %[[S]] : index
// CHECK:   linalg.generic
// CHECK:   linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x5xf32>, tensor<5x5xf32>)
// CHECK:   scf.yield
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<14x5xf32>, tensor<5x3xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<5x14xf32>, tensor<14x3xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<5x14xf32>, tensor<14x5xf32>)
func.func @rnn_grad(%x: tensor<7x2x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>, %b: tensor<1x10xf32>,
                    %h0: tensor<1x2x5xf32>, %saved: tensor<1x7x2x5xf32>, %dy: tensor<7x1x2x5xf32>,
                    %dyh: tensor<1x2x5xf32>) -> (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>) {
  %dx, %dw, %dr, %db, %dh0 = graph.recurrent_grad %x, %w, %r, %b, %h0 saved %saved grads %dy, %dyh
      {cell = "rnn", hidden_size = 5 : i64, direction = "forward", layout = 0 : i64, activations = ["Tanh"]}
      : (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>, tensor<1x2x5xf32>,
         tensor<1x7x2x5xf32>, tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
      -> (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>, tensor<1x2x5xf32>)
  return %dx, %dw, %dr : tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>
}
