// RUN: dlc-opt %s --dlc-graph-to-kernel --dlc-kernel-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: dlc-opt %s --dlc-cpu-pipeline | FileCheck %s --check-prefix=LLVM

// The kernels are outlined, lowered, fused and inlined back into the entry point.
// LINALG-LABEL: func.func @infer
// LINALG-NOT: call
// LINALG: linalg.matmul
// LINALG: linalg.generic
// LINALG: arith.addf
// LINALG: arith.maximumf
// LINALG-NOT: func.func private

// The entry point takes bare pointers: inputs, outputs, then the arena.
// LLVM: llvm.func @infer(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr {dlc.kind = #dlc<kind output>}, %{{.*}}: !llvm.ptr {dlc.kind = #dlc<kind arena>, dlc.name = "arena"})
// LLVM-SAME: dlc.arena_bytes
func.func @infer(%x: tensor<4x8xf32>, %w: tensor<8x3xf32>, %b: tensor<3xf32>) -> tensor<4x3xf32> attributes {dlc.entry} {
  %0 = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  %1 = graph.add %0, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %2 = graph.relu %1 : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %3 = graph.softmax %2 {axis = 1 : i64} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  return %3 : tensor<4x3xf32>
}
