#ifndef DLC_COMPILER_PASSES
#define DLC_COMPILER_PASSES

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Training
//===----------------------------------------------------------------------===//

def BuildTrainStep : Pass<"dlc-build-train-step", "mlir::ModuleOp"> {
  let summary = "Adds train_step and eval_step entry points: loss, reverse-mode autodiff, optimizer update";
  let description = [{
    From `@infer` (inputs, then parameters marked `dlc.kind = "param"`), builds
    `@eval_step(inputs, label, params) -> (loss, outputs)` and
    `@train_step(inputs, label, params) -> loss`. train_step differentiates the loss with
    respect to every trainable parameter (each op's GradientOpInterface rule, gradients
    summed where a value fans out, only ops between the parameters and the loss), then
    updates the parameters, the optimizer state and the step counter in place
    (`bufferization.materialize_in_destination` into their arguments). Optimizer state
    slots, `optimizer.lr` and `optimizer.step` become new parameters of every entry point,
    with `dlc.init` telling their initial value. In train_step each `graph.dropout`
    becomes `x * graph.dropout_mask(rng.seed, optimizer.step)` (`rng.seed` is one more
    parameter when the graph has dropout); infer and eval_step keep the identity.

    ```mlir
    func.func @infer(%x: tensor<4x3xf32> {dlc.kind = "input"}, %w: tensor<3x2xf32> {dlc.kind = "param"}) -> tensor<4x2xf32>
    // gains
    func.func @train_step(%x: ..., %label: tensor<4xi64>, %w: ..., %w_m: ..., %lr: tensor<f32>, %step: tensor<i64>) -> tensor<f32>
    ```
  }];
  let dependentDialects = ["::dlc::graph::GraphDialect", "::mlir::bufferization::BufferizationDialect"];
  let options = [
    Option<"loss", "loss", "std::string", "\"cross_entropy\"",
           "mse, l1, bce, bce_logits, cross_entropy or nll, applied to the first output">,
    Option<"lossOutput", "loss-output", "std::string", "\"\"",
           "Train this scalar output of the graph instead of appending a loss">,
    Option<"label", "label", "std::string", "\"label\"", "Name of the label input">,
    Option<"optimizer", "optimizer", "std::string", "\"sgd\"",
           "sgd, momentum, nesterov, adam, adamw, rmsprop or adagrad">,
    Option<"lr", "lr", "double", "0.01", "Initial learning rate (optimizer.lr)">,
    Option<"momentum", "momentum", "double", "0.9", "Momentum of momentum and nesterov">,
    Option<"weightDecay", "weight-decay", "double", "0.0", "L2 penalty (decoupled for adamw)">,
    Option<"beta1", "beta1", "double", "0.9", "Adam's beta1">,
    Option<"beta2", "beta2", "double", "0.999", "Adam's beta2">,
    Option<"epsilon", "epsilon", "double", "-1.0", "Denominator epsilon (default: PyTorch's per optimizer)">,
    Option<"alpha", "alpha", "double", "0.99", "RMSProp's smoothing constant">,
    Option<"clipGradNorm", "clip-grad-norm", "double", "0.0", "Clip the global gradient norm to this (0: off)">,
    Option<"freeze", "freeze", "std::string", "\"\"",
           "Parameters whose name this ECMAScript regex matches anywhere (re.search) do not train">,
    Option<"labelSmoothing", "label-smoothing", "double", "0.0",
           "cross_entropy's label smoothing in [0, 1], as torch.nn.CrossEntropyLoss">,
  ];
}

//===----------------------------------------------------------------------===//
// Graph -> kernel
//===----------------------------------------------------------------------===//

def FuseKernels : Pass<"dlc-fuse-kernels", "mlir::func::FuncOp"> {
  let summary = "Groups graph ops into kernel.group regions, one per generated kernel";
  let description = [{
    Every op that computes (matmul, conv, pooling, normalization, reductions, data
    movement, elementwise math) starts a kernel; an elementwise op joins the kernel of
    its producer when it is that producer's only user and does not broadcast the result
    to a larger shape. So bias adds, activations and batch-norm epilogues join the
    matmul or conv before them, and elementwise chains become one kernel. Shape-only
    ops (reshape) and constants stay outside.

    ```mlir
    %0 = graph.matmul %x, %w : ...
    %1 = graph.add %0, %b : ...
    %2 = graph.relu %1 : ...
    // becomes
    %2 = kernel.group "matmul_add_relu" (%x, %w, %b) : (...) -> ... { ... }
    ```
  }];
  let dependentDialects = ["::dlc::kernel::KernelDialect"];
  let options = [
    Option<"maxOpsPerKernel", "max-ops-per-kernel", "unsigned", "16",
           "Largest number of graph ops fused into one kernel">,
  ];
}

def OutlineKernels : Pass<"dlc-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Turns every kernel.group into a private function and a call";
  let description = [{
    The host code of an entry point becomes a sequence of calls, one per kernel; each
    kernel function is lowered and fused on its own.

    ```mlir
    %2 = kernel.group "matmul_add_relu" (%x, %w, %b) : ... { ... }
    // becomes
    %2 = func.call @k0_matmul_add_relu(%x, %w, %b) : ...
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

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
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect"];
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
  let summary = "Makes copy-like linalg.generics read through a linalg.transpose to its input";
  let description = [{
    A linalg.generic that only yields its single input (an im2col gather, a copy) and
    reads the result of a linalg.transpose reads the transpose's input instead, with its
    indexing map permuted; the transpose is left for dead-code removal when unused. After
    inlining, the weight gradient's im2col of `transpose(x)` becomes the forward im2col
    of `x`, which CSE then shares.

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

    ```mlir
    func.func @train_step(%w: memref<4xf32>) -> (memref<f32>, memref<4xf32> {dlc.updates_param}) { ... return %loss, %w }
    // becomes
    func.func @train_step(%w: memref<4xf32>) -> memref<f32> { ... return %loss }
    ```
  }];
}

def SignlessIntegers : Pass<"dlc-signless-integers", "mlir::ModuleOp"> {
  let summary = "Replaces unsigned integer types by signless ones after lowering to linalg";
  let description = [{
    ONNX's uint8 tensors are `ui8` in the graph dialect, so that the lowering can pick
    unsigned division, comparison, extension and conversion; it computes on signless
    values behind `tensor.bitcast`s. Bufferization and the LLVM lowering know only
    signless integers: this pass retypes every value, block argument, function type and
    dense constant from `uiN` to `iN` and drops the bitcasts that became no-ops. The
    artifact's manifest, read from the graph-level signature, keeps the dtype u8.

    ```mlir
    %0 = tensor.bitcast %arg0 : tensor<4xui8> to tensor<4xi8>
    // becomes: uses of %arg0, itself now tensor<4xi8>
    ```
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def RetypeEmptyArguments : Pass<"dlc-retype-empty-arguments", "mlir::func::FuncOp"> {
  let summary = "Gives the zero-size memref arguments of an entry point a one-element type";
  let description = [{
    ONNX allows empty tensors (a dim of 0: Shape with start > end, a Split part of size 0,
    CastLike's type-only input). The bare-pointer calling convention of the entry points
    refuses memrefs with a zero dim, so such an argument becomes `memref<1xT>` (still one
    pointer for the runtime to pass) and its uses read a zero-byte `memref.alloca` of the
    original type instead: an empty buffer holds no data to read or write.

    ```mlir
    func.func @infer(%x: memref<2x0xf32>, %y: memref<2xf32>) attributes {dlc.entry} { ... uses %x ... }
    // becomes
    func.func @infer(%x: memref<1xf32>, %y: memref<2xf32>) attributes {dlc.entry} {
      %e = memref.alloca() : memref<2x0xf32>
      ... uses %e ...
    }
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
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

def VectorizeMatmul : Pass<"dlc-vectorize-matmul", "mlir::func::FuncOp"> {
  let summary = "Lowers f32 linalg.matmul on memrefs to a register-blocked vector micro-kernel";
  let description = [{
    Each `MR x (2 * vector-width)` block of C lives in vector registers for the whole K
    loop (scf.for iter_args): per k, two vectors of B are loaded and every row's A element
    is broadcast into a `vector.fma`. Column blocks are the outer loop so that the K x NR
    panel of B stays in cache while A streams. Leftover rows use 1-row tiles, leftover
    columns single-vector tiles and then scalar loops.

    ```mlir
    linalg.matmul ins(%a, %b : memref<64x784xf32>, memref<784x256xf32>) outs(%c : memref<64x256xf32>)
    // becomes
    scf.for %j = %c0 to %c256 step %c32 {
      scf.for %i = %c0 to %c64 step %c8 {
        %acc = vector.load %c[%i, %j] : memref<64x256xf32>, vector<16xf32>
        ... scf.for %k ... iter_args(%acc0 = %acc, ...) { vector.fma ... }
      }
    }
    ```
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect"];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", "16", "f32 lanes per vector register (16: AVX-512, 8: AVX2)">,
    Option<"rowsPerTile", "rows", "int64_t", "8", "Rows of C per register block">,
  ];
}

def VectorizeElementwise : Pass<"dlc-vectorize-elementwise", "mlir::func::FuncOp"> {
  let summary = "Lowers linalg ops on memrefs read along their innermost (parallel) loop to vector loops";
  let description = [{
    Elementwise kernels, copies (im2col, col2im, pads, linalg.copy), fills, broadcasts,
    pooling windows and their gradients: the innermost loop dim must be parallel, and every
    operand's last index must be that dim plus terms of the others (contiguous), twice it
    (stride 2: two vectors, every other lane), `d floordiv c` plus others (each element
    repeated over c lanes), or free of it (a scalar broadcast to every lane); only the
    last index may use that dim, and the output must be contiguous. The outer parallel
    dims become scf.for loops, the innermost a loop of `vector-width` lanes with masked
    loads and stores for the leftover lanes, and reduction dims loops inside it that carry
    the output vector; the body is cloned on vectors. A reduction along the innermost
    dim whose body combines the output with addf/addi/maximumf/minimumf/maxnumf/minnumf
    keeps vector-width partial results across its reduction loops (the masked tail
    selected in) and combines them into the output at the end. Ops with linalg.index,
    integer division or other access patterns are left to the loop lowering. The
    outermost loop of an op with at least
    `parallel-threshold` iterations is marked `dlc.parallel`.

    ```mlir
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%a : memref<4x20xf32>) outs(%b : memref<4x20xf32>) { arith.negf ... }
    // becomes
    scf.for %i = %c0 to %c4 step %c1 {
      scf.for %j = %c0 to %c16 step %c16 {
        %v = vector.load %a[%i, %j] : memref<4x20xf32>, vector<16xf32>
        %n = arith.negf %v : vector<16xf32>
        vector.store %n, %b[%i, %j] : memref<4x20xf32>, vector<16xf32>
      }
      %m = vector.constant_mask [4] : vector<16xi1>
      %t = vector.maskedload %a[%i, %c16], %m, %zero ...
      ...
    }
    ```
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect", "::mlir::scf::SCFDialect",
                           "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", "16", "Lanes per vector">,
    Option<"parallelThreshold", "parallel-threshold", "int64_t", "65536",
           "Iterations from which the outermost loop is marked dlc.parallel">,
  ];
}

def OutlineParallelLoops : Pass<"dlc-outline-parallel-loops", "mlir::ModuleOp"> {
  let summary = "Outlines scf.for loops marked dlc.parallel into bodies run by the runtime's thread pool";
  let description = [{
    A loop marked `dlc.parallel` (the micro-kernel's column strips, the batches of a
    batch_matmul) whose iterations are independent becomes a private function
    `@dlc_par_body_N(%begin, %end, captured memrefs...)` running iterations
    [begin, end), and a call of it over all iterations. The function carries
    `dlc.parallel_trips`; after lowering to LLVM, `dlc-lower-parallel-calls` turns the
    call into `dlc_run_parallel(trips, trampoline, ctx)`, which hands the range to the
    runtime's `dlc_parallel_for`. Loops that capture anything but constants and
    identity-layout static memrefs stay serial.

    ```mlir
    scf.for %j = %c0 to %c256 step %c32 { ... } {dlc.parallel}
    // becomes
    call @dlc_par_body_0(%c0, %c8, %a, %b, %c) : (index, index, memref<...>, ...) -> ()
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect", "::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect"];
}

def LowerParallelCalls : Pass<"dlc-lower-parallel-calls", "mlir::ModuleOp"> {
  let summary = "Turns calls of outlined parallel bodies into dlc_run_parallel calls with a pointer context";
  let description = [{
    Runs on the LLVM dialect. For every `llvm.func` with `dlc.parallel_trips = N` it adds
    a trampoline `(i64 begin, i64 end, ptr ctx)` that loads the body's pointer arguments
    from `ctx`, and replaces each call by storing the pointers in a stack array and calling
    `dlc_run_parallel(N, trampoline, ctx)` (defined by the artifact: the runtime's
    `dlc_parallel_for` when present, else a serial call).

    ```mlir
    llvm.call @dlc_par_body_0(%c0, %c8, %a, %b, %c)
    // becomes
    llvm.call @dlc_run_parallel(%c8, %tramp, %ctx)
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
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

#endif // DLC_COMPILER_PASSES
