#ifndef DLC_CODEGEN_CPU_PASSES
#define DLC_CODEGEN_CPU_PASSES

include "mlir/Pass/PassBase.td"

// The CPU target's passes: vector kernels and the thread pool.

def VectorizeMatmul : Pass<"dlc-vectorize-matmul", "mlir::func::FuncOp"> {
  let summary = "Lowers f32 linalg.matmul on memrefs to a register-blocked vector micro-kernel";
  let description = [{
    Each `MR x (2 * vector-width)` block of C lives in vector registers for the whole K
    loop (scf.for iter_args): per k, two vectors of B are loaded and every row's A element
    is broadcast into a `vector.fma`. Column blocks are the outer loop so that the K x NR
    panel of B stays in cache while A streams. Leftover rows form one smaller tile, leftover
    columns single-vector tiles and then scalar loops.

    Products of at least 2^18 multiply-adds, 32 rows and 2 panels of B run cache-blocked
    instead (`packing`, PackedMatmul.cpp, the loop order of GotoBLAS): per block of K
    (256), the K x NR panels of B are copied contiguous into a `memref.alloc` buffer (zeros
    past the last column; B transposed is gathered the same way), and the MR x NR tiles
    of C read A where it lies and the panel from the copy; the thread pool runs column
    blocks (or row blocks when C is narrow), each with its own copy. C += A * B^T of that
    size takes the same path; smaller ones keep the dot-product kernel below.

    When C was just initialized by a zero `linalg.fill` or by a generic that copies a bias
    across its rows or columns (with only ops that touch neither C nor its views in
    between), that op goes and the tiles start from zeros or the bias instead of loading C
    (the packed kernel: in its first K block).

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
    Option<"rowsPerTile", "rows", "int64_t", "0", "Rows of C per register block (0: 6 at 8 lanes, 8 at 16)">,
    Option<"packing", "packing", "bool", "true",
           "Large products run as the cache-blocked kernel on packed copies of A and B">,
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
    the output vector; the body is cloned on vectors. Where a fill or a whole copy (a bias
    broadcast) wrote that output just before (codegen/cpu/Initializer.h), the carried
    vector starts from the fill's value or the copy's input and the writer is erased. A
    reduction along the innermost
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

def ApproximateMath : Pass<"dlc-approximate-math", "mlir::ModuleOp"> {
  let summary = "Replaces f32 exp, expm1, log1p, tanh and erf with inline polynomial approximations";
  let description = [{
    LLVM lowers `math.exp` on a vector to one libm call per lane: softmax, sigmoid, GELU
    and the recurrent gates then spend their time in scalar `expf` (17% of the
    transformer's inference on one core). This pass rewrites those ops on f32 scalars and
    vectors into MLIR's polynomial approximations (range reduction, a polynomial, and the
    special cases: overflow to inf, NaN through), which stay vectors and inline. Measured
    against NumPy in float64 (`math-accuracy` test): exp within 1 ulp, tanh and erf within
    5, where the result is a normal float; results below FLT_MIN (exp of x < -87.3) are
    flushed to 0. log1p is approximated also because convert-math-to-llvm would compute
    it as log(1 + x), which loses small x. log keeps libm (its approximation mishandles
    subnormal inputs), as do other element types and functions.

    ```mlir
    %y = math.exp %x : vector<16xf32>
    // becomes
    %k = math.floor ... : vector<16xf32>   // x = k ln2 + r
    %p = math.fma ... : vector<16xf32>      // polynomial in r
    ... arith.select ... : vector<16xi1>, vector<16xf32>   // inf, 0 and NaN cases
    ```
  }];
  let dependentDialects = ["::mlir::math::MathDialect", "::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
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

#endif // DLC_CODEGEN_CPU_PASSES
