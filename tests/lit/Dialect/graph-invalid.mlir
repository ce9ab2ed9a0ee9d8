// RUN: dlc-opt %s -split-input-file -verify-diagnostics

func.func @broadcast(%x: tensor<2x3xf32>, %y: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand shapes are not broadcast-compatible: #0 2x3 #1 4}}
  %0 = graph.add %x, %y : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @result_shape(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{result shape 3x3 does not match the expected 2x3}}
  %0 = graph.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @mixed_types(%x: tensor<3xf32>, %y: tensor<3xi32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand element types differ: lhs 'f32', rhs 'i32'}}
  %0 = graph.add %x, %y : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @matmul_k(%a: tensor<4x8xf32>, %b: tensor<7x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{contraction dims differ: lhs 4x8 has K = 8, rhs 7x3 has K = 7}}
  %0 = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<7x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{weight 4x2x3x3 expects 2 input channels, input 1x3x8x8 has 3}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_out(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{result shape 1x4x8x8 does not match the expected 1x4x6x6}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @pool_attrs(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error @+1 {{expects 2 strides, 2 dilations and 4 pads for 2 spatial axes, got 1, 2 and 4}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{cannot reshape 2x3 (6 elements) to 7 (7 elements)}}
  %0 = graph.reshape %x : (tensor<2x3xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{perm is not a permutation of 0..1}}
  %0 = graph.transpose %x {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @reduce_kind(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{unknown reduction kind 'median'}}
  %0 = graph.reduce %x {kind = "median", axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @concat_mismatch(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{input #1 shape 3x3 differs from input #0's 2x3 outside axis 1}}
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @float_only(%x: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{input must be a floating-point tensor, got element type 'i32'}}
  %0 = graph.sigmoid %x : (tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @slice_range(%x: tensor<4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{slice on axis 0 (start 2, step 1, 3 elements) leaves the input extent 4}}
  %0 = graph.slice %x {starts = array<i64: 2>, steps = array<i64: 1>} : (tensor<4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @bitwise_float(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operands must be boolean or integer tensors, got 'f32'}}
  %0 = graph.and %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @shift_float(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operands must be integer tensors, got 'f32'}}
  %0 = graph.shift_left %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @bitcast_width(%x: tensor<4xf32>) -> tensor<4xi16> {
  // expected-error @+1 {{result element type 'i16' must have the bit width of the input's 'f32'}}
  %0 = graph.bitcast %x : (tensor<4xf32>) -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

func.func @scatter_shapes(%x: tensor<3x3xf32>, %i: tensor<3x2xi64>, %u: tensor<2x2xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{indices 3x2 and updates 2x2 must have one shape}}
  %0 = graph.scatter_elements %x, %i, %u {axis = 0 : i64} : (tensor<3x3xf32>, tensor<3x2xi64>, tensor<2x2xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @scatter_reduction(%x: tensor<3x3xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{reduction must be none, add, mul, max or min, got 'mean'}}
  %0 = graph.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "mean"} : (tensor<3x3xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @scatter_extent(%x: tensor<3x3xf32>, %i: tensor<4x2xi64>, %u: tensor<4x2xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{indices 4x2 exceed the input 3x3 on axis 0}}
  %0 = graph.scatter_elements %x, %i, %u {axis = 1 : i64} : (tensor<3x3xf32>, tensor<4x2xi64>, tensor<4x2xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @cumprod_axis(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{axis}}
  %0 = graph.cumprod %x {axis = 1 : i64, exclusive = false, reverse = false} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @topk_k(%x: tensor<4x10xf32>) -> (tensor<4x12xf32>, tensor<4x12xi64>) {
  // expected-error @+1 {{k = 12 is not within the axis' 10 elements}}
  %v, %i = graph.topk %x {k = 12 : i64, axis = 1 : i64, largest = true} : (tensor<4x10xf32>) -> (tensor<4x12xf32>, tensor<4x12xi64>)
  return %v, %i : tensor<4x12xf32>, tensor<4x12xi64>
}

// -----

func.func @topk_indices(%x: tensor<4x10xf32>) -> (tensor<4x3xf32>, tensor<4x3xi32>) {
  // expected-error @+1 {{indices}}
  %v, %i = graph.topk %x {k = 3 : i64, axis = 1 : i64, largest = true} : (tensor<4x10xf32>) -> (tensor<4x3xf32>, tensor<4x3xi32>)
  return %v, %i : tensor<4x3xf32>, tensor<4x3xi32>
}

// -----

func.func @rank_mean_int(%x: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{'graph.rank_mean' op averages floats; the input is 'tensor<4xi64>'}}
  %y = graph.rank_mean %x {key = 0 : i64} : (tensor<4xi64>) -> tensor<4xi64>
  return %y : tensor<4xi64>
}

// -----

func.func @rank_mean_key(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.rank_mean' op key -3 is negative}}
  %y = graph.rank_mean %x {key = -3 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
