// Metrics checked against sklearn 1.2 on small fixed examples (the reference values were
// computed with sklearn.metrics: accuracy_score, confusion_matrix,
// precision_recall_fscore_support(zero_division=0), log_loss, average_precision_score,
// precision_recall_curve).
#include <catch2/catch.hpp>

#include <cmath>

#include "dlc/metrics.hpp"

using Catch::Matchers::Contains;

namespace {

// 8 samples, 4 output columns; class 3 never occurs in the labels or the predictions.
const double kLogits[8][4] = {
    {2.0, 1.0, 0.1, -1}, {0.5, 2.5, 0.3, -1}, {0.2, 0.1, 3.0, -1}, {1.5, 0.2, 0.1, -1},
    {0.1, 0.3, 0.2, -1}, {2.0, 1.9, 0.5, -1}, {0.0, 0.0, 1.0, -1}, {1.0, 3.0, 0.0, -1},
};
const int64_t kLabels[8] = {0, 1, 2, 1, 2, 0, 2, 1};

// Binary: scores (logits) and 0/1 labels.
const double kScores[10] = {0.1, 0.9, 0.4, 0.4, 0.8, 0.2, 0.7, 0.3, -2.0, 1.5};
const int64_t kBinary[10] = {0, 1, 1, 0, 1, 0, 0, 1, 0, 1};

double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

} // namespace

TEST_CASE("multi-class: loss, accuracy, confusion matrix, precision/recall/F1", "[metrics]") {
  dlc::ClassificationAccumulator acc(4);
  for (int i = 0; i < 8; ++i)
    acc.add(kLogits[i], kLabels[i]);
  dlc::ClassificationMetrics m = acc.finish();
  CHECK(m.samples == 8);
  CHECK(m.num_classes == 4);
  CHECK(m.output_kind == "logits");
  CHECK_FALSE(m.binary);
  CHECK(m.loss == Approx(0.6721578030157765).epsilon(1e-12));
  CHECK(m.accuracy == 0.75);
  CHECK(m.correct == 6);
  std::vector<std::vector<int64_t>> cm = {{2, 0, 0, 0}, {1, 2, 0, 0}, {0, 1, 2, 0}, {0, 0, 0, 0}};
  CHECK(m.confusion == cm);
  std::vector<double> p = {2.0 / 3, 2.0 / 3, 1.0, 0.0}, r = {1.0, 2.0 / 3, 2.0 / 3, 0.0},
                      f = {0.8, 2.0 / 3, 0.8, 0.0};
  for (int k = 0; k < 4; ++k) {
    CHECK(m.precision[k] == Approx(p[k]).epsilon(1e-15));
    CHECK(m.recall[k] == Approx(r[k]).epsilon(1e-15));
    CHECK(m.f1[k] == Approx(f[k]).epsilon(1e-15));
  }
  CHECK(m.support == std::vector<int64_t>{2, 3, 3, 0});
  // sklearn's macro average runs over the labels present in y_true or y_pred: 0, 1, 2.
  CHECK(m.macro_classes == 3);
  CHECK(m.macro_precision == Approx(0.7777777777777777).epsilon(1e-15));
  CHECK(m.macro_recall == Approx(0.7777777777777777).epsilon(1e-15));
  CHECK(m.macro_f1 == Approx(0.7555555555555555).epsilon(1e-15));
  CHECK(m.weighted_f1 == Approx(0.75).epsilon(1e-15));
}

TEST_CASE("cross-entropy stays finite for large logits; ties go to the first class", "[metrics]") {
  dlc::ClassificationAccumulator acc(3);
  double big[3] = {1000.0, -1000.0, 999.0};
  acc.add(big, 2); // -log softmax = 1000 - 999 + log(1 + e^-1 + e^-1999)
  double tie[3] = {1.0, 1.0, 1.0};
  acc.add(tie, 1);
  dlc::ClassificationMetrics m = acc.finish();
  CHECK(m.loss == Approx((1.0 + std::log1p(std::exp(-1.0)) + std::log(3.0)) / 2).epsilon(1e-12));
  CHECK(m.confusion[2][0] == 1);
  CHECK(m.confusion[1][0] == 1);
  CHECK_THROWS_WITH(acc.add(tie, 3), Contains("label 3 >= 3 classes"));
}

TEST_CASE("binary, one logit column: sigmoid, BCE, PR curve and average precision", "[metrics]") {
  dlc::ClassificationAccumulator acc(1);
  for (int i = 0; i < 10; ++i)
    acc.add(&kScores[i], kBinary[i]);
  dlc::ClassificationMetrics m = acc.finish();
  CHECK(m.output_kind == "logit");
  CHECK(m.num_classes == 2);
  CHECK(m.binary);
  CHECK(m.loss == Approx(0.5666703157314643).epsilon(1e-12));
  CHECK(m.accuracy == 0.6); // predicted positive where the logit is > 0
  CHECK(m.confusion == std::vector<std::vector<int64_t>>{{1, 4}, {0, 5}});
  CHECK(m.precision[0] == 1.0);
  CHECK(m.precision[1] == Approx(0.5555555555555556).epsilon(1e-15));
  CHECK(m.recall[0] == Approx(0.2).epsilon(1e-15));
  CHECK(m.f1[0] == Approx(0.33333333333333337).epsilon(1e-15));
  CHECK(m.f1[1] == Approx(0.7142857142857143).epsilon(1e-15));
  CHECK(m.average_precision == Approx(0.8761904761904762).epsilon(1e-15));
  // sklearn's precision_recall_curve, highest threshold first (without its final (1, 0)).
  const double curve[9][3] = {{1.5, 1.0, 0.2},   {0.9, 1.0, 0.4},     {0.8, 1.0, 0.6},
                              {0.7, 0.75, 0.6},  {0.4, 2.0 / 3, 0.8}, {0.3, 5.0 / 7, 1.0},
                              {0.2, 0.625, 1.0}, {0.1, 5.0 / 9, 1.0}, {-2.0, 0.5, 1.0}};
  REQUIRE(m.pr_curve.size() == 9);
  for (int i = 0; i < 9; ++i) {
    CHECK(m.pr_curve[i].threshold == Approx(sigmoid(curve[i][0])).epsilon(1e-15));
    CHECK(m.pr_curve[i].precision == Approx(curve[i][1]).epsilon(1e-15));
    CHECK(m.pr_curve[i].recall == Approx(curve[i][2]).epsilon(1e-15));
  }
}

TEST_CASE("binary, two columns: the margin z1 - z0 ranks the samples", "[metrics]") {
  dlc::ClassificationAccumulator acc(2);
  for (int i = 0; i < 10; ++i) {
    double z[2] = {0.3, 0.3 + kScores[i]}; // softmax p1 = sigmoid(score)
    acc.add(z, kBinary[i]);
  }
  dlc::ClassificationMetrics m = acc.finish();
  CHECK(m.output_kind == "logits");
  CHECK(m.binary);
  CHECK(m.average_precision == Approx(0.8761904761904762).epsilon(1e-12));
  CHECK(m.loss == Approx(0.5666703157314643).epsilon(1e-12));
  CHECK(m.pr_curve.size() == 9);
}

TEST_CASE("average precision of a perfect and a reversed ranking", "[metrics]") {
  std::vector<std::pair<double, int8_t>> s = {{0.9, 1}, {0.8, 1}, {0.2, 0}, {0.1, 0}};
  CHECK(dlc::average_precision(dlc::pr_curve(s)) == 1.0);
  for (auto &p : s)
    p.second = !p.second;
  CHECK(dlc::average_precision(dlc::pr_curve(s)) == Approx(0.5 * 1.0 / 3 + 0.5 * 0.5));
}

TEST_CASE("regression: MSE, MAE, R^2", "[metrics]") {
  dlc::RegressionAccumulator acc;
  double pred[4] = {1.0, 2.0, 3.0, 5.0}, target[4] = {1.5, 2.0, 2.0, 4.0};
  acc.add(pred, target, 2);
  acc.add(pred + 2, target + 2, 2);
  dlc::RegressionMetrics m = acc.finish();
  CHECK(m.samples == 2);
  CHECK(m.values == 4);
  CHECK(m.mse == Approx((0.25 + 0 + 1 + 1) / 4.0));
  CHECK(m.mae == Approx((0.5 + 0 + 1 + 1) / 4.0));
  // sklearn r2_score([1.5, 2, 2, 4], [1, 2, 3, 5]) = 1 - 2.25 / 3.6875
  CHECK(m.r2 == Approx(1 - 2.25 / 3.6875).epsilon(1e-12));
}

TEST_CASE("metrics JSON", "[metrics]") {
  dlc::ClassificationAccumulator acc(1);
  for (int i = 0; i < 10; ++i)
    acc.add(&kScores[i], kBinary[i]);
  dlc::JsonWriter w;
  w.begin_object();
  w.value("name", "a \"quoted\"\n name");
  w.value("nan", NAN);
  dlc::write_json_fields(w, acc.finish(), 3);
  w.end_object();
  std::string s = w.str();
  CHECK_THAT(s, Contains("\"name\": \"a \\\"quoted\\\"\\n name\""));
  CHECK_THAT(s, Contains("\"nan\": null"));
  CHECK_THAT(s, Contains("\"accuracy\": 0.6,"));
  CHECK_THAT(s, Contains("\"confusion_matrix\": [\n    [1, 4],\n    [0, 5]\n  ]"));
  CHECK_THAT(s, Contains("\"points\": 9"));
  CHECK_THAT(s, Contains("\"points_shown\": 3"));
  CHECK_THAT(s, Contains("\"recall\": [0.2, 0.8, 1]")); // points 0, 4 and 8 of the curve
  CHECK(dlc::json_number(0.1) == "0.1");
  CHECK(dlc::json_number(1.0 / 3) == "0.33333333333333331");
}
