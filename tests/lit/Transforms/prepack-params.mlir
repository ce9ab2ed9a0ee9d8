// RUN: dlc-opt %s --split-input-file --dlc-prepack-params | FileCheck %s

// A parameter read only through transposes is stored transposed; one also read directly,
// an input, and a transpose of another permutation are not.
// CHECK-LABEL: func.func @infer
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<2x4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"}
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w", dlc.transposed}
// CHECK-SAME: %[[V:[a-z0-9]+]]: tensor<4x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "v"}
// CHECK-SAME: -> (tensor<2x3xf32>, tensor<4x4xf32>)
// CHECK-NOT: graph.transpose %[[W]]
// CHECK: graph.matmul %[[X]], %[[W]]
// CHECK: graph.transpose %[[V]]
// CHECK: graph.add
func.func @infer(%x: tensor<2x4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %w: tensor<3x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"},
                 %v: tensor<4x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "v"})
    -> (tensor<2x3xf32>, tensor<4x4xf32>) attributes {dlc.entry} {
  %t = graph.transpose %w {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %y = graph.matmul %x, %t : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %vt = graph.transpose %v {perm = array<i64: 1, 0>} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %s = graph.add %vt, %v : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %y, %s : tensor<2x3xf32>, tensor<4x4xf32>
}

// -----

// A module that trains keeps the imported layout: train_step updates it.
// CHECK-LABEL: func.func @infer
// CHECK-SAME: tensor<3x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"}
// CHECK: graph.transpose
func.func @infer(%x: tensor<2x4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %w: tensor<3x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"}) -> tensor<2x3xf32> attributes {dlc.entry} {
  %t = graph.transpose %w {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %y = graph.matmul %x, %t : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                      %w: tensor<3x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"}) -> tensor<3x4xf32> attributes {dlc.entry} {
  return %w : tensor<3x4xf32>
}
