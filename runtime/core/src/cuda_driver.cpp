#include "cuda_driver.hpp"

#include <dlfcn.h>
#include <mutex>
#include <type_traits>

#include "status_error.hpp"

namespace dlc::cuda {

namespace {

Driver load() {
  void *lib = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = ::dlerror();
    throw StatusError(DLC_ERROR_UNSUPPORTED, std::string("no CUDA driver/GPU found: cannot load libcuda.so.1 (") +
                                                 (why ? why : "dlopen failed") +
                                                 "); a --target cuda artifact needs an NVIDIA GPU and its driver");
  }
  Driver d{};
  auto sym = [&](auto &fn, const char *name) {
    void *p = ::dlsym(lib, name);
    if (!p)
      throw StatusError(DLC_ERROR_UNSUPPORTED,
                        std::string("the CUDA driver libcuda.so.1 lacks '") + name + "': it is too old for dlc");
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(p);
  };
  sym(d.cuInit, "cuInit");
  sym(d.cuDeviceGetCount, "cuDeviceGetCount");
  sym(d.cuDeviceGet, "cuDeviceGet");
  sym(d.cuDeviceGetAttribute, "cuDeviceGetAttribute");
  sym(d.cuDeviceGetName, "cuDeviceGetName");
  sym(d.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  sym(d.cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
  sym(d.cuCtxSetCurrent, "cuCtxSetCurrent");
  sym(d.cuStreamCreate, "cuStreamCreate");
  sym(d.cuStreamDestroy, "cuStreamDestroy_v2");
  sym(d.cuStreamSynchronize, "cuStreamSynchronize");
  sym(d.cuModuleLoadData, "cuModuleLoadData");
  sym(d.cuModuleUnload, "cuModuleUnload");
  sym(d.cuModuleGetFunction, "cuModuleGetFunction");
  sym(d.cuLaunchKernel, "cuLaunchKernel");
  sym(d.cuMemAlloc, "cuMemAlloc_v2");
  sym(d.cuMemFree, "cuMemFree_v2");
  sym(d.cuMemAllocHost, "cuMemAllocHost_v2");
  sym(d.cuMemFreeHost, "cuMemFreeHost");
  sym(d.cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2");
  sym(d.cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2");
  sym(d.cuMemsetD8Async, "cuMemsetD8Async");
  sym(d.cuEventCreate, "cuEventCreate");
  sym(d.cuEventRecord, "cuEventRecord");
  sym(d.cuEventElapsedTime, "cuEventElapsedTime");
  sym(d.cuEventDestroy, "cuEventDestroy_v2");
  sym(d.cuStreamBeginCapture, "cuStreamBeginCapture_v2");
  sym(d.cuStreamEndCapture, "cuStreamEndCapture");
  sym(d.cuGraphInstantiate, "cuGraphInstantiateWithFlags");
  sym(d.cuGraphLaunch, "cuGraphLaunch");
  sym(d.cuGraphDestroy, "cuGraphDestroy");
  sym(d.cuGraphExecDestroy, "cuGraphExecDestroy");
  sym(d.cuGetErrorName, "cuGetErrorName");
  sym(d.cuGetErrorString, "cuGetErrorString");
  CUresult r = d.cuInit(0);
  if (r != 0) {
    const char *name = nullptr;
    d.cuGetErrorName(r, &name);
    throw StatusError(DLC_ERROR_UNSUPPORTED, std::string("no CUDA driver/GPU found: cuInit failed with ") +
                                                 (name ? name : std::to_string(r).c_str()));
  }
  int count = 0;
  if (d.cuDeviceGetCount(&count) != 0 || count == 0)
    throw StatusError(DLC_ERROR_UNSUPPORTED, "no CUDA driver/GPU found: the driver reports no CUDA device");
  return d;
}

} // namespace

const Driver &driver() {
  // Retried after a failure: each caller gets the reason.
  static std::mutex mutex;
  static Driver d{};
  static bool ready = false;
  std::lock_guard<std::mutex> lock(mutex);
  if (!ready) {
    d = load();
    ready = true;
  }
  return d;
}

std::string error_text(CUresult r) {
  const Driver &d = driver();
  const char *name = nullptr, *text = nullptr;
  d.cuGetErrorName(r, &name);
  d.cuGetErrorString(r, &text);
  return std::string(name ? name : ("CUDA error " + std::to_string(r)).c_str()) + (text ? std::string(": ") + text : "");
}

void check(CUresult r, const std::string &what) {
  if (r != 0)
    throw StatusError(r == 2 ? DLC_ERROR_OUT_OF_MEMORY : DLC_ERROR_INTERNAL, what + ": " + error_text(r));
}

} // namespace dlc::cuda
