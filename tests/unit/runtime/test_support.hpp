// Helpers shared by the runtime unit tests: fixture paths, scratch directories, loading
// that captures the error.
#ifndef DLC_TEST_RUNTIME_SUPPORT_HPP
#define DLC_TEST_RUNTIME_SUPPORT_HPP

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "dlc/runtime.h"

namespace dlc_test {

// DLC_FIXTURE_DIR and DLC_NUMPY_DATA_DIR come from tests/unit/runtime/CMakeLists.txt.
inline std::string fixture(const std::string &name) {
  return std::string(DLC_FIXTURE_DIR) + "/" + name + ".so";
}

inline std::string numpy_data(const std::string &file) {
  return std::string(DLC_NUMPY_DATA_DIR) + "/" + file;
}

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dlc-rt-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
      throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string &name) const { return (path_ / name).string(); }
  const std::filesystem::path &path() const { return path_; }

private:
  std::filesystem::path path_;
};

inline std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void spit(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct LoadResult {
  dlc_status status;
  std::string message;
};

// Loads and frees; the status and message are what a caller would see.
inline LoadResult try_load(const std::string &path) {
  char err[1024];
  dlc_model *m = reinterpret_cast<dlc_model *>(1); // must be reset to NULL on failure
  dlc_status st = dlc_model_load(path.c_str(), &m, err, sizeof err);
  LoadResult r{st, err};
  if (st != DLC_OK && m != nullptr)
    r.message = "BUG: *out not reset on failure; " + r.message;
  dlc_model_free(st == DLC_OK ? m : nullptr);
  return r;
}

} // namespace dlc_test

#endif
