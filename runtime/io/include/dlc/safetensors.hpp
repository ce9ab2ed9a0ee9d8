// safetensors files (https://github.com/huggingface/safetensors), the checkpoint format of
// dlc: an 8-byte little-endian header length N, N bytes of JSON
//   {"__metadata__": {"key": "value", ...},
//    "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
// (optionally padded with spaces), then the raw little-endian, row-major tensor data, the
// offsets relative to its start. dtypes: F32 F64 F16 BF16 I64 I32 I16 I8 U8 BOOL.
//
// The reader is as strict as the reference implementation: the data of the tensors must
// tile the data section exactly (no gaps, overlaps or trailing bytes), each tensor's byte
// range must match its dtype and shape, and metadata values must be strings. Every
// failure throws dlc::Error naming the file, the tensor and the problem.
//
// The writer puts the metadata first and the tensors in the order given, pads the header
// with spaces to a multiple of 8 bytes (so the data section is 8-byte aligned, as the
// reference writer does), and writes crash-safely: an unnamed temporary file in the
// target's directory (O_TMPFILE; a named ".NAME.tmp.*" file where the file system lacks
// it) is written, fsync'd, linked and renamed over the target, and the directory is
// fsync'd. An interrupted write leaves the previous file untouched and, with O_TMPFILE,
// nothing else behind.
//
// Test hook: when the environment variable DLC_TEST_CRASH_IN_CHECKPOINT_WRITE is N >= 1,
// the N-th write_safetensors call of the process writes half of the file's bytes to the
// temporary file, fsyncs them and calls abort(). Tests use it to check that a run killed
// in the middle of writing a checkpoint leaves the previous checkpoint intact.
#ifndef DLC_SAFETENSORS_HPP
#define DLC_SAFETENSORS_HPP

#include <string>
#include <utility>
#include <vector>

#include "dlc/npy.hpp"
#include "dlc/tensor.hpp"

namespace dlc {

using SafetensorsMetadata = std::vector<std::pair<std::string, std::string>>;

struct DLC_API Safetensors {
  std::vector<NamedTensor> tensors;   // in the order of their data offsets
  SafetensorsMetadata metadata;       // in header order
  const NamedTensor *find(const std::string &name) const;
  // nullptr when the key is absent.
  const std::string *meta(const std::string &key) const;
};

// "F32", "F64", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL"; nullptr for an
// invalid dtype.
DLC_API const char *safetensors_dtype_name(dlc_dtype dtype);
// DLC_DTYPE_INVALID for a name dlc does not read (F8_E4M3, U16, ...).
DLC_API dlc_dtype safetensors_dtype(const std::string &name);

// `where` names the source in messages (usually the path).
DLC_API Safetensors parse_safetensors(const void *data, size_t size, const std::string &where);
DLC_API Safetensors read_safetensors(const std::string &path);

// The whole file as bytes. Each dlc_tensor needs a unique, non-empty name other than
// "__metadata__", a dtype of the list above, and nbytes equal to its size.
DLC_API std::string encode_safetensors(const std::vector<dlc_tensor> &tensors,
                                       const SafetensorsMetadata &metadata = {});
// Writes the file crash-safely (see above); reads the tensors' data where they are.
DLC_API void write_safetensors(const std::string &path, const std::vector<dlc_tensor> &tensors,
                               const SafetensorsMetadata &metadata = {});

} // namespace dlc

#endif // DLC_SAFETENSORS_HPP
