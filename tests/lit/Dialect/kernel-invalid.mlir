// RUN: dlc-opt %s -split-input-file -verify-diagnostics

func.func @arg_types(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{region argument #0 has type 'tensor<8xf32>' but input #0 has type 'tensor<4xf32>'}}
  %0 = kernel.group "k" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<8xf32>):
    kernel.yield %x : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_types(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{yields 0 values of types}}
  %0 = kernel.group "k" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    kernel.yield
  }
  return %0 : tensor<4xf32>
}
