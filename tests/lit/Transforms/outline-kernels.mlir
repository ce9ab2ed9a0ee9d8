// RUN: dlc-opt %s --dlc-outline-kernels | FileCheck %s

// CHECK-LABEL: func.func private @k0_add_relu(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) -> tensor<4xf32>
// CHECK-NOT: attributes
// CHECK: graph.add
// CHECK: graph.relu
// CHECK: return
// CHECK-LABEL: func.func @infer
// CHECK: %[[R:.*]] = call @k0_add_relu(%arg0, %arg1)
// CHECK: return %[[R]]
func.func @infer(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kernel.group "add_relu" (%x, %y) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>, %b: tensor<4xf32>):
    %1 = graph.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %2 = graph.relu %1 : (tensor<4xf32>) -> tensor<4xf32>
    kernel.yield %2 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}
