// dlc.plot_lines: the SVG line charts of dlc-run (tools/dlc-run/plot.hpp) for Python
// training loops, so that a loss curve drawn from Python looks like one drawn by dlc-run.
#include "plots.hpp"

#include <nanobind/stl/string.h>

#include <cmath>
#include <string>

#include "plot.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace dlc_python {
namespace {

std::vector<double> numbers(nb::handle values, const std::string &what) {
  std::vector<double> out;
  for (nb::handle v : nb::iter(values)) {
    try {
      out.push_back(nb::cast<double>(v));
    } catch (const nb::cast_error &) {
      throw nb::type_error((what + " holds a value that is not a number").c_str());
    }
  }
  return out;
}

void plot_lines(const std::string &path, const nb::dict &series, const std::string &title, const std::string &xlabel,
                const std::string &ylabel, bool log_y, const std::string &subtitle) {
  dlc::plot::Chart chart;
  chart.title = title;
  chart.subtitle = subtitle;
  chart.x.label = xlabel;
  chart.y.label = ylabel;
  chart.y.log = log_y;
  for (auto [name, xy] : series) {
    std::string label = nb::cast<std::string>(nb::str(name));
    nb::tuple pair;
    if (!nb::try_cast(xy, pair) || pair.size() != 2)
      throw nb::type_error(("series '" + label + "' must be a pair (x values, y values)").c_str());
    dlc::plot::Series s;
    s.label = label;
    s.x = numbers(pair[0], "the x values of '" + label + "'");
    s.y = numbers(pair[1], "the y values of '" + label + "'");
    chart.series.push_back(std::move(s));
  }
  dlc::plot::Figure figure;
  figure.panels.push_back(std::move(chart));
  try {
    dlc::plot::write_svg(path, dlc::plot::render_svg(figure));
  } catch (const dlc::Error &e) {
    throw nb::value_error(e.what());
  }
}

} // namespace

void bind_plots(nb::module_ &m) {
  m.def("plot_lines", &plot_lines, "path"_a, "series"_a, "title"_a = "", "xlabel"_a = "step",
        "ylabel"_a = "loss", "log_y"_a = false, "subtitle"_a = "",
        "Writes an SVG line chart (dlc-run's charts): `series` is {label: (xs, ys)}.\n\n"
        ">>> dlc.plot_lines('out/loss.svg', {'D': (steps, d_loss), 'G': (steps, g_loss)},\n"
        "...                title='DCGAN losses')");
}

} // namespace dlc_python
