// Helpers shared by the dlc-run subcommands.
#include "commands.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dlc_run {

std::string describe(const dlc_tensor_desc &d) {
  return dlc::shape_string(d.shape, d.rank) + " " + dlc_dtype_name(d.dtype);
}

DataParallel join_data_parallel() {
  DataParallel dp;
  if (!dlc::launched_by_mpirun())
    return dp;
  dp.comm = dlc::open_mpi_communicator();
  if (!dp.lead() && !std::freopen("/dev/null", "w", stdout))
    throw CliError("cannot silence the output of rank " + std::to_string(dp.comm->rank()));
  dp.averager = std::make_unique<dlc::GradientAverager>(*dp.comm);
  return dp;
}

void apply_threads(const Options &opts) {
  if (opts.has("threads"))
    dlc_set_num_threads(static_cast<int32_t>(opts.get_int("threads", 0, 1, 4096)));
}

namespace {

// Loads and unloads the artifact once in a child process. The loader's checks catch
// truncation, malformed tables and wild manifest pointers, but bytes corrupted inside an
// artifact's relocation or symbol tables can crash glibc's dlopen/dlclose itself; the
// child takes that crash instead of dlc-run. Only a crash is reported here; every
// orderly failure is left for the real load to describe.
void probe_in_child(const std::string &path) {
  pid_t pid = ::fork();
  if (pid < 0)
    return; // no probe; the real load still runs
  if (pid == 0) {
    // The crash must end the child by its signal for the parent to see it, not be
    // turned into an exit status by a crash handler (AddressSanitizer's, in a sanitized
    // build).
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
      std::signal(sig, SIG_DFL);
    int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      ::dup2(devnull, STDOUT_FILENO);
      ::dup2(devnull, STDERR_FILENO);
    }
    dlc_model *m = nullptr;
    dlc_status st = dlc_model_load(path.c_str(), &m, nullptr, 0);
    dlc_model_free(m); // runs the artifact's destructors, which corruption can break too
    ::_exit(st == DLC_OK ? 0 : 1);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return;
  if (WIFSIGNALED(status))
    throw CliError("artifact '" + path + "' is corrupt: loading it crashed (" +
                   strsignal(WTERMSIG(status)) + ")");
  // glibc's loader ends with 127 when one of its own consistency checks fails.
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    throw CliError("artifact '" + path + "' is corrupt: the dynamic loader refused its "
                   "relocation or symbol tables");
}

} // namespace

dlc::Model load_model(const std::string &path) {
  probe_in_child(path);
  try {
    return dlc::Model(path);
  } catch (const dlc::Error &e) {
    throw CliError(e.what());
  }
}

OutputBuffers allocate_outputs(const dlc_entry_desc &e) {
  OutputBuffers o;
  o.buffers.reserve(e.num_outputs);
  for (int i = 0; i < e.num_outputs; ++i) {
    const dlc_tensor_desc &d = e.outputs[i];
    o.buffers.emplace_back(static_cast<dlc_dtype>(d.dtype), std::vector<int64_t>(d.shape, d.shape + d.rank));
  }
  for (int i = 0; i < e.num_outputs; ++i)
    o.views.push_back(o.buffers[i].view(e.outputs[i].name));
  return o;
}

const dlc_entry_desc &require_entry(const dlc::Model &model, const std::string &path,
                                    const std::string &name) {
  if (const dlc_entry_desc *e = model.find_entry(name))
    return *e;
  std::string names;
  for (int i = 0; i < model.num_entries(); ++i)
    names += (i ? ", " : "") + std::string(model.entry(i).name);
  throw CliError("artifact '" + path + "' has no entry point '" + name + "' (it has: " + names +
                 ")");
}

} // namespace dlc_run
