// The address ranges a dlopen'd artifact occupies, so that every pointer its manifest
// holds can be checked before the runtime follows it: a corrupt or foreign manifest then
// gets an error instead of crashing the process.
#ifndef DLC_RUNTIME_LOADED_IMAGE_HPP
#define DLC_RUNTIME_LOADED_IMAGE_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace dlc {

class LoadedImage {
public:
  // The loaded segments of the object behind a dlopen handle; throws StatusError.
  static LoadedImage of(void *dl_handle, const std::string &path);
  // One readable range of plain memory, executable or not: lets tests and the fuzz target
  // check manifests built in a buffer without loading an artifact.
  static LoadedImage of_memory(const void *begin, uint64_t size, bool exec);

  // [p, p + n) lies inside one readable segment.
  bool readable(const void *p, uint64_t n) const;
  // A NUL-terminated string inside one readable segment.
  bool string(const char *s) const;
  // p lies inside an executable segment.
  bool code(const void *p) const;

private:
  struct Range {
    uintptr_t begin, end;
    bool read, exec;
  };
  const Range *find(const void *p) const;
  std::vector<Range> ranges_;
};

} // namespace dlc

#endif
