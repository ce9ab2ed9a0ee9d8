// RUN: dlc-opt %s --pass-pipeline="builtin.module(func.func(dlc-vectorize-matmul{vector-width=8 packing=false}))" | FileCheck %s

// packing=false: a large product keeps the direct kernel (no copies), 6-row tiles at 8 lanes.
// CHECK-LABEL: func @large
// CHECK-NOT: memref.alloc
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c16
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c60{{.*}} step %c6 {
// CHECK-COUNT-12: vector.load %arg2
func.func @large(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %c: memref<64x64xf32>) {
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>) outs(%c : memref<64x64xf32>)
  return
}
