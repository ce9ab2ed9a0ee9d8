// RUN: dlc-opt %s --pass-pipeline="builtin.module(func.func(dlc-retype-empty-arguments))" | FileCheck %s

// An empty input and an empty output: one-element arguments, the uses on zero-byte allocas.
// CHECK-LABEL: func.func @infer(%arg0: memref<1xf32> {dlc.tensor_type = tensor<2x0xf32>}, %arg1: memref<3xf32>, %arg2: memref<1xi64> {dlc.tensor_type = tensor<0xi64>})
// CHECK-DAG: %[[X:.*]] = memref.alloca() : memref<2x0xf32>
// CHECK-DAG: %[[Y:.*]] = memref.alloca() : memref<0xi64>
// CHECK: memref.copy %[[X]], %[[X]] : memref<2x0xf32> to memref<2x0xf32>
// CHECK: memref.copy %[[Y]], %[[Y]] : memref<0xi64> to memref<0xi64>
func.func @infer(%x: memref<2x0xf32>, %z: memref<3xf32>, %y: memref<0xi64>) attributes {dlc.entry} {
  memref.copy %x, %x : memref<2x0xf32> to memref<2x0xf32>
  memref.copy %y, %y : memref<0xi64> to memref<0xi64>
  return
}

// Not an entry point: unchanged.
// CHECK-LABEL: func.func @helper(%arg0: memref<0xf32>)
func.func @helper(%x: memref<0xf32>) {
  return
}
