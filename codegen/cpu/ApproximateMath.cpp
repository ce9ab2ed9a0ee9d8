// dlc-approximate-math: f32 transcendental functions as inline polynomials, so that a
// vectorized softmax or gate stays vectorized instead of calling libm once per lane.
#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "codegen/cpu/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

struct ApproximateMathPass : dlc::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Only the functions whose approximation stays within a few ulp wherever the result is
    // a normal float (tests/e2e/parity/math_accuracy.py). log keeps libm: its approximation
    // reads a subnormal input as FLT_MIN (log(1e-45) gave -87.3, not -103.3). log1p is
    // approximated: convert-math-to-llvm would make it log(1 + x), which loses every small
    // x (softplus(-67) was 0, not 6.3e-30).
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return llvm::is_contained({"math.exp", "math.expm1", "math.log1p", "math.tanh", "math.erf"}, name);
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
