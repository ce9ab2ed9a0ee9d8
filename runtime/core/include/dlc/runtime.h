/* dlc runtime C API (libdlcrt): load a compiled model artifact, inspect its manifest and
 * run its entry points. Every call reports failure as a status plus a message written to
 * a caller-provided buffer; nothing here aborts or throws. Handles are opaque. */
#ifndef DLC_RUNTIME_H
#define DLC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "dlc/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DLC_API __attribute__((visibility("default")))

/* Buffers the runtime owns and hands to entry points (parameters, arena, staging
 * copies) are aligned to this many bytes. */
#define DLC_ALIGNMENT 64

typedef enum dlc_status {
  DLC_OK = 0,
  DLC_ERROR_INVALID_ARGUMENT = 1, /* a NULL handle, a bad count, ... */
  DLC_ERROR_IO = 2,               /* the file is missing or unreadable */
  DLC_ERROR_INVALID_ARTIFACT = 3, /* not an ELF, truncated, no manifest, bad tables */
  DLC_ERROR_ABI_MISMATCH = 4,     /* manifest ABI version differs from the runtime's */
  DLC_ERROR_UNSUPPORTED = 5,      /* e.g. a target this runtime cannot run */
  DLC_ERROR_NOT_FOUND = 6,        /* no entry point of that name */
  DLC_ERROR_MISMATCH = 7,         /* inputs/outputs differ from the entry's signature */
  DLC_ERROR_OUT_OF_MEMORY = 8,
  DLC_ERROR_INTERNAL = 9,
} dlc_status;

typedef struct dlc_model dlc_model;

/* A caller's tensor passed to dlc_model_run. `name` may be NULL, meaning the entry's
 * i-th input (or output) for position i; otherwise it names one and order is free.
 * `data` is dense row-major; `nbytes` is the size of the buffer behind it. */
typedef struct dlc_tensor {
  const char *name;
  int32_t dtype; /* dlc_dtype */
  int32_t rank;
  const int64_t *shape; /* rank entries; may be NULL when rank is 0 */
  void *data;
  uint64_t nbytes;
} dlc_tensor;

DLC_API const char *dlc_status_name(dlc_status status);
/* "f32", "f64", "f16", "bf16", "i8", ..., "f8e4m3fn", "i4", "u4", "i2", "u2", "f4e2m1"; "invalid". */
DLC_API const char *dlc_dtype_name(int32_t dtype);
/* Bytes per element; 0 for an invalid dtype and for the packed 4- and 2-bit dtypes. */
DLC_API size_t dlc_dtype_size(int32_t dtype);
/* Bits per element (8 * dlc_dtype_size, or 4 or 2 for the packed dtypes); 0 if invalid. */
DLC_API size_t dlc_dtype_bits(int32_t dtype);
/* The bytes `elements` elements of `dtype` take: ceil(elements * bits / 8); 0 for an
 * invalid dtype; UINT64_MAX when that overflows. */
DLC_API uint64_t dlc_dtype_nbytes(int32_t dtype, uint64_t elements);
/* The one artifact ABI version this runtime accepts (DLC_ABI_VERSION it was built with). */
DLC_API uint32_t dlc_runtime_abi_version(void);

/* Loads and validates an artifact (a complete ELF shared object for this machine, the
 * manifest symbol, magic, ABI version, target "cpu", entry and parameter tables, and
 * that every pointer in the manifest points into the artifact's own segments) and
 * copies its initial weights into runtime-owned aligned parameter buffers. On failure
 * *out is NULL and `err` (if not NULL) holds a message naming what is wrong and where. */
DLC_API dlc_status dlc_model_load(const char *path, dlc_model **out, char *err, size_t err_size);
DLC_API void dlc_model_free(dlc_model *model);

DLC_API const dlc_manifest *dlc_model_manifest(const dlc_model *model);
DLC_API const char *dlc_model_path(const dlc_model *model);

DLC_API int32_t dlc_model_num_entries(const dlc_model *model);
/* NULL when i is out of range. */
DLC_API const dlc_entry_desc *dlc_model_entry(const dlc_model *model, int32_t i);
/* NULL when the model has no entry of that name. */
DLC_API const dlc_entry_desc *dlc_model_find_entry(const dlc_model *model, const char *name);

DLC_API int32_t dlc_model_num_params(const dlc_model *model);
DLC_API const dlc_param_desc *dlc_model_param(const dlc_model *model, int32_t i);
/* Index of the parameter of that name, or -1. */
DLC_API int32_t dlc_model_find_param(const dlc_model *model, const char *name);
/* The runtime-owned, 64-byte aligned value of parameter i (entry points such as
 * train_step update it in place); NULL when i is out of range. */
DLC_API void *dlc_model_param_data(dlc_model *model, int32_t i);
/* Sum of all parameters' nbytes. */
DLC_API uint64_t dlc_model_param_bytes(const dlc_model *model);

/* Makes parameter mine[k] of `model` use the storage of parameter theirs[k] of `owner` from
 * now on, for k < n (same dtype, shape and layout; both CPU artifacts): what one model's
 * entries write there, the other's read, with no copy. A GAN's generator artifact, trained
 * with the discriminator's parameters frozen, shares them with the discriminator's own
 * artifact. All pairs are checked first: on an error nothing changes. The storage stays
 * alive as long as either model does; the previous values are dropped. Not safe while an
 * entry of either model runs. */
DLC_API dlc_status dlc_model_share_params(dlc_model *model, const int32_t *mine, dlc_model *owner,
                                          const int32_t *theirs, int32_t n, char *err, size_t err_size);

/* Data-parallel training: what a train_step compiled by dlc does with its gradients. The
 * backward pass groups them in buckets (dlc compile --grad-bucket-mb); as soon as a bucket
 * is complete, train_step calls start(bucket, ...) with the bucket's buffers, and before
 * clipping and the optimizer's update it calls wait(bucket, ...) with the same buffers,
 * which must then hold the gradients averaged over all ranks. start must copy what it needs
 * before returning (the buffers are only read until wait); both run on the thread that
 * called dlc_model_run, inside it. Buffers are host memory for CPU artifacts. A non-zero
 * return fails the dlc_model_run (the step's updates are then undefined). */
typedef struct dlc_grad_reducer {
  void *ctx;
  int (*start)(void *ctx, int64_t bucket, int32_t dtype, int64_t n, void *const *buffers, const int64_t *elements);
  int (*wait)(void *ctx, int64_t bucket, int32_t dtype, int64_t n, void *const *buffers, const int64_t *elements);
} dlc_grad_reducer;

/* Binds `reducer` (copied) to `model`'s entries from now on; NULL unbinds. Without one,
 * the calls do nothing: one process trains alone. CPU artifacts only (CUDA: NCCL is not
 * built yet, DLC_ERROR_UNSUPPORTED). Not safe while an entry of the model runs. */
DLC_API dlc_status dlc_model_set_grad_reducer(dlc_model *model, const dlc_grad_reducer *reducer, char *err,
                                              size_t err_size);

/* Runs entry `entry` after checking inputs and outputs against its signature (count,
 * names, dtypes, shapes, buffer sizes). The caller's buffers are used in place (zero
 * copy) when aligned to their element size, as every array a normal allocator returns
 * is; others are staged through aligned copies (counted by dlc_model_staged_bytes). Calls to one entry of one model are serialized (they share
 * the entry's arena); entries that update parameters must not run concurrently with
 * others on the same model. */
DLC_API dlc_status dlc_model_run(dlc_model *model, const char *entry, const dlc_tensor *inputs,
                                 int32_t num_inputs, const dlc_tensor *outputs, int32_t num_outputs,
                                 char *err, size_t err_size);

/* Bytes dlc_model_run has copied into and out of staging buffers for caller buffers not
 * aligned to their element size, since the model was loaded: 0 on the zero-copy path. */
DLC_API uint64_t dlc_model_staged_bytes(const dlc_model *model);

/* The process-wide thread pool that compiled kernels share. n <= 0 selects
 * std::thread::hardware_concurrency(). Waits for a running dlc_parallel_for. */
DLC_API void dlc_set_num_threads(int32_t n);
DLC_API int32_t dlc_get_num_threads(void);

/* Calls fn(begin, end, ctx) over disjoint ranges covering [0, n) exactly once, on the
 * pool's threads and the caller's, and returns when all are done. A call from inside fn
 * runs serially on the calling thread. fn must not throw or longjmp. */
typedef void (*dlc_parallel_fn)(int64_t begin, int64_t end, void *ctx);
DLC_API void dlc_parallel_for(int64_t n, dlc_parallel_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* DLC_RUNTIME_H */
