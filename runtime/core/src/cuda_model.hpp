// A CUDA artifact's device state: parameters, arenas and staging buffers in device
// memory, the kernels' module, one stream. Parameters keep a host mirror (what
// dlc_model_param_data returns) that is synchronized at run boundaries.
#ifndef DLC_RUNTIME_CUDA_MODEL_HPP
#define DLC_RUNTIME_CUDA_MODEL_HPP

#include <vector>

#include "dlc/runtime.h"

struct dlc_model;

namespace dlc {

struct CudaModel;

/// Called at load for target "cuda": finds the artifact's CUDA image. Touches no CUDA,
/// so that loading (and `dlc-run info`) works without a GPU.
CudaModel *cuda_attach(dlc_model &model);
void cuda_release(CudaModel *cuda);

/// Runs entry `index` on the device: inputs copied in, outputs copied back.
void cuda_run(dlc_model &model, int32_t index, const std::vector<const dlc_tensor *> &inputs,
              const std::vector<const dlc_tensor *> &outputs);

/// Before the host mirror of the parameters is read or written: brings it up to date
/// and marks it as the newer copy, to be uploaded before the next run.
void cuda_host_params(dlc_model &model);

} // namespace dlc

#endif
