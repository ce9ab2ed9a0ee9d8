#ifndef DLC_ABI_DIALECT
#define DLC_ABI_DIALECT

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"

def Abi_Dialect : Dialect {
  let name = "dlc";
  let summary = "the contract between the passes, the artifact and the runtime";
  let description = [{
    The `dlc` dialect declares the attributes that carry meaning from one pass to the
    next and into the artifact's manifest: which functions are entry points,
    what each entry argument is (an input, a parameter, an output buffer, the arena), the
    names the runtime shows, which parameters train, the memory an entry needs, and which
    loops may run in parallel. The dialect verifies every `dlc.*` attribute wherever it
    appears (its type, and the op or argument it may sit on) and rejects unknown ones;
    passes read and write them only through the accessors of `dialects/Abi/AbiDialect.h`.
    Its two ops (`AbiOps.td`) are the points where compiled code calls the runtime during a
    train step: `dlc.grad_reduce_start` and `dlc.grad_reduce_wait`, data parallelism's
    gradient averaging.

    ```mlir
    func.func @infer(%x: tensor<1x4xf32> {dlc.kind = #dlc<kind input>, dlc.name = "x"},
                     %w: tensor<4x2xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w", dlc.trainable = true})
        -> (tensor<1x2xf32> {dlc.name = "y"}) attributes {dlc.entry} {
      %0 = graph.matmul %x, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
      return %0 : tensor<1x2xf32>
    }
    ```
  }];
  let cppNamespace = "::dlc::abi";
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
}

def Abi_ArgKind : I32EnumAttr<"ArgKind", "what an entry point's argument is", [
  I32EnumAttrCase<"input", 0>,
  I32EnumAttrCase<"param", 1>,
  I32EnumAttrCase<"output", 2>,
  I32EnumAttrCase<"arena", 3>
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::dlc::abi";
}

def Abi_ArgKindAttr : EnumAttr<Abi_Dialect, Abi_ArgKind, "kind"> {
  let summary = "the role of an entry point's argument";
  let description = [{
    `input`: data the caller passes per call. `param`: a parameter the runtime keeps
    between calls (weights, optimizer state, `optimizer.lr`, `optimizer.step`). `output`:
    after dlc-bufferize, the buffer a result is written to. `arena`: after dlc-plan-memory,
    the one scratch buffer of the entry point.

    ```mlir
    %w: memref<4x2xf32> {dlc.kind = #dlc<kind param>, dlc.name = "w"}
    ```
  }];
}

#endif // DLC_ABI_DIALECT
