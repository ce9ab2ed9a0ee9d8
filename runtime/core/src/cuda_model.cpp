#include "cuda_model.hpp"

#include <cstdio>
#include <cstring>
#include <deque>
#include <dlfcn.h>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "cuda_driver.hpp"
#include "dlc/tensor.hpp"
#include "manifest_check.hpp"
#include "model.hpp"
#include "status_error.hpp"

namespace dlc {

using namespace cuda;

namespace {

constexpr uint64_t kDeviceAlign = 256;

uint64_t round_up(uint64_t n) { return (n + kDeviceAlign - 1) / kDeviceAlign * kDeviceAlign; }

struct DeviceBuffer {
  CUdeviceptr ptr = 0;
  uint64_t bytes = 0;
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  ~DeviceBuffer() {
    if (ptr)
      driver().cuMemFree(ptr);
  }
  void allocate(uint64_t n, const std::string &what) {
    bytes = n;
    check(driver().cuMemAlloc(&ptr, n ? n : kDeviceAlign), "allocating " + std::to_string(n) + " bytes of GPU memory for " + what);
  }
};

struct PinnedBuffer {
  void *ptr = nullptr;
  PinnedBuffer() = default;
  PinnedBuffer(const PinnedBuffer &) = delete;
  PinnedBuffer &operator=(const PinnedBuffer &) = delete;
  ~PinnedBuffer() {
    if (ptr)
      driver().cuMemFreeHost(ptr);
  }
  void allocate(uint64_t n, const std::string &what) {
    check(driver().cuMemAllocHost(&ptr, n ? n : kDeviceAlign), "allocating " + std::to_string(n) + " bytes of pinned host memory for " + what);
  }
};

// Inputs and outputs of one entry: one device block, one pinned host block.
struct EntryBuffers {
  DeviceBuffer arena, io;
  PinnedBuffer staging;
  std::vector<uint64_t> offsets; // inputs, then outputs
  bool ready = false;
  // The entry's kernels captured as one CUDA graph: every run passes the same device
  // addresses, so the graph replays the whole entry with one launch.
  CUgraphExec graph = nullptr;
  bool graph_failed = false;
  int64_t runs = 0;
  ~EntryBuffers() {
    if (graph)
      driver().cuGraphExecDestroy(graph);
  }
};

int arch_number(const char *arch) { // "sm_90" -> 90
  if (!arch || std::strncmp(arch, "sm_", 3) != 0)
    return -1;
  return std::atoi(arch + 3);
}

} // namespace

struct CudaModel {
  const dlc_cuda_image *image = nullptr;
  bool device_ready = false;
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUstream stream = nullptr;
  CUmodule module = nullptr;
  std::string device_desc;
  DeviceBuffer params;
  std::vector<uint64_t> param_offsets;
  std::deque<EntryBuffers> entries; // never moved: they own device memory
  std::unordered_map<std::string, CUfunction> functions;
  std::unordered_map<CUfunction, std::string> names;
  // DLC_CUDA_PROFILE=1: an event pair around every launch, a per-kernel table on stderr
  // after each run.
  bool profile = false, graphs = true;
  struct Timed {
    CUfunction fn;
    unsigned grid[3], block[3];
    CUevent begin, end;
  };
  std::vector<Timed> timed;
  dlc_cuda_launcher launcher{};
  std::string launch_error;
  // Parameter coherence: the host mirror was handed out since the last upload, or the
  // device copy was changed by a run since the last download.
  bool host_newer = true, device_newer = false;

  ~CudaModel() {
    if (!device_ready)
      return;
    const Driver &d = driver();
    d.cuCtxSetCurrent(context);
    if (stream)
      d.cuStreamSynchronize(stream);
    entries.clear();
    if (params.ptr)
      d.cuMemFree(params.ptr);
    params.ptr = 0;
    if (module)
      d.cuModuleUnload(module);
    if (stream)
      d.cuStreamDestroy(stream);
    d.cuDevicePrimaryCtxRelease(device);
  }
};

namespace {

void *get_function(void *ctx, const char *name) {
  auto *c = static_cast<CudaModel *>(ctx);
  auto it = c->functions.find(name);
  if (it != c->functions.end())
    return it->second;
  CUfunction f = nullptr;
  CUresult r = driver().cuModuleGetFunction(&f, c->module, name);
  if (r != 0) {
    if (c->launch_error.empty())
      c->launch_error = std::string("kernel '") + name + "' is missing from the artifact's module: " + error_text(r);
    return nullptr;
  }
  c->functions.emplace(name, f);
  c->names.emplace(f, name);
  return f;
}

void launch(void *ctx, void *fn, intptr_t gx, intptr_t gy, intptr_t gz, intptr_t bx, intptr_t by, intptr_t bz,
            int32_t smem, void *stream, void **params) {
  auto *c = static_cast<CudaModel *>(ctx);
  if (!fn || !c->launch_error.empty())
    return; // the first error is reported when the entry returns
  const Driver &d = driver();
  CudaModel::Timed t{static_cast<CUfunction>(fn), {(unsigned)gx, (unsigned)gy, (unsigned)gz},
                     {(unsigned)bx, (unsigned)by, (unsigned)bz}, nullptr, nullptr};
  if (c->profile && d.cuEventCreate(&t.begin, 0) == 0 && d.cuEventCreate(&t.end, 0) == 0)
    d.cuEventRecord(t.begin, static_cast<CUstream>(stream));
  CUresult r = d.cuLaunchKernel(static_cast<CUfunction>(fn), (unsigned)gx, (unsigned)gy, (unsigned)gz,
                                       (unsigned)bx, (unsigned)by, (unsigned)bz, (unsigned)smem,
                                       static_cast<CUstream>(stream), params, nullptr);
  if (t.end) {
    d.cuEventRecord(t.end, static_cast<CUstream>(stream));
    c->timed.push_back(t);
  }
  if (r != 0)
    c->launch_error = "launching a kernel (grid " + std::to_string(gx) + "x" + std::to_string(gy) + "x" +
                      std::to_string(gz) + ", block " + std::to_string(bx) + "x" + std::to_string(by) + "x" +
                      std::to_string(bz) + ") failed: " + error_text(r);
}

void open_device(dlc_model &m, CudaModel &c) {
  const Driver &d = driver();
  int ordinal = 0;
  if (const char *env = std::getenv("DLC_CUDA_DEVICE"))
    ordinal = std::atoi(env);
  check(d.cuDeviceGet(&c.device, ordinal), "opening CUDA device " + std::to_string(ordinal));
  int major = 0, minor = 0;
  check(d.cuDeviceGetAttribute(&major, 75, c.device), "reading the device's compute capability");
  check(d.cuDeviceGetAttribute(&minor, 76, c.device), "reading the device's compute capability");
  char name[256] = {0};
  d.cuDeviceGetName(name, sizeof name - 1, c.device);
  int have = major * 10 + minor, want = arch_number(c.image->arch);
  c.device_desc = std::string(name) + " (sm_" + std::to_string(have) + ")";
  if (want < 0)
    throw StatusError(DLC_ERROR_INVALID_ARTIFACT, "artifact '" + m.path + "' names an unknown CUDA architecture");
  if (have < want)
    throw StatusError(DLC_ERROR_UNSUPPORTED, "artifact '" + m.path + "' was compiled for " + c.image->arch +
                                                 ", but the GPU is " + c.device_desc +
                                                 "; recompile with --cuda-arch sm_" + std::to_string(have));
  check(d.cuDevicePrimaryCtxRetain(&c.context, c.device), "creating a context on " + c.device_desc);
  c.device_ready = true;
  check(d.cuCtxSetCurrent(c.context), "making the CUDA context current");
  check(d.cuStreamCreate(&c.stream, 1 /* non-blocking */), "creating a CUDA stream");
  // The cubin runs only on its own major architecture; elsewhere the driver compiles the PTX.
  bool cubin = c.image->cubin_bytes > 0 && have / 10 == want / 10;
  CUresult r = d.cuModuleLoadData(&c.module, cubin ? static_cast<const void *>(c.image->cubin)
                                                   : static_cast<const void *>(c.image->ptx));
  if (r != 0)
    throw StatusError(DLC_ERROR_UNSUPPORTED, "cannot load the kernels of '" + m.path + "' (" +
                                                 (cubin ? "cubin" : "PTX") + " for " + c.image->arch + ") on " +
                                                 c.device_desc + ": " + error_text(r));
  const dlc_manifest &man = *m.manifest;
  uint64_t total = 0;
  for (int32_t i = 0; i < man.num_params; ++i) {
    c.param_offsets.push_back(total);
    total += round_up(man.params[i].nbytes);
  }
  c.params.allocate(total, "the parameters of '" + m.path + "'");
  c.entries.resize(static_cast<size_t>(man.num_entries));
  c.launcher.ctx = &c;
  c.launcher.stream = c.stream;
  c.launcher.get_function = get_function;
  c.launcher.launch = launch;
  c.host_newer = true;
  const char *profile = std::getenv("DLC_CUDA_PROFILE");
  c.profile = profile && *profile && std::strcmp(profile, "0") != 0;
  const char *graphs = std::getenv("DLC_CUDA_GRAPHS");
  c.graphs = !graphs || std::strcmp(graphs, "0") != 0;
}

void upload_params(dlc_model &m, CudaModel &c, bool scalars_only) {
  const dlc_manifest &man = *m.manifest;
  for (int32_t i = 0; i < man.num_params; ++i) {
    if (scalars_only && man.params[i].tensor.rank != 0)
      continue;
    check(driver().cuMemcpyHtoDAsync(c.params.ptr + c.param_offsets[i], m.params[i], man.params[i].nbytes, c.stream),
          std::string("copying parameter '") + man.params[i].tensor.name + "' to the GPU");
  }
}

void download_params(dlc_model &m, CudaModel &c, bool scalars_only) {
  const dlc_manifest &man = *m.manifest;
  for (int32_t i = 0; i < man.num_params; ++i) {
    if (scalars_only && man.params[i].tensor.rank != 0)
      continue;
    check(driver().cuMemcpyDtoHAsync(m.params[i], c.params.ptr + c.param_offsets[i], man.params[i].nbytes, c.stream),
          std::string("copying parameter '") + man.params[i].tensor.name + "' from the GPU");
  }
  check(driver().cuStreamSynchronize(c.stream), "waiting for the GPU");
}

void prepare_entry(dlc_model &m, CudaModel &c, int32_t index) {
  EntryBuffers &b = c.entries[static_cast<size_t>(index)];
  if (b.ready)
    return;
  const dlc_entry_desc &e = m.manifest->entries[index];
  uint64_t total = 0;
  for (int32_t i = 0; i < e.num_inputs; ++i) {
    b.offsets.push_back(total);
    total += round_up(tensor_nbytes(e.inputs[i]));
  }
  for (int32_t i = 0; i < e.num_outputs; ++i) {
    b.offsets.push_back(total);
    total += round_up(tensor_nbytes(e.outputs[i]));
  }
  std::string what = "entry '" + std::string(e.name) + "' of '" + m.path + "'";
  b.arena.allocate(e.arena_bytes, "the arena of " + what);
  b.io.allocate(total, "the inputs and outputs of " + what);
  b.staging.allocate(total, "the inputs and outputs of " + what);
  b.ready = true;
}

} // namespace

CudaModel *cuda_attach(dlc_model &model) {
  ::dlerror();
  void *sym = ::dlsym(model.handle, DLC_CUDA_IMAGE_SYMBOL);
  if (!sym)
    throw StatusError(DLC_ERROR_INVALID_ARTIFACT, "artifact '" + model.path +
                                                      "' targets cuda but exports no '" DLC_CUDA_IMAGE_SYMBOL "'");
  auto c = std::make_unique<CudaModel>();
  c->image = reinterpret_cast<dlc_cuda_image_fn>(sym)();
  if (!c->image || !c->image->ptx || !c->image->bind || !c->image->arch)
    throw StatusError(DLC_ERROR_INVALID_ARTIFACT, "artifact '" + model.path + "': its CUDA image is incomplete");
  return c.release();
}

void cuda_release(CudaModel *cuda) { delete cuda; }

void cuda_host_params(dlc_model &model) {
  CudaModel &c = *model.cuda;
  if (c.device_ready && c.device_newer) {
    driver().cuCtxSetCurrent(c.context);
    download_params(model, c, false);
    c.device_newer = false;
  }
  c.host_newer = true;
}

void cuda_run(dlc_model &m, int32_t index, const std::vector<const dlc_tensor *> &inputs,
              const std::vector<const dlc_tensor *> &outputs) {
  CudaModel &c = *m.cuda;
  if (!c.device_ready)
    open_device(m, c);
  const Driver &d = driver();
  check(d.cuCtxSetCurrent(c.context), "making the CUDA context current");
  const dlc_entry_desc &e = m.manifest->entries[index];
  prepare_entry(m, c, index);
  EntryBuffers &b = c.entries[static_cast<size_t>(index)];

  // Parameters: the whole block after the host mirror was handed out, else the scalars
  // (learning rate, step counter) that callers update between steps.
  upload_params(m, c, !c.host_newer);
  c.host_newer = false;

  auto *staging = static_cast<uint8_t *>(b.staging.ptr);
  for (size_t i = 0; i < inputs.size(); ++i) {
    uint64_t n = tensor_nbytes(e.inputs[i]);
    std::memcpy(staging + b.offsets[i], inputs[i]->data, n);
    check(d.cuMemcpyHtoDAsync(b.io.ptr + b.offsets[i], staging + b.offsets[i], n, c.stream),
          std::string("copying input '") + e.inputs[i].name + "' to the GPU");
  }
  std::vector<void *> args;
  for (size_t i = 0; i < inputs.size(); ++i)
    args.push_back(reinterpret_cast<void *>(b.io.ptr + b.offsets[i]));
  for (int32_t i = 0; i < m.manifest->num_params; ++i)
    args.push_back(reinterpret_cast<void *>(c.params.ptr + c.param_offsets[i]));
  for (size_t i = 0; i < outputs.size(); ++i)
    args.push_back(reinterpret_cast<void *>(b.io.ptr + b.offsets[inputs.size() + i]));

  c.launch_error.clear();
  c.image->bind(&c.launcher);
  // The first run launches directly; the second captures a graph that later runs replay.
  // DLC_CUDA_GRAPHS=0 or profiling turns graphs off; a failed capture falls back.
  if (!b.graph && !b.graph_failed && b.runs >= 1 && c.graphs && !c.profile) {
    CUgraph graph = nullptr;
    bool ok = d.cuStreamBeginCapture(c.stream, 1 /* thread-local */) == 0;
    if (ok) {
      e.fn(args.data(), reinterpret_cast<void *>(b.arena.ptr));
      ok = d.cuStreamEndCapture(c.stream, &graph) == 0 && graph && c.launch_error.empty();
    }
    ok = ok && d.cuGraphInstantiate(&b.graph, graph, 0) == 0;
    if (graph)
      d.cuGraphDestroy(graph);
    if (!ok) {
      b.graph = nullptr;
      b.graph_failed = true;
      c.launch_error.clear();
    }
  }
  if (b.graph)
    check(d.cuGraphLaunch(b.graph, c.stream), "launching the CUDA graph of entry '" + std::string(e.name) + "'");
  else
    e.fn(args.data(), reinterpret_cast<void *>(b.arena.ptr));
  ++b.runs;
  c.image->bind(nullptr);
  if (!c.launch_error.empty()) {
    d.cuStreamSynchronize(c.stream);
    throw StatusError(DLC_ERROR_INTERNAL, "entry '" + std::string(e.name) + "' on " + c.device_desc + ": " +
                                              c.launch_error);
  }
  if (std::strcmp(e.name, "train_step") == 0)
    c.device_newer = true;
  for (size_t i = 0; i < outputs.size(); ++i) {
    uint64_t off = b.offsets[inputs.size() + i];
    check(d.cuMemcpyDtoHAsync(staging + off, b.io.ptr + off, tensor_nbytes(e.outputs[i]), c.stream),
          std::string("copying output '") + e.outputs[i].name + "' from the GPU");
  }
  if (c.device_newer)
    download_params(m, c, true); // synchronizes
  else
    check(d.cuStreamSynchronize(c.stream), "running entry '" + std::string(e.name) + "' on " + c.device_desc);
  for (size_t i = 0; i < outputs.size(); ++i)
    std::memcpy(outputs[i]->data, staging + b.offsets[inputs.size() + i], tensor_nbytes(e.outputs[i]));
  if (c.profile) {
    float total = 0;
    std::fprintf(stderr, "dlc cuda profile: entry '%s', %zu kernels\n", e.name, c.timed.size());
    for (CudaModel::Timed &t : c.timed) {
      float ms = 0;
      d.cuEventElapsedTime(&ms, t.begin, t.end);
      total += ms;
      std::fprintf(stderr, "  %9.4f ms  %-28s grid %ux%ux%u block %ux%ux%u\n", ms, c.names[t.fn].c_str(), t.grid[0],
                   t.grid[1], t.grid[2], t.block[0], t.block[1], t.block[2]);
      d.cuEventDestroy(t.begin);
      d.cuEventDestroy(t.end);
    }
    std::fprintf(stderr, "  %9.4f ms  total\n", total);
    c.timed.clear();
  }
}

} // namespace dlc
