// Writes manifest images (manifest_image.hpp) of well-formed manifests, the seeds of
// fuzz_artifact_manifest: built from abi.h's own structs, so they follow its layout.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dlc/abi.h"
#include "manifest_image.hpp"

namespace {

class Image {
public:
  // Appends v 8-byte aligned; returns its tagged address.
  template <class T> T *add(const T &v) { return add_bytes<T>(&v, sizeof v); }
  const char *str(const std::string &s) { return add_bytes<char>(s.c_str(), s.size() + 1); }
  template <class T> T *add_array(const std::vector<T> &v) {
    return add_bytes<T>(v.data(), v.size() * sizeof(T));
  }
  void set_manifest(const dlc_manifest &m) { std::memcpy(bytes_.data(), &m, sizeof m); }
  void write(const std::string &path) const {
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(bytes_.data(), 1, bytes_.size(), f) != bytes_.size() || std::fclose(f))
      std::perror(path.c_str()), std::exit(1);
  }
  Image() : bytes_(sizeof(dlc_manifest)) {}

private:
  template <class T> T *add_bytes(const void *p, size_t n) {
    bytes_.resize((bytes_.size() + 7) / 8 * 8);
    uint64_t off = bytes_.size();
    bytes_.insert(bytes_.end(), static_cast<const uint8_t *>(p), static_cast<const uint8_t *>(p) + n);
    return reinterpret_cast<T *>(dlc_fuzz::kPointerTag | off);
  }
  std::vector<uint8_t> bytes_;
};

dlc_tensor_desc tensor(Image &img, const char *name, dlc_dtype dtype, std::vector<int64_t> shape) {
  dlc_tensor_desc d{};
  d.name = img.str(name);
  d.dtype = dtype;
  d.rank = static_cast<int32_t>(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    d.shape[i] = shape[i];
  return d;
}

// An inference model x[1,4] -> y[1,2] with a weight w[4,2] and a bias b[2]; with
// `train`, a train_step taking token ids checked to [0, 10) and labels too.
Image model(bool train, const char *target) {
  Image img;
  const void *code = img.str("\xc3"); // stands for the entry's code (ret)
  std::vector<dlc_entry_desc> entries;
  std::vector<dlc_tensor_desc> in{tensor(img, "x", DLC_DTYPE_F32, {1, 4})};
  std::vector<dlc_tensor_desc> out{tensor(img, "y", DLC_DTYPE_F32, {1, 2})};
  entries.push_back({img.str("infer"), 1, 1, img.add_array(in), img.add_array(out), 64,
                     reinterpret_cast<dlc_entry_fn>(const_cast<void *>(code))});
  if (train) {
    dlc_index_check ids{0, 10, -100, 1, 0, img.str("Gather 'embed'")};
    std::vector<dlc_tensor_desc> tin{tensor(img, "tokens", DLC_DTYPE_I64, {1, 4}),
                                     tensor(img, "label", DLC_DTYPE_I64, {1})};
    tin[0].index_check = img.add(ids);
    std::vector<dlc_tensor_desc> tout{tensor(img, "loss", DLC_DTYPE_F32, {})};
    entries.push_back({img.str("train_step"), 2, 1, img.add_array(tin), img.add_array(tout), 128,
                       reinterpret_cast<dlc_entry_fn>(const_cast<void *>(code))});
  }
  std::vector<dlc_param_desc> params{
      {tensor(img, "w", DLC_DTYPE_F32, {2, 4}), 0, 32, 1, DLC_PARAM_TRANSPOSED},
      {tensor(img, "b", DLC_DTYPE_F32, {2}), 64, 8, 1, 0}};
  std::vector<uint8_t> weights(72, 0x3f);
  dlc_manifest m{};
  m.magic = DLC_MANIFEST_MAGIC;
  m.abi_version = DLC_ABI_VERSION;
  m.target = img.str(target);
  m.producer = img.str("dlc fuzz seed");
  m.model_name = img.str("seed");
  m.num_entries = static_cast<int32_t>(entries.size());
  m.num_params = static_cast<int32_t>(params.size());
  m.entries = img.add_array(entries);
  m.params = img.add_array(params);
  m.weights = img.add_array(weights);
  m.weights_bytes = weights.size();
  img.set_manifest(m);
  return img;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  model(false, "cpu").write(dir + "/infer_cpu.bin");
  model(true, "cpu").write(dir + "/train_cpu.bin");
  model(false, "cuda").write(dir + "/infer_cuda.bin");
  return 0;
}
