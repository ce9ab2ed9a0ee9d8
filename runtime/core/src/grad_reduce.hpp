// The bridge between train_step's gradient reduction calls and the model's bound
// dlc_grad_reducer: compiled code calls dlc_runtime_grad_reduce_start/wait by name, with
// no model handle, so the reducer of the running entry is found per thread.
#ifndef DLC_RUNTIME_GRAD_REDUCE_HPP
#define DLC_RUNTIME_GRAD_REDUCE_HPP

#include <string>

#include "dlc/runtime.h"

namespace dlc {

// Binds `reducer` to this thread for the scope of one entry call (unbound when its start
// is null); check() throws what a callback reported, after the entry returns.
class GradReduceScope {
public:
  explicit GradReduceScope(const dlc_grad_reducer &reducer);
  ~GradReduceScope();
  GradReduceScope(const GradReduceScope &) = delete;
  GradReduceScope &operator=(const GradReduceScope &) = delete;
  void check() const;

private:
  const dlc_grad_reducer *previous_;
};

} // namespace dlc

#endif
