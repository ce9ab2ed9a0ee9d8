#include "dlc/file_io.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
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

namespace {

struct PathParts {
  std::string dir;  // "" or ends in '/'
  std::string base; // the file name
};

PathParts split_path(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return {std::string(), path};
  return {path.substr(0, slash + 1), path.substr(slash + 1)};
}

// The pid in `.<base>.tmp.<pid>.<digits>`, or -1 when `name` is not such a name.
long temporary_owner(const std::string &name, const std::string &base) {
  const std::string prefix = "." + base + ".tmp.";
  if (name.compare(0, prefix.size(), prefix) != 0)
    return -1;
  const char *p = name.c_str() + prefix.size();
  char *end = nullptr;
  errno = 0;
  long pid = std::strtol(p, &end, 10);
  if (end == p || errno != 0 || pid <= 0 || *end != '.' || end[1] == '\0')
    return -1;
  for (const char *q = end + 1; *q; ++q)
    if (*q < '0' || *q > '9')
      return -1;
  return pid;
}

} // namespace

std::string temporary_path_for(const std::string &path) {
  PathParts parts = split_path(path);
  std::random_device rd;
  return parts.dir + "." + parts.base + ".tmp." + std::to_string(::getpid()) + "." +
         std::to_string(rd());
}

int remove_stale_temporaries(const std::string &path, int min_age_s) {
  PathParts parts = split_path(path);
  if (parts.base.empty())
    return 0;
  DIR *d = ::opendir(parts.dir.empty() ? "." : parts.dir.c_str());
  if (!d)
    return 0;
  const long self = ::getpid();
  const time_t now = ::time(nullptr);
  int removed = 0;
  while (const dirent *e = ::readdir(d)) {
    std::string name = e->d_name;
    long pid = temporary_owner(name, parts.base);
    if (pid < 0 || pid == self)
      continue;
    // kill(pid, 0) fails with ESRCH only when no such process exists; EPERM means it runs.
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)
      continue;
    std::string full = parts.dir + name;
    struct stat st;
    if (::lstat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || now - st.st_mtime < min_age_s)
      continue;
    if (::unlink(full.c_str()) == 0)
      ++removed;
  }
  ::closedir(d);
  return removed;
}

int create_temporary_for(const std::string &path, std::string &tmp_path) {
  // open(O_EXCL, 0666) rather than mkstemp: the final file gets the permissions a plain
  // create would (umask applied), without touching the process-wide umask.
  for (int attempt = 0;; ++attempt) {
    tmp_path = temporary_path_for(path);
    int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0)
      return fd;
    if (errno != EEXIST || attempt > 100)
      throw Error("cannot create a temporary file next to '" + path + "': " + errno_text());
  }
}

void write_file_atomic(const std::string &path, const std::string &bytes) {
  remove_stale_temporaries(path);
  std::string tmp_path;
  int fd = create_temporary_for(path, tmp_path);
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
