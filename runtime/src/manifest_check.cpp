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

[[noreturn]] void bad(const std::string &path, const std::string &what,
                      dlc_status status = DLC_ERROR_INVALID_ARTIFACT) {
  throw StatusError(status, "artifact '" + path + "': " + what);
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

bool has_text(const char *s) { return s && *s; }

// Checks name, dtype, rank and dims; returns the dense byte size. `where` is e.g.
// "entry 'infer' input 0".
uint64_t check_tensor(const dlc_tensor_desc &d, const std::string &path, std::string where) {
  if (!has_text(d.name))
    bad(path, where + " has no name");
  where += " ('" + std::string(d.name) + "')";
  if (dlc_dtype_size(d.dtype) == 0)
    bad(path, where + " has invalid dtype " + std::to_string(d.dtype));
  if (d.rank < 0 || d.rank > DLC_MAX_RANK)
    bad(path, where + " has rank " + std::to_string(d.rank) + "; the rank must be 0.." +
                  std::to_string(DLC_MAX_RANK));
  uint64_t bytes = dlc_dtype_size(d.dtype);
  for (int i = 0; i < d.rank; ++i) {
    if (d.shape[i] <= 0)
      bad(path, where + " has dimension " + std::to_string(i) + " = " +
                    std::to_string(d.shape[i]) + "; every dimension must be > 0");
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(d.shape[i]), &bytes))
      bad(path, where + " is too large");
  }
  return bytes;
}

void check_entry(const dlc_entry_desc &e, int32_t index, const std::string &path) {
  std::string where = "entry " + std::to_string(index);
  if (!has_text(e.name))
    bad(path, where + " has no name");
  where = "entry '" + std::string(e.name) + "'";
  if (!e.fn)
    bad(path, where + " has no function");
  auto check_list = [&](const char *kind, int32_t n, const dlc_tensor_desc *list) {
    if (n < 0 || n > kMaxTensorsPerEntry)
      bad(path, where + " has " + std::to_string(n) + " " + kind + "s");
    if (n > 0 && !list)
      bad(path, where + " declares " + std::to_string(n) + " " + kind + "s but no table");
    std::set<std::string> names;
    for (int32_t i = 0; i < n; ++i) {
      check_tensor(list[i], path, where + " " + kind + " " + std::to_string(i));
      if (!names.insert(list[i].name).second)
        bad(path, where + " has two " + kind + "s named '" + list[i].name + "'");
    }
  };
  check_list("input", e.num_inputs, e.inputs);
  check_list("output", e.num_outputs, e.outputs);
}

} // namespace

uint64_t tensor_nbytes(const dlc_tensor_desc &d) {
  uint64_t bytes = dlc_dtype_size(d.dtype);
  for (int i = 0; i < d.rank; ++i)
    bytes *= static_cast<uint64_t>(d.shape[i]);
  return bytes;
}

void check_manifest(const dlc_manifest *m, const std::string &path) {
  if (!m)
    bad(path, "its " DLC_MANIFEST_SYMBOL "() returned NULL");
  // magic and abi_version come first in every version's layout; nothing else may be
  // read before they match.
  if (m->magic != DLC_MANIFEST_MAGIC)
    bad(path, "bad manifest magic " + hex(m->magic) + " (expected " +
                  hex(DLC_MANIFEST_MAGIC) + "); not a dlc artifact or a corrupt one");
  if (m->abi_version != DLC_ABI_VERSION)
    bad(path,
        "it was built for runtime ABI version " + std::to_string(m->abi_version) +
            ", but this runtime implements ABI version " + std::to_string(DLC_ABI_VERSION) +
            "; recompile the model with a dlc that matches this runtime",
        DLC_ERROR_ABI_MISMATCH);
  if (!has_text(m->target))
    bad(path, "the manifest names no target");
  if (std::strcmp(m->target, "cpu") != 0)
    bad(path,
        "it targets '" + std::string(m->target) + "', but this runtime runs only 'cpu' artifacts",
        DLC_ERROR_UNSUPPORTED);

  if (m->num_entries <= 0 || m->num_entries > kMaxEntries)
    bad(path, "the manifest declares " + std::to_string(m->num_entries) + " entry points");
  if (!m->entries)
    bad(path, "the manifest has no entry table");
  std::set<std::string> entry_names;
  for (int32_t i = 0; i < m->num_entries; ++i) {
    check_entry(m->entries[i], i, path);
    if (!entry_names.insert(m->entries[i].name).second)
      bad(path, "two entry points are named '" + std::string(m->entries[i].name) + "'");
  }

  if (m->num_params < 0 || m->num_params > kMaxParams)
    bad(path, "the manifest declares " + std::to_string(m->num_params) + " parameters");
  if (m->num_params > 0 && !m->params)
    bad(path, "the manifest declares parameters but has no parameter table");
  if (m->weights_bytes > 0 && !m->weights)
    bad(path, "the manifest declares " + std::to_string(m->weights_bytes) +
                  " bytes of weights but no weights");
  std::set<std::string> param_names;
  for (int32_t i = 0; i < m->num_params; ++i) {
    const dlc_param_desc &p = m->params[i];
    uint64_t bytes = check_tensor(p.tensor, path, "parameter " + std::to_string(i));
    std::string where = "parameter '" + std::string(p.tensor.name) + "'";
    if (!param_names.insert(p.tensor.name).second)
      bad(path, "two parameters are named '" + std::string(p.tensor.name) + "'");
    if (p.nbytes != bytes)
      bad(path, where + " declares " + std::to_string(p.nbytes) + " bytes, but shape " +
                    shape_string(p.tensor.shape, p.tensor.rank) + " " +
                    dlc_dtype_name(p.tensor.dtype) + " needs " + std::to_string(bytes));
    uint64_t end;
    if (__builtin_add_overflow(p.offset, p.nbytes, &end) || end > m->weights_bytes)
      bad(path, where + " occupies weight bytes " + std::to_string(p.offset) + " + " +
                    std::to_string(p.nbytes) + ", past the end of the " +
                    std::to_string(m->weights_bytes) + " bytes of weights");
  }
}

} // namespace dlc
