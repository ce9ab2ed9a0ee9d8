/* dlc artifact ABI: the manifest that a compiled model (model.so) exports and the
 * runtime reads. Codegen compiles this very header into every artifact, so the layout
 * seen by both sides is the same by construction. Any change to a struct below bumps
 * DLC_ABI_VERSION; the runtime refuses every other version. */
#ifndef DLC_ABI_H
#define DLC_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DLC_ABI_VERSION 2u
#define DLC_MANIFEST_MAGIC 0x434c44u /* "DLC" */
#define DLC_MANIFEST_SYMBOL "dlc_get_manifest"
#define DLC_MAX_RANK 8

typedef enum dlc_dtype {
  DLC_DTYPE_INVALID = 0,
  DLC_DTYPE_F32 = 1,
  DLC_DTYPE_F64 = 2,
  DLC_DTYPE_F16 = 3,
  DLC_DTYPE_BF16 = 4,
  DLC_DTYPE_I8 = 5,
  DLC_DTYPE_I16 = 6,
  DLC_DTYPE_I32 = 7,
  DLC_DTYPE_I64 = 8,
  DLC_DTYPE_U8 = 9,
  DLC_DTYPE_BOOL = 10, /* one byte per element, 0 or 1 */
  DLC_DTYPE_U16 = 11,
  DLC_DTYPE_U32 = 12,
  DLC_DTYPE_U64 = 13,
  /* The 8-bit floats of ONNX (and of MLIR's f8E4M3FN, ...): one byte per element. */
  DLC_DTYPE_F8E4M3FN = 14,
  DLC_DTYPE_F8E4M3FNUZ = 15,
  DLC_DTYPE_F8E5M2 = 16,
  DLC_DTYPE_F8E5M2FNUZ = 17,
  /* Packed as ONNX packs them, from the least significant bits: 4-bit types two to a
   * byte, 2-bit types four to a byte; a tensor takes ceil(elements * bits / 8) bytes. */
  DLC_DTYPE_I4 = 18,
  DLC_DTYPE_U4 = 19,
  DLC_DTYPE_I2 = 20,
  DLC_DTYPE_U2 = 21,
  DLC_DTYPE_F4E2M1 = 22,
} dlc_dtype;

/* An integer input the model uses as indices (a Gather's token ids, a loss's class
 * labels): every element must lie in [lo, hi), or equal `ignore` when has_ignore (a loss's
 * ignore_index). The runtime checks the caller's values before the entry runs, since the
 * compiled code reads memory at them unchecked. */
typedef struct dlc_index_check {
  int64_t lo, hi;
  int64_t ignore;
  int32_t has_ignore;
  int32_t reserved;
  const char *use; /* what reads them, for the error: "Gather 'embed'" */
} dlc_index_check;

typedef struct dlc_tensor_desc {
  const char *name;
  int32_t dtype; /* dlc_dtype */
  int32_t rank;
  int64_t shape[DLC_MAX_RANK];
  const dlc_index_check *index_check; /* entry inputs only; NULL: any value is valid */
} dlc_tensor_desc;

/* dlc_param_desc.flags. TRANSPOSED: the parameter is stored as the transpose of the
 * model's 2-D tensor (an inference artifact's weight that the model reads only through a
 * transpose, prepacked): `tensor.shape` is the stored shape, the model's is its reverse.
 * Checkpoints and the Python package present the model's layout. */
#define DLC_PARAM_TRANSPOSED 1

typedef struct dlc_param_desc {
  dlc_tensor_desc tensor;
  uint64_t offset; /* byte offset of the initial value in dlc_manifest.weights */
  uint64_t nbytes;
  int32_t trainable;
  int32_t flags; /* DLC_PARAM_* */
} dlc_param_desc;

/* An entry point. `args` holds, in order, one pointer per input, per parameter (in
 * manifest order) and per output; each points to a dense row-major buffer of the
 * declared dtype and shape, aligned to its element size (inputs, outputs) or to 64
 * bytes (parameters). `arena` points to arena_bytes of scratch memory aligned to 64
 * bytes, owned by the caller and reused across calls. Compiled code assumes no more:
 * its vector loads and stores of arguments carry the element's alignment. */
typedef void (*dlc_entry_fn)(void *const *args, void *arena);

typedef struct dlc_entry_desc {
  const char *name; /* "infer", "train_step", "eval_step" */
  int32_t num_inputs;
  int32_t num_outputs;
  const dlc_tensor_desc *inputs;
  const dlc_tensor_desc *outputs;
  uint64_t arena_bytes;
  dlc_entry_fn fn;
} dlc_entry_desc;

typedef struct dlc_manifest {
  uint32_t magic;       /* DLC_MANIFEST_MAGIC */
  uint32_t abi_version; /* DLC_ABI_VERSION */
  const char *target;   /* "cpu" or "cuda" */
  const char *producer; /* compiler name and version */
  const char *model_name;
  int32_t num_entries;
  int32_t num_params;
  const dlc_entry_desc *entries;
  const dlc_param_desc *params;
  const uint8_t *weights; /* initial parameter values, 64-byte aligned */
  uint64_t weights_bytes;
} dlc_manifest;

/* The one symbol every artifact exports, named DLC_MANIFEST_SYMBOL. */
typedef const dlc_manifest *(*dlc_manifest_fn)(void);

/* CUDA artifacts (target "cuda") also export DLC_CUDA_IMAGE_SYMBOL. Their entry points
 * take the same arguments as on the CPU, but every pointer (inputs, parameters, outputs,
 * arena) is a device address; the host code only computes addresses and launches
 * kernels, through a launcher the runtime binds before each run. */
#define DLC_CUDA_IMAGE_SYMBOL "dlc_get_cuda_image"

typedef struct dlc_cuda_launcher {
  void *ctx;
  void *stream; /* CUstream every kernel of a run goes to, in order */
  /* The kernel of that name in the image's module (a CUfunction), NULL after an error. */
  void *(*get_function)(void *ctx, const char *name);
  /* cuLaunchKernel; errors are kept in ctx and reported when the entry returns. */
  void (*launch)(void *ctx, void *function, intptr_t grid_x, intptr_t grid_y, intptr_t grid_z, intptr_t block_x,
                 intptr_t block_y, intptr_t block_z, int32_t shared_bytes, void *stream, void **params);
} dlc_cuda_launcher;

typedef struct dlc_cuda_image {
  const char *arch;   /* "sm_80", "sm_90": what the PTX targets and the cubin was built for */
  const char *ptx;    /* NUL-terminated PTX of every kernel */
  uint64_t ptx_bytes; /* without the NUL */
  const uint8_t *cubin;
  uint64_t cubin_bytes; /* 0 when the compiler found no ptxas */
  void (*bind)(const dlc_cuda_launcher *launcher);
} dlc_cuda_image;

typedef const dlc_cuda_image *(*dlc_cuda_image_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* DLC_ABI_H */
