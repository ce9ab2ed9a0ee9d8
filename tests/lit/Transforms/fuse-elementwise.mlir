// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-fuse-elementwise))" | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
// Two elementwise generics become one.
// CHECK-LABEL: func @chain
// CHECK-COUNT-1: linalg.generic
// CHECK-NOT: linalg.generic
func.func @chain(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%0 : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
// An elementwise producer of a matmul stays separate, so the matmul keeps its named form.
// CHECK-LABEL: func @into_matmul
// CHECK: linalg.generic
// CHECK: linalg.matmul
func.func @into_matmul(%x: tensor<4x8xf32>, %w: tensor<8x3xf32>, %c: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %1 = linalg.matmul ins(%0, %w : tensor<4x8xf32>, tensor<8x3xf32>) outs(%c : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %1 : tensor<4x3xf32>
}

// -----

// A transpose feeding only an elementwise generic (a conv's product into NCHW, then ReLU)
// is fused into it: one generic reads the product through the permuted map. A transpose
// with another user stays a linalg.transpose.
// CHECK-DAG: #[[PERM:.*]] = affine_map<(d0, d1, d2) -> (d1, d0, d2)>
// CHECK-LABEL: func @transpose_into_relu
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[PERM]], #{{.*}}]
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
// CHECK-LABEL: func @transpose_shared
// CHECK: linalg.transpose
func.func @transpose_into_relu(%x: tensor<6x4x8xf32>) -> tensor<4x6x8xf32> {
  %e = tensor.empty() : tensor<4x6x8xf32>
  %t = linalg.transpose ins(%x : tensor<6x4x8xf32>) outs(%e : tensor<4x6x8xf32>) permutation = [1, 0, 2]
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                       iterator_types = ["parallel", "parallel", "parallel"]} ins(%t : tensor<4x6x8xf32>) outs(%e : tensor<4x6x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x6x8xf32>
  return %r : tensor<4x6x8xf32>
}
func.func @transpose_shared(%x: tensor<6x4x8xf32>) -> (tensor<4x6x8xf32>, tensor<4x6x8xf32>) {
  %e = tensor.empty() : tensor<4x6x8xf32>
  %t = linalg.transpose ins(%x : tensor<6x4x8xf32>) outs(%e : tensor<4x6x8xf32>) permutation = [1, 0, 2]
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                       iterator_types = ["parallel", "parallel", "parallel"]} ins(%t : tensor<4x6x8xf32>) outs(%e : tensor<4x6x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x6x8xf32>
  return %r, %t : tensor<4x6x8xf32>, tensor<4x6x8xf32>
}
