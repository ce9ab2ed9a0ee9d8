// RUN: dlc-opt %s --dlc-lower-parallel-calls | FileCheck %s

// CHECK-LABEL: llvm.func @host
// CHECK: %[[CTX:.*]] = llvm.alloca %{{.*}} x !llvm.ptr
// CHECK: llvm.store %arg0, %{{.*}} : !llvm.ptr, !llvm.ptr
// CHECK: llvm.store %arg1, %{{.*}} : !llvm.ptr, !llvm.ptr
// CHECK: %[[N:.*]] = llvm.mlir.constant(6 : i64)
// CHECK: %[[F:.*]] = llvm.mlir.addressof @body_tramp
// CHECK: llvm.call @dlc_run_parallel(%[[N]], %[[F]], %[[CTX]])
// CHECK-NOT: llvm.call @body(
// CHECK-LABEL: llvm.func internal @body_tramp(%arg0: i64, %arg1: i64, %arg2: !llvm.ptr)
// CHECK-COUNT-2: llvm.load
// CHECK: llvm.call @body(%arg0, %arg1,
llvm.func @body(%b: i64, %e: i64, %p: !llvm.ptr, %q: !llvm.ptr) attributes {dlc.parallel_trips = 6 : i64} {
  llvm.return
}
llvm.func @host(%p: !llvm.ptr, %q: !llvm.ptr) {
  %0 = llvm.mlir.constant(0 : i64) : i64
  %1 = llvm.mlir.constant(6 : i64) : i64
  llvm.call @body(%0, %1, %p, %q) : (i64, i64, !llvm.ptr, !llvm.ptr) -> ()
  llvm.return
}
