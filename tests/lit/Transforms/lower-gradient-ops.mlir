// RUN: dlc-opt %s -split-input-file --dlc-lower-graph-to-linalg | FileCheck %s
// The gradient ops' lowerings: pooling gradients gather from the windows covering each
// input element (one elementwise generic when the windows tile the input), slice_grad
// inserts into zeros, gather_grad scatter-adds in a loop nest.

// CHECK-LABEL: func @avg_pool_grad_overlapping
// CHECK: %[[COUNTS:.*]] = arith.constant dense<{{.*}}> : tensor<1x1x4x4xf32>
// CHECK: %[[SHARE:.*]] = linalg.generic {{.*}} ins(%arg0, %[[COUNTS]] : tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>)
// CHECK: arith.divf
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.remui
// CHECK: tensor.extract %[[SHARE]]
// CHECK: arith.select
// CHECK: arith.addf
func.func @avg_pool_grad_overlapping(%dy: tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32> {
  %0 = graph.avg_pool_grad %dy {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>,
      dilations = array<i64: 1, 1>, count_include_pad = false} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  return %0 : tensor<1x2x8x8xf32>
}

// -----

// Windows that tile the input: every count is 4, read through floordiv maps.
// CHECK: #[[TILED:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 floordiv 2, d3 floordiv 2)>
// CHECK-LABEL: func @avg_pool_grad_tiled
// CHECK: arith.constant dense<4.000000e+00> : tensor<1x1x2x2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[TILED]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-NOT: reduction
func.func @avg_pool_grad_tiled(%dy: tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32> {
  %0 = graph.avg_pool_grad %dy {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// CHECK-LABEL: func @max_pool_grad_overlapping
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: tensor.extract %arg1
// CHECK: tensor.extract %arg2
// CHECK: arith.cmpf oeq
func.func @max_pool_grad_overlapping(%x: tensor<1x2x5x5xf32>, %y: tensor<1x2x2x2xf32>, %dy: tensor<1x2x2x2xf32>) -> tensor<1x2x5x5xf32> {
  %0 = graph.max_pool_grad %x, %y, %dy {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x5x5xf32>
}

// -----

// CHECK-LABEL: func @slice_grad_positive_steps
// CHECK: %[[ZEROS:.*]] = linalg.fill
// CHECK: tensor.insert_slice %arg0 into %[[ZEROS]][0, 2] [4, 4] [1, 2] : tensor<4x4xf32> into tensor<4x10xf32>
func.func @slice_grad_positive_steps(%ds: tensor<4x4xf32>) -> tensor<4x10xf32> {
  %0 = graph.slice_grad %ds {starts = array<i64: 0, 2>, steps = array<i64: 1, 2>} : (tensor<4x4xf32>) -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// A negative step: each input position finds its slice element k = (i - start) / step.
// CHECK-LABEL: func @slice_grad_negative_step
// CHECK: linalg.generic
// CHECK: arith.divsi
// CHECK: tensor.extract %arg0
// CHECK: arith.select
func.func @slice_grad_negative_step(%ds: tensor<3xf32>) -> tensor<7xf32> {
  %0 = graph.slice_grad %ds {starts = array<i64: 5>, steps = array<i64: -2>} : (tensor<3xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// CHECK-LABEL: func @gather_grad
// CHECK: %[[ZEROS:.*]] = linalg.fill
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZEROS]]) -> (tensor<100x16xf32>)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[RAW:.*]] = tensor.extract %arg1
// CHECK: arith.index_cast %[[RAW]]
// CHECK: arith.addf
// CHECK: tensor.insert
func.func @gather_grad(%de: tensor<2x7x16xf32>, %idx: tensor<2x7xi64>) -> tensor<100x16xf32> {
  %0 = graph.gather_grad %de, %idx {axis = 0 : i64} : (tensor<2x7x16xf32>, tensor<2x7xi64>) -> tensor<100x16xf32>
  return %0 : tensor<100x16xf32>
}

// -----

// CHECK-LABEL: func @gather_elements_grad
// CHECK: %[[ZEROS:.*]] = linalg.fill
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZEROS]]) -> (tensor<3x3xf32>)
// CHECK: scf.for
// CHECK: %[[RAW:.*]] = tensor.extract %arg1
// CHECK: arith.index_cast %[[RAW]]
// CHECK: arith.addf
// CHECK: tensor.insert
func.func @gather_elements_grad(%dy: tensor<3x2xf32>, %idx: tensor<3x2xi64>) -> tensor<3x3xf32> {
  %0 = graph.gather_elements_grad %dy, %idx {axis = 1 : i64} : (tensor<3x2xf32>, tensor<3x2xi64>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// Each padded position is folded back to the element it copies (mirrored past the ends).
// CHECK-LABEL: func @pad_grad_reflect
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.cmpi slt
// CHECK: arith.cmpi sgt
// CHECK: arith.addf
// CHECK: tensor.insert
func.func @pad_grad_reflect(%dp: tensor<5x8xf32>) -> tensor<3x4xf32> {
  %0 = graph.pad_grad %dp {pads = array<i64: 1, 2, 1, 2>, mode = "reflect"} : (tensor<5x8xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func @pad_grad_edge
// CHECK: scf.for
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.insert
func.func @pad_grad_edge(%dp: tensor<5x8xf32>) -> tensor<3x4xf32> {
  %0 = graph.pad_grad %dp {pads = array<i64: 1, 2, 1, 2>, mode = "edge"} : (tensor<5x8xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
