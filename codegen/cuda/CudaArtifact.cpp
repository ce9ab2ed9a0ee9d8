#include "codegen/cuda/CudaArtifact.h"
#include "codegen/HostObject.h"
#include "codegen/cuda/Pipeline.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace mlir;

namespace dlc {

static llvm::Expected<std::string> cudaFeaturesFor(const std::string &arch) {
  int major = 0, minor = 0;
  if (arch.size() != 5 || arch.compare(0, 3, "sm_") != 0 || !isdigit(arch[3]) || !isdigit(arch[4]))
    return llvm::createStringError("unknown CUDA architecture '" + arch + "' (expected sm_XY, e.g. sm_80 or sm_90)");
  major = arch[3] - '0';
  minor = arch[4] - '0';
  if (major < 7 || major > 9)
    return llvm::createStringError("CUDA architecture '" + arch + "' is not supported (sm_70 to sm_90)");
  (void)minor;
  // PTX ISA 8.0 (CUDA 12.0) is the first that knows sm_90 and what CUDA 13's ptxas reads.
  return std::string("+ptx80");
}

static std::string firstExisting(std::initializer_list<std::string> paths) {
  for (const std::string &p : paths)
    if (!p.empty() && llvm::sys::fs::exists(p))
      return p;
  return "";
}

static std::string cudaHome() {
  const char *h = std::getenv("CUDA_HOME");
  return h && *h ? h : "";
}

static std::string findLibdevice() {
  std::string home = cudaHome();
  return firstExisting({home.empty() ? "" : home + "/nvvm/libdevice/libdevice.10.bc",
                        "/usr/local/cuda/nvvm/libdevice/libdevice.10.bc",
                        "/usr/lib/nvidia-cuda-toolkit/libdevice/libdevice.10.bc"});
}

static std::string findPtxas() {
  std::string home = cudaHome();
  std::string p = firstExisting({home.empty() ? "" : home + "/bin/ptxas", "/usr/local/cuda/bin/ptxas"});
  if (!p.empty())
    return p;
  if (auto onPath = llvm::sys::findProgramByName("ptxas"))
    return *onPath;
  return "";
}

static llvm::Expected<std::string> extractPtx(ModuleOp module) {
  std::string ptx;
  int binaries = 0;
  module.walk([&](gpu::BinaryOp bin) {
    ++binaries;
    for (Attribute a : bin.getObjectsAttr())
      if (auto obj = dyn_cast<gpu::ObjectAttr>(a))
        if (obj.getFormat() == gpu::CompilationTarget::Assembly)
          ptx = obj.getObject().getValue().str();
  });
  if (binaries == 0)
    return std::string(); // no kernels at all (an empty graph)
  if (binaries != 1 || ptx.empty())
    return llvm::createStringError("expected one gpu.binary holding PTX after the CUDA pipeline, found " +
                                   std::to_string(binaries));
  return ptx;
}

static llvm::Error writeFile(const std::string &path, const std::string &data) {
  std::ofstream f(path, std::ios::binary);
  f.write(data.data(), data.size());
  if (!f)
    return llvm::createStringError("cannot write " + path);
  return llvm::Error::success();
}

static std::string readFile(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

static llvm::Expected<std::string> assemblePtx(const std::string &ptxas, const std::string &ptx, const std::string &arch) {
  llvm::SmallString<128> dir;
  if (auto ec = llvm::sys::fs::createUniqueDirectory("dlc-ptxas", dir))
    return llvm::createStringError("cannot create a temporary directory: " + ec.message());
  auto cleanup = llvm::make_scope_exit([&] { llvm::sys::fs::remove_directories(dir); });
  std::string d = dir.str().str();
  if (auto err = writeFile(d + "/kernels.ptx", ptx))
    return std::move(err);
  std::vector<std::string> argv{ptxas, "-arch=" + arch, "-O3", d + "/kernels.ptx", "-o", d + "/kernels.cubin"};
  std::vector<llvm::StringRef> args(argv.begin(), argv.end());
  std::string log = d + "/ptxas.log", errMsg;
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(log), llvm::StringRef(log)};
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects, 0, 0, &errMsg);
  if (rc != 0)
    return llvm::createStringError("ptxas rejected the PTX for " + arch + " (exit " + std::to_string(rc) + "): " +
                                   errMsg + readFile(log));
  return readFile(d + "/kernels.cubin");
}

static std::string incbin(const std::string &symbol, const std::string &path) {
  std::string quoted;
  for (char c : path) {
    if (c == '"' || c == '\\')
      quoted += "\\\\";
    quoted += c;
  }
  return "__asm__(\".section .rodata\\n.balign 64\\n.type " + symbol + ",@object\\n" + symbol +
         ":\\n.incbin \\\"" + quoted + "\\\"\\n.byte 0\\n.previous\\n\");\nextern const uint8_t " + symbol + "[];\n";
}

/// The mgpu* functions that MLIR's host lowering calls, each forwarded to the launcher
/// the runtime binds before a run. The module "load" at dlopen time only hands back the
/// image: nothing touches CUDA before the runtime does, so a machine without a GPU still
/// loads the artifact and gets a clear error from the runtime.
static std::string forwarders(const std::string &arch, uint64_t ptxBytes, uint64_t cubinBytes) {
  std::ostringstream os;
  os << "static const dlc_cuda_launcher *dlc_launcher;\n"
        "static void dlc_cuda_bind(const dlc_cuda_launcher *l) { dlc_launcher = l; }\n"
        "static const dlc_cuda_image dlc_image = {\""
     << arch << "\", (const char *)dlc_cuda_ptx, " << ptxBytes << "ull, dlc_cuda_cubin, " << cubinBytes
     << "ull, dlc_cuda_bind};\n"
        "__attribute__((visibility(\"default\"))) const dlc_cuda_image *dlc_get_cuda_image(void) { return "
        "&dlc_image; }\n"
        "#define DLC_HIDDEN __attribute__((visibility(\"hidden\")))\n"
        "DLC_HIDDEN void *mgpuModuleLoad(void *data, uint64_t size) { (void)size; return data; }\n"
        "DLC_HIDDEN void *mgpuModuleLoadJIT(void *data, int32_t opt) { (void)opt; return data; }\n"
        "DLC_HIDDEN void mgpuModuleUnload(void *module) { (void)module; }\n"
        "DLC_HIDDEN void *mgpuModuleGetFunction(void *module, const char *name) {\n"
        "  (void)module;\n"
        "  return dlc_launcher ? dlc_launcher->get_function(dlc_launcher->ctx, name) : 0;\n}\n"
        "DLC_HIDDEN void *mgpuStreamCreate(void) { return dlc_launcher ? dlc_launcher->stream : 0; }\n"
        "/* One stream per run, synchronized by the runtime when the entry returns. */\n"
        "DLC_HIDDEN void mgpuStreamSynchronize(void *stream) { (void)stream; }\n"
        "DLC_HIDDEN void mgpuStreamDestroy(void *stream) { (void)stream; }\n"
        "DLC_HIDDEN void mgpuLaunchKernel(void *fn, intptr_t gx, intptr_t gy, intptr_t gz, intptr_t bx, intptr_t by,\n"
        "                                 intptr_t bz, int32_t smem, void *stream, void **params, void **extra,\n"
        "                                 intptr_t nparams) {\n"
        "  (void)extra; (void)nparams;\n"
        "  if (dlc_launcher) dlc_launcher->launch(dlc_launcher->ctx, fn, gx, gy, gz, bx, by, bz, smem, stream, params);\n"
        "}\n";
  return os.str();
}

namespace {

class CudaArtifactWriter : public ArtifactWriter {
public:
  CudaArtifactWriter(const CudaTargetOptions &options, std::string features)
      : options(options), features(std::move(features)) {}

  StringRef target() const override { return "cuda"; }

  void buildLowering(OpPassManager &pm) const override {
    CudaPipelineOptions cuda;
    cuda.chip = options.arch;
    cuda.features = features;
    cuda.optLevel = options.optLevel;
    cuda.precision = options.precision;
    cuda.libdevice = findLibdevice();
    buildCudaLowerPipeline(pm, cuda);
  }

  llvm::Error print(ModuleOp lowered, const ArtifactSpec &spec, StringRef stage, llvm::raw_ostream &os) const override {
    if (stage == "ptx") {
      auto ptx = extractPtx(lowered);
      if (!ptx)
        return ptx.takeError();
      os << *ptx;
      return llvm::Error::success();
    }
    if (stage != "llvm")
      return llvm::createStringError("--target cuda prints no stage '" + stage.str() +
                                     "' after the lowering (llvm, ptx)");
    auto ir = emitLLVMIR(lowered, spec, options.optLevel);
    if (!ir)
      return ir.takeError();
    os << *ir;
    return llvm::Error::success();
  }

  llvm::Error writeObject(ModuleOp lowered, const ArtifactSpec &spec, const std::string &path) const override {
    return emitObjectFile(lowered, spec, options.optLevel, path);
  }

  /// Host object + manifest (target "cuda") + the mgpu* forwarders of
  /// runtime/core/include/dlc/abi.h + the embedded PTX and cubin.
  llvm::Error write(ModuleOp lowered, const ArtifactSpec &spec, const std::string &path) const override {
    auto ptx = extractPtx(lowered);
    if (!ptx)
      return ptx.takeError();
    std::string cubin;
    if (std::string ptxas = findPtxas(); !ptxas.empty() && !ptx->empty()) {
      auto assembled = assemblePtx(ptxas, *ptx, options.arch);
      if (!assembled)
        return assembled.takeError();
      cubin = std::move(*assembled);
    }
    llvm::SmallString<128> dir;
    if (auto ec = llvm::sys::fs::createUniqueDirectory("dlc-cuda", dir))
      return llvm::createStringError("cannot create a temporary directory: " + ec.message());
    auto cleanup = llvm::make_scope_exit([&] { llvm::sys::fs::remove_directories(dir); });
    std::string d = dir.str().str();
    if (auto err = writeFile(d + "/kernels.ptx", *ptx))
      return err;
    if (auto err = writeFile(d + "/kernels.cubin", cubin))
      return err;
    std::string extra = incbin("dlc_cuda_ptx", d + "/kernels.ptx") + incbin("dlc_cuda_cubin", d + "/kernels.cubin") +
                        forwarders(options.arch, ptx->size(), cubin.size());
    std::string obj = d + "/host.o";
    if (auto err = emitObjectFile(lowered, spec, options.optLevel, obj))
      return err;
    return linkSharedObject(obj, spec, extra, path);
  }

private:
  CudaTargetOptions options;
  std::string features;
};

} // namespace

llvm::Expected<std::unique_ptr<ArtifactWriter>> createCudaArtifactWriter(const CudaTargetOptions &options) {
  auto features = cudaFeaturesFor(options.arch);
  if (!features)
    return features.takeError();
  return std::make_unique<CudaArtifactWriter>(options, *features);
}

} // namespace dlc
