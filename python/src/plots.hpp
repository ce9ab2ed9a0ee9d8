// dlc.plot_lines, over dlc-run's SVG charts.
#ifndef DLC_PYTHON_PLOTS_HPP
#define DLC_PYTHON_PLOTS_HPP

#include <nanobind/nanobind.h>

namespace dlc_python {

void bind_plots(nanobind::module_ &m);

} // namespace dlc_python

#endif
