// RUN: dlc-opt %s --dlc-lower-grad-reduce -verify-diagnostics

// The reduction is lowered on buffers only: dlc-bufferize comes first.
func.func @train_step(%g: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dlc.grad_reduce_start' op must be bufferized before dlc-lower-grad-reduce}}
  dlc.grad_reduce_start 0, %g : tensor<4xf32>
  %r = dlc.grad_reduce_wait 0, %g : tensor<4xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}
