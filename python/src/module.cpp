// dlc._dlc: the runtime (libdlcrt, libdlcrt_train) for the Python package (python/dlc).
#include <nanobind/nanobind.h>

#include "dlc/runtime.h"
#include "plots.hpp"
#include "session.hpp"

namespace nb = nanobind;
using namespace nb::literals;

NB_MODULE(_dlc, m) {
  m.doc() = "dlc's runtime; use the `dlc` package, not this module.";
  m.def("set_num_threads", &dlc_set_num_threads, "n"_a,
        "Threads of the process-wide pool the kernels share (n <= 0: one per core).");
  m.def("get_num_threads", &dlc_get_num_threads);
  m.def("abi_version", &dlc_runtime_abi_version, "The artifact ABI version this runtime loads.");
  dlc_python::bind_session(m);
  dlc_python::bind_plots(m);
}
