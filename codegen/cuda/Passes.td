#ifndef DLC_CODEGEN_CUDA_PASSES
#define DLC_CODEGEN_CUDA_PASSES

include "mlir/Pass/PassBase.td"

def CudaMapToGpu : Pass<"dlc-cuda-map-to-gpu", "mlir::func::FuncOp"> {
  let summary = "Puts every memory-touching op of a bufferized function into a gpu.launch";
  let description = [{
    After `convert-linalg-to-parallel-loops`, an entry point is a sequence of
    `scf.parallel` nests, `memref.copy`s, scalar loads and stores, `scf.for` reductions
    and view ops. This pass leaves on the host only what computes addresses (views of the
    arena, reshapes, constants) and moves everything else onto the device:
    - each `scf.parallel` becomes a 1-D `gpu.launch`: the iteration space is flattened,
      one thread per point, blocks of up to 256 threads, with a guard for the tail;
    - `memref.copy` becomes such a parallel copy;
    - consecutive other ops (scalar loads/stores, `scf.for` loops without parallel
      dimensions, and the scalar arithmetic between them) run in one single-thread
      `gpu.launch`, in program order;
    - an `scf.for` around parallel loops or launches (a recurrence over time steps)
      stays on the host, and its body is mapped the same way.
    Constants and `memref.get_global` are re-created inside each launch, so no host
    address reaches a kernel. A `memref.alloc` left outside the arena is an error.

    ```mlir
    scf.parallel (%i) = (%c0) to (%c1000) step (%c1) { ... }
    // becomes
    gpu.launch blocks(%bx, ...) in (%gx = %c4, ...) threads(%tx, ...) in (%sx = %c256, ...) {
      %i = bx * 256 + tx   // guarded by %i < 1000
      ...
    }
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect"];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256", "Threads per block of a parallel loop's launch">,
  ];
}

def CudaTileMatmul : Pass<"dlc-cuda-tile-matmul", "mlir::func::FuncOp"> {
  let summary = "Rewrites f32 linalg.matmul on memrefs into a shared-memory tiled gpu.launch";
  let description = [{
    Each block computes a 64x64 tile of C with 256 threads (a 4x4 register tile per
    thread); the K loop steps by 16, staging a 64x16 slice of A and a 16x64 slice of B
    in workgroup memory between two barriers. Out-of-range rows, columns and the K tail
    are read as zero and not written, so any static shape works. The launch adds the
    product to C, as linalg.matmul does. When the tiles leave most multiprocessors idle
    and K is long (weight gradients), K is split over gridDim.z and the slices add their
    partial products into C with atomic adds.

    With `precision` tf32, bf16 or fp16 the kernel uses the tensor cores instead: 8 warps
    per block, each computing up to 4x4 tiles of 16x8 with `nvvm.mma.sync` (m16n8k8 for
    tf32, m16n8k16 for bf16 and fp16) and f32 accumulators. A and B stay f32 in memory;
    they are rounded (tf32: cvt.rna; bf16/fp16: round to nearest even) when staged in
    workgroup memory as 32-bit words, 32 words of K per step (one tf32 value or two
    16-bit values per word). Split K and the zero-filled tails work as above.

    ```mlir
    linalg.matmul ins(%a, %b : memref<64x784xf32>, memref<784x256xf32>) outs(%c : memref<64x256xf32>)
    // becomes
    gpu.launch blocks(...) in (%gx = %c4, %gy = %c1, ...) threads(...) in (%sx = %c256, ...)
        workgroup(%as : memref<16x64xf32, 3>, %bs : memref<16x64xf32, 3>) { ... }
    // or, with precision=tf32,
    gpu.launch ... workgroup(%as : memref<32x36xi32, 3>, %bs : memref<32x40xi32, 3>) {
      %w = nvvm.convert.float.to.tf32 %x {rnd = #nvvm.fp_rnd_mode<rna>}
      ...
      %d = nvvm.mma.sync A[...] B[...] C[...] {shape = #nvvm.shape<m = 16, n = 8, k = 8>, ...}
    }
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::LLVM::LLVMDialect", "::mlir::NVVM::NVVMDialect"];
  let options = [
    Option<"precision", "precision", "std::string", "\"fp32\"",
           "Operand precision: fp32 (SIMT FMA), tf32, bf16 or fp16 (mma.sync, f32 accumulation)">,
  ];
}

def CudaMapReductions : Pass<"dlc-cuda-map-reductions", "mlir::func::FuncOp"> {
  let summary = "linalg.generic reductions on memrefs to gpu.launch: a thread or a block per output";
  let description = [{
    Lowered as parallel loops, a reduction would run one thread per output accumulating
    through memory, and reduction dims between parallel ones would leave inner parallel
    loops serial. Here every output point is one flattened index:
    - with fewer than `min-reduction` reduction points per output, one thread per output
      folds them into a register and stores once;
    - with more (bias gradients: a sum over batch x pixels), each output gets a block of
      256 threads: each thread folds a strided slice into a register, the block combines
      the 256 partials in workgroup memory, and thread 0 folds the result into the output.
    The body must end in an associative combiner of the output value (addf, maximumf,
    minimumf, maxnumf, minnumf) that nothing else reads; other reductions are left alone.

    ```mlir
    linalg.generic {iterator_types = ["reduction", "parallel", "reduction", "reduction"]}
        ins(%g : memref<64x6x28x28xf32>) outs(%db : memref<6xf32>) {
      ^bb0(%in: f32, %out: f32):
        %s = arith.addf %in, %out : f32
        linalg.yield %s : f32
    }
    // becomes
    gpu.launch blocks(...) in (%gx = %c6, ...) threads(...) in (%sx = %c256, ...)
        workgroup(%partial : memref<256xf32, 3>) { ... }
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect", "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect"];
  let options = [
    Option<"minReduction", "min-reduction", "int64_t", "256", "Fewest reduction points per output to map this way">,
  ];
}

def CudaMergeKernelModules : Pass<"dlc-cuda-merge-kernel-modules", "mlir::ModuleOp"> {
  let summary = "Moves every outlined kernel into one gpu.module named dlc_kernels";
  let description = [{
    `gpu-kernel-outlining` makes one `gpu.module` per launch. dlc ships one PTX image
    per artifact (and one cubin assembled from it), so this pass merges them into
    `@dlc_kernels` and retargets every `gpu.launch_func`. Globals that outlining copied
    into several modules (the same `memref.global`) are kept once. It also registers the
    LLVM IR translations that `gpu-module-to-binary` needs later in the pipeline.

    ```mlir
    gpu.module @f_kernel { gpu.func @f_kernel(...) kernel {...} }
    gpu.module @f_kernel_0 { gpu.func @f_kernel_0(...) kernel {...} }
    // becomes
    gpu.module @dlc_kernels { gpu.func @f_kernel(...) kernel {...}  gpu.func @f_kernel_0(...) kernel {...} }
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

#endif
