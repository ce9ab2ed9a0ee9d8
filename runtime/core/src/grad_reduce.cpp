#include "grad_reduce.hpp"

#include <string>

#include "model.hpp"
#include "status_error.hpp"

namespace {

thread_local const dlc_grad_reducer *t_reducer = nullptr;
// The first failure a callback reported during the current entry call ("" when none).
thread_local std::string t_failure;

void call(int (*fn)(void *, int64_t, int32_t, int64_t, void *const *, const int64_t *), const char *what,
          int64_t bucket, int32_t dtype, int64_t n, void *const *buffers, const int64_t *elements) {
  if (!t_reducer || !fn || !t_failure.empty())
    return;
  if (int rc = fn(t_reducer->ctx, bucket, dtype, n, buffers, elements))
    t_failure = std::string("the gradient reduction's ") + what + " of bucket " + std::to_string(bucket) +
                " failed (" + std::to_string(rc) + ")";
}

} // namespace

namespace dlc {

GradReduceScope::GradReduceScope(const dlc_grad_reducer &reducer) : previous_(t_reducer) {
  t_reducer = reducer.start ? &reducer : nullptr;
  t_failure.clear();
}

GradReduceScope::~GradReduceScope() { t_reducer = previous_; }

void GradReduceScope::check() const {
  if (!t_failure.empty())
    throw StatusError(DLC_ERROR_INTERNAL, t_failure);
}

} // namespace dlc

// Called by every train_step compiled by dlc (weak references in the artifact).
extern "C" DLC_API void dlc_runtime_grad_reduce_start(int64_t bucket, int32_t dtype, int64_t n,
                                                      void *const *buffers, const int64_t *elements) {
  call(t_reducer ? t_reducer->start : nullptr, "start", bucket, dtype, n, buffers, elements);
}

extern "C" DLC_API void dlc_runtime_grad_reduce_wait(int64_t bucket, int32_t dtype, int64_t n,
                                                     void *const *buffers, const int64_t *elements) {
  call(t_reducer ? t_reducer->wait : nullptr, "wait", bucket, dtype, n, buffers, elements);
}

extern "C" dlc_status dlc_model_set_grad_reducer(dlc_model *model, const dlc_grad_reducer *reducer, char *err,
                                                 size_t err_size) {
  dlc::write_message(err, err_size, "");
  if (!model) {
    dlc::write_message(err, err_size, "dlc_model_set_grad_reducer: model must not be NULL");
    return DLC_ERROR_INVALID_ARGUMENT;
  }
  if (!reducer || (!reducer->start && !reducer->wait)) {
    model->reducer = dlc_grad_reducer{};
    return DLC_OK;
  }
  if (!reducer->start || !reducer->wait) {
    dlc::write_message(err, err_size, "dlc_model_set_grad_reducer: a reducer needs both start and wait");
    return DLC_ERROR_INVALID_ARGUMENT;
  }
  if (model->cuda) {
    dlc::write_message(err, err_size,
                       "data-parallel training of CUDA artifacts ('" + model->path +
                           "') needs NCCL, which this runtime does not have yet; train it on one GPU");
    return DLC_ERROR_UNSUPPORTED;
  }
  model->reducer = *reducer;
  return DLC_OK;
}
