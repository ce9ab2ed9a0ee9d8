// Evaluation metrics over a model's first output: classification (cross-entropy, accuracy,
// per-class precision/recall/F1, confusion matrix, and for binary tasks the
// precision-recall curve and average precision) and regression (MSE, MAE). Accumulate
// sample by sample, then finish(). All arithmetic is in double.
#ifndef DLC_METRICS_HPP
#define DLC_METRICS_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "dlc/json.hpp"
#include "dlc/tensor.hpp"

namespace dlc {

// One point of a precision-recall curve: predicting positive when the positive-class
// probability is >= threshold.
struct PrPoint {
  double threshold;
  double precision;
  double recall;
};

struct ClassificationMetrics {
  int64_t samples = 0;
  int64_t num_classes = 0;
  // "logits": C >= 2 columns, softmax applied; "logit": one column, sigmoid applied (the
  // positive-class probability is sigmoid(output)).
  std::string output_kind;
  double loss = 0;     // mean cross-entropy (binary cross-entropy for one column)
  // What `loss` is, for the JSON; empty: the cross-entropy above. A caller that replaces
  // `loss` (with an artifact's own compiled loss) names it here.
  std::string loss_kind;
  double accuracy = 0; // correct / samples
  int64_t correct = 0;
  // [true class][predicted class]
  std::vector<std::vector<int64_t>> confusion;
  // Per class; 0 where undefined (no predictions of, or no samples in, a class), as
  // sklearn's zero_division=0.
  std::vector<double> precision, recall, f1;
  std::vector<int64_t> support;
  // Unweighted means over the classes that occur among the labels or the predictions
  // (sklearn's average="macro"), and the support-weighted F1.
  double macro_precision = 0, macro_recall = 0, macro_f1 = 0, weighted_f1 = 0;
  int64_t macro_classes = 0;
  // Binary tasks only (one or two columns): class 1 is the positive class.
  bool binary = false;
  double average_precision = 0;  // sklearn's average_precision_score
  std::vector<PrPoint> pr_curve; // thresholds descending (recall ascending)
};

class DLC_API ClassificationAccumulator {
public:
  // `columns` output values per sample: 1 (binary, a logit) or the number of classes.
  explicit ClassificationAccumulator(int64_t columns);
  // One sample: `scores` holds `columns` values, `label` lies in [0, classes).
  void add(const double *scores, int64_t label);
  ClassificationMetrics finish() const;
  int64_t num_classes() const { return classes_; }

private:
  int64_t columns_, classes_;
  int64_t samples_ = 0, correct_ = 0;
  double loss_sum_ = 0;
  std::vector<int64_t> confusion_;
  // Binary: the positive-class margin (a logit; the probability is its sigmoid) and label.
  std::vector<std::pair<double, int8_t>> margins_;
};

struct RegressionMetrics {
  int64_t samples = 0;
  int64_t values = 0; // samples x values per sample
  double mse = 0, mae = 0, rmse = 0;
  double r2 = 0; // 1 - SSE / SST over all values; 0 when the targets are constant
  // A loss other than the MSE (an artifact's own compiled loss) for the JSON's "loss" and
  // "loss_kind"; without it "loss" is the MSE.
  bool has_loss = false;
  double loss = 0;
  std::string loss_kind;
};

class DLC_API RegressionAccumulator {
public:
  // One sample of `n` predictions and targets.
  void add(const double *pred, const double *target, int64_t n);
  RegressionMetrics finish() const;

private:
  int64_t samples_ = 0, values_ = 0;
  double se_ = 0, ae_ = 0, sum_t_ = 0, sum_t2_ = 0;
};

// Precision-recall curve and average precision of scores against 0/1 labels, as
// sklearn.metrics.precision_recall_curve / average_precision_score: AP =
// sum_n (R_n - R_{n-1}) P_n over the distinct thresholds, highest first.
// `probability` maps a score to the threshold reported (identity when null).
DLC_API std::vector<PrPoint> pr_curve(std::vector<std::pair<double, int8_t>> scores_labels,
                                      double (*probability)(double) = nullptr);
DLC_API double average_precision(const std::vector<PrPoint> &curve);

// Adds the fields of the metrics to the open object of `w`.
DLC_API void write_json_fields(JsonWriter &w, const ClassificationMetrics &m,
                               size_t max_pr_points = 10000);
DLC_API void write_json_fields(JsonWriter &w, const RegressionMetrics &m);

} // namespace dlc

#endif // DLC_METRICS_HPP
