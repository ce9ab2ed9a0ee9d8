// Model parameters to and from safetensors checkpoints (see dlc/checkpoint.hpp).
#include "dlc/checkpoint.hpp"

#include <cmath>
#include <cstring>
#include <optional>
#include <utility>

namespace dlc {

namespace {

std::string describe(const dlc_tensor_desc &d) {
  return std::string(dlc_dtype_name(d.dtype)) + " " + shape_string(d.shape, d.rank);
}

// dst (cols x rows) = transpose of src (rows x cols), elements of `size` bytes.
void transpose(const uint8_t *src, uint8_t *dst, int64_t rows, int64_t cols, size_t size) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      std::memcpy(dst + (c * rows + r) * size, src + (r * cols + c) * size, size);
}

// A NaN or infinity in a parameter: a checkpoint of a run that diverged, or a corrupt
// one; resuming from it would only train NaN. Returns the first such element's index.
std::optional<uint64_t> first_non_finite(const Tensor &t) {
  auto scan = [&](auto value_of, size_t size) -> std::optional<uint64_t> {
    const auto *p = static_cast<const uint8_t *>(t.data());
    for (uint64_t i = 0, n = t.nbytes() / size; i < n; ++i)
      if (!value_of(p + i * size))
        return i;
    return std::nullopt;
  };
  auto bits16 = [](const uint8_t *p) {
    uint16_t b;
    std::memcpy(&b, p, 2);
    return b;
  };
  switch (t.dtype()) {
  case DLC_DTYPE_F32:
    return scan([](const uint8_t *p) { float v; std::memcpy(&v, p, 4); return std::isfinite(v); }, 4);
  case DLC_DTYPE_F64:
    return scan([](const uint8_t *p) { double v; std::memcpy(&v, p, 8); return std::isfinite(v); }, 8);
  case DLC_DTYPE_F16:
    return scan([&](const uint8_t *p) { return (bits16(p) & 0x7c00) != 0x7c00; }, 2);
  case DLC_DTYPE_BF16:
    return scan([&](const uint8_t *p) { return (bits16(p) & 0x7f80) != 0x7f80; }, 2);
  default:
    return std::nullopt;
  }
}

} // namespace

void save_checkpoint(Model &model, const std::string &path, const SafetensorsMetadata &metadata) {
  std::vector<dlc_tensor> views;
  std::vector<dlc_tensor_desc> layouts; // the shapes the views point to
  std::vector<Tensor> untransposed;     // the model's layout of transposed parameters
  layouts.reserve(static_cast<size_t>(model.num_params()));
  for (int i = 0; i < model.num_params(); ++i) {
    const dlc_param_desc &p = model.param(i);
    const dlc_tensor_desc &l = layouts.emplace_back(model_layout(p));
    dlc_tensor v;
    v.name = p.tensor.name;
    v.dtype = p.tensor.dtype;
    v.rank = p.tensor.rank;
    v.shape = l.shape;
    v.data = model.param_data(i);
    v.nbytes = p.nbytes;
    if (p.flags & DLC_PARAM_TRANSPOSED) {
      Tensor &t = untransposed.emplace_back(static_cast<dlc_dtype>(p.tensor.dtype),
                                            std::vector<int64_t>(l.shape, l.shape + 2));
      transpose(static_cast<const uint8_t *>(v.data), static_cast<uint8_t *>(t.data()), p.tensor.shape[0],
                p.tensor.shape[1], dlc_dtype_size(p.tensor.dtype));
      v.data = t.data();
    }
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
    const dlc_tensor_desc want = model_layout(p);
    const NamedTensor *t = file.find(p.tensor.name);
    if (!t)
      throw Error(where + " has no tensor '" + p.tensor.name + "' for the parameter of that name (" +
                  describe(want) + ") of artifact '" + dlc_model_path(model.handle()) + "'");
    bool same = t->tensor.dtype() == want.dtype && t->tensor.rank() == want.rank;
    for (int k = 0; same && k < want.rank; ++k)
      same = t->tensor.shape()[k] == want.shape[k];
    if (!same)
      throw Error(where + ": tensor '" + t->name + "' is " + t->tensor.describe() +
                  ", but the artifact's parameter '" + p.tensor.name + "' is " + describe(want));
    if (auto at = first_non_finite(t->tensor))
      throw Error(where + ": tensor '" + t->name + "' holds a NaN or an infinity at element " + std::to_string(*at) + " (a run that diverged, or a corrupt file)");
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
    const dlc_param_desc &p = model.param(i);
    if (p.flags & DLC_PARAM_TRANSPOSED)
      transpose(static_cast<const uint8_t *>(t.data()), static_cast<uint8_t *>(model.param_data(i)), t.shape()[0],
                t.shape()[1], dlc_dtype_size(p.tensor.dtype));
    else if (t.nbytes())
      std::memcpy(model.param_data(i), t.data(), t.nbytes());
  }
  out.metadata = std::move(file.metadata);
  return out;
}

} // namespace dlc
