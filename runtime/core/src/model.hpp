// The state behind the opaque dlc_model handle.
#ifndef DLC_RUNTIME_MODEL_HPP
#define DLC_RUNTIME_MODEL_HPP

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aligned_buffer.hpp"
#include "dlc/runtime.h"

namespace dlc {
struct CudaModel;
}

struct dlc_model {
  struct Entry {
    // Serializes runs of this entry: they share its arena.
    std::mutex mutex;
    // Allocated on first run: a model used only for inference never pays for the
    // train_step arena.
    dlc::AlignedBuffer arena;
  };

  std::string path;
  void *handle = nullptr; // dlopen handle
  const dlc_manifest *manifest = nullptr;
  dlc::AlignedBuffer param_block; // every parameter, each at a 64-byte aligned offset
  std::vector<uint8_t *> params;
  uint64_t param_bytes = 0;
  std::vector<std::unique_ptr<Entry>> entries;
  // Target "cuda": device memory, module and stream (cuda_model.hpp); params above are
  // then the host mirror.
  dlc::CudaModel *cuda = nullptr;

  ~dlc_model();
};

#endif
