// RUN: dlc-opt %s --dlc-build-train-step="freeze=(" -verify-diagnostics
// RUN: not dlc-opt %s --dlc-build-train-step="freeze=^bias" 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: not dlc-opt %s --dlc-build-train-step="loss=mse label-smoothing=0.1" 2>&1 | FileCheck %s --check-prefix=MSE
// RUN: not dlc-opt %s --dlc-build-train-step="label-smoothing=1.5" 2>&1 | FileCheck %s --check-prefix=RANGE

// NONE: --freeze '^bias' matches none of the trainable parameters (w)
// MSE: label smoothing applies to the cross_entropy loss only, not to 'mse'
// RANGE: label smoothing 1.5 is outside [0, 1]

// expected-error @+1 {{--freeze '(' is not a valid regular expression}}
func.func @infer(%x: tensor<2x3xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %w: tensor<3x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"}) -> (tensor<2x4xf32> {dlc.name = "y"}) {
  %0 = graph.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
