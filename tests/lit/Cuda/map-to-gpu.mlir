// RUN: dlc-opt %s --dlc-cuda-map-to-gpu | FileCheck %s

// A parallel loop becomes a flattened 1-D launch with a tail guard; the scalar chain
// (store, reduction loop, load, arithmetic, store) runs in one single-thread launch, in
// order; constants and globals are re-created inside the launches.
memref.global "private" constant @scale : memref<f32> = dense<6.400000e+01>

// CHECK-LABEL: func.func @entry
func.func @entry(%x: memref<1000x3xf32>, %y: memref<1000x3xf32>, %loss: memref<f32>, %arena: memref<64xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c1000 = arith.constant 1000 : index
  %zero = arith.constant 0.0 : f32
  %g = memref.get_global @scale : memref<f32>
  %acc = memref.view %arena[%c0][] : memref<64xi8> to memref<f32>
  // CHECK: %[[VIEW:[a-z0-9_]+]] = memref.view
  // CHECK: gpu.launch blocks
  // CHECK: arith.muli
  // CHECK: %[[GID:[a-z0-9_]+]] = arith.addi
  // CHECK: %[[TOTAL:[a-z0-9_]+]] = arith.constant 3000 : index
  // CHECK: %[[IN:[a-z0-9_]+]] = arith.cmpi ult, %[[GID]], %[[TOTAL]]
  // CHECK: scf.if %[[IN]]
  // CHECK: arith.remui %[[GID]]
  // CHECK: arith.divui %[[GID]]
  // CHECK: math.exp
  // CHECK: gpu.terminator
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1000, %c3) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<1000x3xf32>
    %e = math.exp %v : f32
    memref.store %e, %y[%i, %j] : memref<1000x3xf32>
    scf.reduce
  }
  // CHECK: gpu.launch blocks(%{{.*}}) in (%{{.*}} = %[[ONE:[a-z0-9_]+]], %{{.*}} = %[[ONE]], %{{.*}} = %[[ONE]]) threads(%{{.*}}) in (%{{.*}} = %[[ONE]], %{{.*}} = %[[ONE]], %{{.*}} = %[[ONE]])
  // CHECK: memref.get_global @scale
  // CHECK: memref.store %{{.*}}, %[[VIEW]][]
  // CHECK: scf.for
  // CHECK: arith.divf
  // CHECK: memref.store %{{.*}}, %{{.*}}[] : memref<f32>
  // CHECK: gpu.terminator
  memref.store %zero, %acc[] : memref<f32>
  scf.for %i = %c0 to %c1000 step %c1 {
    %v = memref.load %y[%i, %c0] : memref<1000x3xf32>
    %a = memref.load %acc[] : memref<f32>
    %s = arith.addf %a, %v : f32
    memref.store %s, %acc[] : memref<f32>
  }
  %sum = memref.load %acc[] : memref<f32>
  %n = memref.load %g[] : memref<f32>
  %mean = arith.divf %sum, %n : f32
  memref.store %mean, %loss[] : memref<f32>
  // CHECK: return
  return
}

// A loop around parallel loops (a recurrence over time steps) stays on the host; each
// iteration launches the body's kernel, which takes the induction variable as an argument.
// CHECK-LABEL: func.func @recurrence
// CHECK: scf.for %[[T:[a-z0-9_]+]] =
// CHECK: gpu.launch
// CHECK: memref.load %{{.*}}[%[[T]], %{{.*}}]
// CHECK: gpu.terminator
// CHECK: }
// CHECK: return
func.func @recurrence(%h: memref<28x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c27 = arith.constant 27 : index
  %c64 = arith.constant 64 : index
  scf.for %t = %c0 to %c27 step %c1 {
    %next = arith.addi %t, %c1 : index
    scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
      %v = memref.load %h[%t, %i] : memref<28x64xf32>
      %w = math.tanh %v : f32
      memref.store %w, %h[%next, %i] : memref<28x64xf32>
      scf.reduce
    }
  }
  return
}
