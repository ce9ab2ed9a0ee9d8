#include "tests/e2e/backend/ChildPool.h"
#include "tests/e2e/backend/CaseRunner.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dlc::backend_test {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxJobs = 64;

// Process groups of the running children, for the interrupt handler.
volatile sig_atomic_t gGroups[kMaxJobs];

void killChildrenAndExit(int sig) {
  for (int i = 0; i < kMaxJobs; ++i)
    if (gGroups[i] > 0)
      kill(-(pid_t)gGroups[i], SIGKILL);
  _exit(128 + sig);
}

void writeAll(int fd, const std::string &s) {
  for (size_t off = 0; off < s.size();) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    off += n;
  }
}

struct Child {
  size_t index = 0;
  int slot = 0;
  pid_t pid = -1;
  int resultFd = -1, outputFd = -1;
  std::string results, output, workDir;
  Clock::time_point start;
  bool timedOut = false;
};

[[noreturn]] void childMain(const BackendCase &c, const std::string &workDir, int resultFd, int outputFd) {
  setpgid(0, 0); // so that a timeout also kills the linker the compiler runs
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  dup2(outputFd, STDOUT_FILENO);
  dup2(outputFd, STDERR_FILENO);
  close(outputFd);
  // The compiler's and the linker's temporary files go to the case's own directory,
  // which the parent removes however the child ends.
  setenv("TMPDIR", workDir.c_str(), 1);
  CaseResult r = runCase(c, workDir, [&](const std::string &phase) { writeAll(resultFd, "phase " + phase + "\n"); });
  writeAll(resultFd, std::string("result ") + statusName(r.status) + "\t" + r.unsupported + "\t" + r.reason + "\n");
  // No exit handlers or static destructors: they belong to the parent's state.
  _exit(0);
}

void drain(int &fd, std::string &into) {
  char buf[4096];
  while (fd >= 0) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      if (into.size() < (1u << 20))
        into.append(buf, n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      return;
    close(fd); // EOF or error
    fd = -1;
  }
}

/// The line of a crashed child's output that says most about why.
std::string crashLine(const std::string &output) {
  std::string last;
  size_t pos = 0;
  while (pos < output.size()) {
    size_t end = output.find('\n', pos);
    if (end == std::string::npos)
      end = output.size();
    std::string line = output.substr(pos, end - pos);
    pos = end + 1;
    if (line.find("Assertion") != std::string::npos || line.find("LLVM ERROR") != std::string::npos ||
        line.find("terminate called") != std::string::npos)
      return line;
    if (!line.empty() && line.find_first_not_of(" \t") != std::string::npos && last.empty())
      last = line;
  }
  return last.size() > 300 ? last.substr(0, 300) + "..." : last;
}

CaseResult finish(Child &ch, int status, double timeout) {
  std::string phase = "start", resultLine;
  size_t pos = 0;
  while (pos < ch.results.size()) {
    size_t end = ch.results.find('\n', pos);
    if (end == std::string::npos)
      break;
    std::string line = ch.results.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("phase ", 0) == 0)
      phase = line.substr(6);
    else if (line.rfind("result ", 0) == 0)
      resultLine = line.substr(7);
  }
  CaseResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - ch.start).count();
  if (!resultLine.empty() && !ch.timedOut) {
    auto t1 = resultLine.find('\t'), t2 = resultLine.find('\t', t1 + 1);
    std::string s = resultLine.substr(0, t1);
    r.status = s == "PASS" ? Status::Pass : s == "UNSUPPORTED" ? Status::Unsupported : Status::Fail;
    r.unsupported = resultLine.substr(t1 + 1, t2 - t1 - 1);
    r.reason = resultLine.substr(t2 + 1);
    return r;
  }
  r.status = Status::Fail;
  std::string line = crashLine(ch.output);
  char buf[128];
  if (ch.timedOut) {
    std::snprintf(buf, sizeof buf, "timeout after %g s in %s", timeout, phase.c_str());
    r.reason = buf;
    return r;
  }
  if (WIFSIGNALED(status))
    r.reason = "crash in " + phase + ": signal " + std::to_string(WTERMSIG(status)) + " (" +
               strsignal(WTERMSIG(status)) + ")";
  else
    r.reason = "exit status " + std::to_string(WEXITSTATUS(status)) + " in " + phase + " without a result";
  if (!line.empty())
    r.reason += ": " + line;
  return r;
}

} // namespace

void runCasesInChildren(const std::vector<BackendCase> &cases, const PoolOptions &options,
                        const std::function<void(size_t, const CaseResult &, const std::string &)> &done) {
  int jobs = std::max(1, std::min(options.jobs, kMaxJobs));
  std::vector<Child> running;
  std::vector<bool> slotBusy(jobs, false);
  signal(SIGINT, killChildrenAndExit);
  signal(SIGTERM, killChildrenAndExit);
  const char *tmp = std::getenv("TMPDIR");
  std::string tmpRoot = tmp && *tmp ? tmp : "/tmp";

  size_t next = 0;
  while (next < cases.size() || !running.empty()) {
    while ((int)running.size() < jobs && next < cases.size()) {
      Child ch;
      ch.index = next++;
      std::string tmpl = tmpRoot + "/dlc-backend-XXXXXX";
      if (!mkdtemp(tmpl.data())) {
        done(ch.index, CaseResult{Status::Fail, "cannot create a temporary directory: " + std::string(strerror(errno)), "", 0}, "");
        continue;
      }
      ch.workDir = tmpl;
      int results[2], output[2];
      if (pipe2(results, O_CLOEXEC) != 0 || pipe2(output, O_CLOEXEC) != 0) {
        std::perror("dlc-backend-test: pipe");
        std::exit(2);
      }
      ch.slot = (int)(std::find(slotBusy.begin(), slotBusy.end(), false) - slotBusy.begin());
      std::fflush(nullptr); // or the child would hold a copy of unwritten output
      ch.start = Clock::now();
      ch.pid = fork();
      if (ch.pid < 0) {
        std::perror("dlc-backend-test: fork");
        std::exit(2);
      }
      if (ch.pid == 0) {
        close(results[0]);
        close(output[0]);
        childMain(cases[ch.index], ch.workDir, results[1], output[1]);
      }
      setpgid(ch.pid, ch.pid); // also here: the child may not have run yet
      gGroups[ch.slot] = ch.pid;
      slotBusy[ch.slot] = true;
      close(results[1]);
      close(output[1]);
      ch.resultFd = results[0];
      ch.outputFd = output[0];
      fcntl(ch.resultFd, F_SETFL, O_NONBLOCK);
      fcntl(ch.outputFd, F_SETFL, O_NONBLOCK);
      running.push_back(std::move(ch));
    }

    std::vector<pollfd> fds;
    for (auto &ch : running)
      for (int fd : {ch.resultFd, ch.outputFd})
        if (fd >= 0)
          fds.push_back({fd, POLLIN, 0});
    poll(fds.data(), fds.size(), 50);

    for (size_t k = 0; k < running.size();) {
      Child &ch = running[k];
      drain(ch.resultFd, ch.results);
      drain(ch.outputFd, ch.output);
      double elapsed = std::chrono::duration<double>(Clock::now() - ch.start).count();
      if (!ch.timedOut && elapsed > options.timeoutSeconds) {
        kill(-ch.pid, SIGKILL);
        ch.timedOut = true;
      }
      int status = 0;
      if (waitpid(ch.pid, &status, WNOHANG) != ch.pid) {
        ++k;
        continue;
      }
      kill(-ch.pid, SIGKILL); // whatever the child left running
      gGroups[ch.slot] = 0;
      slotBusy[ch.slot] = false;
      drain(ch.resultFd, ch.results);
      drain(ch.outputFd, ch.output);
      for (int *fd : {&ch.resultFd, &ch.outputFd})
        if (*fd >= 0) {
          close(*fd);
          *fd = -1;
        }
      CaseResult r = finish(ch, status, options.timeoutSeconds);
      std::error_code ec;
      std::filesystem::remove_all(ch.workDir, ec);
      size_t index = ch.index;
      std::string output = std::move(ch.output);
      running.erase(running.begin() + k);
      done(index, r, output);
    }
  }
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

} // namespace dlc::backend_test
