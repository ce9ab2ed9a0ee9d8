// The SVG chart writer: nice ticks, the data-to-pixel map read back from the SVG it
// writes (parsed by a strict little XML reader below, so a malformed file fails), gaps
// for non-finite points, heat maps, and writing files.
#include <catch2/catch.hpp>

#include <cctype>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "plot.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using namespace dlc::plot;

namespace {

// --- A strict reader for the XML subset SVG uses: one root element, attributes in double
// quotes, the five predefined entities, no DTD. Anything else throws.

struct Node {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<std::unique_ptr<Node>> children;
  std::string text; // character data directly inside, entities decoded

  std::string attr(const std::string &k) const {
    auto it = attrs.find(k);
    if (it == attrs.end())
      throw std::runtime_error("<" + name + "> has no attribute " + k);
    return it->second;
  }
  double num(const std::string &k) const { return std::stod(attr(k)); }
  // Every element below this one (depth first) named `n` whose class is `cls` (any if "").
  void find(const std::string &n, const std::string &cls, std::vector<const Node *> &out) const {
    for (const auto &c : children) {
      if (c->name == n && (cls.empty() || (c->attrs.count("class") && c->attrs.at("class") == cls)))
        out.push_back(c.get());
      c->find(n, cls, out);
    }
  }
  std::vector<const Node *> all(const std::string &n, const std::string &cls = "") const {
    std::vector<const Node *> out;
    find(n, cls, out);
    return out;
  }
};

class XmlReader {
public:
  explicit XmlReader(const std::string &s) : s_(s) {}
  std::unique_ptr<Node> document() {
    if (s_.compare(0, 5, "<?xml") == 0) {
      size_t end = s_.find("?>");
      if (end == std::string::npos)
        fail("unterminated XML declaration");
      i_ = end + 2;
    }
    space();
    auto root = element();
    space();
    if (i_ != s_.size())
      fail("content after the root element");
    return root;
  }

private:
  [[noreturn]] void fail(const std::string &what) {
    throw std::runtime_error("malformed XML at offset " + std::to_string(i_) + ": " + what);
  }
  void space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])))
      ++i_;
  }
  std::string name() {
    size_t b = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                              s_[i_] == '_' || s_[i_] == ':' || s_[i_] == '.'))
      ++i_;
    if (b == i_)
      fail("a name expected");
    return s_.substr(b, i_ - b);
  }
  std::string decode(const std::string &raw) {
    static const std::map<std::string, char> entities = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    std::string out;
    for (size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] == '<')
        fail("'<' in character data");
      if (raw[k] != '&') {
        out += raw[k];
        continue;
      }
      size_t semi = raw.find(';', k);
      if (semi == std::string::npos || !entities.count(raw.substr(k + 1, semi - k - 1)))
        fail("unknown entity in '" + raw + "'");
      out += entities.at(raw.substr(k + 1, semi - k - 1));
      k = semi;
    }
    return out;
  }
  std::unique_ptr<Node> element() {
    if (i_ >= s_.size() || s_[i_] != '<')
      fail("'<' expected");
    ++i_;
    auto n = std::make_unique<Node>();
    n->name = name();
    for (;;) {
      space();
      if (s_.compare(i_, 2, "/>") == 0) {
        i_ += 2;
        return n;
      }
      if (i_ < s_.size() && s_[i_] == '>') {
        ++i_;
        break;
      }
      std::string k = name();
      space();
      if (i_ >= s_.size() || s_[i_] != '=')
        fail("'=' expected after attribute " + k);
      ++i_;
      space();
      if (i_ >= s_.size() || s_[i_] != '"')
        fail("attribute " + k + " is not in double quotes");
      size_t end = s_.find('"', i_ + 1);
      if (end == std::string::npos)
        fail("unterminated attribute " + k);
      if (!n->attrs.emplace(k, decode(s_.substr(i_ + 1, end - i_ - 1))).second)
        fail("attribute " + k + " given twice");
      i_ = end + 1;
    }
    for (;;) {
      size_t lt = s_.find('<', i_);
      if (lt == std::string::npos)
        fail("unterminated element <" + n->name + ">");
      n->text += decode(s_.substr(i_, lt - i_));
      i_ = lt;
      if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        if (name() != n->name)
          fail("mismatched end tag for <" + n->name + ">");
        space();
        if (i_ >= s_.size() || s_[i_] != '>')
          fail("'>' expected");
        ++i_;
        return n;
      }
      n->children.push_back(element());
    }
  }
  const std::string &s_;
  size_t i_ = 0;
};

std::unique_ptr<Node> parse(const std::string &svg) {
  auto root = XmlReader(svg).document();
  REQUIRE(root->name == "svg");
  REQUIRE(root->attr("xmlns") == "http://www.w3.org/2000/svg");
  return root;
}

std::vector<std::pair<double, double>> points(const Node &polyline) {
  std::vector<std::pair<double, double>> out;
  std::string s = polyline.attr("points");
  size_t i = 0;
  while (i < s.size()) {
    size_t comma = s.find(',', i), sp = s.find(' ', i);
    if (sp == std::string::npos)
      sp = s.size();
    out.push_back({std::stod(s.substr(i, comma - i)), std::stod(s.substr(comma + 1, sp - comma - 1))});
    i = sp + 1;
  }
  return out;
}

Series make(const std::string &label, std::vector<double> x, std::vector<double> y,
            Draw draw = Draw::Line) {
  Series s;
  s.label = label;
  s.x = std::move(x);
  s.y = std::move(y);
  s.draw = draw;
  return s;
}

Figure one_chart(std::vector<Series> series) {
  Chart c;
  c.title = "t";
  c.x.label = "x";
  c.y.label = "y";
  c.series = std::move(series);
  Figure f;
  f.panels = {c};
  return f;
}

bool is_multiple(double v, double step) {
  double q = v / step;
  return std::fabs(q - std::round(q)) < 1e-9;
}

} // namespace

TEST_CASE("plot: nice_ticks: round steps that cover the range", "[plot]") {
  CHECK(nice_ticks(0, 10).values == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK(nice_ticks(0, 1).values == std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1});
  CHECK(nice_ticks(0.2, 2.3).values == std::vector<double>{0, 0.5, 1, 1.5, 2, 2.5});
  CHECK(nice_ticks(-3.7, 12.1).values == std::vector<double>{-5, 0, 5, 10, 15});
  // Decimal steps come out as the decimal literals, not 0.30000000000000004.
  CHECK(nice_ticks(0, 0.3).values.back() == 0.3);
  CHECK(nice_ticks(0, 0.3).step == 0.05);
  // A single value is widened around it.
  Ticks one = nice_ticks(5, 5);
  CHECK(one.values.front() <= 4.5);
  CHECK(one.values.back() >= 5.5);
  CHECK(nice_ticks(0, 0).values.front() < 0);

  // Any range: the ticks cover it, are few, evenly spaced multiples of 1, 2 or 5 x 10^k.
  const double ranges[][2] = {{0.001, 0.0013}, {-1e9, 3e9},  {17, 18},     {0.3, 0.31},
                              {-0.5, -0.1},    {1e-12, 5e-12}, {123.4, 98765}, {2.302, 2.3031}};
  for (const auto &r : ranges) {
    Ticks t = nice_ticks(r[0], r[1]);
    INFO("range " << r[0] << " .. " << r[1]);
    REQUIRE(t.values.size() >= 3);
    CHECK(t.values.size() <= 12);
    CHECK(t.values.front() <= r[0]);
    CHECK(t.values.back() >= r[1]);
    double mant = t.step / std::pow(10, std::floor(std::log10(t.step) + 1e-9));
    CHECK((std::fabs(mant - 1) < 1e-9 || std::fabs(mant - 2) < 1e-9 || std::fabs(mant - 5) < 1e-9));
    for (size_t i = 0; i < t.values.size(); ++i) {
      CHECK(is_multiple(t.values[i], t.step));
      if (i)
        CHECK(t.values[i] - t.values[i - 1] == Approx(t.step).epsilon(1e-9));
    }
    // No tick lies a whole step outside the data.
    CHECK(t.values[1] > r[0]);
    CHECK(t.values[t.values.size() - 2] < r[1]);
  }

  CHECK_THROWS_WITH(nice_ticks(0, NAN), Contains("not finite"));
  CHECK_THROWS_WITH(nice_ticks(-INFINITY, 1), Contains("not finite"));
  CHECK_THROWS_WITH(nice_ticks(2, 1), Contains("reversed"));
}

TEST_CASE("plot: log_ticks: powers of ten, with 2 and 5 over few decades", "[plot]") {
  CHECK(log_ticks(0.3, 2.3).values == std::vector<double>{0.2, 0.5, 1, 2, 5});
  CHECK(log_ticks(1e-3, 10).values == std::vector<double>{1e-3, 1e-2, 0.1, 1, 10});
  CHECK(log_ticks(0.002, 7000).values == std::vector<double>{2e-3, 1e-2, 0.1, 1, 10, 100, 1e3, 1e4});
  CHECK(log_ticks(0.006, 0.9).values == std::vector<double>{5e-3, 1e-2, 0.1, 1});
  Ticks wide = log_ticks(1e-20, 1e20);
  CHECK(wide.values.size() <= 10);
  CHECK(wide.values.front() <= 1e-20);
  CHECK(wide.values.back() >= 1e20);
  CHECK_THROWS_WITH(log_ticks(0, 1), Contains("positive"));
  CHECK_THROWS_WITH(log_ticks(-1, 1), Contains("positive"));
}

TEST_CASE("plot: tick labels: the decimals the step needs", "[plot]") {
  Ticks t = nice_ticks(0, 1);
  CHECK(tick_label(0.4, t) == "0.4");
  CHECK(tick_label(0, t) == "0.0");
  Ticks i = nice_ticks(0, 80);
  CHECK(tick_label(40, i) == "40");
  Ticks fine = nice_ticks(2.302, 2.3031);
  CHECK(tick_label(fine.values[1], fine) == "2.3022");
  Ticks big = nice_ticks(0, 3e7);
  CHECK(tick_label(2.5e7, big) == "2.5e+07");
  Ticks tiny = nice_ticks(0, 3e-7);
  CHECK(tick_label(2.5e-7, tiny) == "2.5e-07");
  CHECK(tick_label(100, log_ticks(1, 1000)) == "100");
}

TEST_CASE("plot: a line chart is well-formed SVG whose points sit where the data says", "[plot]") {
  Series s = make("loss", {0, 5, 10}, {0, 0.5, 1});
  std::string svg = render_svg(one_chart({s}));
  auto root = parse(svg);
  // Data [0, 10] x [0, 1] has nice ticks exactly at its ends, so the plot area spans it.
  auto areas = root->all("rect", "plot-area");
  REQUIRE(areas.size() == 1);
  const double left = areas[0]->num("x"), top = areas[0]->num("y");
  const double w = areas[0]->num("width"), h = areas[0]->num("height");
  auto groups = root->all("g", "series");
  REQUIRE(groups.size() == 1);
  CHECK(groups[0]->attr("data-label") == "loss");
  auto lines = groups[0]->all("polyline");
  REQUIRE(lines.size() == 1);
  auto p = points(*lines[0]);
  REQUIRE(p.size() == 3);
  CHECK(p[0].first == Approx(left).margin(0.01));       // (0, 0): bottom left
  CHECK(p[0].second == Approx(top + h).margin(0.01));
  CHECK(p[1].first == Approx(left + w / 2).margin(0.01)); // (5, 0.5): the centre
  CHECK(p[1].second == Approx(top + h / 2).margin(0.01));
  CHECK(p[2].first == Approx(left + w).margin(0.01));   // (10, 1): top right
  CHECK(p[2].second == Approx(top).margin(0.01));

  // The tick labels are the nice ticks, placed at their values.
  auto xt = root->all("text", "xtick");
  REQUIRE(xt.size() == 6);
  CHECK(xt[1]->text == "2");
  CHECK(xt[1]->num("x") == Approx(left + w * 0.2).margin(0.01));
  auto yt = root->all("text", "ytick");
  REQUIRE(yt.size() == 6);
  CHECK(yt.back()->text == "1.0");
  CHECK(root->all("text", "title")[0]->text == "t");
  auto legend = root->all("g", "legend");
  REQUIRE(legend.size() == 1);
  CHECK(legend[0]->all("text", "legend-label")[0]->text == "loss");
}

TEST_CASE("plot: a fixed axis range maps its bounds to the plot area's edges", "[plot]") {
  Figure f = one_chart({make("a", {0.25}, {0.75}, Draw::Markers)});
  f.panels[0].x.min = 0;
  f.panels[0].x.max = 2;
  f.panels[0].y.min = -1;
  f.panels[0].y.max = 1;
  auto root = parse(render_svg(f));
  auto area = root->all("rect", "plot-area")[0];
  auto dots = root->all("g", "series")[0]->all("circle");
  REQUIRE(dots.size() == 1);
  CHECK(dots[0]->num("cx") == Approx(area->num("x") + area->num("width") / 8).margin(0.01));
  CHECK(dots[0]->num("cy") == Approx(area->num("y") + area->num("height") / 8).margin(0.01));
}

TEST_CASE("plot: log axis: decades are equally spaced", "[plot]") {
  Figure f = one_chart({make("mse", {1, 2, 3}, {1, 10, 100})});
  f.panels[0].y.log = true;
  auto root = parse(render_svg(f));
  auto p = points(*root->all("polyline")[0]);
  REQUIRE(p.size() == 3);
  CHECK(p[0].second - p[1].second == Approx(p[1].second - p[2].second).margin(0.02));
  CHECK_THAT(root->all("text", "ylabel")[0]->text, Contains("log scale"));
  // Values <= 0 have no place on a log axis: skipped like NaN.
  f.panels[0].series[0].y = {0, 10, 100};
  auto root2 = parse(render_svg(f));
  CHECK(points(*root2->all("polyline")[0]).size() == 2);
  CHECK_THAT(root2->all("text", "subtitle")[0]->text, Contains("1 point not drawn"));
}

TEST_CASE("plot: steps: y_i holds from x_(i-1) to x_i", "[plot]") {
  Figure f = one_chart({make("pr", {0, 0.5, 1}, {1, 0.5, 0.25}, Draw::Steps)});
  f.panels[0].x.min = f.panels[0].y.min = 0;
  f.panels[0].x.max = f.panels[0].y.max = 1;
  auto root = parse(render_svg(f));
  auto area = root->all("rect", "plot-area")[0];
  auto px = [&](double x) { return area->num("x") + x * area->num("width"); };
  auto py = [&](double y) { return area->num("y") + (1 - y) * area->num("height"); };
  auto p = points(*root->all("polyline")[0]);
  std::vector<std::pair<double, double>> want = {{0, 1}, {0, 0.5}, {0.5, 0.5}, {0.5, 0.25}, {1, 0.25}};
  REQUIRE(p.size() == want.size());
  for (size_t i = 0; i < p.size(); ++i) {
    CHECK(p[i].first == Approx(px(want[i].first)).margin(0.01));
    CHECK(p[i].second == Approx(py(want[i].second)).margin(0.01));
  }
}

TEST_CASE("plot: non-finite points are skipped: the line breaks and the chart says so", "[plot]") {
  Series s = make("loss", {1, 2, 3, 4, 5, 6}, {1, 2, NAN, 3, INFINITY, 4});
  auto root = parse(render_svg(one_chart({s})));
  auto lines = root->all("polyline");
  // (1,1)-(2,2), then (4,3) alone (a dot), then (6,4) alone.
  REQUIRE(lines.size() == 3);
  CHECK(points(*lines[0]).size() == 2);
  CHECK(root->all("g", "series")[0]->all("circle").size() == 2);
  CHECK_THAT(root->all("text", "subtitle")[0]->text, Contains("2 points not drawn (not finite"));
  // The y range comes from the finite values only.
  auto yt = root->all("text", "ytick");
  CHECK(yt.front()->text == "1.0");
  CHECK(yt.back()->text == "4.0");
}

TEST_CASE("plot: a chart with nothing to draw, or bad series, is an error", "[plot]") {
  CHECK_THROWS_WITH(render_svg(one_chart({make("empty", {}, {})})), Contains("chart 't': nothing to plot"));
  CHECK_THROWS_WITH(render_svg(one_chart({make("nan", {1, 2}, {NAN, INFINITY})})),
                    Contains("nothing to plot"));
  CHECK_THROWS_WITH(render_svg(one_chart({make("bad", {1, 2, 3}, {1, 2})})),
                    Contains("series 'bad' has 3 x values but 2 y values"));
  CHECK_THROWS_WITH(render_svg(Figure{}), Contains("at least one chart"));
  Figure reversed = one_chart({make("ok", {1, 2}, {3, 4})});
  reversed.panels[0].x.min = 2;
  reversed.panels[0].x.max = 1;
  CHECK_THROWS_WITH(render_svg(reversed), Contains("axis 'x': its fixed range") && Contains("reversed"));
  // An empty series beside a drawable one is just absent.
  auto root = parse(render_svg(one_chart({make("empty", {}, {}), make("ok", {1, 2}, {3, 4})})));
  CHECK(root->all("polyline").size() == 1);
}

TEST_CASE("plot: text is escaped", "[plot]") {
  Figure f = one_chart({make("a<b & \"c\" 'd'", {0, 1}, {0, 1})});
  f.panels[0].title = "loss < 1 & done";
  auto root = parse(render_svg(f));
  CHECK(root->all("text", "title")[0]->text == "loss < 1 & done");
  CHECK(root->all("g", "series")[0]->attr("data-label") == "a<b & \"c\" 'd'");
}

TEST_CASE("plot: a long series is thinned to a few points per pixel column, keeping its extremes",
          "[plot]") {
  Series s = make("noisy", {}, {});
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    s.x.push_back(i);
    s.y.push_back(std::sin(i * 0.01) + (i == 54321 ? 5 : 0) + (i == 12345 ? -5 : 0));
  }
  auto root = parse(render_svg(one_chart({s})));
  auto area = root->all("rect", "plot-area")[0];
  auto p = points(*root->all("polyline")[0]);
  CHECK(p.size() <= static_cast<size_t>(4 * area->num("width")) + 4);
  CHECK(p.size() > 100);
  double ymin = 1e9, ymax = -1e9;
  for (auto &q : p) {
    ymin = std::min(ymin, q.second);
    ymax = std::max(ymax, q.second);
  }
  // The spike to 5 and the dip to -5 survive, at the pixel rows they map to.
  auto yt = root->all("text", "ytick");
  CHECK(std::stod(yt.front()->text) <= -5);
  CHECK(std::stod(yt.back()->text) >= 5);
  const double lo = std::stod(yt.front()->text), hi = std::stod(yt.back()->text);
  auto py = [&](double y) { return area->num("y") + (hi - y) / (hi - lo) * area->num("height"); };
  CHECK(ymin == Approx(py(std::sin(54321 * 0.01) + 5)).margin(0.01));
  CHECK(ymax == Approx(py(std::sin(12345 * 0.01) - 5)).margin(0.01));
}

TEST_CASE("plot: stacked panels share one SVG, one below the other", "[plot]") {
  Figure f = one_chart({make("a", {0, 1}, {0, 1})});
  f.panels.push_back(f.panels[0]);
  f.panel_height = 300;
  auto root = parse(render_svg(f));
  CHECK(root->attr("height") == "600");
  auto areas = root->all("rect", "plot-area");
  REQUIRE(areas.size() == 2);
  CHECK(areas[1]->num("y") - areas[0]->num("y") == Approx(300));
  // Clip paths have distinct ids.
  auto clips = root->all("clipPath");
  REQUIRE(clips.size() == 2);
  CHECK(clips[0]->attr("id") != clips[1]->attr("id"));
}

TEST_CASE("plot: heat map: a cell per count, coloured by its share of the row", "[plot]") {
  Heatmap h;
  h.title = "Confusion matrix";
  h.x_label = "predicted class";
  h.y_label = "true class";
  h.values = {{0, 5, 0}, {2, 2, 0}, {1, 1, 2}};
  auto root = parse(render_svg(h));
  auto cells = root->all("rect", "cell");
  REQUIRE(cells.size() == 9);
  auto counts = root->all("text", "count");
  REQUIRE(counts.size() == 9);
  CHECK(counts[1]->text == "5");
  CHECK(counts[3]->text == "2");
  CHECK(cells[0]->attr("fill") == "#ffffff"); // 0 of 5
  CHECK(cells[1]->attr("fill") == "#1f77b4"); // 5 of 5
  CHECK(cells[3]->attr("fill") == cells[4]->attr("fill"));
  CHECK(cells[4]->attr("data-row") == "1");
  CHECK(cells[4]->attr("data-col") == "1");
  // Rows go down, columns across.
  CHECK(cells[4]->num("x") > cells[3]->num("x"));
  CHECK(cells[4]->num("y") > cells[1]->num("y"));
  CHECK(root->all("text", "xtick").size() == 3);

  Heatmap bad = h;
  bad.values[1].pop_back();
  CHECK_THROWS_WITH(render_svg(bad), Contains("row 1 has 2 values, row 0 has 3"));
  bad = h;
  bad.values[2][2] = NAN;
  CHECK_THROWS_WITH(render_svg(bad), Contains("not a finite count"));
  CHECK_THROWS_WITH(render_svg(Heatmap{}), Contains("no values"));

  // Many classes: cells shrink and the counts are left out rather than overflow.
  Heatmap big;
  big.values.assign(200, std::vector<double>(200, 12345));
  auto broot = parse(render_svg(big));
  CHECK(broot->all("rect", "cell").size() == 40000);
  CHECK(broot->all("text", "count").empty());
}

TEST_CASE("plot: write_svg: atomic, and a missing directory is a clear error", "[plot]") {
  dlc_test::TempDir tmp;
  std::string svg = render_svg(one_chart({make("a", {0, 1}, {0, 1})}));
  write_svg(tmp.file("loss.svg"), svg);
  CHECK(dlc_test::slurp(tmp.file("loss.svg")) == svg);
  size_t entries = 0;
  for (const auto &e : std::filesystem::directory_iterator(tmp.path())) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1); // no temporary file left
  CHECK_THROWS_WITH(write_svg(tmp.file("missing/loss.svg"), svg),
                    Contains("cannot write '" + tmp.file("missing/loss.svg") + "'") &&
                        Contains("directory '" + tmp.file("missing") + "'") &&
                        Contains("No such file or directory"));
  dlc_test::spit(tmp.file("file"), "x");
  CHECK_THROWS_WITH(write_svg(tmp.file("file/loss.svg"), svg), Contains("is not a directory"));
}
