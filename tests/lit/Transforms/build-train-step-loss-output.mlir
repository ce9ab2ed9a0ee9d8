// RUN: dlc-opt %s --dlc-build-train-step="loss-output=total optimizer=sgd" | FileCheck %s

// --loss-output: the loss is a scalar output the graph computes (as ONNX's
// SoftmaxCrossEntropyLoss imports). train_step differentiates it and takes no label of its
// own; eval_step returns it once, as "loss", followed by the other outputs.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %{{.*}}: tensor<4xi64> {dlc.kind = #dlc<kind input>, dlc.name = "t"}
// CHECK-NOT: dlc.name = "label"
// CHECK-SAME: -> (tensor<f32> {dlc.name = "loss"}, {{.*}}dlc.updates_param
// CHECK: graph.matmul
// CHECK-LABEL: func.func @eval_step
// CHECK-SAME: -> (tensor<f32> {dlc.name = "loss"}, tensor<4x2xf32> {dlc.name = "y"}) attributes {dlc.entry} {
// CHECK: return %{{.*}}, %{{.*}} : tensor<f32>, tensor<4x2xf32>{{$}}
func.func @infer(%x: tensor<4x3xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                 %t: tensor<4xi64> {dlc.kind = #dlc<kind input>, dlc.name = "t"},
                 %w: tensor<3x2xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"})
    -> (tensor<4x2xf32> {dlc.name = "y"}, tensor<f32> {dlc.name = "total"}) {
  %cls = graph.constant dense<[[0, 1]]> : tensor<1x2xi64>
  %y = graph.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %lp = graph.log_softmax %y {axis = 1} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %col = graph.reshape %t : (tensor<4xi64>) -> tensor<4x1xi64>
  %hit = graph.equal %col, %cls : (tensor<4x1xi64>, tensor<1x2xi64>) -> tensor<4x2xi1>
  %oh = graph.cast %hit : (tensor<4x2xi1>) -> tensor<4x2xf32>
  %sel = graph.mul %lp, %oh : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %sum = graph.reduce %sel {axes = array<i64: 0, 1>, keepdims = false, kind = "sum"} : (tensor<4x2xf32>) -> tensor<f32>
  %total = graph.neg %sum : (tensor<f32>) -> tensor<f32>
  return %y, %total : tensor<4x2xf32>, tensor<f32>
}
