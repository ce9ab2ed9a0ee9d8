// dlc-lower-grad-reduce: dlc.grad_reduce_start/wait on buffers -> calls the runtime answers.
#include "codegen/linalg/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_LOWERGRADREDUCE
#include "codegen/linalg/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

struct LowerGradReducePass : dlc::impl::LowerGradReduceBase<LowerGradReducePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<dlc::abi::GradReduceStartOp, dlc::abi::GradReduceWaitOp>(op))
        ops.push_back(op);
    });
    if (ops.empty())
      return;
    MLIRContext *ctx = module.getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto i32 = IntegerType::get(ctx, 32);
    OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
    auto declare = [&](StringRef name) {
      if (auto f = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
        return f;
      return LLVM::LLVMFuncOp::create(mb, module.getLoc(), name,
                                      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {i64, i32, i64, ptr, ptr}));
    };
    LLVM::LLVMFuncOp start = declare(dlc::abi::kGradReduceStartSymbol);
    LLVM::LLVMFuncOp wait = declare(dlc::abi::kGradReduceWaitSymbol);

    for (Operation *op : ops) {
      Location loc = op->getLoc();
      ValueRange grads = op->getOperands();
      if (op->getNumResults() != 0 || !isa<MemRefType>(grads[0].getType())) {
        op->emitOpError() << "must be bufferized before dlc-lower-grad-reduce";
        return signalPassFailure();
      }
      auto fn = op->getParentOfType<FunctionOpInterface>();
      if (!fn || fn.getFunctionBody().empty()) {
        op->emitOpError() << "is not inside a function";
        return signalPassFailure();
      }
      int64_t n = grads.size();
      // The arrays live in the function's frame: allocas at its entry, not in a loop.
      OpBuilder ab = OpBuilder::atBlockBegin(&fn.getFunctionBody().front());
      Value count = LLVM::ConstantOp::create(ab, loc, i64, ab.getI64IntegerAttr(n));
      Value buffers = LLVM::AllocaOp::create(ab, loc, ptr, ptr, count, 8);
      Value elements = LLVM::AllocaOp::create(ab, loc, ptr, i64, count, 8);
      OpBuilder b(op);
      for (auto [i, g] : llvm::enumerate(grads)) {
        auto type = cast<MemRefType>(g.getType());
        // Identity layout (the verifier's rule): the aligned pointer is the first element.
        Value address = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, g);
        Value asInt = arith::IndexCastOp::create(b, loc, i64, address);
        Value asPtr = LLVM::IntToPtrOp::create(b, loc, ptr, asInt);
        Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, buffers, ArrayRef<LLVM::GEPArg>{(int32_t)i});
        LLVM::StoreOp::create(b, loc, asPtr, slot);
        Value numel = LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(type.getNumElements()));
        Value countSlot = LLVM::GEPOp::create(b, loc, ptr, i64, elements, ArrayRef<LLVM::GEPArg>{(int32_t)i});
        LLVM::StoreOp::create(b, loc, numel, countSlot);
      }
      int64_t bucket = op->getAttrOfType<IntegerAttr>("bucket").getInt();
      Value bucketV = LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(bucket));
      Value dtype = LLVM::ConstantOp::create(
          b, loc, i32, b.getI32IntegerAttr(dlc::abi::dtypeOf(cast<MemRefType>(grads[0].getType()).getElementType())));
      LLVM::CallOp::create(b, loc, isa<dlc::abi::GradReduceStartOp>(op) ? start : wait,
                           ValueRange{bucketV, dtype, count, buffers, elements});
      op->erase();
    }
  }
};

} // namespace
