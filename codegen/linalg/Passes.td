#ifndef DLC_CODEGEN_LINALG_PASSES
#define DLC_CODEGEN_LINALG_PASSES

include "mlir/Pass/PassBase.td"

// The lowering both targets share: graph ops to linalg on tensors, then buffers in one
// planned arena.

//===----------------------------------------------------------------------===//
// Graph -> linalg
//===----------------------------------------------------------------------===//

def LowerGraphToLinalg : Pass<"dlc-lower-graph-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lowers every graph op to linalg, tensor, arith and math on tensors";
  let description = [{
    One `<Op>Lowering` pattern per graph op; broadcasting becomes indexing maps.

    ```mlir
    %1 = graph.relu %0 : (tensor<4xf32>) -> tensor<4xf32>
    // becomes
    %1 = linalg.generic {...} ins(%0 : tensor<4xf32>) outs(%e : tensor<4xf32>) { arith.maximumf ... }
    ```
  }];
  let dependentDialects = ["::dlc::abi::AbiDialect", "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect"];
  let options = [
    Option<"convBlockBytes", "conv-block-bytes", "int64_t", "0",
           "An f32 conv whose im2col matrix exceeds this many bytes runs as an scf.for over groups "
           "of images, each gathering only its own columns (which stay in cache) and multiplying "
           "them into its slice of the output; 0: one gather and one matmul for the whole batch">,
    Option<"depthwiseFlatLanes", "depthwise-flat-lanes", "int64_t", "0",
           "Vector lanes of the target: a 2-D depthwise conv with stride and dilation 1 runs over "
           "each channel's padded plane as one flat row (the padding columns computed, then "
           "dropped) where that takes fewer vectors of this many lanes than its output rows; "
           "0: always by output rows">,
  ];
}

def SignlessIntegers : Pass<"dlc-signless-integers", "mlir::ModuleOp"> {
  let summary = "Replaces unsigned integer types by signless ones after lowering to linalg";
  let description = [{
    ONNX's uint8 tensors are `ui8` in the graph dialect, so that the lowering can pick
    unsigned division, comparison, extension and conversion; it computes on signless
    values behind `tensor.bitcast`s. Bufferization and the LLVM lowering know only
    signless integers: this pass retypes every value, block argument, function type and
    dense constant from `uiN` to `iN` and drops the bitcasts that became no-ops. An entry
    point's unsigned argument or result first records its type in `dlc.tensor_type`, from
    which the artifact's manifest takes the dtype (u8).

    ```mlir
    %0 = tensor.bitcast %arg0 : tensor<4xui8> to tensor<4xi8>
    // becomes: uses of %arg0, itself now tensor<4xi8>
    ```
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def FuseElementwise : Pass<"dlc-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuses elementwise linalg producers into their consumers, but never into contractions";
  let description = [{
    Upstream elementwise fusion, restricted so that a contraction (a linalg op with a
    reduction loop and several inputs: matmul, conv) keeps its named form for the matmul
    micro-kernel, e.g. an im2col gather is not folded back into a direct convolution.

    ```mlir
    %1 = linalg.generic {...} ins(%x) { arith.addf }   // elementwise
    %2 = linalg.generic {...} ins(%1) { arith.maximumf } // elementwise
    // becomes one linalg.generic computing both
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FoldTransposedReads : Pass<"dlc-fold-transposed-reads", "mlir::func::FuncOp"> {
  let summary = "Makes copy-like linalg.generics and linalg.matmul read through a linalg.transpose to its input";
  let description = [{
    A linalg.generic that only yields its single input (an im2col gather, a copy) and
    reads the result of a linalg.transpose reads the transpose's input instead, with its
    indexing map permuted; the transpose is left for dead-code removal when unused. After
    inlining, the weight gradient's im2col of `transpose(x)` becomes the forward im2col
    of `x`, which CSE then shares.

    A linalg.matmul reads a transposed operand through its indexing map (`A` as K x M or
    `B` as N x K, one of the two), and `transpose(matmul(a, b))` becomes
    `matmul(b^T, a^T)` with the operands swapped when that leaves one transposed: a
    Linear layer's weight gradient `transpose(x^T dy)` is `dy^T x`, with neither
    transpose materialized.

    ```mlir
    %wt = linalg.transpose ins(%w : tensor<256x784xf32>) outs(%e : tensor<784x256xf32>) permutation = [1, 0]
    %y = linalg.matmul ins(%x, %wt : tensor<64x784xf32>, tensor<784x256xf32>) outs(%f : tensor<64x256xf32>)
    // becomes
    %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>,
                                        affine_map<(m, n, k) -> (m, n)>]
         ins(%x, %w : tensor<64x784xf32>, tensor<256x784xf32>) outs(%f : tensor<64x256xf32>)
    ```

    ```mlir
    %t = linalg.transpose ins(%x : tensor<2x3x5xf32>) outs(%e : tensor<3x2x5xf32>) permutation = [1, 0, 2]
    %c = linalg.generic {indexing_maps = [affine_map<(a, b, k, o) -> (a, b, o + k)>, ...]} ins(%t ...)
    // becomes
    %c = linalg.generic {indexing_maps = [affine_map<(a, b, k, o) -> (b, a, o + k)>, ...]} ins(%x ...)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

//===----------------------------------------------------------------------===//
// Buffers
//===----------------------------------------------------------------------===//

def DropArgumentResults : Pass<"dlc-drop-argument-results", "mlir::func::FuncOp"> {
  let summary = "Drops results marked dlc.updates_param that are the entry point's own arguments";
  let description = [{
    After bufferization, train_step returns each parameter it updated in place: the very
    argument buffer. Such results carry no data the caller lacks, so they are removed
    from the signature (upstream's drop-equivalent-buffer-results skips public functions).
    Every result left gets `dlc.kind = #dlc<kind output>`, which its out-parameter keeps.

    ```mlir
    func.func @train_step(%w: memref<4xf32>) -> (memref<f32>, memref<4xf32> {dlc.updates_param}) { ... return %loss, %w }
    // becomes
    func.func @train_step(%w: memref<4xf32>) -> (memref<f32> {dlc.kind = #dlc<kind output>}) { ... return %loss }
    ```
  }];
}

def RetypeEmptyArguments : Pass<"dlc-retype-empty-arguments", "mlir::func::FuncOp"> {
  let summary = "Gives the zero-size memref arguments of an entry point a one-element type";
  let description = [{
    ONNX allows empty tensors (a dim of 0: Shape with start > end, a Split part of size 0,
    CastLike's type-only input). The bare-pointer calling convention of the entry points
    refuses memrefs with a zero dim, so such an argument becomes `memref<1xT>` (still one
    pointer for the runtime to pass) and its uses read a zero-byte `memref.alloca` of the
    original type instead: an empty buffer holds no data to read or write. The argument's
    `dlc.tensor_type` keeps the shape the caller exchanges.

    ```mlir
    func.func @infer(%x: memref<2x0xf32>, %y: memref<2xf32>) attributes {dlc.entry} { ... uses %x ... }
    // becomes
    func.func @infer(%x: memref<1xf32> {dlc.tensor_type = tensor<2x0xf32>}, %y: memref<2xf32>) attributes {dlc.entry} {
      %e = memref.alloca() : memref<2x0xf32>
      ... uses %e ...
    }
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def PlanMemory : Pass<"dlc-plan-memory", "mlir::func::FuncOp"> {
  let summary = "Places every static allocation of an entry point in one arena, reusing bytes by liveness";
  let description = [{
    Runs on bufferized functions marked `dlc.entry`. Each `memref.alloc` becomes a
    `memref.view` into a new trailing `memref<Nxi8>` argument (the arena); buffers whose
    live ranges do not overlap share bytes. The arena size is recorded as the function
    attribute `dlc.arena_bytes`. A static allocation inside an `scf.for` body (the
    scratch of a recurrent step) is placed once, before the loop: bufferization carries
    nothing across iterations outside the loop's iteration arguments.

    ```mlir
    %0 = memref.alloc() : memref<64x256xf32>
    // becomes
    %0 = memref.view %arena[%c0][] : memref<65536xi8> to memref<64x256xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"];
  let options = [
    Option<"alignment", "alignment", "int64_t", "64", "Byte alignment of every buffer in the arena">,
  ];
}

def LowerCopies : Pass<"dlc-lower-copies", "mlir::func::FuncOp"> {
  let summary = "Turns memref.copy into linalg.copy so copies become loops, not runtime calls";
  let description = [{
    Bufferization inserts `memref.copy`, which LLVM lowering turns into a call to
    MLIR's C runner library for strided layouts; artifacts link no such library.

    ```mlir
    memref.copy %a, %b : memref<4xf32, strided<[2]>> to memref<4xf32>
    // becomes
    linalg.copy ins(%a : memref<4xf32, strided<[2]>>) outs(%b : memref<4xf32>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

//===----------------------------------------------------------------------===//
// Toward LLVM
//===----------------------------------------------------------------------===//

def LowerGradReduce : Pass<"dlc-lower-grad-reduce", "mlir::ModuleOp"> {
  let summary = "Turns dlc.grad_reduce_start/wait on buffers into calls the runtime answers";
  let description = [{
    Each op becomes a call of `dlc_grad_reduce_start` or `dlc_grad_reduce_wait(bucket,
    dtype, count, buffers, elements)`: the bucket's number, its dlc_dtype, and two arrays
    on the stack, the buffers' addresses and their element counts. The artifact defines
    both functions (codegen/HostObject.cpp): each forwards to the runtime's reduction
    when the process has one bound, else returns. The buffers are device addresses in a
    CUDA artifact's host code.

    ```mlir
    dlc.grad_reduce_start 0, %gw, %gb : memref<784x10xf32>, memref<10xf32>
    // becomes (abridged)
    %ptrs = llvm.alloca %c2 x !llvm.ptr : (i64) -> !llvm.ptr
    %a = memref.extract_aligned_pointer_as_index %gw : memref<784x10xf32> -> index
    ...
    llvm.call @dlc_grad_reduce_start(%c0, %c1_i32, %c2, %ptrs, %counts) : (i64, i32, i64, !llvm.ptr, !llvm.ptr) -> ()
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def ExpandSmallFloats : Pass<"dlc-expand-small-floats"> {
  let summary = "Expands conversions from and to the 8-bit and smaller float types into integer and f32 ops";
  let description = [{
    LLVM has no f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ or f4E2M1FN: it stores them as
    i8. This pass rewrites `arith.extf` from and `arith.truncf` to any such type (scalar or
    vector) as integer and f32 arithmetic derived from the type's APFloat semantics:
    decoding rebuilds the f32 fields (subnormals as mantissa times a power of two), encoding
    rounds to nearest even by counting quanta of the target's exponent, and codes past the
    largest finite value overflow to the format's infinity, else its NaN, else the largest
    value (saturating formats). Only `arith.bitcast`, loads and stores of the narrow type
    remain, which LLVM lowers as i8.

    ```mlir
    %y = arith.truncf %x : f32 to f8E4M3FN
    // becomes (abridged)
    %bits = arith.bitcast %x : f32 to i32
    ...
    %q = math.roundeven %scaled : f32
    ...
    %y = arith.bitcast %code8 : i8 to f8E4M3FN
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::math::MathDialect"];
}

#endif // DLC_CODEGEN_LINALG_PASSES
