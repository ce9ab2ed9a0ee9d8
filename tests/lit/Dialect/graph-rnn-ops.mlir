// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// Round trip of the recurrent ops with their optional operands and attributes.

// CHECK-LABEL: func @rnn
// CHECK: graph.rnn %arg0, %arg1, %arg2 bias %arg3 {activation_alpha = [0.000000e+00], activation_beta = [0.000000e+00], activations = ["Relu"], hidden_size = 5 : i64}
func.func @rnn(%x: tensor<7x2x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>, %b: tensor<1x10xf32>) -> tensor<7x1x2x5xf32> {
  %y, %yh = graph.rnn %x, %w, %r bias %b {hidden_size = 5 : i64, activations = ["Relu"], activation_alpha = [0.0], activation_beta = [0.0]}
      : (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>) -> (tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
  return %y : tensor<7x1x2x5xf32>
}

// CHECK-LABEL: func @gru_batch_first
// CHECK: graph.gru %arg0, %arg1, %arg2 sequence_lens %arg3 initial_h %arg4 {direction = "bidirectional", hidden_size = 4 : i64, layout = 1 : i64, linear_before_reset = 1 : i64}
func.func @gru_batch_first(%x: tensor<2x5x3xf32>, %w: tensor<2x12x3xf32>, %r: tensor<2x12x4xf32>, %lens: tensor<2xi32>,
                           %h0: tensor<2x2x4xf32>) -> tensor<2x2x4xf32> {
  %y, %yh = graph.gru %x, %w, %r sequence_lens %lens initial_h %h0
      {hidden_size = 4 : i64, direction = "bidirectional", layout = 1 : i64, linear_before_reset = 1 : i64}
      : (tensor<2x5x3xf32>, tensor<2x12x3xf32>, tensor<2x12x4xf32>, tensor<2xi32>, tensor<2x2x4xf32>)
      -> (tensor<2x5x2x4xf32>, tensor<2x2x4xf32>)
  return %yh : tensor<2x2x4xf32>
}

// CHECK-LABEL: func @lstm_all
// CHECK: graph.lstm %arg0, %arg1, %arg2 bias %arg3 initial_h %arg4 initial_c %arg5 peepholes %arg6 {clip = 5.000000e+00 : f64, direction = "reverse", hidden_size = 3 : i64, input_forget = 1 : i64}
// CHECK-SAME: -> (tensor<4x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x4x2x18xf32>)
func.func @lstm_all(%x: tensor<4x2x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x3xf32>, %b: tensor<1x24xf32>,
                    %h0: tensor<1x2x3xf32>, %c0: tensor<1x2x3xf32>, %p: tensor<1x9xf32>) -> tensor<1x2x3xf32> {
  %y, %yh, %yc, %saved = graph.lstm %x, %w, %r bias %b initial_h %h0 initial_c %c0 peepholes %p
      {hidden_size = 3 : i64, direction = "reverse", clip = 5.0 : f64, input_forget = 1 : i64}
      : (tensor<4x2x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>, tensor<1x24xf32>, tensor<1x2x3xf32>,
         tensor<1x2x3xf32>, tensor<1x9xf32>)
      -> (tensor<4x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x4x2x18xf32>)
  return %yc : tensor<1x2x3xf32>
}

// CHECK-LABEL: func @lstm_grad
// CHECK: graph.recurrent_grad %arg0, %arg1, %arg2, %arg3, %arg4 initial_c %arg5 saved %arg6 grads %arg7, %arg8, %arg9 {activations = ["Sigmoid", "Tanh", "Tanh"], cell = "lstm"
func.func @lstm_grad(%x: tensor<4x2x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x3xf32>, %b: tensor<1x24xf32>,
                     %h0: tensor<1x2x3xf32>, %c0: tensor<1x2x3xf32>, %saved: tensor<1x4x2x18xf32>,
                     %dy: tensor<4x1x2x3xf32>, %dyh: tensor<1x2x3xf32>, %dyc: tensor<1x2x3xf32>) -> tensor<1x12x3xf32> {
  %dx, %dw, %dr, %db, %dh0, %dc0 = graph.recurrent_grad %x, %w, %r, %b, %h0 initial_c %c0 saved %saved grads %dy, %dyh, %dyc
      {cell = "lstm", hidden_size = 3 : i64, direction = "forward", layout = 0 : i64,
       activations = ["Sigmoid", "Tanh", "Tanh"]}
      : (tensor<4x2x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>, tensor<1x24xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>,
         tensor<1x4x2x18xf32>, tensor<4x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>)
      -> (tensor<4x2x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>, tensor<1x24xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>)
  return %dr : tensor<1x12x3xf32>
}
