// RUN: dlc-opt %s | FileCheck %s
// The dlc dialect's attributes round-trip where they belong.

// CHECK-LABEL: func.func @infer
// CHECK-SAME: {dlc.kind = #dlc<kind input>, dlc.name = "x", dlc.tensor_type = tensor<2x4xui8>}
// CHECK-SAME: {dlc.kind = #dlc<kind param>, dlc.name = "w", dlc.trainable = true, dlc.transposed}
// CHECK-SAME: {dlc.init = 1.000000e-02 : f64, dlc.kind = #dlc<kind param>, dlc.name = "optimizer.lr", dlc.trainable = false}
// CHECK-SAME: {dlc.kind = #dlc<kind output>, dlc.name = "y"}
// CHECK-SAME: {dlc.kind = #dlc<kind arena>, dlc.name = "arena"}
// CHECK-SAME: attributes {dlc.arena_bytes = 64 : i64, dlc.entry}
func.func @infer(%x: memref<2x4xi8> {dlc.kind = #dlc<kind input>, dlc.name = "x", dlc.tensor_type = tensor<2x4xui8>},
                 %w: memref<4x3xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w", dlc.trainable = true, dlc.transposed},
                 %lr: memref<f32> {dlc.kind = #dlc<kind param>, dlc.name = "optimizer.lr", dlc.init = 1.0e-2 : f64, dlc.trainable = false},
                 %y: memref<2x3xf32> {dlc.kind = #dlc<kind output>, dlc.name = "y"},
                 %arena: memref<64xi8> {dlc.kind = #dlc<kind arena>, dlc.name = "arena"})
    attributes {dlc.entry, dlc.arena_bytes = 64 : i64} {
  return
}

// CHECK-LABEL: func.func @train_step
// CHECK-SAME: -> (tensor<f32> {dlc.name = "loss"}, tensor<4xf32> {dlc.updates_param})
func.func @train_step(%w: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"})
    -> (tensor<f32> {dlc.name = "loss"}, tensor<4xf32> {dlc.updates_param}) attributes {dlc.entry} {
  %0 = arith.constant dense<0.0> : tensor<f32>
  return %0, %w : tensor<f32>, tensor<4xf32>
}

// CHECK-LABEL: func.func private @body
// CHECK-SAME: attributes {dlc.parallel_trips = 8 : i64}
// CHECK: scf.for
// CHECK: {dlc.parallel}
func.func private @body(%n: index) attributes {dlc.parallel_trips = 8 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
  } {dlc.parallel}
  return
}
