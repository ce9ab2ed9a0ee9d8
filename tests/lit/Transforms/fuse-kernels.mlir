// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-fuse-kernels))" | FileCheck %s
// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-fuse-kernels{max-ops-per-kernel=1}))" | FileCheck %s --check-prefix=SINGLE

// Bias and activation join the matmul; softmax starts its own kernel.
// CHECK-LABEL: func @epilogue
// CHECK: %[[K:.*]] = kernel.group "matmul_add_relu"(%arg0, %arg1, %arg2)
// CHECK: graph.matmul
// CHECK: graph.add
// CHECK: graph.relu
// CHECK: kernel.yield
// CHECK: kernel.group "softmax"(%[[K]])
// SINGLE-LABEL: func @epilogue
// SINGLE: kernel.group "matmul"
// SINGLE: kernel.group "add"
// SINGLE: kernel.group "relu"
func.func @epilogue(%x: tensor<4x8xf32>, %w: tensor<8x3xf32>, %b: tensor<3xf32>) -> tensor<4x3xf32> {
  %0 = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  %1 = graph.add %0, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %2 = graph.relu %1 : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %3 = graph.softmax %2 {axis = 1 : i64} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  return %3 : tensor<4x3xf32>
}

// -----

// A value used twice ends its kernel; reshape stays outside kernels.
// CHECK-LABEL: func @fanout
// CHECK: %[[A:.*]] = kernel.group "exp"
// CHECK: graph.reshape %[[A]]
// CHECK: kernel.group "relu"
// CHECK: kernel.group "neg"
func.func @fanout(%x: tensor<4xf32>) -> (tensor<2x2xf32>, tensor<4xf32>) {
  %0 = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.reshape %0 : (tensor<4xf32>) -> tensor<2x2xf32>
  %2 = graph.relu %1 : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %3 = graph.neg %0 : (tensor<4xf32>) -> tensor<4xf32>
  return %2, %3 : tensor<2x2xf32>, tensor<4xf32>
}

// -----

// An elementwise op that broadcasts its producer to a larger shape starts a kernel.
// CHECK-LABEL: func @broadcast
// CHECK: kernel.group "reduce"
// CHECK: kernel.group "add"
func.func @broadcast(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = graph.reduce %x {kind = "sum", axes = array<i64: 1>, keepdims = true} : (tensor<4x3xf32>) -> tensor<4x1xf32>
  %1 = graph.add %0, %x : (tensor<4x1xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %1 : tensor<4x3xf32>
}
