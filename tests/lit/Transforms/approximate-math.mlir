// RUN: dlc-opt %s --dlc-approximate-math | FileCheck %s

// f32 exp, tanh, erf, expm1 and log1p, on vectors and scalars, become inline polynomials;
// log, f64 and other functions stay for libm.
// CHECK-LABEL: func @approximated
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK-NOT: math.expm1
// CHECK-NOT: math.log1p
// CHECK: math.fma {{.*}} : vector<16xf32>
// CHECK: arith.select
// CHECK: return
func.func @approximated(%v: vector<16xf32>, %s: f32) -> (vector<16xf32>, f32, vector<16xf32>, f32, f32) {
  %e = math.exp %v : vector<16xf32>
  %t = math.tanh %s : f32
  %r = math.erf %v : vector<16xf32>
  %m = math.expm1 %s : f32
  %l = math.log1p %s : f32
  return %e, %t, %r, %m, %l : vector<16xf32>, f32, vector<16xf32>, f32, f32
}

// CHECK-LABEL: func @kept
// CHECK: math.log %{{.*}} : vector<16xf32>
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.sin %{{.*}} : f32
func.func @kept(%v: vector<16xf32>, %d: f64, %s: f32) -> (vector<16xf32>, f64, f32) {
  %l = math.log %v : vector<16xf32>
  %e = math.exp %d : f64
  %n = math.sin %s : f32
  return %l, %e, %n : vector<16xf32>, f64, f32
}
