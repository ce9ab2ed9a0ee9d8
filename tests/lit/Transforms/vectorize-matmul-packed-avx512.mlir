// RUN: dlc-opt %s --pass-pipeline="builtin.module(func.func(dlc-vectorize-matmul{vector-width=16}),canonicalize,cse)" | FileCheck %s
// RUN: dlc-opt %s --pass-pipeline="builtin.module(func.func(dlc-vectorize-matmul{vector-width=16 rows=8}),canonicalize,cse)" | FileCheck %s --check-prefix=ROWS8

// At 16 lanes the packed kernel's tile is 12 rows x 2 vectors (24 of AVX-512's 32
// registers) and K is blocked by 512: K = 1024 runs as two blocks, each packing a
// 512 x 32 panel per 32 columns (2 x 32 x 512 floats for 64 columns). 100 rows: 8 tiles
// of 12, then one of 4. An explicit `rows` keeps the AVX2 blocking (K by 256).
// CHECK-LABEL: func @packed16
// CHECK: %[[PACK:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32768xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c1024 step %c512
// CHECK: scf.for %{{.*}} = %c0 to %c96 step %c12 {
// CHECK-COUNT-24: vector.load %arg2
// CHECK: scf.for %{{.*}} iter_args
// CHECK-COUNT-2: vector.load %[[PACK]]
// CHECK-COUNT-12: memref.load %arg0
// CHECK: vector.broadcast
// CHECK-COUNT-24: vector.fma
// ROWS8-LABEL: func @packed16
// ROWS8: memref.alloc() {alignment = 64 : i64} : memref<16384xf32>
// ROWS8: scf.for %{{.*}} = %c0 to %c1024 step %c256
// ROWS8: scf.for %{{.*}} = %c0 to %c96 step %c8 {
func.func @packed16(%a: memref<100x1024xf32>, %b: memref<1024x64xf32>, %c: memref<100x64xf32>) {
  linalg.matmul ins(%a, %b : memref<100x1024xf32>, memref<1024x64xf32>) outs(%c : memref<100x64xf32>)
  return
}
