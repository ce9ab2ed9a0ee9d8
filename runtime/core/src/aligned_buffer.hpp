// Owned, zero-filled, DLC_ALIGNMENT-aligned raw memory for parameters, arenas and
// staging copies.
#ifndef DLC_RUNTIME_ALIGNED_BUFFER_HPP
#define DLC_RUNTIME_ALIGNED_BUFFER_HPP

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "dlc/runtime.h"
#include "status_error.hpp"

namespace dlc {

class AlignedBuffer {
public:
  AlignedBuffer() = default;
  // Never returns a NULL buffer, even for 0 bytes, so entry points always get a pointer.
  explicit AlignedBuffer(uint64_t bytes, const std::string &what) : size_(bytes) {
    uint64_t alloc = (bytes + DLC_ALIGNMENT - 1) / DLC_ALIGNMENT * DLC_ALIGNMENT;
    if (alloc < bytes || alloc > SIZE_MAX)
      throw StatusError(DLC_ERROR_OUT_OF_MEMORY,
                        "cannot allocate " + std::to_string(bytes) + " bytes for " + what);
    if (alloc == 0)
      alloc = DLC_ALIGNMENT;
    void *p = std::aligned_alloc(DLC_ALIGNMENT, static_cast<size_t>(alloc));
    if (!p)
      throw StatusError(DLC_ERROR_OUT_OF_MEMORY,
                        "out of memory allocating " + std::to_string(bytes) + " bytes for " + what);
    std::memset(p, 0, static_cast<size_t>(alloc));
    data_.reset(static_cast<uint8_t *>(p));
  }
  uint8_t *data() const { return data_.get(); }
  uint64_t size() const { return size_; }
  explicit operator bool() const { return data_ != nullptr; }

private:
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data_;
  uint64_t size_ = 0;
};

} // namespace dlc

#endif
