// What the fuzz targets share: a scratch directory for the readers that take a path (IDX
// and CSV data sets, ELF files, ONNX models with their external data beside them).
#ifndef DLC_TESTS_FUZZ_FUZZ_SUPPORT_HPP
#define DLC_TESTS_FUZZ_FUZZ_SUPPORT_HPP

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace dlc_fuzz {

// A directory of this process's own, in memory where /dev/shm exists (a target writes a
// file per input), removed at exit.
inline const std::string &scratch_dir() {
  static const std::string dir = [] {
    std::string t = std::string(::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") +
                    "/dlc-fuzz-XXXXXX";
    if (!::mkdtemp(t.data())) {
      std::perror("dlc fuzz: mkdtemp");
      std::abort();
    }
    static std::string removed = t;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(removed, ec);
    });
    return t;
  }();
  return dir;
}

// Writes bytes to NAME in the scratch directory and returns its path.
inline std::string write_scratch(const std::string &name, const uint8_t *data, size_t size) {
  std::string path = scratch_dir() + "/" + name;
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror(("dlc fuzz: writing " + path).c_str());
    std::abort();
  }
  return path;
}

} // namespace dlc_fuzz

#endif
