// RUN: dlc-opt %s --dlc-lower-grad-reduce | FileCheck %s

// Each reduction point becomes a call with the bucket, the dlc_dtype (1: f32), the count
// and two arrays in the function's frame: the buffers' addresses and element counts.
// CHECK-LABEL: func.func @train_step
// The wait's arrays, then the start's (each op puts its own at the entry).
// CHECK: llvm.mlir.constant(2 : i64) : i64
// CHECK-NEXT: llvm.alloca %{{.*}} x !llvm.ptr
// CHECK-NEXT: llvm.alloca %{{.*}} x i64
// CHECK: %[[N:.*]] = llvm.mlir.constant(2 : i64) : i64
// CHECK-NEXT: %[[PTRS:.*]] = llvm.alloca %[[N]] x !llvm.ptr
// CHECK-NEXT: %[[COUNTS:.*]] = llvm.alloca %[[N]] x i64
// CHECK: %[[A:.*]] = memref.extract_aligned_pointer_as_index %arg0 : memref<3x2xf32> -> index
// CHECK-NEXT: %[[AI:.*]] = arith.index_cast %[[A]] : index to i64
// CHECK-NEXT: %[[AP:.*]] = llvm.inttoptr %[[AI]] : i64 to !llvm.ptr
// CHECK-NEXT: %[[SLOT:.*]] = llvm.getelementptr %[[PTRS]][0]
// CHECK-NEXT: llvm.store %[[AP]], %[[SLOT]] : !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[SIX:.*]] = llvm.mlir.constant(6 : i64) : i64
// CHECK-NEXT: %[[CSLOT:.*]] = llvm.getelementptr %[[COUNTS]][0]
// CHECK-NEXT: llvm.store %[[SIX]], %[[CSLOT]] : i64, !llvm.ptr
// CHECK: memref.extract_aligned_pointer_as_index %arg1 : memref<2xf32> -> index
// CHECK: llvm.getelementptr %[[PTRS]][1]
// CHECK: %[[B:.*]] = llvm.mlir.constant(5 : i64) : i64
// CHECK-NEXT: %[[T:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.call @dlc_grad_reduce_start(%[[B]], %[[T]], %[[N]], %[[PTRS]], %[[COUNTS]])
// CHECK: llvm.call @dlc_grad_reduce_wait(
// CHECK-NOT: dlc.grad_reduce
// CHECK: llvm.func @dlc_grad_reduce_start(i64, i32, i64, !llvm.ptr, !llvm.ptr)
// CHECK: llvm.func @dlc_grad_reduce_wait(i64, i32, i64, !llvm.ptr, !llvm.ptr)
func.func @train_step(%gw: memref<3x2xf32>, %gb: memref<2xf32>) {
  dlc.grad_reduce_start 5, %gw, %gb : memref<3x2xf32>, memref<2xf32>
  dlc.grad_reduce_wait 5, %gw, %gb : memref<3x2xf32>, memref<2xf32>
  return
}
