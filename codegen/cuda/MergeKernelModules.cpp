// dlc-cuda-merge-kernel-modules: all outlined kernels in one gpu.module.
#include "codegen/cuda/Passes.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVM/NVVM/Target.h"

namespace dlc {
#define GEN_PASS_DEF_CUDAMERGEKERNELMODULES
#include "codegen/cuda/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

struct CudaMergeKernelModulesPass : dlc::impl::CudaMergeKernelModulesBase<CudaMergeKernelModulesPass> {
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<gpu::GPUDialect>();
    // gpu-module-to-binary, later in the pipeline, translates the kernels to LLVM IR.
    registerBuiltinDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
    registerNVVMDialectTranslation(registry);
    registerGPUDialectTranslation(registry);
    gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
    NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> kernels(module.getOps<gpu::GPUModuleOp>());
    if (kernels.empty())
      return;
    OpBuilder b(kernels.front());
    auto merged = b.create<gpu::GPUModuleOp>(kernels.front().getLoc(), "dlc_kernels");
    SymbolTable mergedSymbols(merged);
    auto mergedName = FlatSymbolRefAttr::get(merged.getSymNameAttr());
    // Outlining names each module uniquely but may reuse a kernel's name across modules:
    // the merged kernels take their module's name.
    DenseMap<StringAttr, StringAttr> renamed; // module name -> old kernel name
    for (gpu::GPUModuleOp m : kernels) {
      for (auto fn : m.getBody()->getOps<gpu::GPUFuncOp>()) {
        if (!fn.isKernel())
          continue;
        if (renamed.count(m.getSymNameAttr())) {
          m.emitError("an outlined module holds more than one kernel");
          return signalPassFailure();
        }
        renamed[m.getSymNameAttr()] = fn.getNameAttr();
        SymbolTable::setSymbolName(fn, m.getSymNameAttr());
      }
    }
    for (gpu::GPUModuleOp m : kernels) {
      for (Operation &op : llvm::make_early_inc_range(m.getBody()->getOperations())) {
        auto sym = dyn_cast<SymbolOpInterface>(&op);
        if (!sym)
          continue;
        if (mergedSymbols.lookup(sym.getNameAttr())) {
          if (isa<memref::GlobalOp>(&op))
            continue; // the same global of the host module, copied into both
          op.emitError("two outlined kernel modules define '") << sym.getName() << "'";
          return signalPassFailure();
        }
        op.moveBefore(merged.getBody(), merged.getBody()->end());
        mergedSymbols.insert(&op);
      }
    }
    DenseSet<StringAttr> old;
    for (gpu::GPUModuleOp m : kernels)
      old.insert(m.getSymNameAttr());
    module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr k = launch.getKernel();
      if (old.contains(k.getRootReference()))
        launch.setKernelAttr(SymbolRefAttr::get(mergedName.getAttr(), {FlatSymbolRefAttr::get(k.getRootReference())}));
    });
    for (gpu::GPUModuleOp m : kernels)
      m.erase();
  }
};

} // namespace
