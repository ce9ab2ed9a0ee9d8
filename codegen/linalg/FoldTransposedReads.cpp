// dlc-fold-transposed-reads: a copy-like linalg.generic that reads the result of a
// linalg.transpose reads the transpose's input instead (its indexing map permuted), so
// the transposed tensor is never materialized just to be gathered from. The weight
// gradient's im2col of the transposed input then becomes the forward im2col of the
// same input, and CSE keeps one.
#include "codegen/linalg/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_FOLDTRANSPOSEDREADS
#include "codegen/linalg/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// A generic whose body only yields its single input: a gather/copy.
bool isCopy(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0)
    return false;
  auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
  return yield.getNumOperands() == 1 && yield.getOperand(0) == op.getBody()->getArgument(0);
}

struct FoldTransposedReadsPass : dlc::impl::FoldTransposedReadsBase<FoldTransposedReadsPass> {
  void runOnOperation() override {
    getOperation().walk([&](linalg::GenericOp op) {
      if (!op.hasPureTensorSemantics() || !isCopy(op))
        return;
      OpOperand *in = op.getDpsInputOperand(0);
      auto t = in->get().getDefiningOp<linalg::TransposeOp>();
      if (!t || !t.hasPureTensorSemantics())
        return;
      // t's output[k] indexes t's input dim perm[k].
      AffineMap read = op.getMatchingIndexingMap(in);
      ArrayRef<int64_t> perm = t.getPermutation();
      SmallVector<AffineExpr> results(perm.size());
      for (auto [k, p] : llvm::enumerate(perm))
        results[p] = read.getResult(k);
      SmallVector<AffineMap> maps = op.getIndexingMapsArray();
      maps[0] = AffineMap::get(read.getNumDims(), 0, results, op.getContext());
      op.setIndexingMapsAttr(OpBuilder(op).getAffineMapArrayAttr(maps));
      in->set(t.getInput());
    });
  }
};

} // namespace
