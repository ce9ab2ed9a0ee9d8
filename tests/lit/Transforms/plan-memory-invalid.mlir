// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-plan-memory))" -verify-diagnostics

func.func @dynamic(%n: index) attributes {dlc.entry} {
  // expected-error @+1 {{cannot be planned into the arena: it must be static, have an identity layout and sit at the top level of the entry point}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

func.func @nested(%n: index) attributes {dlc.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    // expected-error @+1 {{cannot be planned into the arena}}
    %a = memref.alloc() : memref<4xf32>
  }
  return
}
