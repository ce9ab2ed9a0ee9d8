// dlc-lower-parallel-calls: calls of outlined parallel bodies -> dlc_run_parallel.
#include "codegen/cpu/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace dlc {
#define GEN_PASS_DEF_LOWERPARALLELCALLS
#include "codegen/cpu/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

struct LowerParallelCallsPass : dlc::impl::LowerParallelCallsBase<LowerParallelCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    SmallVector<LLVM::LLVMFuncOp> bodies;
    module.walk([&](LLVM::LLVMFuncOp f) {
      if (dlc::abi::getParallelTrips(f))
        bodies.push_back(f);
    });
    if (bodies.empty())
      return;
    OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
    auto runParallel = module.lookupSymbol<LLVM::LLVMFuncOp>(dlc::kRunParallelSymbol);
    if (!runParallel)
      runParallel = mb.create<LLVM::LLVMFuncOp>(
          module.getLoc(), dlc::kRunParallelSymbol,
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {i64, ptr, ptr}));

    for (LLVM::LLVMFuncOp body : bodies) {
      auto bodyType = body.getFunctionType();
      unsigned numPtrs = bodyType.getNumParams() - 2;
      for (unsigned i = 2; i < bodyType.getNumParams(); ++i)
        if (!isa<LLVM::LLVMPointerType>(bodyType.getParamType(i))) {
          body.emitOpError() << "parallel body argument #" << i << " is not a pointer after lowering";
          return signalPassFailure();
        }
      // The host's calls, collected before the trampoline adds one of its own.
      auto uses = SymbolTable::getSymbolUses(body, module);
      SmallVector<LLVM::CallOp> calls;
      for (auto use : *uses)
        if (auto call = dyn_cast<LLVM::CallOp>(use.getUser()))
          calls.push_back(call);
      // trampoline(begin, end, ctx): body(begin, end, ctx[0], ..., ctx[n-1])
      auto trampoline = mb.create<LLVM::LLVMFuncOp>(
          body.getLoc(), (body.getName() + "_tramp").str(),
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {i64, i64, ptr}), LLVM::Linkage::Internal);
      Block *entry = trampoline.addEntryBlock(mb);
      OpBuilder tb = OpBuilder::atBlockBegin(entry);
      SmallVector<Value> args{entry->getArgument(0), entry->getArgument(1)};
      for (unsigned i = 0; i < numPtrs; ++i) {
        Value slot = tb.create<LLVM::GEPOp>(body.getLoc(), ptr, ptr, entry->getArgument(2),
                                            ArrayRef<LLVM::GEPArg>{(int32_t)i});
        args.push_back(tb.create<LLVM::LoadOp>(body.getLoc(), ptr, slot));
      }
      tb.create<LLVM::CallOp>(body.getLoc(), body, args);
      tb.create<LLVM::ReturnOp>(body.getLoc(), ValueRange{});

      int64_t trips = *dlc::abi::getParallelTrips(body);
      for (LLVM::CallOp call : calls) {
        Location loc = call.getLoc();
        auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
        OpBuilder ab = OpBuilder::atBlockBegin(&caller.getBody().front());
        Value count = ab.create<LLVM::ConstantOp>(loc, i64, ab.getI64IntegerAttr(std::max<unsigned>(numPtrs, 1)));
        Value ctxArray = ab.create<LLVM::AllocaOp>(loc, ptr, ptr, count, 8);
        OpBuilder cb(call);
        for (unsigned i = 0; i < numPtrs; ++i) {
          Value slot = cb.create<LLVM::GEPOp>(loc, ptr, ptr, ctxArray, ArrayRef<LLVM::GEPArg>{(int32_t)i});
          cb.create<LLVM::StoreOp>(loc, call.getArgOperands()[2 + i], slot);
        }
        Value n = cb.create<LLVM::ConstantOp>(loc, i64, cb.getI64IntegerAttr(trips));
        Value fnPtr = cb.create<LLVM::AddressOfOp>(loc, ptr, trampoline.getSymName());
        cb.create<LLVM::CallOp>(loc, runParallel, ValueRange{n, fnPtr, ctxArray});
        call.erase();
      }
    }
  }
};

} // namespace
