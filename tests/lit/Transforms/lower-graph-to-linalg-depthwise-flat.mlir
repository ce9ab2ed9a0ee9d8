// RUN: dlc-opt %s --split-input-file --dlc-lower-graph-to-linalg="depthwise-flat-lanes=16" | FileCheck %s
// RUN: dlc-opt %s --split-input-file --dlc-lower-graph-to-linalg | FileCheck %s --check-prefix=ROWS

// A depthwise 3x3 conv on 4x4 maps (padded to 6x6): by rows, 4 vectors of 4 useful lanes
// each; over the flat plane, positions p = oh * 6 + ow up to 3 * 6 + 4 = 22, 2 vectors.
// The input is read at p + kh * 6 + kw; the bias starts the sums; the copy drops the 2
// padding columns of each row.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2 + d3 * 6 + d4)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-DAG: #[[CROP:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 6 + d3)>
// CHECK-LABEL: func @depthwise_flat
// CHECK: tensor.pad
// CHECK: : tensor<2x8x4x4xf32> to tensor<2x8x6x6xf32>
// CHECK: %[[XF:.*]] = tensor.expand_shape {{.*}} : tensor<576xf32> into tensor<2x8x36xf32>
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x8x22xf32>)
// CHECK: %[[RES:.*]] = linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[Y]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[XF]], %{{.*}} : tensor<2x8x36xf32>, tensor<8x3x3xf32>) outs(%[[BIAS]] : tensor<2x8x22xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[CROP]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[RES]] : tensor<2x8x22xf32>) outs(%{{.*}} : tensor<2x8x4x4xf32>)
// Without the option, one vector loop per output row.
// ROWS-LABEL: func @depthwise_flat
// ROWS-NOT: d2 * 6
// ROWS: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
func.func @depthwise_flat(%x: tensor<2x8x4x4xf32>, %w: tensor<8x1x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x4x4xf32> {
  %0 = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8}
      : (tensor<2x8x4x4xf32>, tensor<8x1x3x3xf32>, tensor<8xf32>) -> tensor<2x8x4x4xf32>
  return %0 : tensor<2x8x4x4xf32>
}

// -----

// Stride 2 on an 8x8 map (padded to 10x10; 4x4 out): position p = oh * 10 + ow reads the
// input at 2 * p + kh * 10 + kw; 3 * 10 + 4 = 34 positions, 3 vectors against 4 rows.
// CHECK-DAG: #[[X2:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2 * 2 + d3 * 10 + d4)>
// CHECK-DAG: #[[CROP2:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 10 + d3)>
// CHECK-LABEL: func @depthwise_flat_stride2
// CHECK: linalg.generic {indexing_maps = [#[[X2]], {{.*}} outs(%{{.*}} : tensor<1x4x34xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[CROP2]], {{.*}} outs(%{{.*}} : tensor<1x4x4x4xf32>)
func.func @depthwise_flat_stride2(%x: tensor<1x4x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4}
      : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// 16-wide rows fill the lanes already (the flat plane would take 18 vectors against 16),
// and so do 8-wide ones at stride 2 (9 against 8); the vector loops read no stride of 3;
// a dilation spreads the window: all stay by rows.
// CHECK-LABEL: func @depthwise_rows
// CHECK-NOT: d2 * 18
// CHECK-COUNT-4: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-NOT: linalg.generic
func.func @depthwise_rows(%x: tensor<1x4x16x16xf32>, %w: tensor<4x1x3x3xf32>)
    -> (tensor<1x4x16x16xf32>, tensor<1x4x8x8xf32>, tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>) {
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4}
      : (tensor<1x4x16x16xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x16x16xf32>
  %1 = graph.conv %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4}
      : (tensor<1x4x16x16xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
  %s = tensor.extract_slice %x[0, 0, 0, 0] [1, 4, 8, 8] [1, 1, 1, 1] : tensor<1x4x16x16xf32> to tensor<1x4x8x8xf32>
  %2 = graph.conv %s, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>, group = 4}
      : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32>
  %3 = graph.conv %x, %w {strides = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4}
      : (tensor<1x4x16x16xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0, %1, %2, %3 : tensor<1x4x16x16xf32>, tensor<1x4x8x8xf32>, tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>
}
