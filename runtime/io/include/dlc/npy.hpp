// NumPy .npy and .npz files, the tensor exchange format of dlc-run.
// Reads .npy format versions 1, 2 and 3; little-endian, C order; dtypes f4 f8 f2 i1 i2
// i4 i8 u1 b1. Reads .npz archives with stored or deflated members (what np.savez and
// np.savez_compressed write, zip64 included); writes stored members. Files are written
// to a temporary file in the same directory and then renamed, so readers never see a
// partial file. Every failure throws dlc::Error naming the file.
#ifndef DLC_NPY_HPP
#define DLC_NPY_HPP

#include <string>
#include <vector>

#include "dlc/tensor.hpp"

namespace dlc {

struct NamedTensor {
  std::string name;
  Tensor tensor;
};

// `where` names the source in error messages (a path, or "a.npz:x.npy").
DLC_API Tensor parse_npy(const void *data, size_t size, const std::string &where);
DLC_API std::string encode_npy(const Tensor &t);

DLC_API Tensor read_npy(const std::string &path);
DLC_API void write_npy(const std::string &path, const Tensor &t);

// Arrays in archive order, named without the ".npy" suffix.
DLC_API std::vector<NamedTensor> parse_npz(const std::string &archive, const std::string &where);
DLC_API std::vector<NamedTensor> read_npz(const std::string &path);
DLC_API void write_npz(const std::string &path, const std::vector<NamedTensor> &arrays);

} // namespace dlc

#endif // DLC_NPY_HPP
