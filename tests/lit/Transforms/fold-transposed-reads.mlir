// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-fold-transposed-reads))" | FileCheck %s

// A window gather from transpose(x) reads x with the first two indices swapped.
// CHECK-DAG: #[[READ:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2 + d3)>
// CHECK-LABEL: func @gather
// CHECK: linalg.generic {indexing_maps = [#[[READ]], #{{.*}}]
// CHECK-SAME: ins(%arg0 : tensor<2x3x5xf32>)
func.func @gather(%x: tensor<2x3x5xf32>) -> tensor<3x2x2x4xf32> {
  %e = tensor.empty() : tensor<3x2x5xf32>
  %t = linalg.transpose ins(%x : tensor<2x3x5xf32>) outs(%e : tensor<3x2x5xf32>) permutation = [1, 0, 2]
  %o = tensor.empty() : tensor<3x2x2x4xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(a, b, k, w) -> (a, b, w + k)>, affine_map<(a, b, k, w) -> (a, b, k, w)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t : tensor<3x2x5xf32>) outs(%o : tensor<3x2x2x4xf32>) {
  ^bb0(%v: f32, %out: f32):
    linalg.yield %v : f32
  }  -> tensor<3x2x2x4xf32>
  return %c : tensor<3x2x2x4xf32>
}

// -----

// Not a copy (the body computes): the transpose stays.
// CHECK-LABEL: func @not_copy
// CHECK: linalg.transpose
// CHECK: ins(%transposed : tensor<3x2xf32>)
func.func @not_copy(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %e = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%x : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<3x2xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<3x2xf32>) outs(%o : tensor<3x2xf32>) {
  ^bb0(%v: f32, %out: f32):
    %n = arith.negf %v : f32
    linalg.yield %n : f32
  }  -> tensor<3x2xf32>
  return %c : tensor<3x2xf32>
}

// -----

// A Linear layer's forward: y = x w^T reads w through B's map (N x K); the transpose is
// left unused (for dead-code removal).
// CHECK-DAG: #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func @matmul_transposed_b
// CHECK: linalg.matmul indexing_maps = [#[[MK]], #[[NK]], #{{.*}}] ins(%arg0, %arg1 : tensor<4x5xf32>, tensor<3x5xf32>)
func.func @matmul_transposed_b(%x: tensor<4x5xf32>, %w: tensor<3x5xf32>) -> tensor<4x3xf32> {
  %e = tensor.empty() : tensor<5x3xf32>
  %wt = linalg.transpose ins(%w : tensor<3x5xf32>) outs(%e : tensor<5x3xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<4x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<4x3xf32>) -> tensor<4x3xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<4x5xf32>, tensor<5x3xf32>) outs(%f : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Its weight gradient: transpose(x^T dy) becomes dy^T x (A read as K x M), computed in the
// weight's layout into a fill of it; neither transpose is materialized.
// CHECK-DAG: #[[KM:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[KN:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-LABEL: func @weight_gradient
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<3x5xf32>)
// CHECK: %[[G:.*]] = linalg.matmul indexing_maps = [#[[KM]], #[[KN]], #{{.*}}] ins(%arg1, %arg0 : tensor<4x3xf32>, tensor<4x5xf32>) outs(%[[F]] : tensor<3x5xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: return %[[G]]
func.func @weight_gradient(%x: tensor<4x5xf32>, %dy: tensor<4x3xf32>) -> tensor<3x5xf32> {
  %e = tensor.empty() : tensor<5x4xf32>
  %xt = linalg.transpose ins(%x : tensor<4x5xf32>) outs(%e : tensor<5x4xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<5x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<5x3xf32>) -> tensor<5x3xf32>
  %g = linalg.matmul ins(%xt, %dy : tensor<5x4xf32>, tensor<4x3xf32>) outs(%f : tensor<5x3xf32>) -> tensor<5x3xf32>
  %e2 = tensor.empty() : tensor<3x5xf32>
  %w = linalg.transpose ins(%g : tensor<5x3xf32>) outs(%e2 : tensor<3x5xf32>) permutation = [1, 0]
  return %w : tensor<3x5xf32>
}

// -----

// Both operands transposed: only A's transpose folds (kernels read one operand
// transposed); a product with two users keeps its transpose.
// CHECK-LABEL: func @both_transposed
// CHECK: linalg.transpose ins(%arg1
// CHECK: linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%arg0, %transposed
// CHECK: linalg.transpose ins(%
func.func @both_transposed(%a: tensor<5x4xf32>, %b: tensor<3x5xf32>) -> (tensor<4x3xf32>, tensor<3x4xf32>) {
  %e = tensor.empty() : tensor<4x5xf32>
  %at = linalg.transpose ins(%a : tensor<5x4xf32>) outs(%e : tensor<4x5xf32>) permutation = [1, 0]
  %e1 = tensor.empty() : tensor<5x3xf32>
  %bt = linalg.transpose ins(%b : tensor<3x5xf32>) outs(%e1 : tensor<5x3xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<4x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<4x3xf32>) -> tensor<4x3xf32>
  %y = linalg.matmul ins(%at, %bt : tensor<4x5xf32>, tensor<5x3xf32>) outs(%f : tensor<4x3xf32>) -> tensor<4x3xf32>
  %e2 = tensor.empty() : tensor<3x4xf32>
  %yt = linalg.transpose ins(%y : tensor<4x3xf32>) outs(%e2 : tensor<3x4xf32>) permutation = [1, 0]
  return %y, %yt : tensor<4x3xf32>, tensor<3x4xf32>
}

// -----

// A recurrence's weight transposed once before its loop stays materialized: read
// through inside the loop, it would be gathered again on every step.
// CHECK-LABEL: func @hoisted_transpose
// CHECK: %[[RT:.*]] = linalg.transpose
// CHECK: scf.for
// CHECK: linalg.matmul ins(%{{.*}}, %[[RT]] : tensor<8x5xf32>, tensor<5x5xf32>)
func.func @hoisted_transpose(%h0: tensor<8x5xf32>, %r: tensor<5x5xf32>) -> tensor<8x5xf32> {
  %e = tensor.empty() : tensor<5x5xf32>
  %rt = linalg.transpose ins(%r : tensor<5x5xf32>) outs(%e : tensor<5x5xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %h = scf.for %t = %c0 to %c3 step %c1 iter_args(%hc = %h0) -> (tensor<8x5xf32>) {
    %o = tensor.empty() : tensor<8x5xf32>
    %f = linalg.fill ins(%zero : f32) outs(%o : tensor<8x5xf32>) -> tensor<8x5xf32>
    %y = linalg.matmul ins(%hc, %rt : tensor<8x5xf32>, tensor<5x5xf32>) outs(%f : tensor<8x5xf32>) -> tensor<8x5xf32>
    scf.yield %y : tensor<8x5xf32>
  }
  return %h : tensor<8x5xf32>
}

// -----

// The same recurrence at batch 1: a product of one row reads the weight once per step
// either way, so it reads it transposed (N x K) and the copy before the loop goes.
// CHECK-LABEL: func @hoisted_transpose_one_row
// CHECK: scf.for
// CHECK: linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%{{.*}}, %arg1 : tensor<1x5xf32>, tensor<5x5xf32>)
func.func @hoisted_transpose_one_row(%h0: tensor<1x5xf32>, %r: tensor<5x5xf32>) -> tensor<1x5xf32> {
  %e = tensor.empty() : tensor<5x5xf32>
  %rt = linalg.transpose ins(%r : tensor<5x5xf32>) outs(%e : tensor<5x5xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %h = scf.for %t = %c0 to %c3 step %c1 iter_args(%hc = %h0) -> (tensor<1x5xf32>) {
    %o = tensor.empty() : tensor<1x5xf32>
    %f = linalg.fill ins(%zero : f32) outs(%o : tensor<1x5xf32>) -> tensor<1x5xf32>
    %y = linalg.matmul ins(%hc, %rt : tensor<1x5xf32>, tensor<5x5xf32>) outs(%f : tensor<1x5xf32>) -> tensor<1x5xf32>
    scf.yield %y : tensor<1x5xf32>
  }
  return %h : tensor<1x5xf32>
}
