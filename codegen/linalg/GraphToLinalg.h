// graph dialect -> linalg/tensor/arith/math on tensors. The patterns are named
// <Op>Lowering and grouped by op family, one file each.
#ifndef DLC_CODEGEN_LINALG_GRAPHTOLINALG_H
#define DLC_CODEGEN_LINALG_GRAPHTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace dlc {
void populateElementwiseLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateConvLoweringPatterns(mlir::RewritePatternSet &patterns);
void populatePoolLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateNNLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateReduceLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateShapeLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateRnnLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateRandomLoweringPatterns(mlir::RewritePatternSet &patterns);

inline void populateGraphToLinalgPatterns(mlir::RewritePatternSet &patterns) {
  populateElementwiseLoweringPatterns(patterns);
  populateConvLoweringPatterns(patterns);
  populatePoolLoweringPatterns(patterns);
  populateNNLoweringPatterns(patterns);
  populateReduceLoweringPatterns(patterns);
  populateShapeLoweringPatterns(patterns);
  populateRnnLoweringPatterns(patterns);
  populateRandomLoweringPatterns(patterns);
}
} // namespace dlc

#endif
