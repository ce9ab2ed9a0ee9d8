// RUN: dlc-opt %s | dlc-opt | FileCheck %s

// CHECK-LABEL: func @group
func.func @group(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: kernel.group "add_relu"(%{{.*}}, %{{.*}}) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %0 = kernel.group "add_relu" (%x, %y) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>, %b: tensor<4xf32>):
    %1 = graph.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %2 = graph.relu %1 : (tensor<4xf32>) -> tensor<4xf32>
    // CHECK: kernel.yield %{{.*}} : tensor<4xf32>
    kernel.yield %2 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}
