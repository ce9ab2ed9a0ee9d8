// RUN: dlc-opt %s --dlc-cuda-map-to-gpu | FileCheck %s

// Data parallelism's calls into the runtime stay on the host between the kernels: the
// serial work before the start is one launch, the work after it another.
// CHECK-LABEL: func.func @train_step
// CHECK: gpu.launch
// CHECK: memref.store
// CHECK: gpu.terminator
// CHECK: dlc.grad_reduce_start 0, %arg0 : memref<f32>
// CHECK-NEXT: dlc.grad_reduce_wait 0, %arg0 : memref<f32>
// CHECK-NEXT: arith.constant 1 : index
// CHECK-NEXT: gpu.launch
// CHECK: memref.load %arg0
func.func @train_step(%g: memref<f32>, %out: memref<f32>) {
  %one = arith.constant 1.0 : f32
  memref.store %one, %g[] : memref<f32>
  dlc.grad_reduce_start 0, %g : memref<f32>
  dlc.grad_reduce_wait 0, %g : memref<f32>
  %v = memref.load %g[] : memref<f32>
  %w = arith.addf %v, %one : f32
  memref.store %w, %out[] : memref<f32>
  return
}
