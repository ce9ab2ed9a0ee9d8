// dlc-fold-transposed-reads: a copy-like linalg.generic that reads the result of a
// linalg.transpose reads the transpose's input instead (its indexing map permuted), so
// the transposed tensor is never materialized just to be gathered from. The weight
// gradient's im2col of the transposed input then becomes the forward im2col of the
// same input, and CSE keeps one.
#include "codegen/linalg/LoweringUtils.h"
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

/// The input of a 2-D transpose read by `mm`, or null. A transpose outside the matmul's
/// block (hoisted out of a recurrence's loop) is paid once, and read through by a
/// product of many rows it would be gathered again on every iteration; a product of a
/// few rows (batch-1 inference) reads it once per iteration either way, so the copy is
/// the waste.
Value transposedInput(Value v, linalg::MatmulOp mm) {
  auto t = v.getDefiningOp<linalg::TransposeOp>();
  if (!t || !t.hasPureTensorSemantics() || t.getPermutation() != ArrayRef<int64_t>{1, 0})
    return {};
  constexpr int64_t kFewRows = 4;
  if (t->getBlock() != mm->getBlock() &&
      cast<RankedTensorType>(mm.getDpsInits()[0].getType()).getDimSize(0) > kFewRows)
    return {};
  return t.getInput();
}

void setMaps(linalg::MatmulOp mm, bool transA, bool transB) {
  mm.setIndexingMapsAttr(OpBuilder(mm).getAffineMapArrayAttr(dlc::matmulMaps(mm.getContext(), transA, transB)));
}

/// matmul(transpose(x), y) reads x with A's map transposed, and the same for B: the
/// backward pass's transposed weights and activations are never materialized. Not both
/// operands: every target has kernels for one transposed operand.
void foldTransposedOperands(linalg::MatmulOp mm) {
  auto trans = dlc::matmulTransposition(mm);
  if (!trans || !mm.hasPureTensorSemantics())
    return;
  auto [transA, transB] = *trans;
  Value a = transposedInput(mm.getDpsInputs()[0], mm), b = transposedInput(mm.getDpsInputs()[1], mm);
  if (a && !transB) {
    mm.getDpsInputOperand(0)->set(a);
    setMaps(mm, !transA, transB);
  } else if (b && !transA) {
    mm.getDpsInputOperand(1)->set(b);
    setMaps(mm, transA, !transB);
  }
}

/// transpose(matmul(a, b)) = matmul(b^T, a^T): the operands swap and each one's
/// transposition flips, so the product is computed in the layout it is used in. Only
/// where the result has one operand transposed and the matmul accumulates into a fill.
void foldTransposedResult(linalg::TransposeOp t) {
  if (!t.hasPureTensorSemantics() || t.getPermutation() != ArrayRef<int64_t>{1, 0})
    return;
  auto mm = t.getInput().getDefiningOp<linalg::MatmulOp>();
  if (!mm || !mm.hasPureTensorSemantics() || !mm->hasOneUse())
    return;
  auto trans = dlc::matmulTransposition(mm);
  auto fill = mm.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!trans || !fill || trans->first == trans->second)
    return;
  OpBuilder b(t);
  Value init = b.create<linalg::FillOp>(fill.getLoc(), fill.getInputs()[0], t.getInit()).getResult(0);
  auto maps = dlc::matmulMaps(mm.getContext(), !trans->second, !trans->first);
  auto swapped = b.create<linalg::MatmulOp>(
      mm.getLoc(), TypeRange{init.getType()}, ValueRange{mm.getDpsInputs()[1], mm.getDpsInputs()[0]}, ValueRange{init},
      ArrayRef<NamedAttribute>{b.getNamedAttr("indexing_maps", b.getAffineMapArrayAttr(maps))});
  t.getResult()[0].replaceAllUsesWith(swapped.getResult(0));
  t.erase();
  mm.erase();
}

struct FoldTransposedReadsPass : dlc::impl::FoldTransposedReadsBase<FoldTransposedReadsPass> {
  void runOnOperation() override {
    getOperation().walk([&](linalg::MatmulOp mm) { foldTransposedOperands(mm); });
    getOperation().walk([&](linalg::TransposeOp t) { foldTransposedResult(t); });
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
