// RUN: dlc-opt %s --pass-pipeline="builtin.module(func.func(dlc-drop-argument-results))" | FileCheck %s

// CHECK-LABEL: func.func @train_step(%arg0: memref<4xf32>, %arg1: memref<4xf32>) -> (memref<4xf32> {dlc.kind = #dlc<kind output>})
// CHECK: return %arg1 : memref<4xf32>
func.func @train_step(%w: memref<4xf32>, %x: memref<4xf32>) -> (memref<4xf32> {dlc.updates_param}, memref<4xf32>) attributes {dlc.entry} {
  return %w, %x : memref<4xf32>, memref<4xf32>
}

// An output that is an input, but no update: kept.
// CHECK-LABEL: func.func @infer(%arg0: memref<4xf32>) -> (memref<4xf32> {dlc.kind = #dlc<kind output>})
func.func @infer(%x: memref<4xf32>) -> memref<4xf32> attributes {dlc.entry} {
  return %x : memref<4xf32>
}

// Not an entry point: left alone.
// CHECK-LABEL: func.func @helper(%arg0: memref<4xf32>) -> memref<4xf32>
func.func @helper(%x: memref<4xf32>) -> memref<4xf32> {
  return %x : memref<4xf32>
}
