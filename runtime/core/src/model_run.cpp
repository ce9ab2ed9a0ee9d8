// dlc_model_run: signature checks, staging of unaligned buffers, and the call.
#include <cstring>
#include <new>
#include <vector>

#include "cuda_model.hpp"
#include "grad_reduce.hpp"
#include "dlc/tensor.hpp"
#include "manifest_check.hpp"
#include "model.hpp"
#include "status_error.hpp"

namespace {

using dlc::StatusError;

[[noreturn]] void mismatch(const std::string &msg) { throw StatusError(DLC_ERROR_MISMATCH, msg); }

std::string describe(const dlc_tensor_desc &d) {
  return dlc::shape_string(d.shape, d.rank) + " " + dlc_dtype_name(d.dtype);
}

std::string count(int32_t n, const char *kind) {
  return std::to_string(n) + " " + kind + (n == 1 ? "" : "s");
}

std::string list_names(const char *kind, const dlc_tensor_desc *list, int32_t n) {
  if (n == 0)
    return std::string("no ") + kind + "s";
  std::string s;
  for (int32_t i = 0; i < n; ++i)
    s += (i ? ", " : "") + std::string(list[i].name) + " (" + describe(list[i]) + ")";
  return s;
}

// The compiled code reads memory at these values unchecked: one out of range is an
// error here, not an out-of-bounds read.
template <typename T> void check_index_values(const std::string &what, const dlc_tensor_desc &d, const T *v) {
  const dlc_index_check &c = *d.index_check;
  uint64_t n = dlc::tensor_nbytes(d) / sizeof(T);
  for (uint64_t i = 0; i < n; ++i) {
    int64_t x = static_cast<int64_t>(v[i]);
    if ((x >= c.lo && x < c.hi) || (c.has_ignore && x == c.ignore))
      continue;
    std::string index;
    for (int k = d.rank - 1; k >= 0; --k) {
      auto dim = static_cast<uint64_t>(d.shape[k]);
      index = std::to_string(i % dim) + (index.empty() ? "" : ", ") + index;
      i /= dim;
    }
    throw StatusError(DLC_ERROR_INVALID_ARGUMENT,
                      what + " holds " + std::to_string(x) + " at [" + index + "]; " + c.use + " takes values in [" +
                          std::to_string(c.lo) + ", " + std::to_string(c.hi) + ")" +
                          (c.has_ignore ? " or " + std::to_string(c.ignore) + " (ignored)" : ""));
  }
}

void check_indices(const std::string &what, const dlc_tensor_desc &d, const void *data) {
  if (d.dtype == DLC_DTYPE_I64)
    check_index_values(what, d, static_cast<const int64_t *>(data));
  else if (d.dtype == DLC_DTYPE_I32)
    check_index_values(what, d, static_cast<const int32_t *>(data));
}

// Orders the caller's tensors like the entry's signature and checks each against it.
std::vector<const dlc_tensor *> bind(const char *kind, const dlc_entry_desc &e,
                                     const dlc_tensor_desc *expected, int32_t n_expected,
                                     const dlc_tensor *given, int32_t n_given) {
  if (n_given < 0 || (n_given > 0 && !given))
    throw StatusError(DLC_ERROR_INVALID_ARGUMENT,
                      std::string("dlc_model_run: bad ") + kind + " array");
  std::vector<const dlc_tensor *> slot(static_cast<size_t>(n_expected), nullptr);
  for (int32_t i = 0; i < n_given; ++i) {
    const dlc_tensor &t = given[i];
    int32_t idx = -1;
    if (t.name) {
      for (int32_t j = 0; j < n_expected; ++j)
        if (std::strcmp(expected[j].name, t.name) == 0)
          idx = j;
      if (idx < 0)
        mismatch("entry '" + std::string(e.name) + "' has no " + kind + " named '" + t.name +
                 "'; its " + kind + "s: " + list_names(kind, expected, n_expected));
    } else {
      if (i >= n_expected)
        mismatch("entry '" + std::string(e.name) + "' takes " + count(n_expected, kind) + ", got " +
                 std::to_string(n_given));
      idx = i;
    }
    if (slot[idx])
      mismatch(std::string(kind) + " '" + expected[idx].name + "' is given twice");
    slot[idx] = &t;
  }
  for (int32_t j = 0; j < n_expected; ++j) {
    const dlc_tensor_desc &d = expected[j];
    const dlc_tensor *t = slot[j];
    std::string what = std::string(kind) + " '" + d.name + "'";
    if (!t)
      mismatch("missing " + what + " (" + describe(d) + ") for entry '" + e.name + "'");
    if (t->rank < 0 || t->rank > DLC_MAX_RANK || (t->rank > 0 && !t->shape))
      throw StatusError(DLC_ERROR_INVALID_ARGUMENT,
                        what + ": invalid rank " + std::to_string(t->rank) + " or NULL shape");
    bool same = t->dtype == d.dtype && t->rank == d.rank;
    for (int k = 0; same && k < d.rank; ++k)
      same = t->shape[k] == d.shape[k];
    if (!same)
      mismatch(what + ": expected shape " + describe(d) + ", got " +
               dlc::shape_string(t->shape, t->rank) + " " + dlc_dtype_name(t->dtype));
    if (!t->data)
      throw StatusError(DLC_ERROR_INVALID_ARGUMENT, what + ": data is NULL");
    uint64_t need = dlc::tensor_nbytes(d);
    if (t->nbytes < need)
      mismatch(what + ": the buffer holds " + std::to_string(t->nbytes) + " bytes, but " +
               describe(d) + " needs " + std::to_string(need));
    if (d.index_check)
      check_indices(what, d, t->data);
  }
  return slot;
}

void run(dlc_model *model, const char *entry_name, const dlc_tensor *inputs, int32_t num_inputs,
         const dlc_tensor *outputs, int32_t num_outputs) {
  if (!model || !entry_name)
    throw StatusError(DLC_ERROR_INVALID_ARGUMENT,
                      "dlc_model_run: model and entry must not be NULL");
  const dlc_manifest &m = *model->manifest;
  int32_t index = -1;
  for (int32_t i = 0; i < m.num_entries; ++i)
    if (std::strcmp(m.entries[i].name, entry_name) == 0)
      index = i;
  if (index < 0) {
    std::string names;
    for (int32_t i = 0; i < m.num_entries; ++i)
      names += (i ? ", " : "") + std::string(m.entries[i].name);
    throw StatusError(DLC_ERROR_NOT_FOUND, "artifact '" + model->path + "' has no entry point '" +
                                               entry_name + "'; it has: " + names);
  }
  const dlc_entry_desc &e = m.entries[index];
  auto in = bind("input", e, e.inputs, e.num_inputs, inputs, num_inputs);
  auto out = bind("output", e, e.outputs, e.num_outputs, outputs, num_outputs);
  if (model->cuda) {
    std::lock_guard<std::mutex> lock(model->entries[static_cast<size_t>(index)]->mutex);
    dlc::cuda_run(*model, index, in, out);
    return;
  }

  // Compiled code assumes each argument aligned to its element (abi.h): stage only what
  // is not, so an array from any allocator is used in place.
  auto element_aligned = [](const void *p, const dlc_tensor_desc &d) {
    size_t size = dlc_dtype_size(d.dtype);
    return reinterpret_cast<uintptr_t>(p) % (size ? size : 1) == 0;
  };
  std::vector<dlc::AlignedBuffer> staged;
  struct CopyBack {
    void *dst;
    const uint8_t *src;
    uint64_t n;
  };
  std::vector<CopyBack> copy_back;
  std::vector<void *> args;
  args.reserve(in.size() + model->params.size() + out.size());
  for (size_t i = 0; i < in.size(); ++i) {
    void *p = in[i]->data;
    if (!element_aligned(p, e.inputs[i])) {
      uint64_t n = dlc::tensor_nbytes(e.inputs[i]);
      model->staged_bytes += n;
      staged.emplace_back(n, std::string("input '") + e.inputs[i].name + "'");
      std::memcpy(staged.back().data(), p, n);
      p = staged.back().data();
    }
    args.push_back(p);
  }
  for (uint8_t *p : model->params)
    args.push_back(p);
  for (size_t i = 0; i < out.size(); ++i) {
    void *p = out[i]->data;
    if (!element_aligned(p, e.outputs[i])) {
      uint64_t n = dlc::tensor_nbytes(e.outputs[i]);
      model->staged_bytes += n;
      staged.emplace_back(n, std::string("output '") + e.outputs[i].name + "'");
      p = staged.back().data();
      copy_back.push_back({out[i]->data, staged.back().data(), n});
    }
    args.push_back(p);
  }

  dlc_model::Entry &state = *model->entries[static_cast<size_t>(index)];
  std::lock_guard<std::mutex> lock(state.mutex);
  if (!state.arena)
    state.arena =
        dlc::AlignedBuffer(e.arena_bytes, "the arena of entry '" + std::string(e.name) + "'");
  {
    dlc::GradReduceScope reduce(model->reducer);
    e.fn(args.data(), state.arena.data());
    reduce.check();
  }
  for (const CopyBack &c : copy_back)
    std::memcpy(c.dst, c.src, c.n);
}

} // namespace

extern "C" uint64_t dlc_model_staged_bytes(const dlc_model *model) {
  return model ? model->staged_bytes.load() : 0;
}

extern "C" dlc_status dlc_model_run(dlc_model *model, const char *entry, const dlc_tensor *inputs,
                                    int32_t num_inputs, const dlc_tensor *outputs,
                                    int32_t num_outputs, char *err, size_t err_size) {
  dlc::write_message(err, err_size, "");
  try {
    run(model, entry, inputs, num_inputs, outputs, num_outputs);
    return DLC_OK;
  } catch (const StatusError &e) {
    dlc::write_message(err, err_size, e.what());
    return e.status();
  } catch (const std::bad_alloc &) {
    dlc::write_message(err, err_size, "out of memory running entry point");
    return DLC_ERROR_OUT_OF_MEMORY;
  } catch (const std::exception &e) {
    dlc::write_message(err, err_size, std::string("running entry point: ") + e.what());
    return DLC_ERROR_INTERNAL;
  }
}
