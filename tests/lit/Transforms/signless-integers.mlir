// RUN: dlc-opt %s --dlc-signless-integers | FileCheck %s

// The bitcasts the lowering put around an unsigned division vanish with the ui8 types.
// CHECK-LABEL: func.func @div(%arg0: tensor<4xi8>, %arg1: tensor<4xi8>) -> tensor<4xi8>
// CHECK-NOT: tensor.bitcast
// CHECK: arith.divui %{{.*}}, %{{.*}} : i8
// CHECK: return %{{.*}} : tensor<4xi8>
#id = affine_map<(d0) -> (d0)>
func.func @div(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = tensor.bitcast %a : tensor<4xui8> to tensor<4xi8>
  %1 = tensor.bitcast %b : tensor<4xui8> to tensor<4xi8>
  %2 = tensor.empty() : tensor<4xi8>
  %3 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%0, %1 : tensor<4xi8>, tensor<4xi8>) outs(%2 : tensor<4xi8>) {
  ^bb0(%x: i8, %y: i8, %o: i8):
    %q = arith.divui %x, %y : i8
    linalg.yield %q : i8
  } -> tensor<4xi8>
  %4 = tensor.bitcast %3 : tensor<4xi8> to tensor<4xui8>
  return %4 : tensor<4xui8>
}

// A ui8 constant keeps its bytes: 255 reads as -1 in i8.
// CHECK-LABEL: func.func @constant() -> tensor<2xi8>
// CHECK: arith.constant dense<[1, -1]> : tensor<2xi8>
func.func @constant() -> tensor<2xui8> {
  %c = arith.constant dense<[1, 255]> : tensor<2xui8>
  return %c : tensor<2xui8>
}

// An entry point's unsigned argument and result keep their type for the manifest; a
// signed one needs none.
// CHECK-LABEL: func.func @infer(%arg0: tensor<4xi8> {dlc.tensor_type = tensor<4xui8>}, %arg1: tensor<4xi32>) -> (tensor<4xi8> {dlc.tensor_type = tensor<4xui8>})
func.func @infer(%a: tensor<4xui8>, %b: tensor<4xi32>) -> tensor<4xui8> attributes {dlc.entry} {
  return %a : tensor<4xui8>
}
