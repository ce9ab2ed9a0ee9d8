// RUN: dlc-opt %s -split-input-file --dlc-lower-graph-to-linalg | FileCheck %s

// The key (seed, counter, site) is mixed once outside the loops; each element hashes its
// row-major linear index from linalg.index, keeps the top 24 bits as a float in [0, 1)
// and compares it with the ratio.
// CHECK-LABEL: func @mask
// CHECK-DAG: %[[SEED:.*]] = tensor.extract %arg0[] : tensor<i64>
// CHECK-DAG: %[[STEP:.*]] = tensor.extract %arg1[] : tensor<i64>
// CHECK: arith.addi %[[SEED]]
// CHECK: linalg.generic {indexing_maps = [#{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<3x5xf32>)
// CHECK-DAG: %[[I0:.*]] = linalg.index 0 : index
// CHECK-DAG: %[[I1:.*]] = linalg.index 1 : index
// CHECK-DAG: arith.constant 5 : index
// CHECK: arith.index_castui %{{.*}} : index to i64
// CHECK: arith.muli %{{.*}}, %{{.*}} : i64
// CHECK: arith.shrui
// CHECK: arith.uitofp %{{.*}} : i64 to f32
// CHECK: arith.cmpf oge, %{{.*}}, %{{.*}} : f32
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK: linalg.yield
func.func @mask(%seed: tensor<i64>, %step: tensor<i64>) -> tensor<3x5xf32> {
  %0 = graph.dropout_mask %seed, %step {ratio = 0.2 : f64, site = 1 : i64} : (tensor<i64>, tensor<i64>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// The kept value is 1 / (1 - ratio) in the result's element type.
// CHECK-LABEL: func @scale_f64
// CHECK: linalg.generic
// CHECK: arith.constant 4.000000e+00 : f64
func.func @scale_f64(%seed: tensor<i64>, %step: tensor<i64>) -> tensor<8xf64> {
  %0 = graph.dropout_mask %seed, %step {ratio = 0.75 : f64, site = 0 : i64} : (tensor<i64>, tensor<i64>) -> tensor<8xf64>
  return %0 : tensor<8xf64>
}

// -----

// A dropout site that reaches lowering is the identity.
// CHECK-LABEL: func @site
// CHECK-NOT: linalg.generic
// CHECK: return %arg0
func.func @site(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.dropout %x {ratio = 0.5 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// An offset (data parallelism: rank * elements) is added to each element's index.
// CHECK-LABEL: func @offset
// CHECK: %[[OFF:.*]] = tensor.extract %arg2[] : tensor<i64>
// CHECK: linalg.generic
// CHECK: %[[I:.*]] = arith.index_castui %{{.*}} : index to i64
// CHECK-NEXT: arith.addi %[[I]], %[[OFF]] : i64
func.func @offset(%seed: tensor<i64>, %step: tensor<i64>, %off: tensor<i64>) -> tensor<3x5xf32> {
  %0 = graph.dropout_mask %seed, %step, %off {ratio = 0.25 : f64, site = 1 : i64} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}
