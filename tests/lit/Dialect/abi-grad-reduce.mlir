// RUN: dlc-opt %s -split-input-file | dlc-opt -split-input-file | FileCheck %s
// RUN: dlc-opt %s -split-input-file --dlc-bufferize | FileCheck %s --check-prefix=BUF

// The data-parallel reduction points of a train step, on tensors and, after
// bufferization, on buffers: start only reads its bucket, wait writes the averaged
// gradients into the same buffers (in place, no copy).

// CHECK-LABEL: func.func @train_step
// CHECK: dlc.grad_reduce_start 0, %{{.*}}, %{{.*}} : tensor<3x2xf32>, tensor<2xf32>
// CHECK: dlc.grad_reduce_wait 0, %{{.*}}, %{{.*}} : tensor<3x2xf32>, tensor<2xf32> -> tensor<3x2xf32>, tensor<2xf32>
// BUF-LABEL: func.func @train_step
// BUF: dlc.grad_reduce_start 0, %[[GW:.*]], %[[GB:.*]] : memref<3x2xf32>, memref<2xf32>
// BUF-NEXT: dlc.grad_reduce_wait 0, %[[GW]], %[[GB]] : memref<3x2xf32>, memref<2xf32>
// BUF-NOT: memref.copy
// BUF: linalg.generic
// BUF-SAME: ins(%[[GW]]
func.func @train_step(%x: tensor<3x2xf32>, %b: tensor<2xf32>) -> tensor<3x2xf32> {
  %gw = tensor.empty() : tensor<3x2xf32>
  %c = arith.constant 1.0 : f32
  %gwf = linalg.fill ins(%c : f32) outs(%gw : tensor<3x2xf32>) -> tensor<3x2xf32>
  %gbe = tensor.empty() : tensor<2xf32>
  %gbf = linalg.fill ins(%c : f32) outs(%gbe : tensor<2xf32>) -> tensor<2xf32>
  dlc.grad_reduce_start 0, %gwf, %gbf : tensor<3x2xf32>, tensor<2xf32>
  %r:2 = dlc.grad_reduce_wait 0, %gwf, %gbf : tensor<3x2xf32>, tensor<2xf32> -> tensor<3x2xf32>, tensor<2xf32>
  %out = tensor.empty() : tensor<3x2xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                         iterator_types = ["parallel", "parallel"]}
      ins(%r#0, %r#1, %x : tensor<3x2xf32>, tensor<2xf32>, tensor<3x2xf32>) outs(%out : tensor<3x2xf32>) {
  ^bb0(%a: f32, %bb: f32, %xx: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    %t = arith.addf %s, %xx : f32
    linalg.yield %t : f32
  } -> tensor<3x2xf32>
  return %sum : tensor<3x2xf32>
}

// -----

// On buffers (after dlc-bufferize) neither op has results.
// CHECK-LABEL: func.func @bufferized
// CHECK: dlc.grad_reduce_start 3, %arg0 : memref<4xf64>
// CHECK: dlc.grad_reduce_wait 3, %arg0 : memref<4xf64>
func.func @bufferized(%g: memref<4xf64>) {
  dlc.grad_reduce_start 3, %g : memref<4xf64>
  dlc.grad_reduce_wait 3, %g : memref<4xf64>
  return
}

// -----

// A gradient bufferized into a slice of a larger buffer goes through a dense copy: the
// runtime takes dense buffers. The wait's copy is written back into the slice.
// BUF-LABEL: func.func @slice
// BUF: %[[SLICE:.*]] = memref.subview
// BUF: %[[D1:.*]] = memref.alloc() : memref<2xf32>
// BUF-NEXT: memref.copy %[[SLICE]], %[[D1]]
// BUF-NEXT: dlc.grad_reduce_start 0, %[[D1]] : memref<2xf32>
// BUF: %[[D2:.*]] = memref.alloc() : memref<2xf32>
// BUF-NEXT: memref.copy %[[SLICE]], %[[D2]]
// BUF-NEXT: dlc.grad_reduce_wait 0, %[[D2]] : memref<2xf32>
// BUF-NEXT: memref.copy %[[D2]], %[[SLICE]]
func.func @slice(%g: tensor<4xf32>) -> tensor<2xf32> {
  %s = tensor.extract_slice %g[2] [2] [1] : tensor<4xf32> to tensor<2xf32>
  dlc.grad_reduce_start 0, %s : tensor<2xf32>
  %r = dlc.grad_reduce_wait 0, %s : tensor<2xf32> -> tensor<2xf32>
  return %r : tensor<2xf32>
}
