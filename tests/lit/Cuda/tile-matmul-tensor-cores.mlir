// RUN: dlc-opt %s --split-input-file --dlc-cuda-tile-matmul=precision=tf32 | FileCheck %s --check-prefix=TF32
// RUN: dlc-opt %s --split-input-file --dlc-cuda-tile-matmul=precision=bf16 | FileCheck %s --check-prefix=BF16
// RUN: dlc-opt %s --split-input-file --dlc-cuda-tile-matmul=precision=fp16 | FileCheck %s --check-prefix=FP16
// RUN: not dlc-opt %s --split-input-file --dlc-cuda-tile-matmul=precision=fp8 2>&1 | FileCheck %s --check-prefix=BAD

// 64x100 * 100x256 on the tensor cores: 8 warps of one 16x8 tile each (32x32 blocks),
// operands rounded to 32-bit words in workgroup memory (32 words of K per step, padded
// rows), 4 mma.sync per step, f32 accumulators added into C. The next tile's values are
// loaded (scf.if: while one is left) before the current tile's mma.sync and rounded when
// stored an iteration later.
// TF32-LABEL: func.func @plain
// TF32-NOT: linalg.matmul
// TF32: gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c256, {{.*}} workgroup(%[[AS:[a-z0-9_]+]] : memref<32x36xi32, #gpu.address_space<workgroup>>, %[[BS:[a-z0-9_]+]] : memref<32x40xi32, #gpu.address_space<workgroup>>)
// TF32: scf.if
// TF32: memref.load %arg0
// TF32: memref.load %arg1
// TF32: scf.for
// TF32: %[[W:.*]] = nvvm.convert.float.to.tf32 %{{.*}} {rnd = #nvvm.fp_rnd_mode<rna>}
// TF32: memref.store %[[W]], %[[AS]]
// TF32: nvvm.convert.float.to.tf32
// TF32: memref.store %{{.*}}, %[[BS]]
// TF32: scf.if
// TF32: memref.load %arg0
// TF32: memref.load %arg1
// TF32: gpu.barrier
// TF32-COUNT-4: nvvm.mma.sync A[{{.*}}, {{.*}}, {{.*}}, {{.*}}] B[{{.*}}, {{.*}}] C[{{.*}}, {{.*}}, {{.*}}, {{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<tf32>, multiplicandBPtxType = #nvvm.mma_type<tf32>, shape = #nvvm.shape<m = 16, n = 8, k = 8>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// TF32: gpu.barrier
// TF32: memref.load %arg2
// TF32: arith.addf
// TF32: memref.store %{{.*}}, %arg2

// bf16 and fp16 pack two K-adjacent values per word, the lower K in the low half.
// BF16-LABEL: func.func @plain
// BF16: arith.truncf %{{.*}} : f32 to bf16
// BF16: arith.truncf %{{.*}} : f32 to bf16
// BF16: arith.shli
// BF16: arith.ori
// BF16-COUNT-4: nvvm.mma.sync {{.*}} multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32)
// FP16-LABEL: func.func @plain
// FP16: arith.truncf %{{.*}} : f32 to f16
// FP16: llvm.bitcast %{{.*}} : i32 to vector<2xf16>
// FP16-COUNT-4: nvvm.mma.sync {{.*}} shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32)

// BAD: error: dlc-cuda-tile-matmul: unknown precision 'fp8' (fp32, tf32, bf16 or fp16)
func.func @plain(%a: memref<64x100xf32>, %b: memref<100x256xf32>, %c: memref<64x256xf32>) {
  linalg.matmul ins(%a, %b : memref<64x100xf32>, memref<100x256xf32>) outs(%c : memref<64x256xf32>)
  return
}

// -----

// A weight gradient (B read transposed, K = 50176): K is split over gridDim.z in chunks
// of whole K steps and the slices add into C atomically.
// TF32-LABEL: func.func @split_k
// TF32: %[[SPLITS:[a-z0-9_]+]] = arith.constant 196 : index
// TF32: gpu.launch blocks({{.*}}) in ({{.*}} = %{{.*}}, {{.*}} = %{{.*}}, {{.*}} = %[[SPLITS]])
// TF32: memref.load %arg1[%{{.*}}, %{{.*}}] : memref<25x50176xf32>
// TF32: nvvm.mma.sync
// TF32: memref.atomic_rmw addf
func.func @split_k(%a: memref<6x50176xf32>, %b: memref<25x50176xf32>, %c: memref<6x25xf32>) {
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>,
                                 affine_map<(d0, d1, d2) -> (d0, d1)>]
    ins(%a, %b : memref<6x50176xf32>, memref<25x50176xf32>) outs(%c : memref<6x25xf32>)
  return
}

// -----

// Large matmuls get 4x4 mma tiles per warp (128x128 blocks); whole tiles need no guards.
// TF32-LABEL: func.func @large
// TF32: gpu.launch {{.*}} workgroup(%{{.*}} : memref<128x36xi32, #gpu.address_space<workgroup>>, %{{.*}} : memref<32x136xi32, #gpu.address_space<workgroup>>)
// TF32-NOT: arith.cmpi ult, %{{[a-z0-9_]+}}, %c2048
// TF32-COUNT-64: nvvm.mma.sync
// TF32-NOT: arith.cmpi ult, %{{[a-z0-9_]+}}, %c2048
// TF32: return
func.func @large(%a: memref<2048x2048xf32>, %b: memref<2048x2048xf32>, %c: memref<2048x2048xf32>) {
  linalg.matmul ins(%a, %b : memref<2048x2048xf32>, memref<2048x2048xf32>) outs(%c : memref<2048x2048xf32>)
  return
}
