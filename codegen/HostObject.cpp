#include "codegen/HostObject.h"
#include "dialects/Abi/AbiDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

#include <fstream>
#include <unistd.h>
#include <sstream>

using namespace mlir;

namespace dlc {

static const char kAbiHeader[] = {
#include "runtime_abi_header.inc"
    , 0};

static llvm::Expected<llvm::TargetMachine *> hostTargetMachine() {
  static std::unique_ptr<llvm::TargetMachine> tm;
  if (tm)
    return tm.get();
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError("no LLVM target for " + triple.str() + ": " + error);
  llvm::SubtargetFeatures features;
  for (auto &f : llvm::sys::getHostCPUFeatures())
    features.AddFeature(f.first(), f.second);
  llvm::TargetOptions options;
  tm.reset(target->createTargetMachine(triple, llvm::sys::getHostCPUName(), features.getString(), options,
                                       llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return llvm::createStringError("cannot create a target machine for " + triple.str());
  return tm.get();
}

/// void dlc_entry_<name>(void *const *args, void *arena) calling the bare-pointer entry.
static llvm::Error addEntryWrappers(llvm::Module &m, const ArtifactSpec &spec) {
  llvm::LLVMContext &ctx = m.getContext();
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  for (const EntrySpec &e : spec.entries) {
    llvm::Function *impl = m.getFunction(e.name);
    if (!impl)
      return llvm::createStringError("entry point '" + e.name + "' is missing from the generated code");
    size_t expected = e.inputs.size() + spec.params.size() + e.outputs.size() + 1;
    if (impl->arg_size() != expected)
      return llvm::createStringError("entry point '" + e.name + "' takes " + std::to_string(impl->arg_size()) +
                                     " pointers, the manifest describes " + std::to_string(expected));
    auto *fnType = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr, ptr}, false);
    auto *wrapper = llvm::Function::Create(fnType, llvm::GlobalValue::ExternalLinkage, "dlc_entry_" + e.name, m);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", wrapper));
    std::vector<llvm::Value *> args;
    for (size_t i = 0; i + 1 < expected; ++i) {
      llvm::Value *slot = b.CreateConstGEP1_64(ptr, wrapper->getArg(0), i);
      args.push_back(b.CreateLoad(ptr, slot));
    }
    args.push_back(wrapper->getArg(1));
    b.CreateCall(impl, args);
    b.CreateRetVoid();
    impl->setLinkage(llvm::GlobalValue::InternalLinkage);
  }
  return llvm::Error::success();
}

static llvm::Expected<std::unique_ptr<llvm::Module>> toLLVM(ModuleOp module, const ArtifactSpec &spec,
                                                            int optLevel, llvm::LLVMContext &ctx) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);
  abi::eraseAttributes(module);
  auto llvmModule = translateModuleToLLVMIR(module, ctx, spec.modelName);
  if (!llvmModule)
    return llvm::createStringError("translation of the LLVM dialect to LLVM IR failed");
  auto tm = hostTargetMachine();
  if (!tm)
    return tm.takeError();
  llvmModule->setDataLayout((*tm)->createDataLayout());
  llvmModule->setTargetTriple((*tm)->getTargetTriple());
  if (auto err = addEntryWrappers(*llvmModule, spec))
    return std::move(err);
  auto optimize = makeOptimizingTransformer(optLevel, 0, *tm);
  if (auto err = optimize(llvmModule.get()))
    return std::move(err);
  return llvmModule;
}

llvm::Expected<std::string> emitLLVMIR(ModuleOp module, const ArtifactSpec &spec, int optLevel) {
  llvm::LLVMContext ctx;
  auto m = toLLVM(module, spec, optLevel, ctx);
  if (!m)
    return m.takeError();
  std::string s;
  llvm::raw_string_ostream os(s);
  (*m)->print(os, nullptr);
  return s;
}

llvm::Error emitObjectFile(ModuleOp module, const ArtifactSpec &spec, int optLevel, const std::string &path) {
  llvm::LLVMContext ctx;
  auto m = toLLVM(module, spec, optLevel, ctx);
  if (!m)
    return m.takeError();
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return llvm::createStringError("cannot write " + path + ": " + ec.message());
  llvm::legacy::PassManager pm;
  if ((*hostTargetMachine())->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError("the target cannot emit object files");
  pm.run(**m);
  os.flush();
  return llvm::Error::success();
}

static std::string cString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if ((unsigned char)c < 32) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\%03o", (unsigned char)c);
      out += buf;
      continue;
    }
    out += c;
  }
  return out + "\"";
}

/// A dlc_tensor_desc initializer; `check` names the tensor's dlc_index_check, if it has one.
static std::string tensorDesc(const TensorSpec &t, const std::string &check = "") {
  std::ostringstream os;
  os << "{" << cString(t.name) << ", " << t.dtype << ", " << t.shape.size() << ", {";
  for (size_t i = 0; i < t.shape.size(); ++i)
    os << (i ? ", " : "") << t.shape[i];
  if (t.shape.empty())
    os << "0";
  os << "}, " << (check.empty() ? "0" : "&" + check) << "}";
  return os.str();
}

/// The dlc_index_check definitions of an entry's inputs; returns the name of each (or "").
static std::vector<std::string> indexChecks(std::ostringstream &os, const EntrySpec &e) {
  std::vector<std::string> names;
  for (size_t i = 0; i < e.inputs.size(); ++i) {
    const auto &r = e.inputs[i].indexRange;
    names.push_back(r ? e.name + "_check" + std::to_string(i) : "");
    if (r)
      os << "static const dlc_index_check " << names.back() << " = {" << r->lo << "ll, " << r->hi << "ll, "
         << r->ignore.value_or(0) << "ll, " << (r->ignore ? 1 : 0) << ", 0, " << cString(r->use) << "};\n";
  }
  return names;
}

static std::string manifestSource(const ArtifactSpec &spec, const std::string &weightsPath, uint64_t &weightsBytes,
                                  std::vector<uint64_t> &offsets, const std::string &extraSource) {
  std::ostringstream os;
  os << "/* generated by dlc */\n#include \"abi.h\"\n#include <stddef.h>\n";
  os << "__asm__(\".section .rodata\\n.balign 64\\n.type dlc_weights_blob,@object\\ndlc_weights_blob:\\n"
        ".incbin "
     << cString(cString(weightsPath)).substr(1, cString(cString(weightsPath)).size() - 2)
     << "\\n.byte 0\\n.previous\\n\");\n";
  os << "extern const uint8_t dlc_weights_blob[];\n";
  // Parallel loops run on the runtime's pool when the process has libdlcrt loaded, else
  // serially: the artifact itself links no runtime.
  os << "typedef void (*dlc_parallel_fn)(int64_t, int64_t, void *);\n"
        "extern void dlc_parallel_for(int64_t, dlc_parallel_fn, void *) __attribute__((weak));\n"
        "__attribute__((visibility(\"hidden\"))) void dlc_run_parallel(int64_t n, dlc_parallel_fn fn, void *ctx) {\n"
        "  if (dlc_parallel_for) dlc_parallel_for(n, fn, ctx); else fn(0, n, ctx);\n}\n";
  // Data-parallel training's gradient averaging (dlc.grad_reduce_start/wait): answered by
  // the runtime that runs the entry, when it has a reduction bound; else nothing to do.
  for (auto [local, runtime] : {std::pair{abi::kGradReduceStartSymbol, "dlc_runtime_grad_reduce_start"},
                                std::pair{abi::kGradReduceWaitSymbol, "dlc_runtime_grad_reduce_wait"}})
    os << "extern void " << runtime
       << "(int64_t, int32_t, int64_t, void *const *, const int64_t *) __attribute__((weak));\n"
          "__attribute__((visibility(\"hidden\"))) void "
       << local << "(int64_t bucket, int32_t dtype, int64_t n, void *const *buffers, const int64_t *elements) {\n"
       << "  if (" << runtime << ") " << runtime << "(bucket, dtype, n, buffers, elements);\n}\n";
  // LLVM legalizes bf16 vector selects on x86 without AVX512-BF16 through libgcc's
  // __truncsfbf2, which Debian 12's libgcc (GCC 12) lacks: round to nearest even here. The
  // bf16 result travels in the low 16 bits of the return register, as a float's bits.
  os << "__attribute__((visibility(\"hidden\"), weak)) float __truncsfbf2(float x) {\n"
        "  union { float f; uint32_t u; } in = {x}, out;\n"
        "  uint32_t u = in.u;\n"
        "  out.u = (u & 0x7fffffffu) > 0x7f800000u ? ((u >> 16) | 0x40u) : ((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);\n"
        "  return out.f;\n}\n";
  for (const EntrySpec &e : spec.entries) {
    os << "extern void dlc_entry_" << e.name << "(void *const *, void *);\n";
    std::vector<std::string> checks = indexChecks(os, e);
    os << "static const dlc_tensor_desc " << e.name << "_inputs[] = {";
    for (size_t i = 0; i < e.inputs.size(); ++i)
      os << tensorDesc(e.inputs[i], checks[i]) << ", ";
    os << (e.inputs.empty() ? "{0}" : "") << "};\n";
    os << "static const dlc_tensor_desc " << e.name << "_outputs[] = {";
    for (auto &t : e.outputs)
      os << tensorDesc(t) << ", ";
    os << (e.outputs.empty() ? "{0}" : "") << "};\n";
  }
  os << "static const dlc_entry_desc entries[] = {";
  for (const EntrySpec &e : spec.entries)
    os << "{" << cString(e.name) << ", " << e.inputs.size() << ", " << e.outputs.size() << ", " << e.name
       << "_inputs, " << e.name << "_outputs, " << e.arenaBytes << "ull, dlc_entry_" << e.name << "}, ";
  os << "};\n";
  os << "static const dlc_param_desc params[] = {";
  for (size_t i = 0; i < spec.params.size(); ++i) {
    const ParamSpec &p = spec.params[i];
    os << "{" << tensorDesc(p.tensor) << ", " << offsets[i] << "ull, " << p.data->size() << "ull, "
       << (p.trainable ? 1 : 0) << ", " << (p.transposed ? "DLC_PARAM_TRANSPOSED" : "0") << "}, ";
  }
  os << (spec.params.empty() ? "{{0}}" : "") << "};\n";
  os << "static const dlc_manifest manifest = {DLC_MANIFEST_MAGIC, DLC_ABI_VERSION, " << cString(spec.target)
     << ", \"dlc 0.1\", " << cString(spec.modelName) << ", " << spec.entries.size() << ", " << spec.params.size()
     << ", entries, params, dlc_weights_blob, " << weightsBytes << "ull};\n";
  os << "__attribute__((visibility(\"default\"))) const dlc_manifest *dlc_get_manifest(void) { return &manifest; }\n";
  os << extraSource;
  return os.str();
}

static llvm::Error writeFile(const std::string &path, const char *data, size_t n) {
  std::ofstream f(path, std::ios::binary);
  f.write(data, n);
  if (!f)
    return llvm::createStringError("cannot write " + path);
  return llvm::Error::success();
}

llvm::Error linkSharedObject(const std::string &objectPath, const ArtifactSpec &spec, const std::string &extraSource,
                             const std::string &outPath) {
  llvm::SmallString<128> dir;
  if (auto ec = llvm::sys::fs::createUniqueDirectory("dlc-link", dir))
    return llvm::createStringError("cannot create a temporary directory: " + ec.message());
  auto cleanup = llvm::make_scope_exit([&] { llvm::sys::fs::remove_directories(dir); });
  std::string d = dir.str().str();

  // Weights: each parameter at a 64-byte aligned offset.
  std::vector<char> blob;
  std::vector<uint64_t> offsets;
  for (const ParamSpec &p : spec.params) {
    blob.resize((blob.size() + 63) / 64 * 64);
    offsets.push_back(blob.size());
    blob.insert(blob.end(), p.data->begin(), p.data->end());
  }
  uint64_t weightsBytes = blob.size();
  if (auto err = writeFile(d + "/weights.bin", blob.data(), blob.size()))
    return err;
  if (auto err = writeFile(d + "/abi.h", kAbiHeader, sizeof(kAbiHeader) - 1))
    return err;
  std::string src = manifestSource(spec, d + "/weights.bin", weightsBytes, offsets, extraSource);
  if (auto err = writeFile(d + "/manifest.c", src.data(), src.size()))
    return err;

  const char *ccEnv = getenv("CC");
  std::string cc = ccEnv && *ccEnv ? ccEnv : "cc";
  auto ccPath = llvm::sys::findProgramByName(cc);
  if (!ccPath)
    return llvm::createStringError("no C compiler '" + cc + "' on PATH: dlc needs it to link the artifact");
  std::string tmpOut = outPath + ".tmp" + std::to_string(::getpid());
  std::vector<std::string> argv{*ccPath, "-shared", "-fPIC", "-O1", "-I", d, "-o", tmpOut,
                                d + "/manifest.c", objectPath, "-lm", "-Wl,--no-undefined", "-Wl,-z,noexecstack"};
  std::vector<llvm::StringRef> args(argv.begin(), argv.end());
  std::string errMsg;
  std::string logPath = d + "/link.log";
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(logPath), llvm::StringRef(logPath)};
  int rc = llvm::sys::ExecuteAndWait(*ccPath, args, std::nullopt, redirects, 0, 0, &errMsg);
  if (rc != 0) {
    std::ifstream log(logPath);
    std::stringstream ss;
    ss << log.rdbuf();
    llvm::sys::fs::remove(tmpOut);
    return llvm::createStringError("linking the artifact failed (" + cc + " exit " + std::to_string(rc) + "): " +
                                   errMsg + ss.str());
  }
  if (auto ec = llvm::sys::fs::rename(tmpOut, outPath)) {
    llvm::sys::fs::remove(tmpOut);
    return llvm::createStringError("cannot write " + outPath + ": " + ec.message());
  }
  return llvm::Error::success();
}

} // namespace dlc
