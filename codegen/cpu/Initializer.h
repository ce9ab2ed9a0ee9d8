// The op that wrote a buffer whole just before a kernel reads it as its accumulator: both
// vectorizers start their accumulators from what it wrote instead of reading the buffer
// back, and drop it (a pass over the buffer saved).
#ifndef DLC_CODEGEN_CPU_INITIALIZER_H
#define DLC_CODEGEN_CPU_INITIALIZER_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace dlc {

/// The op before `consumer` in its block that may have written `buffer` last: the ops
/// in between are free of memory effects, or linalg ops whose operands are neither
/// `buffer` nor a view of it (buffers live at the same time never share memory,
/// dlc-plan-memory, so those cannot write it another way). Null when there is none, or
/// when `consumer` reads `buffer` through another operand too (it would read what the
/// writer wrote); the caller checks what the op is.
mlir::Operation *precedingWriterOf(mlir::Operation *consumer, mlir::Value buffer);

/// `copy` when it is a linalg.generic on buffers that only copies its one input into
/// `buffer`, whole (all-parallel, identity output map): a bias broadcast, say. Null
/// otherwise, and when the input is `buffer` or a view of it.
mlir::linalg::GenericOp asWholeCopyInto(mlir::Operation *copy, mlir::Value buffer);

} // namespace dlc

#endif
