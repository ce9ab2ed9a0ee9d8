#include "elf_check.hpp"

#include <cerrno>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "status_error.hpp"

namespace dlc {

namespace {

#if defined(__x86_64__)
constexpr int kHostMachine = EM_X86_64;
constexpr const char *kHostMachineName = "x86-64";
#elif defined(__aarch64__)
constexpr int kHostMachine = EM_AARCH64;
constexpr const char *kHostMachineName = "aarch64";
#else
#error "dlc runtime: unsupported host architecture"
#endif

[[noreturn]] void invalid(const std::string &path, const std::string &what) {
  throw StatusError(DLC_ERROR_INVALID_ARTIFACT, "artifact '" + path + "' " + what);
}

[[noreturn]] void truncated(const std::string &path, uint64_t size, uint64_t needed,
                            const std::string &part) {
  invalid(path, "is truncated: it has " + std::to_string(size) + " bytes but its " + part +
                    " extends to byte " + std::to_string(needed));
}

bool read_at(int fd, void *buf, size_t n, uint64_t off) {
  size_t done = 0;
  while (done < n) {
    ssize_t r =
        ::pread(fd, static_cast<char *>(buf) + done, n - done, static_cast<off_t>(off + done));
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

// end = off + count * size, false on overflow.
bool extent(uint64_t off, uint64_t count, uint64_t size, uint64_t *end) {
  uint64_t bytes;
  return !__builtin_mul_overflow(count, size, &bytes) && !__builtin_add_overflow(off, bytes, end);
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

} // namespace

void check_elf_shared_object(const std::string &path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0)
    throw StatusError(DLC_ERROR_IO, "cannot open artifact '" + path + "': " + std::strerror(errno));
  struct stat st;
  if (::fstat(f.fd, &st) != 0)
    throw StatusError(DLC_ERROR_IO, "cannot stat artifact '" + path + "': " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw StatusError(DLC_ERROR_IO, "artifact '" + path + "' is not a regular file");
  uint64_t size = static_cast<uint64_t>(st.st_size);

  unsigned char ident[EI_NIDENT] = {};
  if (size < SELFMAG || !read_at(f.fd, ident, SELFMAG, 0) ||
      std::memcmp(ident, ELFMAG, SELFMAG) != 0)
    invalid(path, "is not an ELF shared object (a dlc artifact is the .so that "
                  "'dlc compile' writes)");
  Elf64_Ehdr eh;
  if (size < sizeof eh)
    truncated(path, size, sizeof eh, "ELF header");
  if (!read_at(f.fd, &eh, sizeof eh, 0))
    throw StatusError(DLC_ERROR_IO, "cannot read artifact '" + path + "'");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64)
    invalid(path, "is a 32-bit ELF file; this runtime loads 64-bit " +
                      std::string(kHostMachineName) + " artifacts");
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
    invalid(path, "is a big-endian ELF file; this runtime loads little-endian " +
                      std::string(kHostMachineName) + " artifacts");
  if (eh.e_type != ET_DYN)
    invalid(path, std::string("is an ELF ") +
                      (eh.e_type == ET_EXEC  ? "executable"
                       : eh.e_type == ET_REL ? "relocatable object"
                                             : "file of type " + std::to_string(eh.e_type)) +
                      ", not a shared object");
  if (eh.e_machine != kHostMachine)
    invalid(path, "is built for ELF machine " + std::to_string(eh.e_machine) +
                      ", but this runtime runs on " + kHostMachineName);

  uint64_t end;
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
    invalid(path, "has a malformed program header table");
  if (!extent(eh.e_phoff, eh.e_phnum, sizeof(Elf64_Phdr), &end))
    invalid(path, "has a malformed program header table");
  if (end > size)
    truncated(path, size, end, "program header table");
  uint64_t load_end = 0; // PT_LOAD segments ascend by address and do not overlap
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    if (!read_at(f.fd, &ph, sizeof ph, eh.e_phoff + uint64_t(i) * sizeof ph))
      throw StatusError(DLC_ERROR_IO, "cannot read artifact '" + path + "'");
    if (ph.p_type != PT_LOAD && ph.p_type != PT_DYNAMIC)
      continue;
    std::string seg = "segment " + std::to_string(i);
    if (!extent(ph.p_offset, 1, ph.p_filesz, &end))
      invalid(path, "has a malformed " + seg);
    if (end > size)
      truncated(path, size, end, seg);
    if (ph.p_type != PT_LOAD)
      continue;
    // What glibc assumes without checking: a corrupt header here makes dlopen map
    // segments over each other and crash rather than fail.
    uint64_t vend;
    if (ph.p_memsz < ph.p_filesz || !extent(ph.p_vaddr, 1, ph.p_memsz, &vend))
      invalid(path, "has a corrupt " + seg + " (memory size below file size)");
    if (ph.p_align > 1 &&
        ((ph.p_align & (ph.p_align - 1)) != 0 || (ph.p_vaddr - ph.p_offset) % ph.p_align != 0))
      invalid(path, "has a corrupt " + seg + " (misaligned)");
    if (ph.p_vaddr < load_end)
      invalid(path, "has a corrupt " + seg + " (overlaps the previous loadable segment)");
    load_end = vend;
  }
  if (eh.e_shoff != 0) {
    if (!extent(eh.e_shoff, eh.e_shnum, eh.e_shentsize, &end))
      invalid(path, "has a malformed section header table");
    if (end > size)
      truncated(path, size, end, "section header table");
  }
}

} // namespace dlc
