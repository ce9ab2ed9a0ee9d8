// The SVG charts of dlc-run train and eval (see plots.hpp).
#include "plots.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "plot.hpp"
#include "options.hpp"

namespace dlc_run {

namespace {

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// The number after "key": in a line of the JSON log; NaN for null or when absent.
double log_number(const std::string &line, const char *key) {
  std::string k = std::string("\"") + key + "\":";
  size_t at = line.find(k);
  if (at == std::string::npos)
    return NAN;
  const char *p = line.c_str() + at + k.size();
  char *end = nullptr;
  double v = std::strtod(p, &end);
  return end == p ? NAN : v;
}

} // namespace

void prepare_plot_dir(const std::string &dir, const std::string &command) {
  if (dir.empty())
    throw CliError(command + ": --plot-dir needs a directory");
  // mkdir -p: each prefix that ends before a '/', then the whole path.
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/')
      continue;
    std::string prefix = dir.substr(0, i);
    if (::mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST)
      throw CliError(command + ": cannot create the plot directory '" + prefix +
                     "': " + std::strerror(errno));
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw CliError(command + ": --plot-dir '" + dir + "' is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw CliError(command + ": cannot write into the plot directory '" + dir +
                   "': " + std::strerror(errno));
}

void TrainingCurves::add_step(int64_t step, double loss) {
  step_x_.push_back(static_cast<double>(step));
  step_loss_.push_back(loss);
}

void TrainingCurves::add_epoch_mean(int64_t step, double mean_loss) {
  epoch_x_.push_back(static_cast<double>(step));
  epoch_loss_.push_back(mean_loss);
}

void TrainingCurves::add_eval(int64_t step, const EvalResult &r) {
  eval_x_.push_back(static_cast<double>(step));
  eval_loss_.push_back(r.loss);
  eval_accuracy_.push_back(r.task == Task::Classification ? r.cls.accuracy : NAN);
}

void TrainingCurves::load_log(const std::string &path, int64_t up_to_step) {
  std::ifstream in(path);
  if (!in)
    return; // no earlier log: the curve starts at the checkpoint
  std::string line;
  while (std::getline(in, line)) {
    double s = log_number(line, "step");
    if (std::isfinite(s) && s <= static_cast<double>(up_to_step) &&
        line.find("\"loss\":") != std::string::npos)
      add_step(static_cast<int64_t>(s), log_number(line, "loss"));
  }
}

std::string TrainingCurves::note() const {
  return written_ ? "loss curve: " + dir_ + "/loss.svg"
                  : "loss curve: not drawn, no loss was finite";
}

void TrainingCurves::write() {
  using namespace dlc::plot;
  bool any_finite = false;
  for (double v : step_loss_)
    any_finite = any_finite || std::isfinite(v);
  for (double v : eval_loss_)
    any_finite = any_finite || std::isfinite(v);
  if (!any_finite)
    return;
  Chart loss;
  loss.title = title_;
  loss.x.label = "step";
  loss.y.label = "loss";
  // The step axis spans the steps drawn, not the next round number past them.
  if (!step_x_.empty()) {
    loss.x.min = step_x_.front();
    loss.x.max = step_x_.back();
  }
  Series steps{"train loss (per step)", step_x_, step_loss_, Draw::Line, "#1f77b4", 1, 0.45};
  Series means{"train loss (epoch mean)", epoch_x_, epoch_loss_, Draw::LineMarkers, "#1f77b4", 2, 1};
  loss.series = {steps};
  if (!epoch_x_.empty())
    loss.series.push_back(means);
  if (!eval_x_.empty())
    loss.series.push_back({"eval loss", eval_x_, eval_loss_, Draw::LineMarkers, "#ff7f0e", 2, 1});
  // A loss that falls by orders of magnitude (typical of regressions) reads better on a
  // log axis; the label says "(log scale)" when it is one.
  double lo = INFINITY, hi = 0;
  for (const Series &s : loss.series)
    for (double v : s.y)
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  loss.y.log = lo > 0 && hi / lo >= 100;
  loss.subtitle = std::to_string(step_x_.size()) + " steps";
  if (!eval_x_.empty())
    loss.subtitle += "; eval loss " + fixed(eval_loss_.back(), 4) + " after the last epoch";

  Figure fig;
  fig.panels.push_back(loss);
  bool have_accuracy = false;
  for (double a : eval_accuracy_)
    have_accuracy = have_accuracy || std::isfinite(a);
  if (have_accuracy) {
    Chart acc;
    acc.title = "evaluation accuracy";
    acc.subtitle = "after the last epoch: " + fixed(eval_accuracy_.back(), 4);
    acc.x.label = "step";
    acc.y.label = "accuracy";
    acc.x.min = loss.x.min; // the same step axis, so that the epochs line up
    acc.x.max = loss.x.max;
    acc.series = {{"eval accuracy", eval_x_, eval_accuracy_, Draw::LineMarkers, "#2ca02c", 2, 1}};
    acc.legend = LegendPlace::BottomRight;
    fig.panels.push_back(acc);
    fig.panel_height = 360;
  }
  write_svg(dir_ + "/loss.svg", render_svg(fig));
  written_ = true;
}

std::vector<std::string> write_eval_plots(const std::string &dir, const EvalResult &r,
                                          const std::string &what) {
  using namespace dlc::plot;
  std::vector<std::string> written;
  if (r.task != Task::Classification)
    return written;
  const dlc::ClassificationMetrics &m = r.cls;

  if (m.binary && !m.pr_curve.empty()) {
    // sklearn's curve ends at (recall 0, precision 1), which has no threshold; drawn as
    // steps so that the area under the line is the average precision.
    std::vector<double> rec{0}, prec{1};
    for (const dlc::PrPoint &p : m.pr_curve) {
      rec.push_back(p.recall);
      prec.push_back(p.precision);
    }
    const double positives = m.support.size() > 1 ? static_cast<double>(m.support[1]) : 0;
    const double rate = m.samples > 0 ? positives / static_cast<double>(m.samples) : 0;
    Chart c;
    c.title = "Precision-recall curve (AP = " + fixed(m.average_precision, 4) + ")";
    c.subtitle = what + "; positive class 1: " + std::to_string(static_cast<long long>(positives)) +
                 " of " + std::to_string(m.samples) + " samples";
    c.x = {"recall", false, -0.02, 1.02};
    c.y = {"precision", false, -0.02, 1.02};
    c.series = {{"model (AP " + fixed(m.average_precision, 4) + ")", rec, prec, Draw::Steps,
                 "#1f77b4", 2, 1},
                {"no skill (positive rate " + fixed(rate, 3) + ")", {0, 1}, {rate, rate},
                 Draw::Line, "#7f7f7f", 1, 1}};
    c.legend = LegendPlace::BottomLeft;
    Figure f;
    f.panels = {c};
    f.width = 560;
    f.panel_height = 520;
    written.push_back(dir + "/pr_curve.svg");
    write_svg(written.back(), render_svg(f));
  }

  Heatmap h;
  h.title = "Confusion matrix (accuracy " + fixed(m.accuracy, 4) + ")";
  h.subtitle = what + "; colour: fraction of the true class";
  h.x_label = "predicted class";
  h.y_label = "true class";
  for (const auto &row : m.confusion)
    h.values.emplace_back(row.begin(), row.end());
  written.push_back(dir + "/confusion_matrix.svg");
  write_svg(written.back(), render_svg(h));
  return written;
}

} // namespace dlc_run
