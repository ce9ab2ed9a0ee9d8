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
