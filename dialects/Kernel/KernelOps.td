#ifndef DLC_KERNEL_OPS
#define DLC_KERNEL_OPS

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def Kernel_Dialect : Dialect {
  let name = "kernel";
  let summary = "fusion groups: the ops that become one kernel";
  let description = [{
    What fusion produces from the graph dialect: `kernel.group` holds the graph ops that
    are generated as one kernel (one loop nest on CPU, one launch on CUDA). It is the
    single place where CPU and CUDA code generation meet.
  }];
  let cppNamespace = "::dlc::kernel";
}

class Kernel_Op<string mnemonic, list<Trait> traits = []> : Op<Kernel_Dialect, mnemonic, traits>;

def Kernel_GroupOp : Kernel_Op<"group", [IsolatedFromAbove, SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "a fused kernel: graph ops over explicit operands, yielding its results";
  let description = [{
    The region's block arguments stand for the operands, in order. `name` tells what the
    kernel computes (its root op and its fused epilogue) and names the generated function.

    ```mlir
    %y = kernel.group "matmul_add_relu" (%x, %w, %b) : (tensor<64x784xf32>, tensor<784x256xf32>, tensor<256xf32>) -> tensor<64x256xf32> {
    ^bb0(%a: tensor<64x784xf32>, %c: tensor<784x256xf32>, %d: tensor<256xf32>):
      %0 = graph.matmul %a, %c : (tensor<64x784xf32>, tensor<784x256xf32>) -> tensor<64x256xf32>
      %1 = graph.add %0, %d : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
      %2 = graph.relu %1 : (tensor<64x256xf32>) -> tensor<64x256xf32>
      kernel.yield %2 : tensor<64x256xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$name, Variadic<AnyType>:$inputs);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $name `(` $inputs `)` attr-dict `:` functional-type($inputs, $results) $body
  }];
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name, "::mlir::TypeRange":$resultTypes,
                                 "::mlir::ValueRange":$inputs)>];
}

def Kernel_YieldOp : Kernel_Op<"yield", [Pure, Terminator, HasParent<"GroupOp">, ReturnLike]> {
  let summary = "the results of a kernel.group";
  let description = [{
    ```mlir
    kernel.yield %0, %1 : tensor<4xf32>, tensor<4xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, ::mlir::ValueRange()); }]>];
}

#endif // DLC_KERNEL_OPS
