// RUN: dlc-opt %s --dlc-cuda-lower="chip=sm_90 features=+ptx80" | FileCheck %s

// A bufferized entry point through the whole CUDA lowering: PTX for sm_90 in one
// gpu.binary, and a bare-pointer host function that launches its kernels.
// CHECK: llvm.func @infer(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: llvm.load
// CHECK: gpu.launch_func @dlc_kernels::@infer_kernel blocks
// CHECK: gpu.launch_func @dlc_kernels::@infer_kernel_0 blocks
// CHECK-NOT: llvm.load
// CHECK: llvm.return
// CHECK: gpu.binary @dlc_kernels
// CHECK-SAME: .target sm_90
// CHECK-SAME: .entry infer_kernel(
func.func @infer(%x: memref<64x32xf32>, %w: memref<32x16xf32>, %y: memref<64x16xf32>, %arena: memref<4096xi8>)
    attributes {dlc.entry} {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %t = memref.view %arena[%c0][] : memref<4096xi8> to memref<64x16xf32>
  linalg.fill ins(%zero : f32) outs(%t : memref<64x16xf32>)
  linalg.matmul ins(%x, %w : memref<64x32xf32>, memref<32x16xf32>) outs(%t : memref<64x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel"]} ins(%t : memref<64x16xf32>) outs(%y : memref<64x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  }
  return
}
