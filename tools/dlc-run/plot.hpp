// Dependency-free SVG charts for training curves and evaluation metrics: line and step
// charts with "nice" axis ticks (linear or log10), panels stacked in one figure, and a
// heat map for confusion matrices. The SVG is plain SVG 1.1 that browsers, Inkscape and
// GitHub render; every element the reader sees carries a class (plot-area, xtick, ytick,
// series, legend, cell) so that tests and scripts can find it; a tick label sits at its
// value's pixel position (x of an xtick, y of a ytick), so the labels give the axis map.
#ifndef DLC_PLOT_HPP
#define DLC_PLOT_HPP

#include <cmath>
#include <string>
#include <vector>

#include "dlc/tensor.hpp"

namespace dlc {
namespace plot {

// Axis ticks: values ascending, each a multiple of `step` (linear) or 1, 2 or 5 times a
// power of ten (log); `lo` and `hi` are the first and last value, so that they cover the
// range asked for.
struct Ticks {
  std::vector<double> values;
  double step = 0; // the spacing of linear ticks; 0 for log ticks
  bool log = false;
};

// About `target` ticks at 1, 2 or 5 times a power of ten covering [lo, hi]. A zero-width
// range is widened around its value. Throws dlc::Error for a non-finite bound or lo > hi.
DLC_API Ticks nice_ticks(double lo, double hi, int target = 6);
// Ticks for a log10 axis covering [lo, hi], lo > 0: from the largest 1, 2 or 5 x 10^k
// <= lo to the smallest >= hi, with the powers of ten between (and their 2x and 5x when
// the range spans two decades or less).
DLC_API Ticks log_ticks(double lo, double hi);
// The text of one tick: as many decimals as the step needs ("0.25", "1e-06", "3000").
DLC_API std::string tick_label(double value, const Ticks &ticks);

enum class Draw {
  Line,        // a polyline through the points
  Steps,       // matplotlib's "steps-pre": y_i holds on (x_{i-1}, x_i], as a PR curve
  Markers,     // a dot per point
  LineMarkers, // both
};

struct Series {
  std::string label; // legend text; empty: left out of the legend
  std::vector<double> x, y;
  Draw draw = Draw::Line;
  std::string color; // a CSS colour; empty: the next colour of the palette
  double stroke_width = 1.5;
  double opacity = 1;
};

struct Axis {
  std::string label;
  bool log = false;
  // A fixed range; NaN: the data's range widened to nice ticks.
  double min = NAN, max = NAN;
};

enum class LegendPlace { TopRight, TopLeft, BottomRight, BottomLeft, None };

// One panel. Points with a non-finite coordinate (or one <= 0 on a log axis) are not
// drawn: the line breaks there, and a note under the title counts them. A chart with no
// drawable point at all cannot be rendered (dlc::Error naming the chart).
struct Chart {
  std::string title;
  std::string subtitle; // a smaller line under the title
  Axis x, y;
  std::vector<Series> series;
  LegendPlace legend = LegendPlace::TopRight;
};

// Panels stacked top to bottom, each width x panel_height pixels.
struct Figure {
  std::vector<Chart> panels;
  int width = 720;
  int panel_height = 400;
};

// A matrix of counts drawn as coloured cells with the count in each; the colour is the
// count's fraction of its row (for a confusion matrix: the recall of the row's class).
struct Heatmap {
  std::string title, subtitle;
  std::string x_label, y_label;               // e.g. "predicted class", "true class"
  std::vector<std::string> row_names, col_names; // empty: 0, 1, 2, ...
  std::vector<std::vector<double>> values;    // [row][column], rectangular, finite, >= 0
};

// The SVG text (throws dlc::Error for an empty figure, mismatched x and y lengths, or a
// chart with nothing to draw).
DLC_API std::string render_svg(const Figure &figure);
DLC_API std::string render_svg(const Heatmap &heatmap);

// Writes an SVG atomically (a temporary file renamed over `path`); a missing or
// unwritable directory is a dlc::Error that names it.
DLC_API void write_svg(const std::string &path, const std::string &svg);

} // namespace plot
} // namespace dlc

#endif // DLC_PLOT_HPP
