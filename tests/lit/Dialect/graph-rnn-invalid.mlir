// RUN: dlc-opt %s -split-input-file -verify-diagnostics

func.func @w_rows(%x: tensor<7x2x3xf32>, %w: tensor<1x6x3xf32>, %r: tensor<1x5x5xf32>) -> tensor<1x2x5xf32> {
  // expected-error @+1 {{W must be 1x5x3 (hidden_size 5, 1 direction(s), layout 0), got 1x6x3}}
  %y, %yh = graph.rnn %x, %w, %r {hidden_size = 5 : i64}
      : (tensor<7x2x3xf32>, tensor<1x6x3xf32>, tensor<1x5x5xf32>) -> (tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
  return %yh : tensor<1x2x5xf32>
}

// -----

func.func @r_bidirectional(%x: tensor<5x2x3xf32>, %w: tensor<2x12x3xf32>, %r: tensor<1x12x4xf32>) -> tensor<2x2x4xf32> {
  // expected-error @+1 {{R must be 2x12x4 (hidden_size 4, 2 direction(s), layout 0), got 1x12x4}}
  %y, %yh = graph.gru %x, %w, %r {hidden_size = 4 : i64, direction = "bidirectional"}
      : (tensor<5x2x3xf32>, tensor<2x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>)
  return %yh : tensor<2x2x4xf32>
}

// -----

func.func @bias(%x: tensor<4x2x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x3xf32>, %b: tensor<1x12xf32>) -> tensor<1x2x3xf32> {
  // expected-error @+1 {{B must be 1x24 (hidden_size 3, 1 direction(s), layout 0), got 1x12}}
  %y, %yh, %yc = graph.lstm %x, %w, %r bias %b {hidden_size = 3 : i64}
      : (tensor<4x2x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>, tensor<1x12xf32>)
      -> (tensor<4x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>)
  return %yh : tensor<1x2x3xf32>
}

// -----

func.func @initial_h_layout(%x: tensor<2x4x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x3xf32>, %h0: tensor<1x2x3xf32>) -> tensor<2x1x3xf32> {
  // expected-error @+1 {{initial_h must be 2x1x3 (hidden_size 3, 1 direction(s), layout 1), got 1x2x3}}
  %y, %yh, %yc = graph.lstm %x, %w, %r initial_h %h0 {hidden_size = 3 : i64, layout = 1 : i64}
      : (tensor<2x4x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>, tensor<1x2x3xf32>)
      -> (tensor<2x4x1x3xf32>, tensor<2x1x3xf32>, tensor<2x1x3xf32>)
  return %yh : tensor<2x1x3xf32>
}

// -----

func.func @initial_c(%x: tensor<4x2x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x3xf32>, %c0: tensor<1x2x4xf32>) -> tensor<1x2x3xf32> {
  // expected-error @+1 {{initial_c must be 1x2x3 (hidden_size 3, 1 direction(s), layout 0), got 1x2x4}}
  %y, %yh, %yc = graph.lstm %x, %w, %r initial_c %c0 {hidden_size = 3 : i64}
      : (tensor<4x2x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>, tensor<1x2x4xf32>)
      -> (tensor<4x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>)
  return %yh : tensor<1x2x3xf32>
}

// -----

func.func @peepholes(%x: tensor<4x2x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x3xf32>, %p: tensor<1x12xf32>) -> tensor<1x2x3xf32> {
  // expected-error @+1 {{P must be 1x9 (hidden_size 3, 1 direction(s), layout 0), got 1x12}}
  %y, %yh, %yc = graph.lstm %x, %w, %r peepholes %p {hidden_size = 3 : i64}
      : (tensor<4x2x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>, tensor<1x12xf32>)
      -> (tensor<4x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>)
  return %yh : tensor<1x2x3xf32>
}

// -----

func.func @sequence_lens(%x: tensor<7x2x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>, %lens: tensor<3xi32>) -> tensor<1x2x5xf32> {
  // expected-error @+1 {{sequence_lens must be an integer tensor of 2 elements, got 'tensor<3xi32>'}}
  %y, %yh = graph.rnn %x, %w, %r sequence_lens %lens {hidden_size = 5 : i64}
      : (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, tensor<3xi32>) -> (tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
  return %yh : tensor<1x2x5xf32>
}

// -----

func.func @direction(%x: tensor<7x2x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>) -> tensor<1x2x5xf32> {
  // expected-error @+1 {{direction must be forward, reverse or bidirectional, got 'backward'}}
  %y, %yh = graph.rnn %x, %w, %r {hidden_size = 5 : i64, direction = "backward"}
      : (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>) -> (tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
  return %yh : tensor<1x2x5xf32>
}

// -----

func.func @activation_count(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{expects 2 activations (2 per direction), got 3}}
  %y, %yh = graph.gru %x, %w, %r {hidden_size = 4 : i64, activations = ["Sigmoid", "Tanh", "Tanh"]}
      : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

func.func @activation_name(%x: tensor<7x2x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>) -> tensor<1x2x5xf32> {
  // expected-error @+1 {{unknown activation 'Gelu'}}
  %y, %yh = graph.rnn %x, %w, %r {hidden_size = 5 : i64, activations = ["Gelu"]}
      : (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>) -> (tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
  return %yh : tensor<1x2x5xf32>
}

// -----

func.func @y_shape(%x: tensor<7x2x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>) -> tensor<1x2x5xf32> {
  // expected-error @+1 {{result Y must be 7x1x2x5 (hidden_size 5, 1 direction(s), layout 0), got 7x2x5}}
  %y, %yh = graph.rnn %x, %w, %r {hidden_size = 5 : i64}
      : (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>) -> (tensor<7x2x5xf32>, tensor<1x2x5xf32>)
  return %yh : tensor<1x2x5xf32>
}

// -----

func.func @linear_before_reset(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{linear_before_reset must be 0 or 1, got 2}}
  %y, %yh = graph.gru %x, %w, %r {hidden_size = 4 : i64, linear_before_reset = 2 : i64}
      : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

func.func @element_type(%x: tensor<7x2x3xf32>, %w: tensor<1x5x3xf64>, %r: tensor<1x5x5xf32>) -> tensor<1x2x5xf32> {
  // expected-error @+1 {{W element type 'f64' should be 'f32' as X's}}
  %y, %yh = graph.rnn %x, %w, %r {hidden_size = 5 : i64}
      : (tensor<7x2x3xf32>, tensor<1x5x3xf64>, tensor<1x5x5xf32>) -> (tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
  return %yh : tensor<1x2x5xf32>
}

// -----

func.func @saved_shape(%x: tensor<7x2x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>) -> tensor<1x2x5xf32> {
  // expected-error @+1 {{result saved must be 1x7x2x5 (hidden_size 5, 1 direction(s), layout 0), got 1x7x2x10}}
  %y, %yh, %s = graph.rnn %x, %w, %r {hidden_size = 5 : i64}
      : (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>) -> (tensor<7x1x2x5xf32>, tensor<1x2x5xf32>, tensor<1x7x2x10xf32>)
  return %yh : tensor<1x2x5xf32>
}

// -----

func.func @grad_missing_c(%x: tensor<4x2x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x3xf32>, %b: tensor<1x24xf32>,
                          %h0: tensor<1x2x3xf32>, %saved: tensor<1x4x2x18xf32>, %dy: tensor<4x1x2x3xf32>,
                          %dyh: tensor<1x2x3xf32>) -> tensor<1x12x3xf32> {
  // expected-error @+1 {{initial_c, dY_c and the dinitial_c result are given exactly for cell lstm}}
  %dx, %dw, %dr, %db, %dh0 = graph.recurrent_grad %x, %w, %r, %b, %h0 saved %saved grads %dy, %dyh
      {cell = "lstm", hidden_size = 3 : i64, direction = "forward", layout = 0 : i64, activations = []}
      : (tensor<4x2x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>, tensor<1x24xf32>, tensor<1x2x3xf32>,
         tensor<1x4x2x18xf32>, tensor<4x1x2x3xf32>, tensor<1x2x3xf32>)
      -> (tensor<4x2x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>, tensor<1x24xf32>, tensor<1x2x3xf32>)
  return %dr : tensor<1x12x3xf32>
}

// -----

func.func @grad_dw_type(%x: tensor<7x2x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>, %b: tensor<1x10xf32>,
                        %h0: tensor<1x2x5xf32>, %saved: tensor<1x7x2x5xf32>, %dy: tensor<7x1x2x5xf32>,
                        %dyh: tensor<1x2x5xf32>) -> tensor<1x5x5xf32> {
  // expected-error @+1 {{result dW must have the type of its operand, 'tensor<1x5x3xf32>', got 'tensor<5x3xf32>'}}
  %dx, %dw, %dr, %db, %dh0 = graph.recurrent_grad %x, %w, %r, %b, %h0 saved %saved grads %dy, %dyh
      {cell = "rnn", hidden_size = 5 : i64, direction = "forward", layout = 0 : i64, activations = ["Tanh"]}
      : (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>, tensor<1x2x5xf32>,
         tensor<1x7x2x5xf32>, tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
      -> (tensor<7x2x3xf32>, tensor<5x3xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>, tensor<1x2x5xf32>)
  return %dr : tensor<1x5x5xf32>
}
