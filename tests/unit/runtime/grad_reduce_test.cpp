// dlc_model_set_grad_reducer: the calls a train_step makes reach the bound reducer, in
// order, with the bucket's buffers; what wait leaves in them is what the update reads.
// The linreg fixture makes the calls a compiled train_step makes (fixtures/linreg.c).
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "dlc/runtime.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using dlc_test::fixture;

namespace {

struct Recorder {
  std::vector<std::string> calls;
  float scale = 1; // what wait multiplies the gradients by (a stand-in for the average)
  int fail_start = 0;
};

std::string describe(const char *what, int64_t bucket, int32_t dtype, int64_t n, const int64_t *elements) {
  std::string s = std::string(what) + " " + std::to_string(bucket) + " " + dlc_dtype_name(dtype) + " [";
  for (int64_t i = 0; i < n; ++i)
    s += (i ? " " : "") + std::to_string(elements[i]);
  return s + "]";
}

int record_start(void *ctx, int64_t bucket, int32_t dtype, int64_t n, void *const *, const int64_t *elements) {
  auto *r = static_cast<Recorder *>(ctx);
  r->calls.push_back(describe("start", bucket, dtype, n, elements));
  return r->fail_start;
}

int record_wait(void *ctx, int64_t bucket, int32_t dtype, int64_t n, void *const *buffers, const int64_t *elements) {
  auto *r = static_cast<Recorder *>(ctx);
  r->calls.push_back(describe("wait", bucket, dtype, n, elements));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < elements[i]; ++k)
      static_cast<float *>(buffers[i])[k] *= r->scale;
  return 0;
}

// One linreg train_step (batch 4, 3 features) on fixed data; returns w and b after it.
std::vector<float> step(dlc::Model &m) {
  dlc::Tensor x(DLC_DTYPE_F32, {4, 3}), target(DLC_DTYPE_F32, {4, 1});
  for (int i = 0; i < 12; ++i)
    x.data_as<float>()[i] = 0.25f * static_cast<float>(i % 5) - 0.5f;
  for (int r = 0; r < 4; ++r)
    target.data_as<float>()[r] = static_cast<float>(r) - 1.0f;
  m.run("train_step", {{"x", &x}, {"target", &target}});
  const float *w = static_cast<const float *>(m.param_data(0));
  const float *b = static_cast<const float *>(m.param_data(1));
  return {w[0], w[1], w[2], b[0]};
}

// The gradient of linreg's mean squared error at the fixture's initial w = (0.1, -0.2, 0.3),
// b = 0.5, on step()'s data, computed here in double.
std::vector<double> initial_gradient() {
  const double w[3] = {0.1, -0.2, 0.3}, b = 0.5;
  std::vector<double> g(4, 0.0);
  for (int r = 0; r < 4; ++r) {
    double x[3], pred = b;
    for (int i = 0; i < 3; ++i) {
      x[i] = 0.25 * ((r * 3 + i) % 5) - 0.5;
      pred += x[i] * w[i];
    }
    double d = pred - (r - 1.0);
    for (int i = 0; i < 3; ++i)
      g[i] += 2 * d * x[i] / 4;
    g[3] += 2 * d / 4;
  }
  return g;
}

} // namespace

TEST_CASE("a bound gradient reducer sees each bucket start, then wait, and the update reads what wait leaves",
          "[run][reduce]") {
  dlc::Model m(fixture("linreg"));
  Recorder rec;
  rec.scale = 3;
  dlc_grad_reducer reducer{&rec, record_start, record_wait};
  char err[256];
  REQUIRE(dlc_model_set_grad_reducer(m.handle(), &reducer, err, sizeof err) == DLC_OK);
  std::vector<float> after = step(m);
  CHECK(rec.calls == std::vector<std::string>{"start 0 f32 [1]", "start 1 f32 [3]", "wait 0 f32 [1]", "wait 1 f32 [3]"});
  // SGD with lr 0.05 on three times the gradient.
  std::vector<double> g = initial_gradient();
  const double initial[4] = {0.1, -0.2, 0.3, 0.5};
  for (int i = 0; i < 4; ++i)
    CHECK(after[i] == Approx(initial[i] - 0.05 * 3 * g[i]).epsilon(1e-6));

  // Unbound: the same calls do nothing; the plain SGD step follows.
  REQUIRE(dlc_model_set_grad_reducer(m.handle(), nullptr, err, sizeof err) == DLC_OK);
  dlc::Model fresh(fixture("linreg"));
  std::vector<float> plain = step(fresh);
  for (int i = 0; i < 4; ++i)
    CHECK(plain[i] == Approx(initial[i] - 0.05 * g[i]).epsilon(1e-6));
  rec.calls.clear();
  step(m);
  CHECK(rec.calls.empty());
}

TEST_CASE("a reducer's failure fails the run; half a reducer is refused", "[run][reduce]") {
  dlc::Model m(fixture("linreg"));
  Recorder rec;
  rec.fail_start = 7;
  dlc_grad_reducer reducer{&rec, record_start, record_wait};
  char err[256];
  REQUIRE(dlc_model_set_grad_reducer(m.handle(), &reducer, err, sizeof err) == DLC_OK);
  CHECK_THROWS_WITH(step(m), Contains("the gradient reduction's start of bucket 0 failed (7)"));
  // After the first failure the remaining calls of that run are skipped.
  CHECK(rec.calls == std::vector<std::string>{"start 0 f32 [1]"});
  rec.fail_start = 0;
  rec.calls.clear();
  CHECK_NOTHROW(step(m));
  CHECK(rec.calls.size() == 4);

  dlc_grad_reducer half{&rec, record_start, nullptr};
  CHECK(dlc_model_set_grad_reducer(m.handle(), &half, err, sizeof err) == DLC_ERROR_INVALID_ARGUMENT);
  CHECK_THAT(std::string(err), Contains("needs both start and wait"));
  CHECK(dlc_model_set_grad_reducer(nullptr, &reducer, err, sizeof err) == DLC_ERROR_INVALID_ARGUMENT);
}
