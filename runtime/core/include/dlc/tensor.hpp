// dlc::Tensor: a dense row-major tensor with 64-byte aligned storage, the unit that the
// C++ side of the runtime (npy/npz files, Model::run, dlc-run) passes around.
#ifndef DLC_TENSOR_HPP
#define DLC_TENSOR_HPP

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dlc/runtime.h"

namespace dlc {

// Every C++ API of the runtime reports failure with this; the message names what and
// where, ready to print.
class DLC_API Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// "64x1x28x28"; "scalar" for rank 0.
inline std::string shape_string(const int64_t *shape, int rank) {
  if (rank == 0)
    return "scalar";
  std::string s;
  for (int i = 0; i < rank; ++i) {
    if (i)
      s += 'x';
    s += std::to_string(shape[i]);
  }
  return s;
}

inline std::string shape_string(const std::vector<int64_t> &shape) {
  return shape_string(shape.data(), static_cast<int>(shape.size()));
}

// Element count of a shape; throws on a negative dim or overflow.
inline int64_t checked_numel(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      throw Error("negative dimension in shape " + shape_string(shape));
    if (__builtin_mul_overflow(n, d, &n))
      throw Error("shape " + shape_string(shape) + " has too many elements");
  }
  return n;
}

// Bytes of a dense tensor of that dtype and shape; throws for an invalid dtype, a rank
// above DLC_MAX_RANK, a negative dim or overflow. Readers check a file's size against it
// before allocating the tensor.
inline uint64_t checked_nbytes(dlc_dtype dtype, const std::vector<int64_t> &shape) {
  if (dlc_dtype_bits(dtype) == 0)
    throw Error("invalid dtype " + std::to_string(static_cast<int>(dtype)));
  if (shape.size() > DLC_MAX_RANK)
    throw Error("rank " + std::to_string(shape.size()) + " exceeds the maximum " +
                std::to_string(DLC_MAX_RANK));
  int64_t n = checked_numel(shape);
  uint64_t bytes = dlc_dtype_nbytes(dtype, static_cast<uint64_t>(n));
  if (bytes == UINT64_MAX)
    throw Error("shape " + shape_string(shape) + " is too large");
  return bytes;
}

class Tensor {
public:
  Tensor() = default;

  // Zero-filled.
  Tensor(dlc_dtype dtype, std::vector<int64_t> shape) : dtype_(dtype), shape_(std::move(shape)) {
    uint64_t bytes = checked_nbytes(dtype, shape_);
    nbytes_ = bytes;
    // aligned_alloc wants a size that is a multiple of the alignment; keep data non-NULL
    // even for empty tensors.
    size_t alloc = (bytes + DLC_ALIGNMENT - 1) / DLC_ALIGNMENT * DLC_ALIGNMENT;
    if (alloc < bytes)
      throw Error("shape " + shape_string(shape_) + " is too large");
    if (alloc == 0)
      alloc = DLC_ALIGNMENT;
    void *p = std::aligned_alloc(DLC_ALIGNMENT, alloc);
    if (!p)
      throw Error("out of memory allocating " + std::to_string(bytes) + " bytes for a " +
                  dlc_dtype_name(dtype) + " tensor of shape " + shape_string(shape_));
    std::memset(p, 0, alloc);
    data_.reset(static_cast<uint8_t *>(p));
  }

  Tensor(Tensor &&) = default;
  Tensor &operator=(Tensor &&) = default;
  // Copies are explicit (clone) because tensors can be large.
  Tensor(const Tensor &) = delete;
  Tensor &operator=(const Tensor &) = delete;

  Tensor clone() const {
    Tensor t(dtype_, shape_);
    if (nbytes_)
      std::memcpy(t.data(), data(), nbytes_);
    return t;
  }

  // False for a default-constructed or moved-from tensor.
  bool valid() const { return data_ != nullptr; }
  dlc_dtype dtype() const { return dtype_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t numel() const {
    int64_t n = 1;
    for (int64_t d : shape_)
      n *= d;
    return n;
  }
  uint64_t nbytes() const { return nbytes_; }
  void *data() { return data_.get(); }
  const void *data() const { return data_.get(); }
  template <typename T> T *data_as() { return reinterpret_cast<T *>(data_.get()); }
  template <typename T> const T *data_as() const {
    return reinterpret_cast<const T *>(data_.get());
  }

  // "f32 2x3"
  std::string describe() const {
    return std::string(dlc_dtype_name(dtype_)) + " " + shape_string(shape_);
  }

  // A view for dlc_model_run; valid while this tensor lives and is not resized.
  dlc_tensor view(const char *name = nullptr) const {
    dlc_tensor v;
    v.name = name;
    v.dtype = dtype_;
    v.rank = rank();
    v.shape = shape_.data();
    v.data = const_cast<uint8_t *>(data_.get());
    v.nbytes = nbytes_;
    return v;
  }

private:
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  dlc_dtype dtype_ = DLC_DTYPE_INVALID;
  std::vector<int64_t> shape_;
  uint64_t nbytes_ = 0;
  std::unique_ptr<uint8_t, Free> data_;
};

} // namespace dlc

#endif // DLC_TENSOR_HPP
