// RUN: dlc-opt %s --pass-pipeline="builtin.module(func.func(dlc-lower-copies))" | FileCheck %s

// CHECK-LABEL: func @copy
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%arg0 : memref<4xf32, strided<[2]>>) outs(%arg1 : memref<4xf32>)
func.func @copy(%a: memref<4xf32, strided<[2]>>, %b: memref<4xf32>) {
  memref.copy %a, %b : memref<4xf32, strided<[2]>> to memref<4xf32>
  return
}
