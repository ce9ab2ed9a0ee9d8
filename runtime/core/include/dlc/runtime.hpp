// Thin C++ wrapper over the C API in dlc/runtime.h: an RAII Model that throws dlc::Error
// where the C API returns a status.
#ifndef DLC_RUNTIME_HPP
#define DLC_RUNTIME_HPP

#include <string>
#include <utility>
#include <vector>

#include "dlc/runtime.h"
#include "dlc/tensor.hpp"

namespace dlc {

// A parameter as the model has it: its stored desc, with the 2-D shape reversed for one
// the artifact stores transposed (DLC_PARAM_TRANSPOSED), as checkpoints hold it.
inline dlc_tensor_desc model_layout(const dlc_param_desc &p) {
  dlc_tensor_desc d = p.tensor;
  if (p.flags & DLC_PARAM_TRANSPOSED)
    std::swap(d.shape[0], d.shape[1]);
  return d;
}

class Model {
public:
  explicit Model(const std::string &path) {
    char err[1024];
    dlc_model *m = nullptr;
    if (dlc_model_load(path.c_str(), &m, err, sizeof err) != DLC_OK)
      throw Error(err);
    model_ = m;
  }
  // Takes ownership of a handle dlc_model_load returned (for callers that report its status).
  explicit Model(dlc_model *loaded) : model_(loaded) {}
  ~Model() { dlc_model_free(model_); }
  Model(Model &&o) noexcept : model_(std::exchange(o.model_, nullptr)) {}
  Model &operator=(Model &&o) noexcept {
    std::swap(model_, o.model_);
    return *this;
  }
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  dlc_model *handle() const { return model_; }
  const dlc_manifest &manifest() const { return *dlc_model_manifest(model_); }

  int num_entries() const { return dlc_model_num_entries(model_); }
  const dlc_entry_desc &entry(int i) const { return *dlc_model_entry(model_, i); }
  // nullptr when absent.
  const dlc_entry_desc *find_entry(const std::string &name) const {
    return dlc_model_find_entry(model_, name.c_str());
  }

  int num_params() const { return dlc_model_num_params(model_); }
  const dlc_param_desc &param(int i) const { return *dlc_model_param(model_, i); }
  void *param_data(int i) { return dlc_model_param_data(model_, i); }
  uint64_t param_bytes() const { return dlc_model_param_bytes(model_); }
  // Index of the parameter of that name, or -1.
  int find_param(const std::string &name) const { return dlc_model_find_param(model_, name.c_str()); }
  // Parameter mine[k] of this model uses the storage of parameter theirs[k] of `owner`
  // (dlc_model_share_params): all or none.
  void share_params(const std::vector<int32_t> &mine, Model &owner, const std::vector<int32_t> &theirs) {
    char err[1024];
    if (mine.size() != theirs.size())
      throw Error("share_params: " + std::to_string(mine.size()) + " parameters here, " +
                  std::to_string(theirs.size()) + " in the owner");
    if (dlc_model_share_params(model_, mine.data(), owner.model_, theirs.data(), static_cast<int32_t>(mine.size()),
                               err, sizeof err) != DLC_OK)
      throw Error(err);
  }

  // Runs `entry` on caller-owned views (see dlc_tensor for the naming rules).
  void run(const std::string &entry, const std::vector<dlc_tensor> &inputs,
           const std::vector<dlc_tensor> &outputs) {
    char err[1024];
    if (dlc_model_run(model_, entry.c_str(), inputs.data(), static_cast<int32_t>(inputs.size()),
                      outputs.data(), static_cast<int32_t>(outputs.size()), err,
                      sizeof err) != DLC_OK)
      throw Error(err);
  }

  // Runs `entry` on named inputs and returns freshly allocated outputs in the entry's
  // declared order.
  std::vector<Tensor> run(const std::string &entry,
                          const std::vector<std::pair<std::string, const Tensor *>> &inputs) {
    const dlc_entry_desc *e = find_entry(entry);
    if (!e)
      throw Error("model has no entry point '" + entry + "'");
    std::vector<dlc_tensor> in;
    for (const auto &[name, t] : inputs)
      in.push_back(t->view(name.c_str()));
    std::vector<Tensor> outs;
    std::vector<dlc_tensor> out;
    for (int i = 0; i < e->num_outputs; ++i) {
      const dlc_tensor_desc &d = e->outputs[i];
      outs.emplace_back(static_cast<dlc_dtype>(d.dtype),
                        std::vector<int64_t>(d.shape, d.shape + d.rank));
    }
    for (int i = 0; i < e->num_outputs; ++i)
      out.push_back(outs[i].view(e->outputs[i].name));
    run(entry, in, out);
    return outs;
  }

private:
  dlc_model *model_ = nullptr;
};

} // namespace dlc

#endif // DLC_RUNTIME_HPP
