#include "manifest_check.hpp"

#include <cstdio>
#include <cstring>
#include <set>

#include "dlc/runtime.h"
#include "dlc/tensor.hpp"
#include "status_error.hpp"

namespace dlc {

namespace {

// Counts beyond these are taken for garbage (an uninitialized or foreign table), not a
// real model.
constexpr int32_t kMaxEntries = 1024;
constexpr int32_t kMaxTensorsPerEntry = 1 << 20;
constexpr int32_t kMaxParams = 1 << 24;

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

class Checker {
public:
  Checker(const std::string &path, const LoadedImage &image) : path_(path), image_(image) {}

  [[noreturn]] void bad(const std::string &what,
                        dlc_status status = DLC_ERROR_INVALID_ARTIFACT) const {
    throw StatusError(status, "artifact '" + path_ + "': " + what);
  }

  // `count` objects of type T (`bytes` of them) at p, inside the artifact's segments and
  // aligned for T, or the manifest is corrupt: no compiler writes a misaligned table, and
  // reading one is undefined.
  template <class T>
  void table(const T *p, uint64_t count, const std::string &what, uint64_t size = sizeof(T)) const {
    uint64_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes) || !image_.readable(p, bytes))
      bad(what + " points outside the artifact (" + hex(reinterpret_cast<uintptr_t>(p)) + ")");
    if (reinterpret_cast<uintptr_t>(p) % alignof(T) != 0)
      bad(what + " is misaligned (" + hex(reinterpret_cast<uintptr_t>(p)) + ")");
  }
  void string(const char *s, const std::string &what) const {
    if (!s)
      bad(what + " is NULL");
    if (!image_.string(s))
      bad(what + " points outside the artifact (" + hex(reinterpret_cast<uintptr_t>(s)) + ")");
  }
  void name(const char *s, const std::string &what) const {
    string(s, "the name of " + what);
    if (!*s)
      bad(what + " has an empty name");
  }

  // Checks name, dtype, rank and dims; returns the dense byte size. `where` is e.g.
  // "entry 'infer' input 0".
  uint64_t tensor(const dlc_tensor_desc &d, std::string where) const {
    name(d.name, where);
    where += " ('" + std::string(d.name) + "')";
    if (dlc_dtype_bits(d.dtype) == 0)
      bad(where + " has invalid dtype " + std::to_string(d.dtype));
    if (d.rank < 0 || d.rank > DLC_MAX_RANK)
      bad(where + " has rank " + std::to_string(d.rank) + "; the rank must be 0.." +
          std::to_string(DLC_MAX_RANK));
    uint64_t elements = 1;
    for (int i = 0; i < d.rank; ++i) {
      if (d.shape[i] < 0) // 0 is an empty tensor (ONNX allows them: Shape with start > end, ...)
        bad(where + " has dimension " + std::to_string(i) + " = " + std::to_string(d.shape[i]) +
            "; every dimension must be >= 0");
      if (__builtin_mul_overflow(elements, static_cast<uint64_t>(d.shape[i]), &elements))
        bad(where + " is too large");
    }
    uint64_t bytes = dlc_dtype_nbytes(d.dtype, elements);
    if (bytes == UINT64_MAX)
      bad(where + " is too large");
    return bytes;
  }

  void index_check(const dlc_tensor_desc &d, const std::string &where) const {
    table(d.index_check, 1, "the index check of " + where);
    string(d.index_check->use, "the use of " + where);
    if (d.dtype != DLC_DTYPE_I32 && d.dtype != DLC_DTYPE_I64)
      bad(where + " has an index check but is not i32 or i64");
    if (d.index_check->lo >= d.index_check->hi)
      bad(where + " has the empty index range [" + std::to_string(d.index_check->lo) + ", " +
          std::to_string(d.index_check->hi) + ")");
  }

  void entry(const dlc_entry_desc &e, int32_t index) const {
    name(e.name, "entry " + std::to_string(index));
    std::string where = "entry '" + std::string(e.name) + "'";
    if (!image_.code(reinterpret_cast<const void *>(e.fn)))
      bad("the function of " + where + " (" + hex(reinterpret_cast<uintptr_t>(e.fn)) +
          ") is not in the artifact's code");
    auto list = [&](const char *kind, int32_t n, const dlc_tensor_desc *descs) {
      if (n < 0 || n > kMaxTensorsPerEntry)
        bad(where + " has " + std::to_string(n) + " " + kind + "s");
      if (n > 0)
        table(descs, static_cast<uint64_t>(n), std::string("the ") + kind + " table of " + where);
      std::set<std::string> names;
      for (int32_t i = 0; i < n; ++i) {
        std::string what = where + " " + kind + " " + std::to_string(i);
        tensor(descs[i], what);
        if (descs[i].index_check && std::strcmp(kind, "input") != 0)
          bad(where + " " + kind + " '" + descs[i].name + "' has an index check; only inputs may");
        if (descs[i].index_check)
          index_check(descs[i], what + " ('" + descs[i].name + "')");
        if (!names.insert(descs[i].name).second)
          bad(where + " has two " + kind + "s named '" + descs[i].name + "'");
      }
    };
    list("input", e.num_inputs, e.inputs);
    list("output", e.num_outputs, e.outputs);
  }

  void manifest(const dlc_manifest *m) const {
    if (!m)
      bad("its " DLC_MANIFEST_SYMBOL "() returned NULL");
    // magic and abi_version come first in every version's layout; nothing else may be
    // read before they match.
    table(m, 1, "the manifest", 2 * sizeof(uint32_t));
    if (m->magic != DLC_MANIFEST_MAGIC)
      bad("bad manifest magic " + hex(m->magic) + " (expected " + hex(DLC_MANIFEST_MAGIC) +
          "); not a dlc artifact or a corrupt one");
    if (m->abi_version != DLC_ABI_VERSION)
      bad("it was built for runtime ABI version " + std::to_string(m->abi_version) +
              ", but this runtime implements ABI version " + std::to_string(DLC_ABI_VERSION) +
              "; recompile the model with a dlc that matches this runtime",
          DLC_ERROR_ABI_MISMATCH);
    table(m, 1, "the manifest");
    string(m->target, "the manifest's target");
    if (std::strcmp(m->target, "cpu") != 0 && std::strcmp(m->target, "cuda") != 0)
      bad("it targets '" + std::string(m->target) + "', but this runtime runs only 'cpu' and 'cuda' artifacts",
          DLC_ERROR_UNSUPPORTED);
    if (m->producer)
      string(m->producer, "the manifest's producer");
    if (m->model_name)
      string(m->model_name, "the manifest's model name");

    if (m->num_entries <= 0 || m->num_entries > kMaxEntries)
      bad("the manifest declares " + std::to_string(m->num_entries) + " entry points");
    table(m->entries, static_cast<uint64_t>(m->num_entries), "the entry table");
    std::set<std::string> entry_names;
    for (int32_t i = 0; i < m->num_entries; ++i) {
      entry(m->entries[i], i);
      if (!entry_names.insert(m->entries[i].name).second)
        bad("two entry points are named '" + std::string(m->entries[i].name) + "'");
    }

    if (m->num_params < 0 || m->num_params > kMaxParams)
      bad("the manifest declares " + std::to_string(m->num_params) + " parameters");
    if (m->num_params > 0)
      table(m->params, static_cast<uint64_t>(m->num_params), "the parameter table");
    if (m->weights_bytes > 0)
      table(m->weights, 1, "the " + std::to_string(m->weights_bytes) + " bytes of weights",
            m->weights_bytes);
    std::set<std::string> param_names;
    for (int32_t i = 0; i < m->num_params; ++i) {
      const dlc_param_desc &p = m->params[i];
      uint64_t bytes = tensor(p.tensor, "parameter " + std::to_string(i));
      std::string where = "parameter '" + std::string(p.tensor.name) + "'";
      if (p.tensor.index_check)
        bad(where + " has an index check; only inputs may");
      if (!param_names.insert(p.tensor.name).second)
        bad("two parameters are named '" + std::string(p.tensor.name) + "'");
      if (p.nbytes != bytes)
        bad(where + " declares " + std::to_string(p.nbytes) + " bytes, but shape " +
            shape_string(p.tensor.shape, p.tensor.rank) + " " + dlc_dtype_name(p.tensor.dtype) +
            " needs " + std::to_string(bytes));
      if (p.flags & ~DLC_PARAM_TRANSPOSED)
        bad(where + " has unknown flags " + std::to_string(p.flags));
      if ((p.flags & DLC_PARAM_TRANSPOSED) && p.tensor.rank != 2)
        bad(where + " is marked transposed but has rank " + std::to_string(p.tensor.rank));
      uint64_t end;
      if (__builtin_add_overflow(p.offset, p.nbytes, &end) || end > m->weights_bytes)
        bad(where + " occupies weight bytes " + std::to_string(p.offset) + " + " +
            std::to_string(p.nbytes) + ", past the end of the " + std::to_string(m->weights_bytes) +
            " bytes of weights");
    }
  }

private:
  const std::string &path_;
  const LoadedImage &image_;
};

} // namespace

uint64_t tensor_nbytes(const dlc_tensor_desc &d) {
  uint64_t elements = 1;
  for (int i = 0; i < d.rank; ++i)
    elements *= static_cast<uint64_t>(d.shape[i]);
  return dlc_dtype_nbytes(d.dtype, elements);
}

void check_manifest(const dlc_manifest *m, const std::string &path, const LoadedImage &image) {
  Checker(path, image).manifest(m);
}

} // namespace dlc
