// The state behind the opaque dlc_model handle.
#ifndef DLC_RUNTIME_MODEL_HPP
#define DLC_RUNTIME_MODEL_HPP

#include <atomic>
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
  // Every parameter, each at a 64-byte aligned offset. Shared: a model whose parameter was
  // bound to this one's storage (dlc_model_share_param) keeps the block alive.
  std::shared_ptr<dlc::AlignedBuffer> param_block;
  // Where each parameter lives: in param_block, or in another model's block (shared).
  std::vector<uint8_t *> params;
  // The blocks of other models that some of `params` point into.
  std::vector<std::shared_ptr<dlc::AlignedBuffer>> borrowed_blocks;
  uint64_t param_bytes = 0;
  std::vector<std::unique_ptr<Entry>> entries;
  std::atomic<uint64_t> staged_bytes{0}; // dlc_model_staged_bytes
  // Target "cuda": device memory, module and stream (cuda_model.hpp); params above are
  // then the host mirror.
  dlc::CudaModel *cuda = nullptr;
  // dlc_model_set_grad_reducer; reducer.start is null when none is bound.
  dlc_grad_reducer reducer{};

  ~dlc_model();
};

#endif
