// Untrusted bytes (a file's header, a zip member name) made safe to put in a message.
#ifndef DLC_RUNTIME_PRINTABLE_HPP
#define DLC_RUNTIME_PRINTABLE_HPP

#include <cstdio>
#include <string>

namespace dlc {

// Non-printable bytes become \xNN; past `max` bytes the text is cut with "...".
inline std::string printable(const std::string &s, size_t max = 200) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > max)
    out += "...";
  return out;
}

} // namespace dlc

#endif
