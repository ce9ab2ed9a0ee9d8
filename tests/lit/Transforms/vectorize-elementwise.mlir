// RUN: dlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(dlc-vectorize-elementwise{vector-width=8 parallel-threshold=64}))" | FileCheck %s

// Elementwise with a broadcast operand: 20 columns = two 8-lane vectors and a masked
// tail of 4; the row-invariant operand is loaded once per row and broadcast; 4x20 = 80
// iterations reach the threshold, so the row loop is parallel.
// CHECK-LABEL: func @add_rows
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[I:.*]] = %c0{{.*}} to %c4
// CHECK: scf.for %[[J:.*]] = %c0{{.*}} to %c16{{.*}} step %c8
// CHECK: vector.load %arg0
// CHECK: memref.load %arg1
// CHECK: vector.broadcast
// CHECK: arith.addf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK: vector.store
// CHECK: vector.constant_mask [4] : vector<8xi1>
// CHECK: vector.maskedload %arg0
// CHECK: vector.maskedstore %arg2
// CHECK: } {dlc.parallel}
func.func @add_rows(%a: memref<4x20xf32>, %b: memref<4xf32>, %c: memref<4x20xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : memref<4x20xf32>, memref<4xf32>) outs(%c : memref<4x20xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An im2col-style copy: the input's last index is the innermost dim plus another one,
// still contiguous. Small (3x5 iterations): no parallel mark.
// CHECK-LABEL: func @window_copy
// CHECK: affine.apply
// CHECK: vector.constant_mask [5] : vector<8xi1>
// CHECK: vector.maskedload %arg0
// CHECK: vector.maskedstore %arg1
// CHECK-NOT: dlc.parallel
func.func @window_copy(%x: memref<7xf32>, %cols: memref<3x5xf32>) {
  linalg.generic {indexing_maps = [affine_map<(k, o) -> (o + k)>, affine_map<(k, o) -> (k, o)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<7xf32>) outs(%cols : memref<3x5xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  return
}

// -----

// Select with a comparison: i1 vectors; a fill (scalar input) is a broadcast store.
// CHECK-LABEL: func @relu_grad
// CHECK: arith.cmpf ogt, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK: arith.select %{{.*}} : vector<8xi1>, vector<8xf32>
// CHECK: vector.broadcast %cst
// CHECK: vector.store
func.func @relu_grad(%x: memref<8xf32>, %g: memref<8xf32>, %out: memref<8xf32>, %z: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%x, %g : memref<8xf32>, memref<8xf32>) outs(%out : memref<8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.cmpf ogt, %a, %zero : f32
    %s = arith.select %p, %b, %zero : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%z : memref<8xf32>)
  return
}

// -----

// Left alone: a stride-3 read along the innermost dim, a transpose, a product reduction,
// linalg.index, integer division.
// CHECK-LABEL: func @unsupported
// CHECK-COUNT-5: linalg.
// CHECK-NOT: vector.
func.func @unsupported(%a: memref<8xf32>, %b: memref<2xf32>, %m: memref<4x4xf32>, %t: memref<4x4xf32>,
                       %r: memref<4xf32>, %i: memref<4xi32>, %j: memref<4xi32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (3 * i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%a : memref<8xf32>) outs(%b : memref<2xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  linalg.transpose ins(%m : memref<4x4xf32>) outs(%t : memref<4x4xf32>) permutation = [1, 0]
  linalg.reduce ins(%m : memref<4x4xf32>) outs(%r : memref<4xf32>) dimensions = [1]
    (%v: f32, %acc: f32) {
      %s = arith.mulf %v, %acc : f32
      linalg.yield %s : f32
    }
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>], iterator_types = ["parallel"]} outs(%i : memref<4xi32>) {
  ^bb0(%o: i32):
    %k = linalg.index 0 : index
    %c = arith.index_cast %k : index to i32
    linalg.yield %c : i32
  }
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%i : memref<4xi32>) outs(%j : memref<4xi32>) {
  ^bb0(%v: i32, %o: i32):
    %d = arith.divsi %o, %v : i32
    linalg.yield %d : i32
  }
  return
}

// -----

// A 2x2 stride-2 max pool: the window dims reduce inside the vector loop, carrying the
// output vector; the input row is read as two vectors, every other lane kept. 6 output
// columns: one masked vector, 11 input elements.
// CHECK-LABEL: func @max_pool
// CHECK: scf.for
// CHECK: vector.constant_mask [6] : vector<8xi1>
// CHECK: vector.maskedload %arg1
// CHECK: scf.for {{.*}} iter_args
// CHECK: scf.for {{.*}} iter_args
// CHECK: vector.load %arg0
// CHECK: vector.constant_mask [3] : vector<8xi1>
// CHECK: vector.maskedload %arg0
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK: arith.maximumf %{{.*}} : vector<8xf32>
// CHECK: vector.maskedstore %arg1
// CHECK: } {dlc.parallel}
func.func @max_pool(%x: memref<2x12x12xf32>, %y: memref<2x6x6xf32>, %w: memref<2x2xf32>) {
  linalg.generic {indexing_maps = [affine_map<(c, h, v, kh, kw) -> (c, 2 * h + kh, 2 * v + kw)>,
                                   affine_map<(c, h, v, kh, kw) -> (kh, kw)>,
                                   affine_map<(c, h, v, kh, kw) -> (c, h, v)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<2x12x12xf32>, memref<2x2xf32>) outs(%y : memref<2x6x6xf32>) {
  ^bb0(%in: f32, %unused: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// A pool gradient over windows that tile the input: the pooled tensors are read with
// `floordiv 2` along the row, each element repeated over two lanes.
// CHECK-LABEL: func @tiled_pool_grad
// CHECK: vector.load %arg1{{.*}} : memref<4x8xf32>, vector<4xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 0, 1, 1, 2, 2, 3, 3]
// CHECK: arith.cmpf oeq, %{{.*}} : vector<8xf32>
// CHECK: vector.store
func.func @tiled_pool_grad(%x: memref<8x16xf32>, %y: memref<4x8xf32>, %g: memref<4x8xf32>, %dx: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(h, w) -> (h, w)>, affine_map<(h, w) -> (h floordiv 2, w floordiv 2)>,
                                   affine_map<(h, w) -> (h floordiv 2, w floordiv 2)>, affine_map<(h, w) -> (h, w)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x, %y, %g : memref<8x16xf32>, memref<4x8xf32>, memref<4x8xf32>) outs(%dx : memref<8x16xf32>) {
  ^bb0(%a: f32, %m: f32, %d: f32, %o: f32):
    %e = arith.cmpf oeq, %a, %m : f32
    %s = arith.select %e, %d, %zero : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A sum over rows (a bias gradient: every dim but the channel): the channel loop outside,
// the batch loop and the row's vector loop carry 8 partial sums (20 = 16 + a masked 4,
// selected so that the masked lanes add nothing), reduced into the output at the end.
// CHECK-LABEL: func @bias_grad
// CHECK: scf.for %[[C:.*]] = %c0{{.*}} to %c3
// CHECK: arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK: scf.for {{.*}} iter_args
// CHECK: scf.for {{.*}} to %c16{{.*}} step %c8{{.*}} iter_args
// CHECK: vector.load %arg0
// CHECK: arith.addf %{{.*}} : vector<8xf32>
// CHECK: vector.maskedload %arg0
// CHECK: arith.select
// CHECK: vector.reduction <add>, %{{.*}} fastmath<reassoc>
// CHECK: memref.load %arg1
// CHECK: memref.store
func.func @bias_grad(%g: memref<2x3x20xf32>, %db: memref<3xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, c, w) -> (n, c, w)>, affine_map<(n, c, w) -> (c)>],
                  iterator_types = ["reduction", "parallel", "reduction"]}
      ins(%g : memref<2x3x20xf32>) outs(%db : memref<3xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %v, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Booleans in memory are a byte each: a vector<8xi1> load would read packed bits, so
// i1 buffers stay with the loop lowering.
// CHECK-LABEL: func @bools
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @bools(%a: memref<16xi1>, %b: memref<16xi1>, %c: memref<16xi1>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%a, %b : memref<16xi1>, memref<16xi1>) outs(%c : memref<16xi1>) {
  ^bb0(%x: i1, %y: i1, %o: i1):
    %r = arith.andi %x, %y : i1
    linalg.yield %r : i1
  }
  return
}

// -----

// Two outputs at the same indices (an LSTM cell's h and c): one vector loop computes both
// and stores each. Outputs at different indices stay a linalg.generic.
// CHECK-LABEL: func @two_outputs
// CHECK-NOT: linalg.generic
// CHECK: scf.for
// CHECK: %[[X:.*]] = vector.load %arg0
// CHECK: %[[S:.*]] = arith.addf %[[X]], %[[X]] : vector<8xf32>
// CHECK: %[[P:.*]] = arith.mulf %[[X]], %[[X]] : vector<8xf32>
// CHECK: vector.store %[[S]], %arg1
// CHECK: vector.store %[[P]], %arg2
// CHECK: vector.maskedstore %arg1
// CHECK: vector.maskedstore %arg2
// CHECK-LABEL: func @two_outputs_transposed
// CHECK: linalg.generic
func.func @two_outputs(%x: memref<4x20xf32>, %s: memref<4x20xf32>, %p: memref<4x20xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x20xf32>) outs(%s, %p : memref<4x20xf32>, memref<4x20xf32>) {
  ^bb0(%a: f32, %o1: f32, %o2: f32):
    %sum = arith.addf %a, %a : f32
    %prod = arith.mulf %a, %a : f32
    linalg.yield %sum, %prod : f32, f32
  }
  return
}
func.func @two_outputs_transposed(%x: memref<4x4xf32>, %s: memref<4x4xf32>, %p: memref<4x4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j, i)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x4xf32>) outs(%s, %p : memref<4x4xf32>, memref<4x4xf32>) {
  ^bb0(%a: f32, %o1: f32, %o2: f32):
    %sum = arith.addf %a, %a : f32
    linalg.yield %sum, %a : f32, f32
  }
  return
}

// -----

// A window sum whose output was just written whole by a bias copy (a depthwise conv's):
// the accumulators start from the bias, broadcast per channel, instead of loading the
// output, and the copy goes. A pool's -inf fill likewise becomes the start vector; an
// op in between that reads the output (or a view of it) keeps its writer.
// CHECK-LABEL: func @window_sum_from_bias
// CHECK-NOT: linalg.generic
// CHECK: scf.for
// CHECK: %[[B:.*]] = memref.load %arg2
// CHECK: %[[START:.*]] = vector.broadcast %[[B]] : f32 to vector<8xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[START]])
// CHECK: vector.maskedstore %arg3
// CHECK-NOT: vector.maskedload %arg3
func.func @window_sum_from_bias(%x: memref<2x4x36xf32>, %w: memref<4x3x3xf32>, %b: memref<4x1xf32>, %y: memref<2x4x22xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, c, p) -> (c, 0)>, affine_map<(n, c, p) -> (n, c, p)>],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b : memref<4x1xf32>) outs(%y : memref<2x4x22xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, c, p, kh, kw) -> (n, c, p + kh * 6 + kw)>,
                                   affine_map<(n, c, p, kh, kw) -> (c, kh, kw)>,
                                   affine_map<(n, c, p, kh, kw) -> (n, c, p)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<2x4x36xf32>, memref<4x3x3xf32>) outs(%y : memref<2x4x22xf32>) {
  ^bb0(%in: f32, %k: f32, %out: f32):
    %m = arith.mulf %in, %k : f32
    %s = arith.addf %out, %m : f32
    linalg.yield %s : f32
  }
  return
}
// CHECK-LABEL: func @pool_from_fill
// CHECK-NOT: linalg.fill
// CHECK: %[[START:.*]] = vector.broadcast %cst : f32 to vector<8xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[START]])
// CHECK: arith.maximumf
func.func @pool_from_fill(%x: memref<2x12x12xf32>, %y: memref<2x6x6xf32>, %w: memref<2x2xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  linalg.fill ins(%ninf : f32) outs(%y : memref<2x6x6xf32>)
  linalg.generic {indexing_maps = [affine_map<(c, h, v, kh, kw) -> (c, 2 * h + kh, 2 * v + kw)>,
                                   affine_map<(c, h, v, kh, kw) -> (kh, kw)>,
                                   affine_map<(c, h, v, kh, kw) -> (c, h, v)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<2x12x12xf32>, memref<2x2xf32>) outs(%y : memref<2x6x6xf32>) {
  ^bb0(%in: f32, %unused: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  }
  return
}
// CHECK-LABEL: func @writer_read_between
// CHECK: vector.broadcast %cst : f32 to vector<8xf32>
// CHECK: vector.maskedstore %arg1
// CHECK: memref.copy
// CHECK: %[[OLD:.*]] = vector.maskedload %arg1
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[OLD]])
func.func @writer_read_between(%x: memref<2x12x12xf32>, %y: memref<2x6x6xf32>, %w: memref<2x2xf32>, %keep: memref<2x6xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  linalg.fill ins(%ninf : f32) outs(%y : memref<2x6x6xf32>)
  %row = memref.subview %y[0, 0, 0] [2, 1, 6] [1, 1, 1] : memref<2x6x6xf32> to memref<2x6xf32, strided<[36, 1]>>
  memref.copy %row, %keep : memref<2x6xf32, strided<[36, 1]>> to memref<2x6xf32>
  linalg.generic {indexing_maps = [affine_map<(c, h, v, kh, kw) -> (c, 2 * h + kh, 2 * v + kw)>,
                                   affine_map<(c, h, v, kh, kw) -> (kh, kw)>,
                                   affine_map<(c, h, v, kh, kw) -> (c, h, v)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<2x12x12xf32>, memref<2x2xf32>) outs(%y : memref<2x6x6xf32>) {
  ^bb0(%in: f32, %unused: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  }
  return
}
// A generic that also reads its output through an input keeps the fill it would read.
// CHECK-LABEL: func @reads_output_as_input
// CHECK: vector.maskedstore %arg1
// CHECK: vector.maskedload %arg1
// CHECK: scf.for {{.*}} iter_args
func.func @reads_output_as_input(%x: memref<2x12x12xf32>, %y: memref<2x6x6xf32>, %w: memref<2x2xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  linalg.fill ins(%ninf : f32) outs(%y : memref<2x6x6xf32>)
  linalg.generic {indexing_maps = [affine_map<(c, h, v, kh, kw) -> (c, 2 * h + kh, 2 * v + kw)>,
                                   affine_map<(c, h, v, kh, kw) -> (kh, kw)>,
                                   affine_map<(c, h, v, kh, kw) -> (c, h, v)>,
                                   affine_map<(c, h, v, kh, kw) -> (c, h, v)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w, %y : memref<2x12x12xf32>, memref<2x2xf32>, memref<2x6x6xf32>) outs(%y : memref<2x6x6xf32>) {
  ^bb0(%in: f32, %unused: f32, %prev: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    %a = arith.addf %m, %prev : f32
    linalg.yield %a : f32
  }
  return
}
