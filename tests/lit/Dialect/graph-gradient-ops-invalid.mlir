// RUN: dlc-opt %s -split-input-file -verify-diagnostics

func.func @avg_pool_grad_extent(%dy: tensor<1x4x5x4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{result extent 5 on spatial axis 0 should be 4}}
  %0 = graph.avg_pool_grad %dy {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>} : (tensor<1x4x5x4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @avg_pool_grad_kernel(%dy: tensor<1x4x4x4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{expects 2 kernel_shape values, got 1}}
  %0 = graph.avg_pool_grad %dy {kernel_shape = array<i64: 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @avg_pool_grad_types(%dy: tensor<1x4x4x4xf32>) -> tensor<1x4x8x8xf64> {
  // expected-error @+1 {{input_grad element type 'f64' differs from output_grad's 'f32'}}
  %0 = graph.avg_pool_grad %dy {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x8x8xf64>
  return %0 : tensor<1x4x8x8xf64>
}

// -----

func.func @slice_grad_range(%ds: tensor<4x4xf32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{slice on axis 1 (start 4, step 2, 4 elements) leaves the input extent 10}}
  %0 = graph.slice_grad %ds {starts = array<i64: 0, 4>, steps = array<i64: 1, 2>} : (tensor<4x4xf32>) -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

func.func @slice_grad_step(%ds: tensor<4x4xf32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{step on axis 0 is zero}}
  %0 = graph.slice_grad %ds {starts = array<i64: 0, 0>, steps = array<i64: 0, 2>} : (tensor<4x4xf32>) -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

func.func @slice_grad_integer(%ds: tensor<4x4xi32>) -> tensor<4x10xi32> {
  // expected-error @+1 {{output_grad must be a floating-point tensor, got element type 'i32'}}
  %0 = graph.slice_grad %ds {starts = array<i64: 0, 0>, steps = array<i64: 1, 2>} : (tensor<4x4xi32>) -> tensor<4x10xi32>
  return %0 : tensor<4x10xi32>
}

// -----

func.func @gather_grad_shape(%de: tensor<2x7x8xf32>, %idx: tensor<2x7xi64>) -> tensor<100x16xf32> {
  // expected-error @+1 {{output_grad shape 2x7x8 should be 2x7x16 (input_grad 100x16 gathered along axis 0 with indices 2x7)}}
  %0 = graph.gather_grad %de, %idx {axis = 0 : i64} : (tensor<2x7x8xf32>, tensor<2x7xi64>) -> tensor<100x16xf32>
  return %0 : tensor<100x16xf32>
}

// -----

func.func @gather_grad_indices(%de: tensor<2x7x16xf32>, %idx: tensor<2x7xf32>) -> tensor<100x16xf32> {
  // expected-error @+1 {{indices must be i32 or i64, got 'f32'}}
  %0 = graph.gather_grad %de, %idx {axis = 0 : i64} : (tensor<2x7x16xf32>, tensor<2x7xf32>) -> tensor<100x16xf32>
  return %0 : tensor<100x16xf32>
}

// -----

func.func @gather_grad_axis(%de: tensor<2x7x16xf32>, %idx: tensor<2x7xi64>) -> tensor<100x16xf32> {
  // expected-error @+1 {{axis 2 out of range for input_grad 100x16}}
  %0 = graph.gather_grad %de, %idx {axis = 2 : i64} : (tensor<2x7x16xf32>, tensor<2x7xi64>) -> tensor<100x16xf32>
  return %0 : tensor<100x16xf32>
}

// -----

func.func @gather_elements_grad_shape(%dy: tensor<3x2xf32>, %idx: tensor<3x3xi64>) -> tensor<3x3xf32> {
  // expected-error @+1 {{indices 3x3 and output_grad 3x2 must have the same shape}}
  %0 = graph.gather_elements_grad %dy, %idx {axis = 1 : i64} : (tensor<3x2xf32>, tensor<3x3xi64>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @gather_elements_grad_extent(%dy: tensor<4x2xf32>, %idx: tensor<4x2xi64>) -> tensor<3x3xf32> {
  // expected-error @+1 {{indices extent 4 on axis 0 exceeds input_grad's 3}}
  %0 = graph.gather_elements_grad %dy, %idx {axis = 1 : i64} : (tensor<4x2xf32>, tensor<4x2xi64>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @pad_grad_mode(%dp: tensor<5x8xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{mode must be reflect or edge, got 'constant'}}
  %0 = graph.pad_grad %dp {pads = array<i64: 1, 2, 1, 2>, mode = "constant"} : (tensor<5x8xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @pad_grad_shape(%dp: tensor<5x7xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{output_grad shape 5x7 should be the padded 5x8}}
  %0 = graph.pad_grad %dp {pads = array<i64: 1, 2, 1, 2>, mode = "edge"} : (tensor<5x7xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @pad_grad_reflect_width(%dp: tensor<9x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{reflect pads on axis 0 must be smaller than the extent 3}}
  %0 = graph.pad_grad %dp {pads = array<i64: 3, 0, 3, 0>, mode = "reflect"} : (tensor<9x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
