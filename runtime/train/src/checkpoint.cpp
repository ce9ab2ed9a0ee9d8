// Model parameters to and from safetensors checkpoints (see dlc/checkpoint.hpp).
#include "dlc/checkpoint.hpp"

#include <cstring>

namespace dlc {

namespace {

std::string describe(const dlc_tensor_desc &d) {
  return std::string(dlc_dtype_name(d.dtype)) + " " + shape_string(d.shape, d.rank);
}

} // namespace

void save_checkpoint(Model &model, const std::string &path, const SafetensorsMetadata &metadata) {
  std::vector<dlc_tensor> views;
  for (int i = 0; i < model.num_params(); ++i) {
    const dlc_param_desc &p = model.param(i);
    dlc_tensor v;
    v.name = p.tensor.name;
    v.dtype = p.tensor.dtype;
    v.rank = p.tensor.rank;
    v.shape = p.tensor.shape;
    v.data = model.param_data(i);
    v.nbytes = p.nbytes;
    views.push_back(v);
  }
  try {
    write_safetensors(path, views, metadata);
  } catch (const Error &e) {
    throw Error(std::string("writing checkpoint: ") + e.what());
  }
}

CheckpointLoad load_checkpoint(Model &model, const std::string &path, bool allow_extra) {
  const std::string where = "checkpoint '" + path + "'";
  Safetensors file;
  try {
    file = read_safetensors(path);
  } catch (const Error &e) {
    std::string msg = e.what();
    // read_safetensors prefixes its messages with the path; say what the file is for.
    if (msg.compare(0, path.size() + 2, path + ": ") == 0)
      msg = where + ": " + msg.substr(path.size() + 2);
    else
      msg = where + ": " + msg;
    throw Error(msg);
  }
  std::vector<const NamedTensor *> source(static_cast<size_t>(model.num_params()), nullptr);
  for (int i = 0; i < model.num_params(); ++i) {
    const dlc_param_desc &p = model.param(i);
    const NamedTensor *t = file.find(p.tensor.name);
    if (!t)
      throw Error(where + " has no tensor '" + p.tensor.name + "' for the parameter of that name (" +
                  describe(p.tensor) + ") of artifact '" + dlc_model_path(model.handle()) + "'");
    bool same = t->tensor.dtype() == p.tensor.dtype && t->tensor.rank() == p.tensor.rank;
    for (int k = 0; same && k < p.tensor.rank; ++k)
      same = t->tensor.shape()[k] == p.tensor.shape[k];
    if (!same)
      throw Error(where + ": tensor '" + t->name + "' is " + t->tensor.describe() +
                  ", but the artifact's parameter '" + p.tensor.name + "' is " +
                  describe(p.tensor));
    source[static_cast<size_t>(i)] = t;
  }
  CheckpointLoad out;
  for (const NamedTensor &t : file.tensors)
    if (dlc_model_find_param(model.handle(), t.name.c_str()) < 0) {
      if (!allow_extra)
        throw Error(where + ": tensor '" + t.name + "' (" + t.tensor.describe() +
                    ") is not a parameter of artifact '" + dlc_model_path(model.handle()) +
                    "' (a checkpoint of another model?)");
      out.ignored.push_back(t.name);
    }
  for (int i = 0; i < model.num_params(); ++i) {
    const Tensor &t = source[static_cast<size_t>(i)]->tensor;
    if (t.nbytes())
      std::memcpy(model.param_data(i), t.data(), t.nbytes());
  }
  out.metadata = std::move(file.metadata);
  return out;
}

} // namespace dlc
