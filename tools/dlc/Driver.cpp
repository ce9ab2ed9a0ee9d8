#include "tools/dlc/Driver.h"

#include "codegen/cpu/Artifact.h"
#include "compiler/Passes.h"
#include "compiler/Pipelines.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/TargetParser/Host.h"

#include <cstring>

using namespace mlir;

namespace dlc {

void registerCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<graph::GraphDialect, kernel::KernelDialect>();
}

/// The manifest's view of the imported entry point, read from its argument attributes.
static ArtifactSpec describe(ModuleOp module, const onnx_frontend::ImportedModel &model) {
  ArtifactSpec spec;
  spec.modelName = model.modelName;
  auto fn = module.lookupSymbol<func::FuncOp>("infer");
  EntrySpec entry;
  entry.name = "infer";
  auto tensorSpec = [](StringRef name, Type t) {
    auto rt = cast<RankedTensorType>(t);
    TensorSpec s;
    s.name = name.str();
    s.dtype = dtypeOf(rt.getElementType());
    s.shape.assign(rt.getShape().begin(), rt.getShape().end());
    return s;
  };
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto kind = fn.getArgAttrOfType<StringAttr>(i, "dlc.kind");
    auto name = fn.getArgAttrOfType<StringAttr>(i, "dlc.name");
    if (kind && kind.getValue() == "input")
      entry.inputs.push_back(tensorSpec(name ? name.getValue() : "input" + std::to_string(i),
                                        fn.getArgument(i).getType()));
  }
  for (unsigned i = 0; i < fn.getNumResults(); ++i) {
    auto name = fn.getResultAttrOfType<StringAttr>(i, "dlc.name");
    entry.outputs.push_back(tensorSpec(name ? name.getValue() : "output" + std::to_string(i),
                                       fn.getFunctionType().getResult(i)));
  }
  spec.entries.push_back(entry);
  for (const auto &p : model.params) {
    ParamSpec ps;
    ps.tensor = tensorSpec(p.name, p.type);
    ps.trainable = p.trainable;
    ps.data = &p.data;
    spec.params.push_back(ps);
  }
  return spec;
}

/// f32 lanes of the host's widest vector registers: the micro-kernel's vector width.
static int64_t hostVectorWidth() {
  auto features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return 16;
  if (features.lookup("avx2") || features.lookup("avx"))
    return 8;
  return 4;
}

static llvm::Error checkDtypes(const ArtifactSpec &spec) {
  for (const EntrySpec &e : spec.entries)
    for (const auto *list : {&e.inputs, &e.outputs})
      for (const TensorSpec &t : *list)
        if (t.dtype == 0)
          return llvm::createStringError("tensor '" + t.name + "' of entry '" + e.name +
                                         "' has an element type the runtime cannot exchange");
  return llvm::Error::success();
}

/// Weight prepacking for inference: a parameter read only through one 2-D transpose (Gemm's
/// transB, torch's Linear) is stored transposed in the artifact, so the kernels read it
/// directly and no transpose runs per call. The manifest shows the stored layout.
static void prepackTransposedParams(ModuleOp module, onnx_frontend::ImportedModel &model) {
  auto fn = module.lookupSymbol<func::FuncOp>("infer");
  unsigned firstParam = fn.getNumArguments() - model.params.size();
  for (unsigned i = 0; i < model.params.size(); ++i) {
    BlockArgument arg = fn.getArgument(firstParam + i);
    auto type = cast<RankedTensorType>(arg.getType());
    if (type.getRank() != 2 || arg.use_empty() || !type.getElementType().isIntOrFloat())
      continue;
    bool onlyTransposed = llvm::all_of(arg.getUsers(), [](Operation *u) {
      auto t = dyn_cast<graph::TransposeOp>(u);
      return t && t.getPerm() == ArrayRef<int64_t>{1, 0};
    });
    if (!onlyTransposed)
      continue;
    int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
    size_t elem = (type.getElementTypeBitWidth() + 7) / 8;
    std::vector<char> &data = model.params[i].data;
    std::vector<char> packed(data.size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        std::memcpy(&packed[(c * rows + r) * elem], &data[(r * cols + c) * elem], elem);
    data.swap(packed);
    auto transposed = RankedTensorType::get({cols, rows}, type.getElementType());
    model.params[i].type = transposed;
    arg.setType(transposed);
    for (Operation *user : llvm::make_early_inc_range(arg.getUsers())) {
      user->getResult(0).replaceAllUsesWith(arg);
      user->erase();
    }
  }
  SmallVector<Type> inputs(fn.getBody().getArgumentTypes());
  fn.setType(FunctionType::get(module.getContext(), inputs, fn.getFunctionType().getResults()));
}

static llvm::Error run(ModuleOp module, llvm::function_ref<void(OpPassManager &)> build, const char *stage) {
  PassManager pm(module->getContext());
  build(pm);
  if (failed(pm.run(module)))
    return llvm::createStringError(std::string("the ") + stage + " stage failed");
  return llvm::Error::success();
}

llvm::Error compileModel(onnx_frontend::ImportedModel &model, const CompileOptions &options,
                         const std::string &outputPath, llvm::raw_ostream &os) {
  if (options.target != "cpu")
    return llvm::createStringError("--target " + options.target + " is not available in this build yet");
  ModuleOp module = model.module.get();
  auto infer = module.lookupSymbol<func::FuncOp>("infer");
  if (!infer)
    return llvm::createStringError("the imported module has no @infer function");
  infer->setAttr(kEntryAttr, UnitAttr::get(module.getContext()));
  prepackTransposedParams(module, model);
  ArtifactSpec spec = describe(module, model);
  spec.target = options.target;
  if (auto err = checkDtypes(spec))
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
  infer = module.lookupSymbol<func::FuncOp>("infer");
  if (auto arena = infer->getAttrOfType<IntegerAttr>(kArenaBytesAttr))
    spec.entries[0].arenaBytes = arena.getInt();
  CpuPipelineOptions cpu;
  cpu.optLevel = options.optLevel;
  cpu.vectorWidth = hostVectorWidth();
  if (auto err = run(module, [&](OpPassManager &pm) { buildLowerToLLVMPipeline(pm, cpu); }, "lower-to-llvm"))
    return err;

  if (options.emit == "llvm") {
    auto ir = emitLLVMIR(module, spec, options.optLevel);
    if (!ir)
      return ir.takeError();
    os << *ir;
    return llvm::Error::success();
  }
  if (options.emit == "obj")
    return emitObjectFile(module, spec, options.optLevel, outputPath);
  llvm::SmallString<128> obj;
  if (auto ec = llvm::sys::fs::createTemporaryFile("dlc-kernels", "o", obj))
    return llvm::createStringError("cannot create a temporary file: " + ec.message());
  auto removeObj = llvm::make_scope_exit([&] { llvm::sys::fs::remove(obj); });
  if (auto err = emitObjectFile(module, spec, options.optLevel, obj.str().str()))
    return err;
  return linkArtifact(obj.str().str(), spec, outputPath);
}

} // namespace dlc
