// RUN: dlc-opt %s -split-input-file -verify-diagnostics
// What the dlc dialect refuses: each attribute has one type and one place.

// expected-error @+1 {{'dlc.kind' is a #dlc<kind ...> (input, param, output, arena)}}
func.func @infer(%x: tensor<4xf32> {dlc.kind = "input"}) attributes {dlc.entry} {
  return
}

// -----

// expected-error @+1 {{argument #0: 'dlc.trainable' belongs on a parameter}}
func.func @infer(%x: tensor<4xf32> {dlc.kind = #dlc<kind input>, dlc.trainable = true}) attributes {dlc.entry} {
  return
}

// -----

// expected-error @+1 {{argument #0: 'dlc.init' is a float}}
func.func @infer(%x: tensor<4xf32> {dlc.kind = #dlc<kind param>, dlc.init = "zeros"}) attributes {dlc.entry} {
  return
}

// -----

// expected-error @+1 {{argument #0: 'dlc.name' is a string}}
func.func @infer(%x: tensor<4xf32> {dlc.kind = #dlc<kind input>, dlc.name = 3 : i64}) attributes {dlc.entry} {
  return
}

// -----

// expected-error @+1 {{argument #0: 'dlc.tensor_type' is a ranked tensor type}}
func.func @infer(%x: memref<4xi8> {dlc.kind = #dlc<kind input>, dlc.tensor_type = i4}) attributes {dlc.entry} {
  return
}

// -----

// expected-error @+1 {{argument #0: 'dlc.updates_param' is not an attribute of arguments}}
func.func @infer(%x: tensor<4xf32> {dlc.updates_param}) attributes {dlc.entry} {
  return
}

// -----

// expected-error @+1 {{result #0: 'dlc.kind' of a result is #dlc<kind output>}}
func.func @infer(%x: tensor<4xf32>) -> (tensor<4xf32> {dlc.kind = #dlc<kind param>}) attributes {dlc.entry} {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{'dlc.arena_bytes' belongs on an entry point (dlc.entry)}}
func.func @helper() attributes {dlc.arena_bytes = 64 : i64} {
  return
}

// -----

// expected-error @+1 {{'dlc.arena_bytes' is a byte count (>= 0), not -1}}
func.func @infer() attributes {dlc.entry, dlc.arena_bytes = -1 : i64} {
  return
}

// -----

// expected-error @+1 {{'dlc.parallel_trips' is an iteration count (> 0), not 0}}
func.func private @body() attributes {dlc.parallel_trips = 0 : i64} {
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'dlc.parallel' marks loops only}}
  %c0 = arith.constant {dlc.parallel} 0 : index
  return
}

// -----

// expected-error @+1 {{'dlc.entry' is a unit attribute}}
func.func @infer() attributes {dlc.entry = "yes"} {
  return
}

// -----

// expected-error @+1 {{has the unknown attribute 'dlc.kernel'}}
func.func private @k0() attributes {dlc.kernel} {
  return
}

// -----

// expected-error @+1 {{argument #0: 'dlc.index_range' belongs on an input}}
func.func @infer(%x: tensor<4xi64> {dlc.kind = #dlc<kind param>, dlc.index_range = array<i64: 0, 4>, dlc.index_use = "Gather"}) attributes {dlc.entry} {
  return
}

// -----

// expected-error @+1 {{argument #0: 'dlc.index_range' is the empty range [4, 4)}}
func.func @infer(%x: tensor<4xi64> {dlc.kind = #dlc<kind input>, dlc.index_range = array<i64: 4, 4>, dlc.index_use = "Gather"}) attributes {dlc.entry} {
  return
}

// -----

// expected-error @+1 {{argument #0: 'dlc.index_range' is array<i64: lo, hi> or array<i64: lo, hi, ignore>}}
func.func @infer(%x: tensor<4xi64> {dlc.kind = #dlc<kind input>, dlc.index_range = array<i64: 4>, dlc.index_use = "Gather"}) attributes {dlc.entry} {
  return
}

// -----

// expected-error @+1 {{argument #0: 'dlc.index_range' needs 'dlc.index_use' beside it}}
func.func @infer(%x: tensor<4xi64> {dlc.kind = #dlc<kind input>, dlc.index_range = array<i64: 0, 4>}) attributes {dlc.entry} {
  return
}

// -----

func.func @negative_bucket(%g: tensor<4xf32>) {
  // expected-error @+1 {{'dlc.grad_reduce_start' op bucket -1 is negative}}
  dlc.grad_reduce_start -1, %g : tensor<4xf32>
  return
}

// -----

func.func @mixed_types(%a: tensor<4xf32>, %b: tensor<4xf64>) {
  // expected-error @+1 {{'dlc.grad_reduce_start' op gradient #1 is 'tensor<4xf64>', gradient #0 'tensor<4xf32>': a bucket holds one element type}}
  dlc.grad_reduce_start 0, %a, %b : tensor<4xf32>, tensor<4xf64>
  return
}

// -----

func.func @integer_gradient(%a: tensor<4xi64>) {
  // expected-error @+1 {{'dlc.grad_reduce_start' op gradient #0 has element type 'i64'; gradients are floats}}
  dlc.grad_reduce_start 0, %a : tensor<4xi64>
  return
}

// -----

func.func @tensor_and_memref(%a: tensor<4xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{'dlc.grad_reduce_start' op gradient #1 is 'memref<4xf32>': a bucket is all ranked tensors or all memrefs}}
  dlc.grad_reduce_start 0, %a, %b : tensor<4xf32>, memref<4xf32>
  return
}

// -----

func.func @strided(%a: memref<4xf32, strided<[2]>>) {
  // expected-error @+1 {{'dlc.grad_reduce_start' op gradient #0 is 'memref<4xf32, strided<[2]>>': buffers must be contiguous (identity layout)}}
  dlc.grad_reduce_start 0, %a : memref<4xf32, strided<[2]>>
  return
}

// -----

func.func @wait_results(%a: tensor<4xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'dlc.grad_reduce_wait' op expected one result per gradient, of its type (2 gradients, 1 results)}}
  %r = dlc.grad_reduce_wait 0, %a, %b : tensor<4xf32>, tensor<2xf32> -> tensor<4xf32>
  return
}

// -----

func.func @wait_in_place(%a: memref<4xf32>) {
  // expected-error @+1 {{'dlc.grad_reduce_wait' op on memrefs the reduction is written in place: expected no results, got 1}}
  %r = dlc.grad_reduce_wait 0, %a : memref<4xf32> -> tensor<4xf32>
  return
}
