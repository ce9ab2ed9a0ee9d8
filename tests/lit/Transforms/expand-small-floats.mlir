// RUN: dlc-opt %s --dlc-expand-small-floats | FileCheck %s --check-prefix=EXPAND
// RUN: dlc-opt %s --dlc-expand-small-floats --canonicalize | FileCheck %s

// After the expansion no conversion to or from an 8-bit float is left, only bitcasts.
// EXPAND-NOT: arith.truncf {{.*}} to f8
// EXPAND-NOT: arith.extf %{{.*}} : f8
// EXPAND-NOT: arith.extf %{{.*}} : vector<4xf8

// The expansion of constants folds: each value is what the format's definition gives
// (round to nearest even, overflow to NaN in E4M3FN, to inf in E5M2, no -0 in FNUZ).
// CHECK-LABEL: func.func @trunc
// CHECK-DAG: arith.constant 3.125000e-01 : f8E4M3FN
// CHECK-DAG: arith.constant 4.480000e+02 : f8E4M3FN
// CHECK-DAG: arith.constant 0x7F : f8E4M3FN
// CHECK-DAG: arith.constant 0.000000e+00 : f8E4M3FNUZ
// CHECK-DAG: arith.constant 0x7C : f8E5M2
// CHECK-DAG: arith.constant 0.000000e+00 : f8E5M2
// CHECK-DAG: arith.constant 6.000000e+00 : f4E2M1FN
func.func @trunc() -> (f8E4M3FN, f8E4M3FN, f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2, f4E2M1FN) {
  %a = arith.constant 0.3 : f32     // 1.25 * 2^-2 is the nearest
  %b = arith.constant 464.0 : f32   // halfway between 448 and 480 (not finite): even, 448
  %c = arith.constant 470.0 : f32   // past the halfway point: overflow, NaN
  %d = arith.constant -0.0001 : f32 // below half the smallest subnormal: +0 (there is no -0)
  %e = arith.constant 1.0e6 : f32
  %f = arith.constant 1.0e-6 : f32
  %g = arith.constant 100.0 : f32   // E2M1 has no inf or NaN: saturates at 6
  %0 = arith.truncf %a : f32 to f8E4M3FN
  %1 = arith.truncf %b : f32 to f8E4M3FN
  %2 = arith.truncf %c : f32 to f8E4M3FN
  %3 = arith.truncf %d : f32 to f8E4M3FNUZ
  %4 = arith.truncf %e : f32 to f8E5M2
  %5 = arith.truncf %f : f32 to f8E5M2
  %6 = arith.truncf %g : f32 to f4E2M1FN
  return %0, %1, %2, %3, %4, %5, %6 : f8E4M3FN, f8E4M3FN, f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2, f4E2M1FN
}

// 0x5A in E4M3FN is 2^(11-7) * 1.25; 0x03 is the subnormal 3 * 2^-9; 0x80 in E5M2FNUZ is NaN.
// CHECK-LABEL: func.func @ext
// CHECK-DAG: arith.constant 2.000000e+01 : f32
// CHECK-DAG: arith.constant 0.005859375 : f32
// CHECK-DAG: arith.constant 0x7FC00000 : f32
func.func @ext() -> (f32, f32, f32) {
  %c0 = arith.constant 0x5A : i8
  %c1 = arith.constant 0x03 : i8
  %c2 = arith.constant 0x80 : i8
  %h0 = arith.bitcast %c0 : i8 to f8E4M3FN
  %h1 = arith.bitcast %c1 : i8 to f8E4M3FN
  %h2 = arith.bitcast %c2 : i8 to f8E5M2FNUZ
  %0 = arith.extf %h0 : f8E4M3FN to f32
  %1 = arith.extf %h1 : f8E4M3FN to f32
  %2 = arith.extf %h2 : f8E5M2FNUZ to f32
  return %0, %1, %2 : f32, f32, f32
}

// Vectors expand element-wise, to f16 through f32.
// EXPAND-LABEL: func.func @ext_vector
// EXPAND: arith.bitcast %{{.*}} : vector<4xf8E5M2> to vector<4xi8>
// EXPAND: arith.truncf %{{.*}} : vector<4xf32> to vector<4xf16>
func.func @ext_vector(%x: vector<4xf8E5M2>) -> vector<4xf16> {
  %0 = arith.extf %x : vector<4xf8E5M2> to vector<4xf16>
  return %0 : vector<4xf16>
}
