// RUN: dlc-opt %s --dlc-cuda-tile-matmul | FileCheck %s

// 64x100 * 100x256: a grid of 32x32 tiles (2x2 per thread), A and B staged through
// workgroup memory 16 deep in K (the tail read as zeros), added into C.
// CHECK-LABEL: func.func @plain
// CHECK-NOT: linalg.matmul
// CHECK: gpu.launch {{.*}} workgroup(%[[AS:[a-z0-9_]+]] : memref<16x32xf32, #gpu.address_space<workgroup>>, %[[BS:[a-z0-9_]+]] : memref<16x32xf32, #gpu.address_space<workgroup>>)
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %[[AS]]
// CHECK: memref.store %{{.*}}, %[[BS]]
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK-COUNT-4: math.fma
// CHECK: gpu.barrier
// CHECK: memref.load %arg2
// CHECK: arith.addf
// CHECK: memref.store %{{.*}}, %arg2
func.func @plain(%a: memref<64x100xf32>, %b: memref<100x256xf32>, %c: memref<64x256xf32>) {
  linalg.matmul ins(%a, %b : memref<64x100xf32>, memref<100x256xf32>) outs(%c : memref<64x256xf32>)
  return
}

// A weight gradient: 6x25 outputs over K = 50176 with B read transposed. One tile would
// idle the chip, so K is split over gridDim.z and the slices add atomically.
// CHECK-LABEL: func.func @split_k
// CHECK: %[[SPLITS:[a-z0-9_]+]] = arith.constant 262 : index
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %{{.*}}, {{.*}} = %{{.*}}, {{.*}} = %[[SPLITS]])
// CHECK: memref.load %arg1[%{{.*}}, %{{.*}}] : memref<25x50176xf32>
// CHECK: memref.atomic_rmw addf
func.func @split_k(%a: memref<6x50176xf32>, %b: memref<25x50176xf32>, %c: memref<6x25xf32>) {
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>,
                                 affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%a, %b : memref<6x50176xf32>, memref<25x50176xf32>) outs(%c : memref<6x25xf32>)
  return
}

// Not f32: left for the generic path.
// CHECK-LABEL: func.func @f64
// CHECK: linalg.matmul
func.func @f64(%a: memref<4x4xf64>, %b: memref<4x4xf64>, %c: memref<4x4xf64>) {
  linalg.matmul ins(%a, %b : memref<4x4xf64>, memref<4x4xf64>) outs(%c : memref<4x4xf64>)
  return
}
