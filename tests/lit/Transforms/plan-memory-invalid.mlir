// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-plan-memory))" -verify-diagnostics

func.func @dynamic(%n: index) attributes {dlc.entry} {
  // expected-error @+1 {{cannot be planned into the arena: it must be static, have an identity layout and sit at the top level of the entry point}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

// (A static alloc in a loop body is planned before the loop: rnn-pipeline.mlir.)
func.func @nested(%c: i1) attributes {dlc.entry} {
  scf.if %c {
    // expected-error @+1 {{cannot be planned into the arena}}
    %a = memref.alloc() : memref<4xf32>
  }
  return
}
