// graph dialect -> linalg/tensor/arith/math on tensors. The patterns are named
// <Op>Lowering and grouped by op family, one file each.
#ifndef DLC_CODEGEN_LINALG_GRAPHTOLINALG_H
#define DLC_CODEGEN_LINALG_GRAPHTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace dlc {
void populateElementwiseLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateContractionLoweringPatterns(mlir::RewritePatternSet &patterns);
void populatePoolingLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateNormalizationLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateReductionLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateDataMovementLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateRecurrentLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateRandomLoweringPatterns(mlir::RewritePatternSet &patterns);

inline void populateGraphToLinalgPatterns(mlir::RewritePatternSet &patterns) {
  populateElementwiseLoweringPatterns(patterns);
  populateContractionLoweringPatterns(patterns);
  populatePoolingLoweringPatterns(patterns);
  populateNormalizationLoweringPatterns(patterns);
  populateReductionLoweringPatterns(patterns);
  populateDataMovementLoweringPatterns(patterns);
  populateRecurrentLoweringPatterns(patterns);
  populateRandomLoweringPatterns(patterns);
}
} // namespace dlc

#endif
