// Runs libonnx's model-level work (checker, version converter, shape inference) in a
// forked child process. libonnx 1.12 does not validate every attribute before using it
// (LayerNormalization's inference indexes with an unchecked axis, the IR converter
// follows undefined outputs), so a malformed model can crash it; in a child, the crash
// becomes an error naming the model instead of taking the compiler down.
#include "frontends/onnx/ImporterContext.h"

#include <csignal>
#include <cstring>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dlc::onnx_frontend::detail {

static bool writeAll(int fd, const char *data, size_t size) {
  while (size) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data += n;
    size -= n;
  }
  return true;
}

Expected<std::string> runInChildProcess(const std::function<Expected<std::string>()> &work, const std::string &what) {
  if (std::getenv("DLC_ONNX_IN_PROCESS")) // for debuggers: no fork
    return work();
  int fds[2];
  if (::pipe(fds) != 0)
    return work();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return work();
  }
  if (pid == 0) {
    ::close(fds[0]);
    // A crash here is reported by the parent: no core file, no crash handler output.
    struct rlimit noCore = {0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
      std::signal(sig, SIG_DFL);
    std::string out;
    try {
      auto result = work();
      if (result)
        out = "R" + *result;
      else
        out = "E" + llvm::toString(result.takeError());
    } catch (const std::exception &e) {
      out = std::string("E") + what + " failed: " + e.what();
    } catch (...) {
      out = "E" + what + " failed with an unknown exception";
    }
    bool ok = writeAll(fds[1], out.data(), out.size());
    ::close(fds[1]);
    ::_exit(ok ? 0 : 3);
  }
  ::close(fds[1]);
  std::string in;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    in.append(buf, n);
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status))
    return makeError(what + " crashed inside libonnx (signal " + std::to_string(WTERMSIG(status)) + ", " +
                     ::strsignal(WTERMSIG(status)) + "): the model is malformed");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || in.empty())
    return makeError(what + " failed: its worker process exited abnormally");
  if (in[0] == 'E')
    return makeError(in.substr(1));
  return in.substr(1);
}

} // namespace dlc::onnx_frontend::detail
