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

// A fresh name for a temporary file beside `path`: `.<name>.tmp.<pid>.<random>`. The pid lets
// a later writer tell a file whose writer died from one still being written.
DLC_API std::string temporary_path_for(const std::string &path);

// Creates a new temporary file beside `path` for writing (O_EXCL, mode 0666 less the
// umask, as a plain create) and returns its descriptor; `tmp_path` gets its name. Throws
// dlc::Error naming `path`.
DLC_API int create_temporary_for(const std::string &path, std::string &tmp_path);

// Removes the temporary files beside `path` that a killed writer left: those whose pid no
// longer runs and that nobody has written for `min_age_s` seconds (the age guards against
// a writer in another pid namespace sharing the directory). Returns how many it removed;
// never throws. Every atomic writer calls it before writing.
DLC_API int remove_stale_temporaries(const std::string &path, int min_age_s = 10);

} // namespace dlc

#endif
