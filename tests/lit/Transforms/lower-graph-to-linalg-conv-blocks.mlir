// RUN: dlc-opt %s --dlc-lower-graph-to-linalg="conv-block-bytes=14400" | FileCheck %s
// RUN: dlc-opt %s --dlc-lower-graph-to-linalg | FileCheck %s --check-prefix=WHOLE
// RUN: dlc-opt %s --dlc-lower-graph-to-linalg="conv-block-bytes=14400" --dlc-bufferize | FileCheck %s --check-prefix=BUF

// The im2col matrix (18 x 1600 floats, 115200 bytes) exceeds 4 blocks of 14400 bytes: the
// conv runs as a parallel loop over blocks of 2 images (18 x 200 floats each). Each block
// gathers into its own slot of the columns, starts its slice of the output from the bias
// and multiplies; without the option, one gather and one matmul.
// CHECK-LABEL: func @conv_blocks
// CHECK: scf.for %[[B:.*]] = %c0 to %c8 step %c1 iter_args(%[[COLS:.*]] = %{{.*}}, %[[OUT:.*]] = %{{.*}}) -> (tensor<8x2x3x3x2x10x10xf32>, tensor<4x1600xf32>)
// CHECK: tensor.extract_slice %{{.*}}[%{{.*}}, 0, 0, 0] [2, 2, 12, 12]
// CHECK: %[[SLOT:.*]] = tensor.extract_slice %[[COLS]][%[[B]], 0, 0, 0, 0, 0, 0] [1, 2, 3, 3, 2, 10, 10]
// CHECK: %[[G:.*]] = linalg.generic {{.*}} outs(%[[SLOT]] : tensor<2x3x3x2x10x10xf32>)
// CHECK: %[[OSLOT:.*]] = tensor.extract_slice %[[OUT]][0, %{{.*}}] [4, 200] [1, 1]
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} outs(%[[OSLOT]] : tensor<4x200xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x18xf32>, tensor<18x200xf32>) outs(%[[INIT]] : tensor<4x200xf32>)
// CHECK: tensor.insert_slice %[[G]] into %[[COLS]]
// CHECK: tensor.insert_slice %{{.*}} into %[[OUT]][0, %{{.*}}] [4, 200] [1, 1]
// CHECK: } {dlc.parallel}
// CHECK: linalg.transpose
// After bufferization each block gathers and multiplies in place, in its own slots of
// two whole buffers (empty-tensor elimination; no copies in the loop).
// BUF-LABEL: func @conv_blocks
// BUF: %[[COLS:.*]] = memref.alloc() {{.*}} : memref<8x2x3x3x2x10x10xf32>
// BUF: %[[OUT:.*]] = memref.alloc() {{.*}} : memref<4x1600xf32>
// BUF: scf.for
// BUF-NOT: memref.copy
// BUF: %[[SLOT:.*]] = memref.subview %[[COLS]]
// BUF: linalg.generic {{.*}} outs(%[[SLOT]]
// BUF: %[[OSLOT:.*]] = memref.subview %[[OUT]]
// BUF: linalg.generic {{.*}} outs(%[[OSLOT]]
// BUF-NOT: memref.copy
// BUF: linalg.matmul {{.*}} outs(%[[OSLOT]]
// BUF-NOT: memref.copy
// BUF: } {dlc.parallel}
// WHOLE-LABEL: func @conv_blocks
// WHOLE-NOT: scf.for
// WHOLE: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x18xf32>, tensor<18x1600xf32>)
func.func @conv_blocks(%x: tensor<16x2x10x10xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>) -> tensor<16x4x10x10xf32> {
  %0 = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1}
      : (tensor<16x2x10x10xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<16x4x10x10xf32>
  return %0 : tensor<16x4x10x10xf32>
}
