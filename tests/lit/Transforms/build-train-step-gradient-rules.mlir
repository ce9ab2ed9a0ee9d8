// RUN: dlc-opt %s -split-input-file --dlc-build-train-step="loss=mse optimizer=sgd" | FileCheck %s
// Gradient rules that build dedicated gradient ops (the numbers are checked against
// finite differences by tests/e2e/parity/grad_check.py).

// An embedding's gradient scatter-adds into the table; the indices get none.
// CHECK-LABEL: func.func @train_step
// CHECK: graph.gather %arg{{.*}}, %arg{{.*}} {axis = 0 : i64}
// CHECK: graph.gather_grad %{{.*}}, %arg{{.*}} {axis = 0 : i64} : (tensor<2x3x4xf32>, tensor<2x3xi64>) -> tensor<10x4xf32>
// CHECK: bufferization.materialize_in_destination
func.func @infer(%i: tensor<2x3xi64> {dlc.kind = #dlc<kind input>, dlc.name = "i"},
                 %t: tensor<10x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "table"}) -> (tensor<2x3x4xf32> {dlc.name = "y"}) {
  %0 = graph.gather %t, %i {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// avg_pool -> avg_pool_grad with the forward's attributes; slice -> slice_grad; a
// reflect pad -> pad_grad, a constant pad -> the constant pad undone (built in reverse
// order of the forward ops).
// CHECK-LABEL: func.func @train_step
// CHECK: graph.pad_grad %{{.*}} {mode = "reflect", pads = array<i64: 0, 0, 0, 1, 0, 0, 0, 1>} : (tensor<1x2x8x10xf32>) -> tensor<1x2x8x8xf32>
// CHECK: graph.pad %{{.*}} {mode = "constant", pads = array<i64: 0, 0, -1, 0, 0, 0, -1, 0>, value = 0.000000e+00 : f64} : (tensor<1x2x10x8xf32>) -> tensor<1x2x8x8xf32>
// CHECK: graph.slice_grad %{{.*}} {starts = array<i64: 0, 0, 1, 0>, steps = array<i64: 1, 1, 2, 1>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
// CHECK: graph.avg_pool_grad %{{.*}} {count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
// CHECK-SAME: (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
func.func @infer(%x: tensor<1x2x8x8xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %w: tensor<1x2x8x8xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"}) -> (tensor<1x2xf32> {dlc.name = "y"}) {
  %0 = graph.mul %x, %w : (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %1 = graph.avg_pool %0 {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>,
      dilations = array<i64: 1, 1>, count_include_pad = true} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  %2 = graph.slice %0 {starts = array<i64: 0, 0, 1, 0>, steps = array<i64: 1, 1, 2, 1>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x8xf32>
  %3 = graph.pad %0 {pads = array<i64: 0, 0, 1, 0, 0, 0, 1, 0>, mode = "constant", value = 0.0 : f64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x10x8xf32>
  %4 = graph.pad %0 {pads = array<i64: 0, 0, 0, 1, 0, 0, 0, 1>, mode = "reflect", value = 0.0 : f64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x10xf32>
  %r1 = graph.reduce %1 {kind = "sum", axes = array<i64: 2, 3>, keepdims = false} : (tensor<1x2x4x4xf32>) -> tensor<1x2xf32>
  %r2 = graph.reduce %2 {kind = "sum", axes = array<i64: 2, 3>, keepdims = false} : (tensor<1x2x4x8xf32>) -> tensor<1x2xf32>
  %r3 = graph.reduce %3 {kind = "sum", axes = array<i64: 2, 3>, keepdims = false} : (tensor<1x2x10x8xf32>) -> tensor<1x2xf32>
  %r4 = graph.reduce %4 {kind = "sum", axes = array<i64: 2, 3>, keepdims = false} : (tensor<1x2x8x10xf32>) -> tensor<1x2xf32>
  %s1 = graph.add %r1, %r2 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %s2 = graph.add %r3, %r4 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = graph.add %s1, %s2 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// mish (no ONNX opset <= 17 imports it, so no finite-difference case exercises this
// rule): tanh(softplus(x)) + x * sigmoid(x) * (1 - tanh(softplus(x))^2).
// CHECK-LABEL: func.func @train_step
// CHECK: graph.mish
// CHECK: %[[SP:.*]] = graph.softplus %arg
// CHECK: %[[T:.*]] = graph.tanh %[[SP]]
// CHECK: graph.mul %[[T]], %[[T]]
// CHECK: graph.sigmoid %arg
func.func @infer(%x: tensor<4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %w: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"}) -> (tensor<4xf32> {dlc.name = "y"}) {
  %0 = graph.mish %w : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.mul %0, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// conv_transpose: the input gradient is the forward conv of g with the same weight and
// attributes; the weight gradient conv's weight gradient with g as the conv's input
// (padded, groups folded into the batch), stride and dilation swapped, the extra kernel
// rows sliced off; the bias gradient g summed over batch and space.
// CHECK-LABEL: func.func @train_step
// CHECK: graph.conv_transpose
// CHECK: graph.conv %[[G:[0-9]+]], %arg{{[0-9]+}} {dilations = array<i64: 1, 2>, group = 2 : i64, pads = array<i64: 0, 1, 0, 0>, strides = array<i64: 2, 2>}
// CHECK-SAME: (tensor<2x6x7x6xf32>, tensor<4x3x2x2xf32>) -> tensor<2x4x3x3xf32>
// CHECK: graph.pad %[[G]] {mode = "constant", pads = array<i64: 0, 0, 0, 1, 0, 0, 0, 0>
// CHECK: graph.conv %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 2>}
// CHECK-SAME: (tensor<3x4x7x7xf32>, tensor<4x2x3x3xf32>) -> tensor<3x4x3x2xf32>
// CHECK: graph.slice %{{.*}} : (tensor<3x4x3x2xf32>) -> tensor<3x4x2x2xf32>
// CHECK: graph.transpose %{{.*}} {perm = array<i64: 1, 0, 2, 3>} : (tensor<3x4x2x2xf32>) -> tensor<4x3x2x2xf32>
// CHECK: graph.reduce %[[G]] {axes = array<i64: 0, 2, 3>, keepdims = false, kind = "sum"} : (tensor<2x6x7x6xf32>) -> tensor<6xf32>
func.func @infer(%x: tensor<2x4x3x3xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %a: tensor<2x4x3x3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "a"},
                 %w: tensor<4x3x2x2xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"},
                 %b: tensor<6xf32> {dlc.kind = #dlc<kind param>, dlc.name = "b"}) -> (tensor<2x6x7x6xf32> {dlc.name = "y"}) {
  %0 = graph.mul %x, %a : (tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  %1 = graph.conv_transpose %0, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 0, 1, 0, 0>, dilations = array<i64: 1, 2>,
      output_padding = array<i64: 1, 0>, group = 2} : (tensor<2x4x3x3xf32>, tensor<4x3x2x2xf32>, tensor<6xf32>) -> tensor<2x6x7x6xf32>
  return %1 : tensor<2x6x7x6xf32>
}
