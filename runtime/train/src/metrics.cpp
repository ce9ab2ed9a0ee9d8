// Evaluation metrics and their JSON form.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "dlc/metrics.hpp"

namespace dlc {

namespace {

double sigmoid(double z) {
  if (z >= 0)
    return 1.0 / (1.0 + std::exp(-z));
  double e = std::exp(z);
  return e / (1.0 + e);
}

} // namespace

ClassificationAccumulator::ClassificationAccumulator(int64_t columns)
    : columns_(columns), classes_(columns == 1 ? 2 : columns) {
  if (columns < 1)
    throw Error("a classifier needs at least one output column, got " + std::to_string(columns));
  if (classes_ > 100000)
    throw Error(std::to_string(classes_) + " classes are too many for a confusion matrix");
  confusion_.assign(static_cast<size_t>(classes_ * classes_), 0);
}

void ClassificationAccumulator::add(const double *z, int64_t label) {
  if (label < 0 || label >= classes_)
    throw Error("label " + std::to_string(label) + " >= " + std::to_string(classes_) + " classes");
  int64_t pred;
  if (columns_ == 1) {
    // Binary cross-entropy of sigmoid(z), stably: max(z, 0) - z y + log(1 + e^-|z|).
    double y = static_cast<double>(label);
    loss_sum_ += std::max(z[0], 0.0) - z[0] * y + std::log1p(std::exp(-std::fabs(z[0])));
    pred = z[0] > 0 ? 1 : 0;
    margins_.emplace_back(z[0], static_cast<int8_t>(label));
  } else {
    // -log softmax(z)[label] = logsumexp(z) - z[label]; argmax takes the first maximum.
    double m = z[0];
    pred = 0;
    for (int64_t k = 1; k < columns_; ++k)
      if (z[k] > m) {
        m = z[k];
        pred = k;
      }
    if (std::isinf(m)) {
      loss_sum_ += z[label] == m ? 0.0 : INFINITY;
    } else {
      double s = 0;
      for (int64_t k = 0; k < columns_; ++k)
        s += std::exp(z[k] - m);
      loss_sum_ += m + std::log(s) - z[label];
    }
    if (columns_ == 2)
      margins_.emplace_back(z[1] - z[0], static_cast<int8_t>(label));
  }
  correct_ += pred == label;
  ++confusion_[static_cast<size_t>(label * classes_ + pred)];
  ++samples_;
}

ClassificationMetrics ClassificationAccumulator::finish() const {
  ClassificationMetrics m;
  m.samples = samples_;
  m.num_classes = classes_;
  m.output_kind = columns_ == 1 ? "logit" : "logits";
  m.correct = correct_;
  m.loss = samples_ ? loss_sum_ / static_cast<double>(samples_) : 0;
  m.accuracy = samples_ ? static_cast<double>(correct_) / static_cast<double>(samples_) : 0;
  size_t c = static_cast<size_t>(classes_);
  m.confusion.assign(c, std::vector<int64_t>(c, 0));
  for (size_t t = 0; t < c; ++t)
    for (size_t p = 0; p < c; ++p)
      m.confusion[t][p] = confusion_[t * c + p];
  double wf1 = 0;
  for (size_t k = 0; k < c; ++k) {
    int64_t tp = m.confusion[k][k], predicted = 0, support = 0;
    for (size_t j = 0; j < c; ++j) {
      predicted += m.confusion[j][k];
      support += m.confusion[k][j];
    }
    double p = predicted ? static_cast<double>(tp) / static_cast<double>(predicted) : 0;
    double r = support ? static_cast<double>(tp) / static_cast<double>(support) : 0;
    double f = predicted + support
                   ? 2.0 * static_cast<double>(tp) / static_cast<double>(predicted + support)
                   : 0;
    m.precision.push_back(p);
    m.recall.push_back(r);
    m.f1.push_back(f);
    m.support.push_back(support);
    if (predicted || support) {
      m.macro_precision += p;
      m.macro_recall += r;
      m.macro_f1 += f;
      ++m.macro_classes;
    }
    wf1 += f * static_cast<double>(support);
  }
  if (m.macro_classes) {
    m.macro_precision /= static_cast<double>(m.macro_classes);
    m.macro_recall /= static_cast<double>(m.macro_classes);
    m.macro_f1 /= static_cast<double>(m.macro_classes);
  }
  m.weighted_f1 = samples_ ? wf1 / static_cast<double>(samples_) : 0;
  if (columns_ <= 2) {
    m.binary = true;
    m.pr_curve = pr_curve(margins_, sigmoid);
    m.average_precision = average_precision(m.pr_curve);
  }
  return m;
}

std::vector<PrPoint> pr_curve(std::vector<std::pair<double, int8_t>> sl,
                              double (*probability)(double)) {
  for (auto &p : sl)
    if (std::isnan(p.first))
      p.first = -INFINITY; // a nan score ranks last
  std::stable_sort(sl.begin(), sl.end(),
                   [](const auto &a, const auto &b) { return a.first > b.first; });
  int64_t positives = 0;
  for (const auto &p : sl)
    positives += p.second != 0;
  std::vector<PrPoint> out;
  int64_t tp = 0, fp = 0;
  for (size_t i = 0; i < sl.size(); ++i) {
    if (sl[i].second)
      ++tp;
    else
      ++fp;
    if (i + 1 < sl.size() && sl[i + 1].first == sl[i].first)
      continue; // a threshold takes every sample of its score
    double t = probability ? probability(sl[i].first) : sl[i].first;
    out.push_back({t, static_cast<double>(tp) / static_cast<double>(tp + fp),
                   positives ? static_cast<double>(tp) / static_cast<double>(positives) : 0});
  }
  return out;
}

double average_precision(const std::vector<PrPoint> &curve) {
  double ap = 0, prev = 0;
  for (const PrPoint &p : curve) {
    ap += (p.recall - prev) * p.precision;
    prev = p.recall;
  }
  return ap;
}

void RegressionAccumulator::add(const double *pred, const double *target, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    double d = pred[i] - target[i];
    se_ += d * d;
    ae_ += std::fabs(d);
    // Welford's running mean and sum of squared deviations of the targets.
    ++values_;
    double delta = target[i] - sum_t_;
    sum_t_ += delta / static_cast<double>(values_);
    sum_t2_ += delta * (target[i] - sum_t_);
  }
  ++samples_;
}

RegressionMetrics RegressionAccumulator::finish() const {
  RegressionMetrics m;
  m.samples = samples_;
  m.values = values_;
  if (values_) {
    m.mse = se_ / static_cast<double>(values_);
    m.mae = ae_ / static_cast<double>(values_);
    m.rmse = std::sqrt(m.mse);
    m.r2 = sum_t2_ > 0 ? 1.0 - se_ / sum_t2_ : 0;
  }
  return m;
}

void write_json_fields(JsonWriter &w, const ClassificationMetrics &m, size_t max_pr_points) {
  w.value("task", "classification");
  w.value("samples", m.samples);
  w.value("num_classes", m.num_classes);
  w.value("output_kind", m.output_kind);
  w.value("output_transform", m.output_kind == "logit" ? "sigmoid" : "softmax");
  w.value("loss", m.loss);
  w.value("loss_kind", !m.loss_kind.empty()      ? m.loss_kind
                       : m.output_kind == "logit" ? "binary_cross_entropy"
                                                  : "cross_entropy");
  w.value("accuracy", m.accuracy);
  w.value("correct", m.correct);
  w.array("precision", m.precision);
  w.array("recall", m.recall);
  w.array("f1", m.f1);
  w.array("support", m.support);
  w.value("macro_precision", m.macro_precision);
  w.value("macro_recall", m.macro_recall);
  w.value("macro_f1", m.macro_f1);
  w.value("macro_classes", m.macro_classes);
  w.value("weighted_f1", m.weighted_f1);
  w.value("confusion_matrix_layout", "rows: true class, columns: predicted class");
  w.begin_array("confusion_matrix");
  for (const auto &row : m.confusion)
    w.array("", row);
  w.end_array();
  if (m.binary) {
    w.value("positive_class", int64_t{1});
    w.value("average_precision", m.average_precision);
    // Every distinct threshold, or an even subsample of them past max_pr_points.
    std::vector<double> t, p, r;
    size_t n = m.pr_curve.size();
    size_t keep = max_pr_points >= 2 && n > max_pr_points ? max_pr_points : n;
    for (size_t i = 0; i < keep; ++i) {
      size_t j = keep == n ? i : (keep == 1 ? 0 : i * (n - 1) / (keep - 1));
      t.push_back(m.pr_curve[j].threshold);
      p.push_back(m.pr_curve[j].precision);
      r.push_back(m.pr_curve[j].recall);
    }
    w.begin_object("pr_curve");
    w.value("points", static_cast<int64_t>(n));
    w.value("points_shown", static_cast<int64_t>(keep));
    w.value("threshold_meaning", "positive-class probability >= threshold");
    w.array("threshold", t);
    w.array("precision", p);
    w.array("recall", r);
    w.end_object();
  }
}

void write_json_fields(JsonWriter &w, const RegressionMetrics &m) {
  w.value("task", "regression");
  w.value("samples", m.samples);
  w.value("values", m.values);
  w.value("loss", m.has_loss ? m.loss : m.mse);
  w.value("loss_kind", m.has_loss ? m.loss_kind : "mse");
  w.value("mse", m.mse);
  w.value("mae", m.mae);
  w.value("rmse", m.rmse);
  w.value("r2", m.r2);
}

} // namespace dlc
