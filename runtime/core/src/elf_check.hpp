// Checks that a file is a complete ELF shared object for this machine before dlopen sees
// it: glibc maps segments that lie past the end of a truncated file and the process
// then dies with SIGBUS instead of getting an error.
#ifndef DLC_RUNTIME_ELF_CHECK_HPP
#define DLC_RUNTIME_ELF_CHECK_HPP

#include <string>

namespace dlc {

// Throws StatusError (DLC_ERROR_IO or DLC_ERROR_INVALID_ARTIFACT).
void check_elf_shared_object(const std::string &path);

} // namespace dlc

#endif
