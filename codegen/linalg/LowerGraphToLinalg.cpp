// dlc-lower-graph-to-linalg: applies the <Op>Lowering patterns of codegen/linalg.
#include "codegen/linalg/GraphToLinalg.h"
#include "codegen/linalg/Passes.h"

#include "mlir/Transforms/DialectConversion.h"

namespace dlc {
#define GEN_PASS_DEF_LOWERGRAPHTOLINALG
#include "codegen/linalg/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;

namespace {
struct LowerGraphToLinalgPass : dlc::impl::LowerGraphToLinalgBase<LowerGraphToLinalgPass> {
  using LowerGraphToLinalgBase::LowerGraphToLinalgBase;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<graph::GraphDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect, arith::ArithDialect, math::MathDialect,
                           func::FuncDialect, kernel::KernelDialect, abi::AbiDialect>();
    // The recurrent layers lower to an scf.for over time.
    target.addLegalDialect<scf::SCFDialect>();
    RewritePatternSet patterns(ctx);
    populateGraphToLinalgPatterns(patterns, ConvLoweringOptions{convBlockBytes, depthwiseFlatLanes});
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
