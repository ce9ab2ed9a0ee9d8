#include "codegen/cpu/CpuArtifact.h"
#include "codegen/HostObject.h"
#include "codegen/cpu/Pipeline.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

namespace dlc {

int64_t hostVectorWidth() {
  auto features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return 16;
  if (features.lookup("avx2") || features.lookup("avx"))
    return 8;
  return 4;
}

namespace {

class CpuArtifactWriter : public ArtifactWriter {
public:
  CpuArtifactWriter(int optLevel, int64_t vectorWidth) : optLevel(optLevel), vectorWidth(vectorWidth) {}

  StringRef target() const override { return "cpu"; }

  void configureKernelToLinalg(KernelToLinalgOptions &options) const override { configureCpuKernelToLinalg(options, vectorWidth); }

  void buildLowering(OpPassManager &pm) const override {
    CpuPipelineOptions options;
    options.optLevel = optLevel;
    options.vectorWidth = vectorWidth;
    buildLowerToLLVMPipeline(pm, options);
  }

  llvm::Error print(ModuleOp lowered, const ArtifactSpec &spec, StringRef stage, llvm::raw_ostream &os) const override {
    if (stage != "llvm")
      return llvm::createStringError("--target cpu prints no stage '" + stage.str() + "' after the lowering (llvm)");
    auto ir = emitLLVMIR(lowered, spec, optLevel);
    if (!ir)
      return ir.takeError();
    os << *ir;
    return llvm::Error::success();
  }

  llvm::Error writeObject(ModuleOp lowered, const ArtifactSpec &spec, const std::string &path) const override {
    return emitObjectFile(lowered, spec, optLevel, path);
  }

  llvm::Error write(ModuleOp lowered, const ArtifactSpec &spec, const std::string &path) const override {
    llvm::SmallString<128> obj;
    if (auto ec = llvm::sys::fs::createTemporaryFile("dlc-kernels", "o", obj))
      return llvm::createStringError("cannot create a temporary file: " + ec.message());
    auto removeObj = llvm::make_scope_exit([&] { llvm::sys::fs::remove(obj); });
    if (auto err = emitObjectFile(lowered, spec, optLevel, obj.str().str()))
      return err;
    return linkSharedObject(obj.str().str(), spec, "", path);
  }

private:
  int optLevel;
  int64_t vectorWidth;
};

} // namespace

std::unique_ptr<ArtifactWriter> createCpuArtifactWriter(int optLevel, int64_t vectorWidth) {
  return std::make_unique<CpuArtifactWriter>(optLevel, vectorWidth ? vectorWidth : hostVectorWidth());
}

} // namespace dlc
