// dlc.Session: a loaded artifact (dlc::Model) with its entry points taking and returning
// NumPy arrays, its parameters as live views, checkpoints and shared parameters.
#ifndef DLC_PYTHON_SESSION_HPP
#define DLC_PYTHON_SESSION_HPP

#include <nanobind/nanobind.h>

namespace dlc_python {

void bind_session(nanobind::module_ &m);

} // namespace dlc_python

#endif
