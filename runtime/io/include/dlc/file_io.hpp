// Whole-file reads and crash-safe whole-file writes, throwing dlc::Error.
#ifndef DLC_FILE_IO_HPP
#define DLC_FILE_IO_HPP

#include <string>

#include "dlc/runtime.h"

namespace dlc {

DLC_API std::string read_file(const std::string &path);

// Writes to a temporary file in the same directory, then renames it over `path`, so an
// interrupted write never leaves a partial file under the final name.
DLC_API void write_file_atomic(const std::string &path, const std::string &bytes);

} // namespace dlc

#endif
