// dlc-fuse-elementwise: upstream elementwise fusion that leaves contractions alone.
#include "codegen/linalg/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "codegen/linalg/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

bool isContraction(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return false;
  return linalgOp.getNumReductionLoops() > 0 && linalgOp.getNumDpsInputs() > 1;
}

/// A transpose whose one user is an elementwise generic becomes a generic too, so that the
/// fusion below reads the transposed operand through the consumer's indexing map instead of
/// copying it first (a convolution's [C_out, N, H, W] product into NCHW, then its ReLU:
/// two passes over the output become one).
struct GeneralizeTransposeIntoElementwise : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op, PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || !op->getResult(0).hasOneUse())
      return failure();
    auto user = dyn_cast<linalg::GenericOp>(*op->getResult(0).getUsers().begin());
    if (!user || user.getNumLoops() != user.getNumParallelLoops() || isContraction(user))
      return failure();
    return linalg::generalizeNamedOp(rewriter, op);
  }
};

struct FuseElementwisePass : dlc::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<GeneralizeTransposeIntoElementwise>(&getContext());
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      return producer && !isContraction(fused->getOwner()) && !isContraction(producer);
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
