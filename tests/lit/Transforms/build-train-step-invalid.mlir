// RUN: dlc-opt %s -split-input-file --dlc-build-train-step="loss=mse optimizer=sgd" -verify-diagnostics

// An op without a gradient rule on the path from a parameter to the loss (gradient ops
// have no second-order rules).
func.func @infer(%x: tensor<4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %w: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"}) -> (tensor<5xf32> {dlc.name = "y"}) {
  %0 = graph.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{'graph.slice_grad' op has no gradient rule, so the loss cannot be differentiated through it}}
  %1 = graph.slice_grad %0 {starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<4xf32>) -> tensor<5xf32>
  return %1 : tensor<5xf32>
}

