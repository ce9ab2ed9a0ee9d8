// graph dialect -> linalg/tensor/arith/math on tensors. The patterns are named
// <Op>Lowering and grouped by op family, one file each.
#ifndef DLC_CODEGEN_LINALG_GRAPHTOLINALG_H
#define DLC_CODEGEN_LINALG_GRAPHTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace dlc {
void populateElementwiseLoweringPatterns(mlir::RewritePatternSet &patterns);
/// The target's choices for convolutions (dlc-lower-graph-to-linalg's options of the same
/// names); zeros: im2col over the whole batch, depthwise convs by output rows.
struct ConvLoweringOptions {
  int64_t blockBytes = 0;         // conv-block-bytes
  int64_t depthwiseFlatLanes = 0; // depthwise-flat-lanes
};
void populateConvLoweringPatterns(mlir::RewritePatternSet &patterns, const ConvLoweringOptions &options = {});
void populatePoolLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateNNLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateReduceLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateShapeLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateRnnLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateRandomLoweringPatterns(mlir::RewritePatternSet &patterns);

inline void populateGraphToLinalgPatterns(mlir::RewritePatternSet &patterns, const ConvLoweringOptions &conv = {}) {
  populateElementwiseLoweringPatterns(patterns);
  populateConvLoweringPatterns(patterns, conv);
  populatePoolLoweringPatterns(patterns);
  populateNNLoweringPatterns(patterns);
  populateReduceLoweringPatterns(patterns);
  populateShapeLoweringPatterns(patterns);
  populateRnnLoweringPatterns(patterns);
  populateRandomLoweringPatterns(patterns);
}
} // namespace dlc

#endif
