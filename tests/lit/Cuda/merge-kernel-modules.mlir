// RUN: dlc-opt %s --dlc-cuda-merge-kernel-modules | FileCheck %s

// Two outlined modules whose kernels share a name and a copied global become one module;
// each kernel takes its module's name and the launches follow.
// CHECK: gpu.module @dlc_kernels
// CHECK-COUNT-1: memref.global "private" constant @c
// CHECK-DAG: gpu.func @a_kernel
// CHECK-DAG: gpu.func @a_kernel_0
// CHECK-NOT: gpu.module
// CHECK: gpu.launch_func @dlc_kernels::@a_kernel blocks
// CHECK: gpu.launch_func @dlc_kernels::@a_kernel_0 blocks
module attributes {gpu.container_module} {
  gpu.module @a_kernel {
    memref.global "private" constant @c : memref<f32> = dense<1.0>
    gpu.func @a_kernel(%x: memref<4xf32>) kernel {
      %g = memref.get_global @c : memref<f32>
      gpu.return
    }
  }
  gpu.module @a_kernel_0 {
    memref.global "private" constant @c : memref<f32> = dense<1.0>
    gpu.func @a_kernel(%x: memref<4xf32>) kernel {
      gpu.return
    }
  }
  func.func @a(%x: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @a_kernel::@a_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<4xf32>)
    gpu.launch_func @a_kernel_0::@a_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<4xf32>)
    return
  }
}
