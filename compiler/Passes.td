#ifndef DLC_COMPILER_PASSES
#define DLC_COMPILER_PASSES

include "mlir/Pass/PassBase.td"

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
                           "::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
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

//===----------------------------------------------------------------------===//
// Buffers
//===----------------------------------------------------------------------===//

def PlanMemory : Pass<"dlc-plan-memory", "mlir::func::FuncOp"> {
  let summary = "Places every static allocation of an entry point in one arena, reusing bytes by liveness";
  let description = [{
    Runs on bufferized functions marked `dlc.entry`. Each `memref.alloc` becomes a
    `memref.view` into a new trailing `memref<Nxi8>` argument (the arena); buffers whose
    live ranges do not overlap share bytes. The arena size is recorded as the function
    attribute `dlc.arena_bytes`.

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
