// graph dialect -> linalg/tensor/arith/math on tensors. The patterns are named
// <Op>Lowering and grouped by op family, one file each.
#ifndef DLC_CODEGEN_LINALG_GRAPHTOLINALG_H
#define DLC_CODEGEN_LINALG_GRAPHTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace dlc {
void populateElementwiseLoweringPatterns(mlir::RewritePatternSet &patterns);
/// convBlockBytes: see dlc-lower-graph-to-linalg's conv-block-bytes.
void populateConvLoweringPatterns(mlir::RewritePatternSet &patterns, int64_t convBlockBytes = 0);
void populatePoolLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateNNLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateReduceLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateShapeLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateRnnLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateRandomLoweringPatterns(mlir::RewritePatternSet &patterns);

inline void populateGraphToLinalgPatterns(mlir::RewritePatternSet &patterns, int64_t convBlockBytes = 0) {
  populateElementwiseLoweringPatterns(patterns);
  populateConvLoweringPatterns(patterns, convBlockBytes);
  populatePoolLoweringPatterns(patterns);
  populateNNLoweringPatterns(patterns);
  populateReduceLoweringPatterns(patterns);
  populateShapeLoweringPatterns(patterns);
  populateRnnLoweringPatterns(patterns);
  populateRandomLoweringPatterns(patterns);
}
} // namespace dlc

#endif
