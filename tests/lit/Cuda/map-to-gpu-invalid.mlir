// RUN: dlc-opt %s --dlc-cuda-map-to-gpu -split-input-file -verify-diagnostics

func.func @alloc(%x: memref<4xf32>) {
  // expected-error @below {{a buffer outside the planned arena cannot live on the device}}
  %tmp = memref.alloc() : memref<4xf32>
  memref.copy %x, %tmp : memref<4xf32> to memref<4xf32>
  return
}

// -----

func.func @dynamic_bound(%x: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  // expected-error @below {{dlc-cuda-map-to-gpu needs constant bounds and positive steps}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %f, %x[%i] : memref<?xf32>
    scf.reduce
  }
  return
}
