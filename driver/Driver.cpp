#include "driver/Driver.h"

#include "codegen/ArtifactWriter.h"
#include "codegen/cpu/CpuArtifact.h"
#include "codegen/cuda/CudaArtifact.h"
#include "codegen/linalg/Pipelines.h"
#include "compiler/Pipelines.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"

#include <map>

using namespace mlir;

namespace dlc {

void registerCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<abi::AbiDialect, graph::GraphDialect, kernel::KernelDialect>();
}

static llvm::Expected<std::unique_ptr<ArtifactWriter>> writerFor(const CompileOptions &options) {
  if (options.target == "cpu")
    return createCpuArtifactWriter(options.optLevel);
  if (options.target == "cuda") {
    CudaTargetOptions cuda;
    cuda.arch = options.cudaArch;
    cuda.precision = options.precision;
    cuda.optLevel = options.optLevel;
    return createCudaArtifactWriter(cuda);
  }
  return llvm::createStringError("unknown target '" + options.target + "' (cpu or cuda)");
}

/// Runs `build`'s pipeline; its diagnostics go to the context's handler.
static llvm::Error run(ModuleOp module, llvm::function_ref<void(OpPassManager &)> build, const char *stage) {
  PassManager pm(module->getContext());
  build(pm);
  if (failed(pm.run(module)))
    return llvm::createStringError(std::string("the ") + stage + " stage failed");
  return llvm::Error::success();
}

/// Adds eval_step and train_step. The pass's errors are about the training options (an
/// unknown loss, a --freeze that matches nothing, ...): the first becomes the returned
/// error, with the node it names, not a dump of the IR.
static llvm::Error addTraining(ModuleOp module, const TrainOptions &train) {
  PassManager pm(module->getContext());
  pm.addPass(createBuildTrainStep(train.step));
  std::string firstError;
  ScopedDiagnosticHandler capture(module->getContext(), [&](Diagnostic &d) {
    if (d.getSeverity() != DiagnosticSeverity::Error || !firstError.empty())
      return success();
    firstError = d.str();
    if (d.getLocation() != module.getLoc()) {
      std::string where;
      llvm::raw_string_ostream(where) << d.getLocation();
      firstError += " (at " + where + ")";
    }
    return success();
  });
  if (succeeded(pm.run(module)))
    return llvm::Error::success();
  return llvm::createStringError(firstError.empty() ? std::string("building train_step failed") : firstError);
}

llvm::Error compileModel(onnx_frontend::ImportedModel &model, const CompileOptions &options,
                         const std::string &outputPath, llvm::raw_ostream &os) {
  auto writer = writerFor(options);
  if (!writer)
    return writer.takeError();
  ModuleOp module = model.module.get();
  if (!module.lookupSymbol<func::FuncOp>("infer"))
    return llvm::createStringError("the imported module has no @infer function");
  if (options.train.enabled)
    if (auto err = addTraining(module, options.train))
      return err;

  auto stop = [&](const char *stage) {
    if (options.emit != stage)
      return false;
    module.print(os);
    os << "\n";
    return true;
  };
  if (stop("graph"))
    return llvm::Error::success();
  if (auto err = run(module, buildGraphToKernelPipeline, "graph-to-kernel"))
    return err;
  if (stop("kernel"))
    return llvm::Error::success();
  if (auto err = run(module, buildKernelToLinalgPipeline, "kernel-to-linalg"))
    return err;
  if (stop("linalg"))
    return llvm::Error::success();
  if (auto err = run(module, buildBufferizePipeline, "bufferize"))
    return err;

  std::map<std::string, const std::vector<char> *, std::less<>> initializers;
  for (const onnx_frontend::Parameter &p : model.params)
    initializers[p.name] = &p.data;
  auto spec = describeArtifact(module, model.modelName, [&](StringRef name) -> const std::vector<char> * {
    auto it = initializers.find(name);
    return it == initializers.end() ? nullptr : it->second;
  });
  if (!spec)
    return spec.takeError();
  spec->target = (*writer)->target().str();

  if (auto err = run(module, [&](OpPassManager &pm) { (*writer)->buildLowering(pm); }, "lowering"))
    return err;
  if (options.emit == "obj")
    return (*writer)->writeObject(module, *spec, outputPath);
  if (!options.emit.empty())
    return (*writer)->print(module, *spec, options.emit, os);
  return (*writer)->write(module, *spec, outputPath);
}

} // namespace dlc
