// SVG charts: tick selection, data-to-pixel mapping and the SVG text.
#include "plot.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

#include "dlc/file_io.hpp"

namespace dlc {
namespace plot {

namespace {

// matplotlib's "tab10", so that the charts look familiar next to PyTorch users' own.
const char *const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

// Layout of a panel, in pixels.
constexpr double kLeft = 76, kRight = 20, kTop = 48, kBottom = 52;
constexpr double kCharWidth = 6.4; // of the 12 px sans-serif text, for sizing boxes

double pow10i(int e) { return std::pow(10.0, e); }

// value = i * mantissa * 10^exponent, computed so that decimal steps come out exact
// (3 * 1 / 10 is 0.3; 3 * 0.1 is not).
double tick_value(long long i, int mantissa, int exponent) {
  double v = exponent >= 0 ? static_cast<double>(i * mantissa) * pow10i(exponent)
                           : static_cast<double>(i * mantissa) / pow10i(-exponent);
  return v == 0 ? 0.0 : v; // no "-0"
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  // "12.50" -> "12.5", "12.00" -> "12": shorter files, same pixels.
  while (s.back() == '0')
    s.pop_back();
  if (s.back() == '.')
    s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string xml_escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&apos;"; break;
    default:
      // Control characters other than tab and newlines are not allowed in XML 1.0.
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
        out += ' ';
      else
        out += c;
    }
  }
  return out;
}

std::string text_el(const std::string &cls, double x, double y, const std::string &text,
                    const std::string &extra = "") {
  return "<text class=\"" + cls + "\" x=\"" + num(x) + "\" y=\"" + num(y) + "\"" + extra + ">" +
         xml_escape(text) + "</text>\n";
}

bool drawable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }

// The data-to-pixel map of one panel.
struct Frame {
  double left, top, width, height;
  double x_lo, x_hi, y_lo, y_hi;
  bool x_log, y_log;

  static double t(double v, bool log) { return log ? std::log10(v) : v; }
  double px(double x) const {
    return left + (t(x, x_log) - t(x_lo, x_log)) / (t(x_hi, x_log) - t(x_lo, x_log)) * width;
  }
  double py(double y) const {
    return top + height -
           (t(y, y_log) - t(y_lo, y_log)) / (t(y_hi, y_log) - t(y_lo, y_log)) * height;
  }
};

struct Range {
  double lo = INFINITY, hi = -INFINITY;
  bool empty() const { return !(lo <= hi); }
};

// The axis range and its ticks: a fixed range keeps its bounds and the ticks inside it;
// otherwise the data range grows to the outermost ticks.
Ticks axis_ticks(const Axis &a, Range data, double &lo, double &hi) {
  if (a.min > a.max) // false when either is NaN
    throw Error("axis '" + a.label + "': its fixed range [" + std::to_string(a.min) + ", " +
                std::to_string(a.max) + "] is reversed");
  if (!std::isnan(a.min))
    data.lo = a.min;
  if (!std::isnan(a.max))
    data.hi = a.max;
  if (data.hi < data.lo)
    std::swap(data.lo, data.hi);
  Ticks t = a.log ? log_ticks(data.lo, data.hi) : nice_ticks(data.lo, data.hi);
  lo = std::isnan(a.min) ? t.values.front() : a.min;
  hi = std::isnan(a.max) ? t.values.back() : a.max;
  if (lo == hi) { // a fixed single value: widen as nice_ticks would
    t = a.log ? log_ticks(lo, hi) : nice_ticks(lo, hi);
    lo = t.values.front();
    hi = t.values.back();
  }
  const double eps = (a.log ? std::log10(hi / lo) : hi - lo) * 1e-9;
  std::vector<double> kept;
  for (double v : t.values) {
    double p = a.log ? std::log10(v) : v;
    if (p >= (a.log ? std::log10(lo) : lo) - eps && p <= (a.log ? std::log10(hi) : hi) + eps)
      kept.push_back(v);
  }
  t.values = kept;
  return t;
}

// The runs of drawable points of a series (the line breaks at the others), in pixels.
using Path = std::vector<std::pair<double, double>>;

std::vector<Path> series_paths(const Series &s, const Frame &f, size_t &skipped) {
  std::vector<Path> paths(1);
  for (size_t i = 0; i < s.x.size(); ++i) {
    if (!drawable(s.x[i], f.x_log) || !drawable(s.y[i], f.y_log)) {
      ++skipped;
      if (!paths.back().empty())
        paths.emplace_back();
      continue;
    }
    double x = f.px(s.x[i]), y = f.py(s.y[i]);
    Path &p = paths.back();
    if (s.draw == Draw::Steps && !p.empty())
      p.push_back({p.back().first, y});
    p.push_back({x, y});
  }
  if (paths.back().empty())
    paths.pop_back();
  return paths;
}

// A line with far more points than pixel columns: per column, keep the first, lowest,
// highest and last point, which draws the same picture from a few points per column.
Path thin(const Path &p, double width) {
  if (p.size() <= static_cast<size_t>(4 * width))
    return p;
  Path out;
  size_t i = 0;
  while (i < p.size()) {
    long col = std::lround(std::floor(p[i].first));
    size_t j = i, lo = i, hi = i;
    while (j < p.size() && std::lround(std::floor(p[j].first)) == col) {
      if (p[j].second < p[lo].second)
        lo = j;
      if (p[j].second > p[hi].second)
        hi = j;
      ++j;
    }
    size_t keep[4] = {i, std::min(lo, hi), std::max(lo, hi), j - 1};
    for (int k = 0; k < 4; ++k)
      if (k == 0 || keep[k] != keep[k - 1])
        out.push_back(p[keep[k]]);
    i = j;
  }
  return out;
}

std::string points_attr(const Path &p) {
  std::string s;
  for (size_t i = 0; i < p.size(); ++i)
    s += (i ? " " : "") + num(p[i].first) + "," + num(p[i].second);
  return s;
}

std::string svg_open(double width, double height) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" +
         num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " +
         num(height) +
         "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
         "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
}

void title_lines(std::string &out, double cx, double y0, const std::string &title,
                 const std::string &subtitle) {
  if (!title.empty())
    out += text_el("title", cx, y0 + 18, title,
                   " text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\"");
  if (!subtitle.empty())
    out += text_el("subtitle", cx, y0 + 34, subtitle,
                   " text-anchor=\"middle\" font-size=\"11\" fill=\"#555\"");
}

std::string render_panel(const Chart &c, double y0, double width, double height, int index) {
  for (const Series &s : c.series)
    if (s.x.size() != s.y.size())
      throw Error("chart '" + c.title + "': series '" + s.label + "' has " +
                  std::to_string(s.x.size()) + " x values but " + std::to_string(s.y.size()) +
                  " y values");
  Range xr, yr;
  size_t points = 0;
  for (const Series &s : c.series)
    for (size_t i = 0; i < s.x.size(); ++i)
      if (drawable(s.x[i], c.x.log) && drawable(s.y[i], c.y.log)) {
        xr.lo = std::min(xr.lo, s.x[i]);
        xr.hi = std::max(xr.hi, s.x[i]);
        yr.lo = std::min(yr.lo, s.y[i]);
        yr.hi = std::max(yr.hi, s.y[i]);
        ++points;
      }
  if (points == 0)
    throw Error("chart '" + c.title + "': nothing to plot (no point with finite coordinates" +
                std::string(c.x.log || c.y.log ? " > 0 on its log axis" : "") + ")");

  Frame f;
  f.left = kLeft;
  f.top = y0 + kTop;
  f.width = width - kLeft - kRight;
  f.height = height - kTop - kBottom;
  f.x_log = c.x.log;
  f.y_log = c.y.log;
  Ticks xt = axis_ticks(c.x, xr, f.x_lo, f.x_hi);
  Ticks yt = axis_ticks(c.y, yr, f.y_lo, f.y_hi);

  std::string out = "<g class=\"panel\">\n";
  std::string clip = "plot-area-" + std::to_string(index);
  out += "<clipPath id=\"" + clip + "\"><rect x=\"" + num(f.left) + "\" y=\"" + num(f.top) +
         "\" width=\"" + num(f.width) + "\" height=\"" + num(f.height) + "\"/></clipPath>\n";

  // Grid and ticks.
  const double bottom = f.top + f.height;
  out += "<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">\n";
  for (double v : xt.values)
    out += "<line x1=\"" + num(f.px(v)) + "\" y1=\"" + num(f.top) + "\" x2=\"" + num(f.px(v)) +
           "\" y2=\"" + num(bottom) + "\"/>\n";
  for (double v : yt.values)
    out += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(f.py(v)) + "\" x2=\"" +
           num(f.left + f.width) + "\" y2=\"" + num(f.py(v)) + "\"/>\n";
  out += "</g>\n<g class=\"ticks\" stroke=\"#333\" stroke-width=\"1\">\n";
  for (double v : xt.values)
    out += "<line x1=\"" + num(f.px(v)) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(f.px(v)) +
           "\" y2=\"" + num(bottom + 5) + "\"/>\n";
  for (double v : yt.values)
    out += "<line x1=\"" + num(f.left - 5) + "\" y1=\"" + num(f.py(v)) + "\" x2=\"" +
           num(f.left) + "\" y2=\"" + num(f.py(v)) + "\"/>\n";
  out += "</g>\n<g class=\"tick-labels\" fill=\"#333\">\n";
  for (double v : xt.values)
    out += text_el("xtick", f.px(v), bottom + 19, tick_label(v, xt), " text-anchor=\"middle\"");
  for (double v : yt.values)
    out += text_el("ytick", f.left - 8, f.py(v), tick_label(v, yt),
                   " text-anchor=\"end\" dy=\"0.35em\"");
  out += "</g>\n";
  out += "<rect class=\"plot-area\" x=\"" + num(f.left) + "\" y=\"" + num(f.top) +
         "\" width=\"" + num(f.width) + "\" height=\"" + num(f.height) +
         "\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\"/>\n";
  if (!c.x.label.empty())
    out += text_el("xlabel", f.left + f.width / 2, bottom + 40,
                   c.x.label + (c.x.log ? " (log scale)" : ""), " text-anchor=\"middle\"");
  if (!c.y.label.empty()) {
    double lx = 18, ly = f.top + f.height / 2;
    out += text_el("ylabel", lx, ly, c.y.label + (c.y.log ? " (log scale)" : ""),
                   " text-anchor=\"middle\" transform=\"rotate(-90 " + num(lx) + " " + num(ly) +
                       ")\"");
  }

  // The series, clipped to the plot area (a fixed range may leave points outside it).
  size_t skipped = 0;
  std::vector<std::string> colors;
  for (size_t k = 0; k < c.series.size(); ++k) {
    const Series &s = c.series[k];
    std::string color = s.color.empty() ? kPalette[k % 10] : s.color;
    colors.push_back(color);
    out += "<g class=\"series\" data-label=\"" + xml_escape(s.label) + "\" clip-path=\"url(#" +
           clip + ")\"" + (s.opacity < 1 ? " opacity=\"" + num(s.opacity) + "\"" : "") + ">\n";
    for (const Path &p : series_paths(s, f, skipped)) {
      if (s.draw != Draw::Markers)
        out += "<polyline points=\"" + points_attr(thin(p, f.width)) + "\" fill=\"none\" stroke=\"" +
               color + "\" stroke-width=\"" + num(s.stroke_width) +
               "\" stroke-linejoin=\"round\"/>\n";
      // A lone point between gaps draws no line; it gets a dot so that it is seen.
      if (s.draw == Draw::Markers || s.draw == Draw::LineMarkers || p.size() == 1)
        for (const auto &pt : p)
          out += "<circle cx=\"" + num(pt.first) + "\" cy=\"" + num(pt.second) + "\" r=\"3\" fill=\"" +
                 color + "\"/>\n";
    }
    out += "</g>\n";
  }

  std::string subtitle = c.subtitle;
  if (skipped)
    subtitle += std::string(subtitle.empty() ? "" : "; ") + std::to_string(skipped) + " point" +
                (skipped == 1 ? "" : "s") + " not drawn (not finite" +
                (c.x.log || c.y.log ? " or <= 0 on a log axis" : "") + ")";
  title_lines(out, width / 2, y0, c.title, subtitle);

  // The legend, in a corner of the plot area.
  std::vector<size_t> shown;
  size_t longest = 0;
  for (size_t k = 0; k < c.series.size(); ++k)
    if (!c.series[k].label.empty()) {
      shown.push_back(k);
      longest = std::max(longest, c.series[k].label.size());
    }
  if (!shown.empty() && c.legend != LegendPlace::None) {
    double bw = 36 + kCharWidth * static_cast<double>(longest), bh = 8 + 18.0 * shown.size();
    bool right = c.legend == LegendPlace::TopRight || c.legend == LegendPlace::BottomRight;
    bool top = c.legend == LegendPlace::TopRight || c.legend == LegendPlace::TopLeft;
    double bx = right ? f.left + f.width - bw - 8 : f.left + 8;
    double by = top ? f.top + 8 : bottom - bh - 8;
    out += "<g class=\"legend\">\n<rect x=\"" + num(bx) + "\" y=\"" + num(by) + "\" width=\"" +
           num(bw) + "\" height=\"" + num(bh) +
           "\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n";
    for (size_t i = 0; i < shown.size(); ++i) {
      const Series &s = c.series[shown[i]];
      double ly = by + 4 + 18.0 * static_cast<double>(i) + 9;
      if (s.draw != Draw::Markers)
        out += "<line x1=\"" + num(bx + 6) + "\" y1=\"" + num(ly) + "\" x2=\"" + num(bx + 26) +
               "\" y2=\"" + num(ly) + "\" stroke=\"" + colors[shown[i]] + "\" stroke-width=\"" +
               num(std::max(2.0, s.stroke_width)) + "\"/>\n";
      if (s.draw == Draw::Markers || s.draw == Draw::LineMarkers)
        out += "<circle cx=\"" + num(bx + 16) + "\" cy=\"" + num(ly) + "\" r=\"3\" fill=\"" +
               colors[shown[i]] + "\"/>\n";
      out += text_el("legend-label", bx + 32, ly + 4, s.label);
    }
    out += "</g>\n";
  }
  out += "</g>\n";
  return out;
}

// White to the palette's blue, by t in [0, 1].
std::string blend(double t) {
  t = std::min(1.0, std::max(0.0, t));
  const int r0 = 0x1f, g0 = 0x77, b0 = 0xb4;
  auto mix = [&](int c) { return static_cast<int>(std::lround(255 + (c - 255) * t)); };
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", mix(r0), mix(g0), mix(b0));
  return buf;
}

std::string count_text(double v) {
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

} // namespace

Ticks nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi))
    throw Error("axis ticks: the range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                "] is not finite");
  if (lo > hi)
    throw Error("axis ticks: the range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                "] is reversed");
  if (lo == hi) {
    double d = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  target = std::max(target, 2);
  const double raw = (hi - lo) / (target - 1);
  int exponent = static_cast<int>(std::floor(std::log10(raw)));
  int mantissa = 1;
  // raw rounded to 1, 2, 5 or 10 times 10^exponent (Heckbert's "nice numbers").
  const double scaled = raw / pow10i(exponent);
  if (scaled >= 7) {
    mantissa = 1;
    ++exponent;
  } else if (scaled >= 3) {
    mantissa = 5;
  } else if (scaled >= 1.5) {
    mantissa = 2;
  }
  Ticks t;
  t.step = tick_value(1, mantissa, exponent);
  // Index bounds with a relative tolerance, so that 0.3 / 0.1 = 2.9999999999999996 is 3.
  const double first = std::floor(lo / t.step + 1e-9), last = std::ceil(hi / t.step - 1e-9);
  for (double i = first; i <= last; ++i)
    t.values.push_back(tick_value(static_cast<long long>(i), mantissa, exponent));
  return t;
}

Ticks log_ticks(double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo <= 0 || hi <= 0)
    throw Error("log axis ticks: the range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                "] must be finite and positive");
  if (lo > hi)
    throw Error("log axis ticks: the range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                "] is reversed");
  if (lo == hi) {
    lo /= 2;
    hi *= 2;
  }
  const int d0 = static_cast<int>(std::floor(std::log10(lo) + 1e-12));
  const int d1 = static_cast<int>(std::ceil(std::log10(hi) - 1e-12));
  const int decades = std::max(1, d1 - d0);
  // The bounds: the largest of 1, 2, 5 x 10^k <= lo and the smallest >= hi, so that a
  // loss from 0.006 to 0.9 gets [0.005, 1], not a mostly empty [0.001, 1]. Over many
  // decades, powers of ten only (and every k-th of them), about 8 ticks in all.
  const int every = decades <= 8 ? 1 : (decades + 7) / 8;
  std::vector<double> bounds;
  for (int e = d0 - 1; e <= d1 + 1; ++e)
    for (int m : {1, 2, 5})
      if (decades <= 8 || (m == 1 && ((e % every) + every) % every == 0))
        bounds.push_back(tick_value(1, m, e));
  const double tol = 1e-12;
  double b0 = bounds.front(), b1 = bounds.back();
  for (double b : bounds)
    if (b <= lo * (1 + tol))
      b0 = b;
  for (size_t i = bounds.size(); i-- > 0;)
    if (bounds[i] >= hi * (1 - tol))
      b1 = bounds[i];
  // Inside the bounds: 1, 2, 5 per decade over two decades or less, else powers of ten.
  Ticks t;
  t.log = true;
  t.values.push_back(b0);
  for (double b : bounds) {
    bool power = std::fabs(std::log10(b) - std::round(std::log10(b))) < 1e-9;
    if (b > b0 * (1 + tol) && b < b1 * (1 - tol) && (decades <= 2 || power))
      t.values.push_back(b);
  }
  t.values.push_back(b1);
  return t;
}

std::string tick_label(double value, const Ticks &ticks) {
  char buf[48];
  if (ticks.log || ticks.step <= 0) {
    std::snprintf(buf, sizeof buf, "%g", value);
    return buf;
  }
  double biggest = 0;
  for (double v : ticks.values)
    biggest = std::max(biggest, std::fabs(v));
  const int step_exp = static_cast<int>(std::floor(std::log10(ticks.step) + 1e-9));
  if (biggest < 1e6 && step_exp >= -6) {
    int decimals = std::max(0, -step_exp);
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  } else {
    // Scientific: the digits from the largest value's leading one down to the step's.
    int lead = biggest > 0 ? static_cast<int>(std::floor(std::log10(biggest))) : 0;
    int digits = std::min(15, std::max(1, lead - step_exp + 1));
    std::snprintf(buf, sizeof buf, "%.*g", digits, value);
  }
  std::string s = buf;
  return s == "-0" ? "0" : s;
}

std::string render_svg(const Figure &figure) {
  if (figure.panels.empty())
    throw Error("plot: a figure needs at least one chart");
  if (figure.width < 200 || figure.panel_height < 150)
    throw Error("plot: a figure must be at least 200 x 150 pixels a panel");
  const double w = figure.width, h = figure.panel_height;
  std::string out = svg_open(w, h * static_cast<double>(figure.panels.size()));
  for (size_t i = 0; i < figure.panels.size(); ++i)
    out += render_panel(figure.panels[i], h * static_cast<double>(i), w, h, static_cast<int>(i));
  out += "</svg>\n";
  return out;
}

std::string render_svg(const Heatmap &hm) {
  const size_t rows = hm.values.size();
  if (rows == 0 || hm.values[0].empty())
    throw Error("heat map '" + hm.title + "': no values");
  const size_t cols = hm.values[0].size();
  for (size_t r = 0; r < rows; ++r) {
    if (hm.values[r].size() != cols)
      throw Error("heat map '" + hm.title + "': row " + std::to_string(r) + " has " +
                  std::to_string(hm.values[r].size()) + " values, row 0 has " +
                  std::to_string(cols));
    for (double v : hm.values[r])
      if (!std::isfinite(v) || v < 0)
        throw Error("heat map '" + hm.title + "': value " + std::to_string(v) + " in row " +
                    std::to_string(r) + " is not a finite count");
  }
  if ((!hm.row_names.empty() && hm.row_names.size() != rows) ||
      (!hm.col_names.empty() && hm.col_names.size() != cols))
    throw Error("heat map '" + hm.title + "': the row or column names do not match the values");
  auto row_name = [&](size_t r) { return hm.row_names.empty() ? std::to_string(r) : hm.row_names[r]; };
  auto col_name = [&](size_t c) { return hm.col_names.empty() ? std::to_string(c) : hm.col_names[c]; };

  // Cells shrink with the matrix; counts are written while they fit.
  const size_t n = std::max(rows, cols);
  const double cell = std::max(6.0, std::min(56.0, 640.0 / static_cast<double>(n)));
  double name_w = 0;
  for (size_t r = 0; r < rows; ++r)
    name_w = std::max(name_w, kCharWidth * static_cast<double>(row_name(r).size()));
  const double left = 40 + name_w + 8, top = 64;
  const double title_w = 20 + std::max(9.0 * static_cast<double>(hm.title.size()),
                                        6.0 * static_cast<double>(hm.subtitle.size()));
  const double width = std::max({360.0, title_w, left + cell * static_cast<double>(cols) + 24});
  const double height = top + cell * static_cast<double>(rows) + 56;
  bool show_counts = true;
  for (size_t r = 0; r < rows && show_counts; ++r)
    for (double v : hm.values[r])
      if (kCharWidth * static_cast<double>(count_text(v).size()) > cell - 4 || cell < 16)
        show_counts = false;
  bool show_names = cell >= 14;

  std::string out = svg_open(width, height);
  title_lines(out, width / 2, 0, hm.title, hm.subtitle);
  out += "<g class=\"cells\">\n";
  for (size_t r = 0; r < rows; ++r) {
    double total = 0;
    for (double v : hm.values[r])
      total += v;
    for (size_t c = 0; c < cols; ++c) {
      double v = hm.values[r][c], frac = total > 0 ? v / total : 0;
      double x = left + cell * static_cast<double>(c), y = top + cell * static_cast<double>(r);
      out += "<rect class=\"cell\" data-row=\"" + std::to_string(r) + "\" data-col=\"" +
             std::to_string(c) + "\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" +
             num(cell) + "\" height=\"" + num(cell) + "\" fill=\"" + blend(frac) +
             "\" stroke=\"#fff\" stroke-width=\"" + (cell >= 12 ? "1" : "0") + "\"/>\n";
      if (show_counts)
        out += text_el("count", x + cell / 2, y + cell / 2 + 4, count_text(v),
                       std::string(" text-anchor=\"middle\" fill=\"") +
                           (frac > 0.5 ? "white" : "#222") + "\"");
    }
  }
  out += "</g>\n<g class=\"tick-labels\" fill=\"#333\">\n";
  if (show_names) {
    for (size_t c = 0; c < cols; ++c)
      out += text_el("xtick", left + cell * (static_cast<double>(c) + 0.5),
                     top + cell * static_cast<double>(rows) + 16, col_name(c),
                     " text-anchor=\"middle\"");
    for (size_t r = 0; r < rows; ++r)
      out += text_el("ytick", left - 6, top + cell * (static_cast<double>(r) + 0.5) + 4,
                     row_name(r), " text-anchor=\"end\"");
  }
  out += "</g>\n";
  const double gx = left + cell * static_cast<double>(cols) / 2;
  const double gy = top + cell * static_cast<double>(rows) / 2;
  if (!hm.x_label.empty())
    out += text_el("xlabel", gx, top + cell * static_cast<double>(rows) + 40, hm.x_label,
                   " text-anchor=\"middle\"");
  if (!hm.y_label.empty())
    out += text_el("ylabel", 18, gy, hm.y_label,
                   " text-anchor=\"middle\" transform=\"rotate(-90 18 " + num(gy) + ")\"");
  out += "</svg>\n";
  return out;
}

void write_svg(const std::string &path, const std::string &svg) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0)
    throw Error("cannot write '" + path + "': directory '" + dir + "': " + std::strerror(errno));
  if (!S_ISDIR(st.st_mode))
    throw Error("cannot write '" + path + "': '" + dir + "' is not a directory");
  write_file_atomic(path, svg);
}

} // namespace plot
} // namespace dlc
