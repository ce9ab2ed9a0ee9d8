// dlc_model_load and the manifest queries.
#include <algorithm>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <new>

#include "cuda_model.hpp"
#include "dlc/tensor.hpp"
#include "elf_check.hpp"
#include "loaded_image.hpp"
#include "manifest_check.hpp"
#include "model.hpp"
#include "status_error.hpp"

dlc_model::~dlc_model() {
  dlc::cuda_release(cuda);
  if (handle)
    ::dlclose(handle);
}

namespace {

// Compiled kernels call dlc_parallel_for by name, a weak reference: where it does not
// resolve they run on one thread. A host that loaded libdlcrt with RTLD_LOCAL (Python's
// extension modules, plugins) hides it from the artifact, so the runtime makes its own
// symbols global before opening one (the handle is kept: the library is in use).
void expose_runtime_symbols() {
  static std::once_flag once;
  std::call_once(once, [] {
    Dl_info info;
    if (::dladdr(reinterpret_cast<void *>(&dlc_parallel_for), &info) && info.dli_fname)
      ::dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
  });
}

std::unique_ptr<dlc_model> load(const std::string &path) {
  using dlc::StatusError;
  dlc::check_elf_shared_object(path);
  expose_runtime_symbols();

  auto model = std::make_unique<dlc_model>();
  model->path = path;
  // Without a slash dlopen would search the library path instead of opening this file.
  std::string open_path = path.find('/') == std::string::npos ? "./" + path : path;
  ::dlerror();
  model->handle = ::dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->handle) {
    const char *why = ::dlerror();
    throw StatusError(DLC_ERROR_INVALID_ARTIFACT,
                      "cannot load artifact '" + path + "': " + (why ? why : "dlopen failed"));
  }
  ::dlerror();
  void *sym = ::dlsym(model->handle, DLC_MANIFEST_SYMBOL);
  if (!sym)
    throw StatusError(DLC_ERROR_INVALID_ARTIFACT,
                      "artifact '" + path +
                          "' exports no '" DLC_MANIFEST_SYMBOL
                          "' symbol; it is a shared object but not a dlc artifact");
  auto manifest_fn = reinterpret_cast<dlc_manifest_fn>(sym);
  const dlc_manifest *m = manifest_fn();
  dlc::check_manifest(m, path, dlc::LoadedImage::of(model->handle, path));
  model->manifest = m;

  uint64_t total = 0, block = 0;
  for (int32_t i = 0; i < m->num_params; ++i) {
    uint64_t n = m->params[i].nbytes;
    total += n;
    uint64_t padded = (n + DLC_ALIGNMENT - 1) / DLC_ALIGNMENT * DLC_ALIGNMENT;
    if (padded < n || __builtin_add_overflow(block, padded, &block))
      throw StatusError(DLC_ERROR_INVALID_ARTIFACT,
                        "artifact '" + path + "': parameters are too large");
  }
  model->param_bytes = total;
  model->param_block =
      std::make_shared<dlc::AlignedBuffer>(block, "the parameters of '" + path + "'");
  uint64_t off = 0;
  for (int32_t i = 0; i < m->num_params; ++i) {
    const dlc_param_desc &p = m->params[i];
    uint8_t *dst = model->param_block->data() + off;
    std::memcpy(dst, m->weights + p.offset, p.nbytes);
    model->params.push_back(dst);
    off += (p.nbytes + DLC_ALIGNMENT - 1) / DLC_ALIGNMENT * DLC_ALIGNMENT;
  }
  for (int32_t i = 0; i < m->num_entries; ++i)
    model->entries.push_back(std::make_unique<dlc_model::Entry>());
  if (std::strcmp(m->target, "cuda") == 0)
    model->cuda = dlc::cuda_attach(*model);
  return model;
}

} // namespace

extern "C" {

dlc_status dlc_model_load(const char *path, dlc_model **out, char *err, size_t err_size) {
  dlc::write_message(err, err_size, "");
  if (out)
    *out = nullptr;
  if (!path || !*path || !out) {
    dlc::write_message(err, err_size, "dlc_model_load: path and out must not be NULL or empty");
    return DLC_ERROR_INVALID_ARGUMENT;
  }
  try {
    *out = load(path).release();
    return DLC_OK;
  } catch (const dlc::StatusError &e) {
    dlc::write_message(err, err_size, e.what());
    return e.status();
  } catch (const std::bad_alloc &) {
    dlc::write_message(err, err_size, std::string("out of memory loading '") + path + "'");
    return DLC_ERROR_OUT_OF_MEMORY;
  } catch (const std::exception &e) {
    dlc::write_message(err, err_size, std::string("loading '") + path + "': " + e.what());
    return DLC_ERROR_INTERNAL;
  }
}

void dlc_model_free(dlc_model *model) { delete model; }

const dlc_manifest *dlc_model_manifest(const dlc_model *model) {
  return model ? model->manifest : nullptr;
}

const char *dlc_model_path(const dlc_model *model) { return model ? model->path.c_str() : nullptr; }

int32_t dlc_model_num_entries(const dlc_model *model) {
  return model ? model->manifest->num_entries : 0;
}

const dlc_entry_desc *dlc_model_entry(const dlc_model *model, int32_t i) {
  if (!model || i < 0 || i >= model->manifest->num_entries)
    return nullptr;
  return &model->manifest->entries[i];
}

const dlc_entry_desc *dlc_model_find_entry(const dlc_model *model, const char *name) {
  if (!model || !name)
    return nullptr;
  for (int32_t i = 0; i < model->manifest->num_entries; ++i)
    if (std::strcmp(model->manifest->entries[i].name, name) == 0)
      return &model->manifest->entries[i];
  return nullptr;
}

int32_t dlc_model_num_params(const dlc_model *model) {
  return model ? model->manifest->num_params : 0;
}

const dlc_param_desc *dlc_model_param(const dlc_model *model, int32_t i) {
  if (!model || i < 0 || i >= model->manifest->num_params)
    return nullptr;
  return &model->manifest->params[i];
}

int32_t dlc_model_find_param(const dlc_model *model, const char *name) {
  if (!model || !name)
    return -1;
  for (int32_t i = 0; i < model->manifest->num_params; ++i)
    if (std::strcmp(model->manifest->params[i].tensor.name, name) == 0)
      return i;
  return -1;
}

void *dlc_model_param_data(dlc_model *model, int32_t i) {
  if (!model || i < 0 || i >= model->manifest->num_params)
    return nullptr;
  if (model->cuda) {
    try {
      dlc::cuda_host_params(*model);
    } catch (const std::exception &) {
      return nullptr; // the device copy cannot be read back
    }
  }
  return model->params[static_cast<size_t>(i)];
}

uint64_t dlc_model_param_bytes(const dlc_model *model) { return model ? model->param_bytes : 0; }

dlc_status dlc_model_share_params(dlc_model *model, const int32_t *mine, dlc_model *owner,
                                  const int32_t *theirs, int32_t n, char *err, size_t err_size) {
  dlc::write_message(err, err_size, "");
  auto fail = [&](dlc_status status, const std::string &msg) {
    dlc::write_message(err, err_size, "dlc_model_share_params: " + msg);
    return status;
  };
  if (!model || !owner || n < 0 || (n > 0 && (!mine || !theirs)))
    return fail(DLC_ERROR_INVALID_ARGUMENT, "model, owner and the index arrays must not be NULL");
  // Every pair is checked before any storage changes hands.
  for (int32_t k = 0; k < n; ++k) {
    int32_t i = mine[k], j = theirs[k];
    if (i < 0 || i >= model->manifest->num_params)
      return fail(DLC_ERROR_INVALID_ARGUMENT, "'" + model->path + "' has no parameter " + std::to_string(i));
    if (j < 0 || j >= owner->manifest->num_params)
      return fail(DLC_ERROR_INVALID_ARGUMENT, "'" + owner->path + "' has no parameter " + std::to_string(j));
    const dlc_param_desc &a = model->manifest->params[i], &b = owner->manifest->params[j];
    std::string what = "parameter '" + std::string(a.tensor.name) + "' of '" + model->path + "'";
    if (model->cuda || owner->cuda)
      return fail(DLC_ERROR_UNSUPPORTED, what + ": sharing storage needs two CPU artifacts (a CUDA artifact "
                                                "keeps its parameters in device memory)");
    if ((a.flags ^ b.flags) & DLC_PARAM_TRANSPOSED)
      return fail(DLC_ERROR_MISMATCH, what + " and '" + b.tensor.name + "' of '" + owner->path +
                                          "' are laid out differently (one is stored transposed, as an "
                                          "inference-only artifact stores the weights it reads transposed)");
    if (a.tensor.dtype != b.tensor.dtype || a.tensor.rank != b.tensor.rank ||
        !std::equal(a.tensor.shape, a.tensor.shape + a.tensor.rank, b.tensor.shape))
      return fail(DLC_ERROR_MISMATCH, what + " is " + dlc_dtype_name(a.tensor.dtype) + " " +
                                          dlc::shape_string(a.tensor.shape, a.tensor.rank) + " but '" +
                                          b.tensor.name + "' of '" + owner->path + "' is " +
                                          dlc_dtype_name(b.tensor.dtype) + " " +
                                          dlc::shape_string(b.tensor.shape, b.tensor.rank));
  }
  try {
    // The owner's storage may itself be borrowed: keep every block it points into alive.
    auto keep = [&](const std::shared_ptr<dlc::AlignedBuffer> &block) {
      if (block != model->param_block &&
          std::find(model->borrowed_blocks.begin(), model->borrowed_blocks.end(), block) ==
              model->borrowed_blocks.end())
        model->borrowed_blocks.push_back(block);
    };
    if (n > 0) {
      keep(owner->param_block);
      for (const auto &block : owner->borrowed_blocks)
        keep(block);
    }
  } catch (const std::bad_alloc &) {
    return fail(DLC_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  for (int32_t k = 0; k < n; ++k)
    model->params[static_cast<size_t>(mine[k])] = owner->params[static_cast<size_t>(theirs[k])];
  return DLC_OK;
}

} // extern "C"
