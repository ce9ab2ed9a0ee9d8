// RUN: dlc-opt %s --dlc-cuda-map-reductions | FileCheck %s

#in4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#out1 = affine_map<(d0, d1, d2, d3) -> (d1)>
#in3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#out2 = affine_map<(d0, d1, d2) -> (d0, d2)>

// A bias gradient, 6 outputs of 50176 points each: a block of 256 threads per output,
// partials combined in workgroup memory, thread 0 adds the total into the output.
// CHECK-LABEL: func.func @long
// CHECK: gpu.launch {{.*}} workgroup(%[[P:[a-z0-9_]+]] : memref<256xf32, #gpu.address_space<workgroup>>)
// CHECK: scf.for {{.*}} iter_args
// CHECK: arith.addf
// CHECK: memref.store %{{.*}}, %[[P]]
// CHECK-COUNT-8: gpu.barrier
// CHECK: arith.cmpi eq
// CHECK: memref.load %arg1
// CHECK: memref.store %{{.*}}, %arg1
func.func @long(%g: memref<64x6x28x28xf32>, %db: memref<6xf32>) {
  linalg.generic {indexing_maps = [#in4, #out1], iterator_types = ["reduction", "parallel", "reduction", "reduction"]}
      ins(%g : memref<64x6x28x28xf32>) outs(%db : memref<6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  return
}

// A mean over the middle dim (28 points): one thread per output, accumulating in a register.
// CHECK-LABEL: func.func @short
// CHECK-NOT: workgroup
// CHECK: gpu.launch
// CHECK: scf.if
// CHECK: %[[INIT:[a-z0-9_]+]] = memref.load %arg1
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]])
// CHECK: arith.maximumf
// CHECK: memref.store %{{.*}}, %arg1
func.func @short(%x: memref<64x28x128xf32>, %y: memref<64x128xf32>) {
  linalg.generic {indexing_maps = [#in3, #out2], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x : memref<64x28x128xf32>) outs(%y : memref<64x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  }
  return
}

// Not an associative combiner of the output: left alone.
// CHECK-LABEL: func.func @other
// CHECK: linalg.generic
func.func @other(%x: memref<4x8xf32>, %y: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                  iterator_types = ["parallel", "reduction"]} ins(%x : memref<4x8xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.subf %out, %in : f32
    linalg.yield %s : f32
  }
  return
}
