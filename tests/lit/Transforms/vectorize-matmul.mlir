// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-vectorize-matmul{vector-width=8 rows=4}))" | FileCheck %s

// 8x40 = one 16-wide strip (2 vectors), one 8-wide strip, no scalar columns; rows in
// tiles of 4 (the leftover rows would be one smaller tile); the accumulators are
// loop-carried through K.
// CHECK-LABEL: func @matmul
// CHECK-NOT: linalg.matmul
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c32{{.*}} step %c16
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c8{{.*}} step %c4
// CHECK-COUNT-8: vector.load %arg2
// CHECK: scf.for %{{.*}} iter_args
// CHECK: vector.broadcast
// CHECK: vector.fma
// CHECK: vector.store
// CHECK: scf.for %{{.*}} = %c32{{.*}} to %c40{{.*}} step %c8
func.func @matmul(%a: memref<8x5xf32>, %b: memref<5x40xf32>, %c: memref<8x40xf32>) {
  linalg.matmul ins(%a, %b : memref<8x5xf32>, memref<5x40xf32>) outs(%c : memref<8x40xf32>)
  return
}

// -----

// Columns narrower than a vector: one vector with masked loads and stores.
// CHECK-LABEL: func @narrow
// CHECK: vector.constant_mask [3] : vector<8xi1>
// CHECK: vector.maskedload %arg2
// CHECK: vector.maskedload %arg1
// CHECK: vector.fma
// CHECK: vector.maskedstore %arg2
func.func @narrow(%a: memref<3x5xf32>, %b: memref<5x3xf32>, %c: memref<3x3xf32>) {
  linalg.matmul ins(%a, %b : memref<3x5xf32>, memref<5x3xf32>) outs(%c : memref<3x3xf32>)
  return
}

// -----

// Not f32: left for the generic loop lowering.
// CHECK-LABEL: func @f64
// CHECK: linalg.matmul
func.func @f64(%a: memref<4x4xf64>, %b: memref<4x4xf64>, %c: memref<4x4xf64>) {
  linalg.matmul ins(%a, %b : memref<4x4xf64>, memref<4x4xf64>) outs(%c : memref<4x4xf64>)
  return
}

// -----

// batch_matmul: the same kernel per batch, on rank-reduced subviews.
// CHECK-LABEL: func @batched
// CHECK-NOT: linalg.batch_matmul
// CHECK: scf.for
// CHECK: memref.subview %arg0
// CHECK: vector.fma
func.func @batched(%a: memref<3x4x5xf32>, %b: memref<3x5x16xf32>, %c: memref<3x4x16xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x4x5xf32>, memref<3x5x16xf32>) outs(%c : memref<3x4x16xf32>)
  return
}

// -----

// B transposed (C += A B^T) with a long K (34): both operands read along K in vectors,
// 4x4 blocks of C as 16 accumulators, the last K % 8 = 2 elements through masked loads, then each
// accumulator reduced into C as a tree (reassoc; LLVM orders a plain reduction as a
// chain of scalar adds). 6 columns: one parallel 4-column strip, then 2 columns.
// CHECK-LABEL: func @transposed_b
// CHECK-NOT: linalg.matmul
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c4{{.*}} step %c4
// CHECK: scf.for %{{.*}} iter_args
// CHECK-COUNT-8: vector.load
// CHECK-COUNT-16: vector.fma
// CHECK: vector.constant_mask [2] : vector<8xi1>
// CHECK: vector.maskedload %arg0
// CHECK: vector.reduction <add>, %{{.*}} fastmath<reassoc>
// CHECK: } {dlc.parallel}
func.func @transposed_b(%a: memref<4x34xf32>, %b: memref<6x34xf32>, %c: memref<4x6xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>,
                                 affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<4x34xf32>, memref<6x34xf32>) outs(%c : memref<4x6xf32>)
  return
}


// -----

// A transposed (C += A^T B, A stored K x M): the same kernel, A's scalars read as (k, m).
// CHECK-LABEL: func @transposed_a
// CHECK-NOT: linalg.matmul
// CHECK: scf.for %{{.*}} iter_args
// CHECK: memref.load %arg0[%{{.*}}, %{{.*}}] : memref<5x8xf32>
// CHECK: vector.fma
func.func @transposed_a(%a: memref<5x8xf32>, %b: memref<5x16xf32>, %c: memref<8x16xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>,
                                 affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<5x8xf32>, memref<5x16xf32>) outs(%c : memref<8x16xf32>)
  return
}

// -----

// B transposed with a short K (12): a K x N copy of B, then the direct kernel.
// CHECK-LABEL: func @transposed_b_short
// CHECK: %[[COPY:.*]] = memref.alloc() : memref<12x6xf32>
// CHECK: linalg.transpose ins(%arg1 : memref<6x12xf32>) outs(%[[COPY]] : memref<12x6xf32>) permutation = [1, 0]
// CHECK: vector.maskedload %[[COPY]]
// CHECK: vector.fma
// CHECK-NOT: vector.reduction
// CHECK: memref.dealloc %[[COPY]]
func.func @transposed_b_short(%a: memref<4x12xf32>, %b: memref<6x12xf32>, %c: memref<4x6xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>,
                                 affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<4x12xf32>, memref<6x12xf32>) outs(%c : memref<4x6xf32>)
  return
}

// -----

// A zero fill of C right before the matmul goes: the tiles start from zero vectors and
// never read C (direct kernel), and the dot-product kernel stores its sums without adding
// C's old value. A fill of another value, or of another buffer, stays.
// CHECK-LABEL: func @zero_filled
// CHECK-NOT: linalg.fill
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %[[Z]],
// CHECK-NOT: vector.load %arg2
// CHECK: vector.store %{{.*}}, %arg2
// CHECK-LABEL: func @zero_filled_dots
// CHECK-NOT: linalg.fill
// CHECK: vector.reduction
// CHECK-NOT: memref.load %arg2
// CHECK: memref.store %{{.*}}, %arg2
// CHECK-LABEL: func @other_fills
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%arg2
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%arg3
// CHECK: vector.load %arg2
func.func @zero_filled(%a: memref<8x40xf32>, %b: memref<40x16xf32>, %c: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<8x16xf32>)
  linalg.matmul ins(%a, %b : memref<8x40xf32>, memref<40x16xf32>) outs(%c : memref<8x16xf32>)
  return
}
func.func @zero_filled_dots(%a: memref<4x34xf32>, %b: memref<6x34xf32>, %c: memref<4x6xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x6xf32>)
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>,
                                 affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<4x34xf32>, memref<6x34xf32>) outs(%c : memref<4x6xf32>)
  return
}
func.func @other_fills(%a: memref<8x40xf32>, %b: memref<40x16xf32>, %c: memref<8x16xf32>, %d: memref<8x16xf32>) {
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%one : f32) outs(%c : memref<8x16xf32>)
  linalg.fill ins(%zero : f32) outs(%d : memref<8x16xf32>)
  linalg.matmul ins(%a, %b : memref<8x40xf32>, memref<40x16xf32>) outs(%c : memref<8x16xf32>)
  return
}

// -----

// A bias copied across C's rows (a conv's: one value per output channel) before the
// matmul, with an independent op between them (the im2col gather, here a copy into %t):
// the copy goes and each tile row starts from its bias broadcast. A bias copied across the
// columns starts each tile from the bias vector. A copy that reads C's own view stays.
// CHECK-LABEL: func @row_bias
// CHECK-NOT: linalg.generic
// CHECK: linalg.copy
// CHECK: memref.load %arg3[%{{.*}}, %c0{{.*}}] : memref<8x1xf32>
// CHECK: vector.broadcast %{{.*}} : f32 to vector<8xf32>
// CHECK-NOT: vector.load %arg2
// CHECK: vector.store %{{.*}}, %arg2
// CHECK-LABEL: func @column_bias
// CHECK-NOT: linalg.generic
// CHECK: vector.load %arg3[%{{.*}}] : memref<16xf32>, vector<8xf32>
// CHECK-NOT: vector.load %arg2
// CHECK-LABEL: func @bias_then_reader
// CHECK: linalg.generic
// CHECK: linalg.copy ins(%arg2
// CHECK: vector.load %arg2
func.func @row_bias(%a: memref<8x40xf32>, %b: memref<40x16xf32>, %c: memref<8x16xf32>, %bias: memref<8x1xf32>,
                    %s: memref<40x16xf32>, %t: memref<40x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, 0)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]} ins(%bias : memref<8x1xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.copy ins(%s : memref<40x16xf32>) outs(%t : memref<40x16xf32>)
  linalg.matmul ins(%a, %b : memref<8x40xf32>, memref<40x16xf32>) outs(%c : memref<8x16xf32>)
  return
}
func.func @column_bias(%a: memref<8x40xf32>, %b: memref<40x16xf32>, %c: memref<8x16xf32>, %bias: memref<16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]} ins(%bias : memref<16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.matmul ins(%a, %b : memref<8x40xf32>, memref<40x16xf32>) outs(%c : memref<8x16xf32>)
  return
}
func.func @bias_then_reader(%a: memref<8x40xf32>, %b: memref<40x16xf32>, %c: memref<8x16xf32>, %bias: memref<16xf32>,
                            %t: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]} ins(%bias : memref<16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.copy ins(%c : memref<8x16xf32>) outs(%t : memref<8x16xf32>)
  linalg.matmul ins(%a, %b : memref<8x40xf32>, memref<40x16xf32>) outs(%c : memref<8x16xf32>)
  return
}
