// RUN: dlc-opt %s -split-input-file --dlc-lower-graph-to-linalg | FileCheck %s

// CHECK-LABEL: func @broadcast_add
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<3xf32>)
// CHECK: arith.addf
func.func @broadcast_add(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = graph.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @matmul
// CHECK: linalg.fill
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<8x3xf32>)
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) -> tensor<4x3xf32> {
  %0 = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// A stack of rows times one matrix is one 2-D matmul on the collapsed rows.
// CHECK-LABEL: func @rows_times_matrix
// CHECK: tensor.expand_shape %{{.*}} : tensor<64xf32> into tensor<8x8xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %arg1 : tensor<8x8xf32>, tensor<8x3xf32>)
func.func @rows_times_matrix(%a: tensor<2x4x8xf32>, %b: tensor<8x3xf32>) -> tensor<2x4x3xf32> {
  %0 = graph.matmul %a, %b : (tensor<2x4x8xf32>, tensor<8x3xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// Equal batch dims: one batch_matmul over the collapsed batch.
// CHECK-LABEL: func @same_batch
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<6x4x8xf32>, tensor<6x8x5xf32>)
func.func @same_batch(%a: tensor<2x3x4x8xf32>, %b: tensor<2x3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = graph.matmul %a, %b : (tensor<2x3x4x8xf32>, tensor<2x3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// Broadcast batch dims: one generic with a reduction dim.
// CHECK-LABEL: func @broadcast_batch
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
func.func @broadcast_batch(%a: tensor<2x4x8xf32>, %b: tensor<1x8x3xf32>) -> tensor<2x4x3xf32> {
  %0 = graph.matmul %a, %b : (tensor<2x4x8xf32>, tensor<1x8x3xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// An ungrouped f32 conv is im2col (a gather of every window) and one matmul.
// CHECK-LABEL: func @conv_im2col
// CHECK: tensor.pad
// CHECK: linalg.generic
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x18xf32>, tensor<18x25xf32>)
// CHECK: linalg.transpose
func.func @conv_im2col(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x5x5xf32> {
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1}
      : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x5x5xf32>
  return %0 : tensor<1x4x5x5xf32>
}

// -----

// A grouped f32 conv pads first, then im2col per group and one batch_matmul over the groups.
// CHECK-LABEL: func @conv
// CHECK: tensor.pad
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<1x2x1x7x7xf32>) outs(%{{.*}} : tensor<2x1x3x3x1x5x5xf32>)
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x2x9xf32>, tensor<2x9x25xf32>)
// CHECK: linalg.transpose
func.func @conv(%x: tensor<1x2x5x5xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x5x5xf32> {
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2}
      : (tensor<1x2x5x5xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x5x5xf32>
  return %0 : tensor<1x4x5x5xf32>
}

// -----

// A depthwise f32 conv (one channel per group) is the window sum per channel: no im2col,
// no batch_matmul, no transpose.
// CHECK-LABEL: func @conv_depthwise
// CHECK: tensor.pad
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-NOT: linalg.batch_matmul
// CHECK-NOT: linalg.transpose
func.func @conv_depthwise(%x: tensor<1x2x5x5xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2}
      : (tensor<1x2x5x5xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// Other element types keep the direct loop: a reduction over (channel, kh, kw) per group.
// CHECK-LABEL: func @conv_grouped_f64
// CHECK: tensor.pad
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
func.func @conv_grouped_f64(%x: tensor<1x2x5x5xf64>, %w: tensor<4x1x3x3xf64>) -> tensor<1x4x5x5xf64> {
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2}
      : (tensor<1x2x5x5xf64>, tensor<4x1x3x3xf64>) -> tensor<1x4x5x5xf64>
  return %0 : tensor<1x4x5x5xf64>
}

// -----

// CHECK-LABEL: func @max_pool
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.maximumf
func.func @max_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// Softmax: max, exp(x - max), sum, divide.
// CHECK-LABEL: func @softmax
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = graph.softmax %x {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func @transpose_gather
// CHECK: linalg.transpose
// CHECK: tensor.extract
func.func @transpose_gather(%x: tensor<2x3xf32>, %i: tensor<4xi64>) -> tensor<4x2xf32> {
  %0 = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = graph.gather %0, %i {axis = 0 : i64} : (tensor<3x2xf32>, tensor<4xi64>) -> tensor<4x2xf32>
  return %1 : tensor<4x2xf32>
}

// -----

// A conv whose reduction (C*K = 2*4*4) is longer than its columns (N*O = 2*2*2): the
// windows become rows [N, O1, O2, C, K1, K2] and the matmul reads both operands along
// the reduction (B transposed).
// CHECK-LABEL: func @conv_long_reduction
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<2x2x2x2x4x4xf32>)
// CHECK: linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%{{.*}}, %{{.*}} : tensor<3x32xf32>, tensor<8x32xf32>)
// CHECK: linalg.transpose
func.func @conv_long_reduction(%x: tensor<2x2x5x5xf32>, %w: tensor<3x2x4x4xf32>) -> tensor<2x3x2x2xf32> {
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1}
      : (tensor<2x2x5x5xf32>, tensor<3x2x4x4xf32>) -> tensor<2x3x2x2xf32>
  return %0 : tensor<2x3x2x2xf32>
}

// -----

// conv_transpose: cols = W^T x (one matmul over channels), then col2im adds each of the
// 2x2 kernel positions' columns into a window of the output with the stride (2), and
// the padding (1) is cropped.
// CHECK-LABEL: func @conv_transpose
// CHECK: linalg.transpose
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<12x4xf32>, tensor<4x18xf32>)
// CHECK: linalg.fill
// CHECK-COUNT-4: tensor.extract_slice %{{.*}}[0, 0, 0, {{[01]}}, {{[01]}}] [2, 1, 3, 3, 3] [1, 1, 1, 2, 2]
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 1, 1] [2, 1, 3, 4, 4] [1, 1, 1, 1, 1]
// CHECK-NOT: tensor.pad
func.func @conv_transpose(%x: tensor<2x4x3x3xf32>, %w: tensor<4x3x2x2xf32>) -> tensor<2x3x4x4xf32> {
  %0 = graph.conv_transpose %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
                                    output_padding = array<i64: 0, 0>, group = 1}
      : (tensor<2x4x3x3xf32>, tensor<4x3x2x2xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// -----

// Grouped conv_transpose: one batch_matmul over the groups.
// CHECK-LABEL: func @conv_transpose_grouped
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x3x2xf32>, tensor<2x2x5xf32>)
func.func @conv_transpose_grouped(%x: tensor<1x4x5xf32>, %w: tensor<4x1x3xf32>) -> tensor<1x2x7xf32> {
  %0 = graph.conv_transpose %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>,
                                    output_padding = array<i64: 0>, group = 2}
      : (tensor<1x4x5xf32>, tensor<4x1x3xf32>) -> tensor<1x2x7xf32>
  return %0 : tensor<1x2x7xf32>
}

// -----

// Shifts: an amount outside [0, 8) selects the fill; signed right shifts spread the sign,
// unsigned ones (behind bitcasts to signless) shift in zeros.
// CHECK-LABEL: func.func @shifts
// CHECK: arith.shli
// CHECK: arith.cmpi ult
// CHECK: arith.shrsi
// CHECK: tensor.bitcast %{{.*}} : tensor<4xui8> to tensor<4xi8>
// CHECK: arith.shrui
// CHECK: tensor.bitcast %{{.*}} : tensor<4xi8> to tensor<4xui8>
func.func @shifts(%x: tensor<4xi8>, %y: tensor<4xi8>, %u: tensor<4xui8>, %v: tensor<4xui8>) -> (tensor<4xi8>, tensor<4xi8>, tensor<4xui8>) {
  %0 = graph.shift_left %x, %y : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %1 = graph.shift_right %x, %y : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %2 = graph.shift_right %u, %v : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0, %1, %2 : tensor<4xi8>, tensor<4xi8>, tensor<4xui8>
}

// -----

// A scatter is a loop nest over the updates that reads, combines and inserts into the input.
// CHECK-LABEL: func @scatter_max
// CHECK: scf.for
// CHECK: scf.for
// CHECK: tensor.extract %{{.*}} : tensor<3x2xi64>
// CHECK: arith.maximumf
// CHECK: tensor.insert
func.func @scatter_max(%x: tensor<3x3xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x3xf32> {
  %0 = graph.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "max"}
      : (tensor<3x3xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// A cumulative product multiplies the elements up to each position, starting from 1.
// CHECK-LABEL: func @cumprod
// CHECK: linalg.fill ins(%{{.*}} : f32)
// CHECK: linalg.generic
// CHECK: arith.mulf
func.func @cumprod(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = graph.cumprod %x {axis = 0 : i64, exclusive = false, reverse = true} : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// CHECK-LABEL: func @bitcast
// CHECK: linalg.generic
// CHECK: arith.bitcast %{{.*}} : f32 to i32
func.func @bitcast(%x: tensor<4xf32>) -> tensor<4xi32> {
  %0 = graph.bitcast %x : (tensor<4xf32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// TopK: k rounds of a reduction over the axis, each inserted at its position.
// CHECK-LABEL: func @topk
// CHECK: scf.for
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: arith.cmpf olt
// CHECK: tensor.insert_slice
// CHECK: tensor.insert_slice
func.func @topk(%x: tensor<4x10xf32>) -> (tensor<4x3xf32>, tensor<4x3xi64>) {
  %v, %i = graph.topk %x {k = 3 : i64, axis = 1 : i64, largest = true} : (tensor<4x10xf32>) -> (tensor<4x3xf32>, tensor<4x3xi64>)
  return %v, %i : tensor<4x3xf32>, tensor<4x3xi64>
}

// -----

// The mean over the data-parallel ranks is the runtime's reduction under its key.
// CHECK-LABEL: func.func @rank_mean
// CHECK: dlc.grad_reduce_start 1048576, %arg0 : tensor<1x4x1x1xf32>
// CHECK-NEXT: %[[R:.*]] = dlc.grad_reduce_wait 1048576, %arg0 : tensor<1x4x1x1xf32> -> tensor<1x4x1x1xf32>
// CHECK-NEXT: return %[[R]]
func.func @rank_mean(%x: tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32> {
  %y = graph.rank_mean %x {key = 1048576 : i64} : (tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32>
  return %y : tensor<1x4x1x1xf32>
}
