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

/// A timer for `stage` under `timing`, or an inactive one.
static TimingScope stageTimer(TimingScope *timing, const char *stage) {
  return timing ? timing->nest(stage) : TimingScope();
}

/// Runs `build`'s pipeline, its passes timed under `timing` when given; its diagnostics go
/// to the context's handler.
static llvm::Error run(ModuleOp module, llvm::function_ref<void(OpPassManager &)> build, const char *stage,
                       TimingScope *timing) {
  PassManager pm(module->getContext());
  build(pm);
  TimingScope scope = stageTimer(timing, stage);
  if (timing)
    pm.enableTiming(scope);
  if (failed(pm.run(module)))
    return llvm::createStringError(std::string("the ") + stage + " stage failed");
  return llvm::Error::success();
}

/// Adds eval_step and train_step. The pass's errors are about the training options (an
/// unknown loss, a --freeze that matches nothing, ...): the first becomes the returned
/// error, with the node it names, not a dump of the IR.
static llvm::Error addTraining(ModuleOp module, const TrainOptions &train, TimingScope *timing) {
  PassManager pm(module->getContext());
  pm.addPass(createBuildTrainStep(train.step));
  TimingScope scope = stageTimer(timing, "training");
  if (timing)
    pm.enableTiming(scope);
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
                         const std::string &outputPath, llvm::raw_ostream &os, TimingScope *timing) {
  auto writer = writerFor(options);
  if (!writer)
    return writer.takeError();
  ModuleOp module = model.module.get();
  if (!module.lookupSymbol<func::FuncOp>("infer"))
    return llvm::createStringError("the imported module has no @infer function");
  if (options.train.enabled)
    if (auto err = addTraining(module, options.train, timing))
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
  if (auto err = run(module, buildGraphToKernelPipeline, "graph-to-kernel", timing))
    return err;
  if (stop("kernel"))
    return llvm::Error::success();
  KernelToLinalgOptions linalgOptions;
  (*writer)->configureKernelToLinalg(linalgOptions);
  if (auto err = run(module, [&](OpPassManager &pm) { buildKernelToLinalgPipeline(pm, linalgOptions); },
                     "kernel-to-linalg", timing))
    return err;
  if (stop("linalg"))
    return llvm::Error::success();
  if (auto err = run(module, buildBufferizePipeline, "bufferize", timing))
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

  if (auto err = run(module, [&](OpPassManager &pm) { (*writer)->buildLowering(pm); }, "lowering", timing))
    return err;
  // LLVM's optimization and code generation, and writing the file.
  TimingScope codegen = stageTimer(timing, "llvm-codegen");
  if (options.emit == "obj")
    return (*writer)->writeObject(module, *spec, outputPath);
  if (!options.emit.empty())
    return (*writer)->print(module, *spec, options.emit, os);
  return (*writer)->write(module, *spec, outputPath);
}

} // namespace dlc
