// The ELF check the runtime runs on an artifact before dlopen sees it
// (runtime/core/src/elf_check.cpp): it must refuse truncated and corrupt headers with an
// error, never read past the file.
#include "elf_check.hpp"
#include "fuzz_support.hpp"
#include "status_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = dlc_fuzz::write_scratch("artifact.so", data, size);
  try {
    dlc::check_elf_shared_object(path);
  } catch (const dlc::StatusError &) {
  }
  return 0;
}
