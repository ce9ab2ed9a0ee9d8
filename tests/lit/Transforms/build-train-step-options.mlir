// RUN: dlc-opt %s --dlc-build-train-step="optimizer=lbfgs" -verify-diagnostics

// expected-error @+1 {{unknown optimizer 'lbfgs' (sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad)}}
module {
  func.func @infer(%x: tensor<4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"}) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
