#ifndef DLC_ABI_OPS
#define DLC_ABI_OPS

include "dialects/Abi/AbiDialect.td"
include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Abi_Op<string mnemonic, list<Trait> traits = []> : Op<Abi_Dialect, mnemonic, traits>;

def Abi_GradReduceStartOp : Abi_Op<"grad_reduce_start", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
    DeclareOpInterfaceMethods<BufferizableOpInterface,
                              ["bufferizesToMemoryRead", "bufferizesToMemoryWrite", "getAliasingValues",
                               "bufferize"]>]> {
  let summary = "hands a bucket of finished gradients to the runtime's data-parallel reduction";
  let description = [{
    Placed by `dlc-build-train-step` in `train_step` right after the backward pass has
    computed the last gradient of bucket `bucket`, so that the runtime can average the
    bucket across data-parallel ranks while the rest of the backward pass runs. The op
    only reads the gradients: the runtime copies them out before the call returns. The
    averaged values come back through the `dlc.grad_reduce_wait` of the same bucket,
    which must follow. In one process (no reduction bound) the call does nothing.
    Every gradient of a bucket has the same element type; on tensors before
    bufferization, on contiguous memrefs after.

    ```mlir
    dlc.grad_reduce_start 0, %gw, %gb : tensor<784x10xf32>, tensor<10xf32>
    ```
  }];
  let arguments = (ins I64Attr:$bucket, Variadic<AnyShaped>:$grads);
  let assemblyFormat = "$bucket `,` $grads attr-dict `:` type($grads)";
  let hasVerifier = 1;
}

def Abi_GradReduceWaitOp : Abi_Op<"grad_reduce_wait", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
    DeclareOpInterfaceMethods<BufferizableOpInterface,
                              ["bufferizesToMemoryRead", "bufferizesToMemoryWrite", "getAliasingValues",
                               "bufferize"]>]> {
  let summary = "the averaged gradients of a bucket, once the runtime's reduction of it is done";
  let description = [{
    Waits for the reduction that `dlc.grad_reduce_start` of the same bucket began and
    yields the gradients averaged over the ranks (on tensors: results of the operands'
    types; on memrefs, after bufferization: written into the operands in place). The
    optimizer's updates and gradient clipping read these results, never the local
    gradients. In one process the values are the operands, unchanged.

    ```mlir
    %r:2 = dlc.grad_reduce_wait 0, %gw, %gb : tensor<784x10xf32>, tensor<10xf32>
             -> tensor<784x10xf32>, tensor<10xf32>
    ```
  }];
  let arguments = (ins I64Attr:$bucket, Variadic<AnyShaped>:$grads);
  let results = (outs Variadic<AnyRankedTensor>:$reduced);
  let assemblyFormat = "$bucket `,` $grads attr-dict `:` type($grads) (`->` type($reduced)^)?";
  let hasVerifier = 1;
}

#endif // DLC_ABI_OPS
