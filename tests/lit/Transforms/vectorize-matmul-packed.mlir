// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-vectorize-matmul{vector-width=8}),canonicalize,cse)" | FileCheck %s

// Large enough to pack (M*N*K >= 2^18): per K block, the 16-column panels of B are copied
// contiguous (masked loads, zeros past column N), then 6-row tiles of C (vector-width 8)
// read A where it lies and the panel from the copy. 64 rows: 10 full tiles, then one of 4.
// CHECK-LABEL: func @packed
// CHECK-NOT: linalg.matmul
// CHECK: %[[PACK:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4096xf32>
// CHECK: vector.create_mask
// CHECK: vector.maskedload %arg1
// CHECK: vector.store %{{.*}}, %[[PACK]]
// CHECK: scf.for %{{.*}} = %c0 to %c60 step %c6 {
// CHECK-COUNT-12: vector.load %arg2
// CHECK: scf.for %{{.*}} iter_args
// CHECK: vector.load %[[PACK]]
// CHECK: memref.load %arg0
// CHECK: vector.broadcast
// CHECK-COUNT-12: vector.fma
// CHECK-COUNT-8: vector.load %arg2[%c{{6[0-3]}}
// CHECK: memref.dealloc %[[PACK]]
func.func @packed(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %c: memref<64x64xf32>) {
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// Wide C (N >= 8 panels): the thread pool runs column blocks (two of 144), each with its
// own packed copy of B (144 columns x K 128); the last column panel, 4 wide, only in the
// last block, stores through masks.
// CHECK-LABEL: func @packed_wide
// CHECK: scf.for %{{.*}} = %c0 to %c260 step %c144
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<18432xf32>
// CHECK: scf.if
// CHECK: vector.constant_mask [4] : vector<8xi1>
// CHECK: vector.maskedstore %arg2
// CHECK: } {dlc.parallel}
func.func @packed_wide(%a: memref<32x128xf32>, %b: memref<128x260xf32>, %c: memref<32x260xf32>) {
  linalg.matmul ins(%a, %b : memref<32x128xf32>, memref<128x260xf32>) outs(%c : memref<32x260xf32>)
  return
}

// -----

// B transposed and large: the packing reads each column of op(B) (a row of B) along K,
// clamped at the last row and zero past it, so the micro-kernel is the same.
// CHECK-LABEL: func @packed_transposed_b
// CHECK: memref.alloc()
// CHECK: arith.minsi
// CHECK: memref.load %arg1
// CHECK: arith.select
// CHECK: memref.store
// CHECK: vector.fma
// CHECK-NOT: vector.reduction
func.func @packed_transposed_b(%a: memref<64x64xf32>, %b: memref<70x64xf32>, %c: memref<64x70xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>,
                                 affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<64x64xf32>, memref<70x64xf32>) outs(%c : memref<64x70xf32>)
  return
}

// -----

// A transposed and large: A is packed too, 6-row tiles K-major (rows past M are zeros),
// and the micro-kernel reads both operands from the copies.
// CHECK-LABEL: func @packed_transposed_a
// CHECK: %[[PA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<{{[0-9]+}}xf32>
// CHECK: %[[PB:.*]] = memref.alloc() {alignment = 64 : i64} : memref<{{[0-9]+}}xf32>
// CHECK: memref.load %arg0[%{{.*}}, %{{.*}}] : memref<64x70xf32>
// CHECK: arith.select
// CHECK: memref.store %{{.*}}, %[[PA]]
// CHECK: scf.for %{{.*}} iter_args
// CHECK: vector.load %[[PB]]
// CHECK: memref.load %[[PA]]
// CHECK: vector.fma
// CHECK: memref.dealloc %[[PA]]
func.func @packed_transposed_a(%a: memref<64x70xf32>, %b: memref<64x64xf32>, %c: memref<70x64xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>,
                                 affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<64x70xf32>, memref<64x64xf32>) outs(%c : memref<70x64xf32>)
  return
}

// -----

// Zero-filled C and K over three blocks (600 = 3 x 200): the fill goes; each tile starts from
// zeros in the first K block and from C's partial sums after it.
// CHECK-LABEL: func @packed_zero_filled
// CHECK-NOT: linalg.fill
// CHECK: scf.for %[[K0:.*]] = %c0 to %c600 step %c200
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[K0]], %c0
// CHECK: scf.if %[[FIRST]] -> (vector<8xf32>
// CHECK: scf.yield %cst
// CHECK: } else {
// CHECK: vector.load %arg2
func.func @packed_zero_filled(%a: memref<64x600xf32>, %b: memref<600x64xf32>, %c: memref<64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x600xf32>, memref<600x64xf32>) outs(%c : memref<64x64xf32>)
  return
}
