// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-vectorize-matmul{vector-width=8 packing=false}))" | FileCheck %s

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

// -----

// 8 rows at 6 per tile: one 6-row tile, then the 2 leftover rows as one tile (4
// accumulators), not two single-row tiles.
// CHECK-LABEL: func @leftover_rows
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c6{{.*}} step %c6
// CHECK-COUNT-12: vector.fma
// CHECK: scf.for %{{.*}} iter_args(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}) ->
// CHECK-COUNT-4: vector.fma
// CHECK-NOT: vector.fma
func.func @leftover_rows(%a: memref<8x5xf32>, %b: memref<5x16xf32>, %c: memref<8x16xf32>) {
  linalg.matmul ins(%a, %b : memref<8x5xf32>, memref<5x16xf32>) outs(%c : memref<8x16xf32>)
  return
}
