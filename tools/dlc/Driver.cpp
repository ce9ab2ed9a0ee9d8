#include "tools/dlc/Driver.h"

#include "codegen/cpu/Artifact.h"
#include "codegen/cuda/CudaArtifact.h"
#include "codegen/cpu/Pipeline.h"
#include "codegen/cuda/Pipeline.h"
#include "codegen/linalg/Passes.h"
#include "codegen/linalg/Pipelines.h"
#include "compiler/Passes.h"
#include "compiler/Pipelines.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/TargetParser/Host.h"

#include <cstring>
#include <deque>
#include <optional>

using namespace mlir;

namespace dlc {

void registerCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<graph::GraphDialect, kernel::KernelDialect>();
}

/// The manifest's view of the entry points (infer, then eval_step and train_step when
/// training), read from their argument and result attributes. Parameters are @infer's
/// `param` arguments: the imported initializers, then what training added (optimizer
/// state, optimizer.lr, optimizer.step), whose initial values `dlc.init` gives.
static ArtifactSpec describe(ModuleOp module, const onnx_frontend::ImportedModel &model,
                             std::deque<std::vector<char>> &addedData) {
  ArtifactSpec spec;
  spec.modelName = model.modelName;
  auto tensorSpec = [](StringRef name, Type t) {
    auto rt = cast<RankedTensorType>(t);
    TensorSpec s;
    s.name = name.str();
    s.dtype = dtypeOf(rt.getElementType());
    s.shape.assign(rt.getShape().begin(), rt.getShape().end());
    return s;
  };
  for (StringRef entryName : {"infer", "eval_step", "train_step"}) {
    auto fn = module.lookupSymbol<func::FuncOp>(entryName);
    if (!fn)
      continue;
    EntrySpec entry;
    entry.name = entryName.str();
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      auto kind = fn.getArgAttrOfType<StringAttr>(i, "dlc.kind");
      auto name = fn.getArgAttrOfType<StringAttr>(i, "dlc.name");
      auto packed = fn.getArgAttrOfType<TypeAttr>(i, onnx_frontend::kPackedTypeAttr);
      if (kind && kind.getValue() == "input")
        entry.inputs.push_back(tensorSpec(name ? name.getValue() : "input" + std::to_string(i),
                                          packed ? packed.getValue() : fn.getArgument(i).getType()));
    }
    for (unsigned i = 0; i < fn.getNumResults(); ++i) {
      if (fn.getResultAttr(i, "dlc.updates_param"))
        continue; // written into a parameter, not an output
      auto name = fn.getResultAttrOfType<StringAttr>(i, "dlc.name");
      auto packed = fn.getResultAttrOfType<TypeAttr>(i, onnx_frontend::kPackedTypeAttr);
      entry.outputs.push_back(tensorSpec(name ? name.getValue() : "output" + std::to_string(i),
                                         packed ? packed.getValue() : fn.getFunctionType().getResult(i)));
    }
    spec.entries.push_back(entry);
  }
  auto infer = module.lookupSymbol<func::FuncOp>("infer");
  size_t imported = 0;
  for (unsigned i = 0; i < infer.getNumArguments(); ++i) {
    auto kind = infer.getArgAttrOfType<StringAttr>(i, "dlc.kind");
    if (!kind || kind.getValue() != "param")
      continue;
    ParamSpec ps;
    auto name = infer.getArgAttrOfType<StringAttr>(i, "dlc.name");
    ps.tensor = tensorSpec(name.getValue(), infer.getArgument(i).getType());
    if (imported < model.params.size()) {
      ps.trainable = model.params[imported].trainable;
      ps.data = &model.params[imported].data;
      ++imported;
    } else {
      auto type = cast<RankedTensorType>(infer.getArgument(i).getType());
      size_t bytes = type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
      std::vector<char> &data = addedData.emplace_back(bytes, 0);
      if (auto init = infer.getArgAttrOfType<FloatAttr>(i, "dlc.init")) {
        float f = (float)init.getValueAsDouble();
        double d = init.getValueAsDouble();
        if (type.getElementType().isF32())
          std::memcpy(data.data(), &f, sizeof f);
        else if (type.getElementType().isF64())
          std::memcpy(data.data(), &d, sizeof d);
      }
      ps.data = &data;
    }
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

/// Marks which imported parameters train, then adds eval_step and train_step.
static llvm::Error addTraining(ModuleOp module, onnx_frontend::ImportedModel &model, const TrainOptions &t) {
  auto infer = module.lookupSymbol<func::FuncOp>("infer");
  unsigned firstParam = infer.getNumArguments() - model.params.size();
  for (unsigned i = 0; i < model.params.size(); ++i)
    infer.setArgAttr(firstParam + i, "dlc.trainable", BoolAttr::get(module.getContext(), model.params[i].trainable));
  PassManager pm(module->getContext());
  pm.addPass(createBuildTrainStep(t.step));
  // The pass's errors are about the training options (an unknown loss, a --freeze that
  // matches nothing, ...): they become this one error, not a dump of the IR.
  std::string firstError;
  {
    ScopedDiagnosticHandler capture(module->getContext(), [&](Diagnostic &d) {
      if (d.getSeverity() != DiagnosticSeverity::Error)
        return success();
      if (!firstError.empty())
        return success();
      firstError = d.str();
      if (d.getLocation() != module.getLoc()) { // an op's error: say which node
        std::string where;
        llvm::raw_string_ostream(where) << d.getLocation();
        firstError += " (at " + where + ")";
      }
      return success();
    });
    if (succeeded(pm.run(module)))
      firstError.clear();
    else if (firstError.empty())
      firstError = "building train_step failed";
  }
  if (!firstError.empty())
    return llvm::createStringError(firstError);
  // --freeze may have cleared dlc.trainable: the manifest says what the pass decided.
  for (unsigned i = 0; i < model.params.size(); ++i)
    if (auto t = infer.getArgAttrOfType<BoolAttr>(firstParam + i, "dlc.trainable"))
      model.params[i].trainable = t.getValue();
  return llvm::Error::success();
}

static llvm::Error run(ModuleOp module, llvm::function_ref<void(OpPassManager &)> build, const char *stage) {
  PassManager pm(module->getContext());
  build(pm);
  if (failed(pm.run(module)))
    return llvm::createStringError(std::string("the ") + stage + " stage failed");
  return llvm::Error::success();
}

/// --target cuda, from the bufferized module on: kernels to PTX (and cubin), host code
/// that launches them.
// `--emit llvm|obj` stop after the LLVM dialect on both targets; nullopt: go on.
static std::optional<llvm::Error> emitLLVMStage(ModuleOp module, const ArtifactSpec &spec,
                                                const CompileOptions &options,
                                                const std::string &outputPath, llvm::raw_ostream &os) {
  if (options.emit == "llvm") {
    auto ir = emitLLVMIR(module, spec, options.optLevel);
    if (!ir)
      return ir.takeError();
    os << *ir;
    return llvm::Error::success();
  }
  if (options.emit == "obj")
    return emitObjectFile(module, spec, options.optLevel, outputPath);
  return std::nullopt;
}

static llvm::Error compileCuda(ModuleOp module, const ArtifactSpec &spec, const CompileOptions &options,
                               const std::string &outputPath, llvm::raw_ostream &os) {
  auto features = cudaFeaturesFor(options.cudaArch);
  if (!features)
    return features.takeError();
  CudaPipelineOptions cuda;
  cuda.chip = options.cudaArch;
  cuda.features = *features;
  cuda.optLevel = options.optLevel;
  cuda.precision = options.precision;
  cuda.libdevice = findLibdevice();
  if (auto err = run(module, [&](OpPassManager &pm) { buildCudaLowerPipeline(pm, cuda); }, "cuda-lower"))
    return err;
  if (options.emit == "ptx") {
    auto ptx = extractPtx(module);
    if (!ptx)
      return ptx.takeError();
    os << *ptx;
    return llvm::Error::success();
  }
  if (auto stopped = emitLLVMStage(module, spec, options, outputPath, os))
    return std::move(*stopped);
  CudaTargetOptions target;
  target.arch = options.cudaArch;
  target.optLevel = options.optLevel;
  return writeCudaArtifact(module, spec, target, outputPath);
}

llvm::Error compileModel(onnx_frontend::ImportedModel &model, const CompileOptions &options,
                         const std::string &outputPath, llvm::raw_ostream &os) {
  if (options.target != "cpu" && options.target != "cuda")
    return llvm::createStringError("unknown target '" + options.target + "' (cpu or cuda)");
  ModuleOp module = model.module.get();
  auto infer = module.lookupSymbol<func::FuncOp>("infer");
  if (!infer)
    return llvm::createStringError("the imported module has no @infer function");
  if (options.train.enabled) {
    if (auto err = addTraining(module, model, options.train))
      return err;
  } else {
    prepackTransposedParams(module, model);
  }
  for (StringRef name : {"infer", "eval_step", "train_step"})
    if (auto fn = module.lookupSymbol<func::FuncOp>(name))
      fn->setAttr(kEntryAttr, UnitAttr::get(module.getContext()));
  std::deque<std::vector<char>> addedData;
  ArtifactSpec spec = describe(module, model, addedData);
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
  for (EntrySpec &entry : spec.entries)
    if (auto fn = module.lookupSymbol<func::FuncOp>(entry.name))
      if (auto arena = fn->getAttrOfType<IntegerAttr>(kArenaBytesAttr))
        entry.arenaBytes = arena.getInt();
  if (options.target == "cuda")
    return compileCuda(module, spec, options, outputPath, os);
  CpuPipelineOptions cpu;
  cpu.optLevel = options.optLevel;
  cpu.vectorWidth = hostVectorWidth();
  if (auto err = run(module, [&](OpPassManager &pm) { buildLowerToLLVMPipeline(pm, cpu); }, "lower-to-llvm"))
    return err;

  if (auto stopped = emitLLVMStage(module, spec, options, outputPath, os))
    return std::move(*stopped);
  llvm::SmallString<128> obj;
  if (auto ec = llvm::sys::fs::createTemporaryFile("dlc-kernels", "o", obj))
    return llvm::createStringError("cannot create a temporary file: " + ec.message());
  auto removeObj = llvm::make_scope_exit([&] { llvm::sys::fs::remove(obj); });
  if (auto err = emitObjectFile(module, spec, options.optLevel, obj.str().str()))
    return err;
  return linkArtifact(obj.str().str(), spec, outputPath);
}

} // namespace dlc
