// RUN: dlc-opt %s -split-input-file --dlc-outline-parallel-loops | FileCheck %s

// The marked loop becomes a body over [begin, end) iterations, called over all 4.
// CHECK-LABEL: func.func private @dlc_par_body_0(%arg0: index, %arg1: index, %arg2: memref<4x8xf32>)
// CHECK-SAME: dlc.parallel_trips = 4 : i64
// CHECK: scf.for %[[T:.*]] = %arg0 to %arg1
// CHECK: arith.muli %[[T]]
// CHECK: memref.store %{{.*}}, %arg2
// CHECK-LABEL: func.func @entry
// CHECK-NOT: scf.for
// CHECK: call @dlc_par_body_0(%{{.*}}, %{{.*}}, %arg0) : (index, index, memref<4x8xf32>) -> ()
func.func @entry(%m: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %f = arith.constant 1.0 : f32
  scf.for %j = %c0 to %c8 step %c2 {
    memref.store %f, %m[%c0, %j] : memref<4x8xf32>
  } {dlc.parallel}
  return
}

// -----

// A loop that reads a strided view from outside stays serial and loses its mark.
// CHECK-LABEL: func.func @strided
// CHECK: scf.for
// CHECK-NOT: dlc.parallel
// CHECK-NOT: dlc_par_body
func.func @strided(%m: memref<4x8xf32, strided<[16, 1]>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %f = arith.constant 1.0 : f32
  scf.for %j = %c0 to %c8 step %c1 {
    memref.store %f, %m[%c0, %j] : memref<4x8xf32, strided<[16, 1]>>
  } {dlc.parallel}
  return
}
