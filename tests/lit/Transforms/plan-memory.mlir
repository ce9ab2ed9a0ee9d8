// RUN: dlc-opt %s --pass-pipeline="builtin.module(func.func(dlc-plan-memory))" | FileCheck %s

// %a dies before %c is allocated, so %c reuses %a's bytes; %b (largest, placed first)
// overlaps both. The dealloc does not extend %a's life.
// CHECK-LABEL: func @entry
// CHECK-SAME: %{{.*}}: memref<{{.*}}>, %[[ARENA:.*]]: memref<768xi8> {dlc.kind = #dlc<kind arena>, dlc.name = "arena"})
// CHECK-SAME: dlc.arena_bytes = 768
// CHECK: %[[A:.*]] = memref.view %[[ARENA]][%c512{{.*}}][] : memref<768xi8> to memref<64xf32>
// CHECK: %[[B:.*]] = memref.view %[[ARENA]][%c0{{.*}}][] : memref<768xi8> to memref<128xf32>
// CHECK: %[[C:.*]] = memref.view %[[ARENA]][%c512{{.*}}][] : memref<768xi8> to memref<64xf32>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @entry(%out: memref<64xf32>) attributes {dlc.entry} {
  %cst = arith.constant 1.0 : f32
  %a = memref.alloc() : memref<64xf32>
  linalg.fill ins(%cst : f32) outs(%a : memref<64xf32>)
  %b = memref.alloc() : memref<128xf32>
  %sub = memref.subview %b[0] [64] [1] : memref<128xf32> to memref<64xf32, strided<[1]>>
  memref.copy %a, %sub : memref<64xf32> to memref<64xf32, strided<[1]>>
  %c = memref.alloc() : memref<64xf32>
  memref.copy %sub, %c : memref<64xf32, strided<[1]>> to memref<64xf32>
  memref.copy %c, %out : memref<64xf32> to memref<64xf32>
  memref.dealloc %a : memref<64xf32>
  return
}

// Functions that are no entry point are left alone.
// CHECK-LABEL: func @helper
// CHECK: memref.alloc
func.func @helper() {
  %a = memref.alloc() : memref<4xf32>
  return
}
