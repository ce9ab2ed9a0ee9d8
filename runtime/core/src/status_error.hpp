// Internal error carrying the C API status it maps to; the C entry points catch it and
// turn it into (status, message).
#ifndef DLC_RUNTIME_STATUS_ERROR_HPP
#define DLC_RUNTIME_STATUS_ERROR_HPP

#include <cstring>
#include <stdexcept>
#include <string>

#include "dlc/runtime.h"

namespace dlc {

class StatusError : public std::runtime_error {
public:
  StatusError(dlc_status status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  dlc_status status() const { return status_; }

private:
  dlc_status status_;
};

// Copies msg into the caller's buffer, truncating and always NUL-terminating.
inline void write_message(char *err, size_t err_size, const std::string &msg) {
  if (!err || err_size == 0)
    return;
  size_t n = msg.size() < err_size - 1 ? msg.size() : err_size - 1;
  std::memcpy(err, msg.data(), n);
  err[n] = '\0';
}

} // namespace dlc

#endif
