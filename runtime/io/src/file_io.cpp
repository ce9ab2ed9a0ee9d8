#include "dlc/file_io.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

#include "dlc/tensor.hpp"

namespace dlc {

namespace {

std::string errno_text() { return std::strerror(errno); }

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

} // namespace

std::string read_file(const std::string &path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0)
    throw Error("cannot open '" + path + "': " + errno_text());
  struct stat st;
  if (::fstat(f.fd, &st) != 0)
    throw Error("cannot stat '" + path + "': " + errno_text());
  if (S_ISDIR(st.st_mode))
    throw Error("'" + path + "' is a directory, not a file");
  std::string out;
  if (S_ISREG(st.st_mode))
    out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      throw Error("cannot read '" + path + "': " + errno_text());
    }
    if (n == 0)
      break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void write_file_atomic(const std::string &path, const std::string &bytes) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  // open(O_EXCL, 0666) rather than mkstemp: the final file gets the permissions a plain
  // create would (umask applied), without touching the process-wide umask.
  std::random_device rd;
  std::string tmp_path;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    tmp_path = dir + "." + base + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd());
    fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt > 100))
      throw Error("cannot create a temporary file next to '" + path + "': " + errno_text());
  }
  auto fail = [&](const std::string &what) {
    std::string msg = what + " '" + path + "': " + errno_text();
    if (fd >= 0)
      ::close(fd);
    ::unlink(tmp_path.c_str());
    throw Error(msg);
  };
  const char *p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      fail("cannot write");
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0)
    fail("cannot flush");
  int rc = ::close(fd);
  fd = -1;
  if (rc != 0)
    fail("cannot close");
  if (::rename(tmp_path.c_str(), path.c_str()) != 0)
    fail("cannot rename a temporary file to");
}

} // namespace dlc
