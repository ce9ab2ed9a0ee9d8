// dlc-lower-copies: memref.copy -> linalg.copy.
#include "codegen/linalg/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_LOWERCOPIES
#include "codegen/linalg/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {
struct LowerCopiesPass : dlc::impl::LowerCopiesBase<LowerCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp c) { copies.push_back(c); });
    for (memref::CopyOp c : copies) {
      OpBuilder b(c);
      b.create<linalg::CopyOp>(c.getLoc(), c.getSource(), c.getTarget());
      c.erase();
    }
  }
};
} // namespace
