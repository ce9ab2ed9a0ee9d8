// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-fuse-kernels))" | FileCheck %s --check-prefix=FUSE
// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-plan-memory))" | FileCheck %s --check-prefix=PLAN
// What the recurrent layers need from the rest of the pipeline.

// A multi-result op is a kernel of its own that yields every result; its consumers do
// not join it, even when elementwise.
// FUSE-LABEL: func @multi_result
// FUSE: %[[K:.*]]:3 = kernel.group "lstm"(%arg0, %arg1, %arg2)
// FUSE: graph.lstm
// FUSE: kernel.yield %{{.*}}, %{{.*}}, %{{.*}} :
// FUSE: kernel.group "tanh"(%[[K]]#1)
// FUSE: kernel.group "tanh"(%[[K]]#2)
func.func @multi_result(%x: tensor<4x3x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x3xf32>) -> (tensor<1x3x3xf32>, tensor<1x3x3xf32>) {
  %y, %yh, %yc = graph.lstm %x, %w, %r {hidden_size = 3 : i64}
      : (tensor<4x3x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>)
      -> (tensor<4x1x3x3xf32>, tensor<1x3x3xf32>, tensor<1x3x3xf32>)
  %a = graph.tanh %yh : (tensor<1x3x3xf32>) -> tensor<1x3x3xf32>
  %b = graph.tanh %yc : (tensor<1x3x3xf32>) -> tensor<1x3x3xf32>
  return %a, %b : tensor<1x3x3xf32>, tensor<1x3x3xf32>
}

// -----

// A static scratch buffer allocated inside a loop body (a recurrent step) is planned
// once, before the loop.
// PLAN-LABEL: func @loop_scratch
// PLAN: %[[V:.*]] = memref.view %{{.*}}[%{{.*}}][] : memref<{{.*}}xi8> to memref<4x8xf32>
// PLAN: scf.for
// PLAN-NOT: memref.alloc
// PLAN: linalg.fill ins(%{{.*}} : f32) outs(%[[V]] : memref<4x8xf32>)
func.func @loop_scratch(%out: memref<4x8xf32>) attributes {dlc.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %cst = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c5 step %c1 {
    %s = memref.alloc() : memref<4x8xf32>
    linalg.fill ins(%cst : f32) outs(%s : memref<4x8xf32>)
    linalg.add ins(%s, %out : memref<4x8xf32>, memref<4x8xf32>) outs(%out : memref<4x8xf32>)
    memref.dealloc %s : memref<4x8xf32>
  }
  return
}
