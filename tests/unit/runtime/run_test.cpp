// dlc_model_run: numbers right on valid inputs, one precise message per invalid call.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <vector>

#include "dlc/runtime.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using dlc_test::fixture;

namespace {

const float kW[4] = {0.5f, -1.25f, 2.0f, 100.0f}; // add.c's initial weights
const float kB[3] = {1.0f, 2.0f, 3.0f};           // affine.c's b

dlc_tensor view(const char *name, dlc_dtype dtype, const std::vector<int64_t> &shape, void *data,
                uint64_t nbytes) {
  return dlc_tensor{name, dtype, static_cast<int32_t>(shape.size()), shape.data(), data, nbytes};
}

struct RunResult {
  dlc_status status;
  std::string message;
};

RunResult run(dlc::Model &m, const char *entry, const std::vector<dlc_tensor> &in,
              const std::vector<dlc_tensor> &out) {
  char err[1024];
  dlc_status st = dlc_model_run(m.handle(), entry, in.data(), static_cast<int32_t>(in.size()),
                                out.data(), static_cast<int32_t>(out.size()), err, sizeof err);
  return {st, err};
}

} // namespace

TEST_CASE("add: y = x + w", "[run]") {
  dlc::Model m(fixture("add"));
  dlc::Tensor x(DLC_DTYPE_F32, {4});
  float xs[4] = {1.0f, 2.0f, -3.0f, 0.25f};
  std::memcpy(x.data(), xs, sizeof xs);
  std::vector<dlc::Tensor> out = m.run("infer", {{"x", &x}});
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].describe() == "f32 4");
  for (int i = 0; i < 4; ++i)
    CHECK(out[0].data_as<float>()[i] == xs[i] + kW[i]);
}

TEST_CASE("element-aligned caller buffers are used in place, others staged", "[run]") {
  dlc::Model m(fixture("add"));
  alignas(64) float in_storage[8 + 1], out_storage[8 + 1];
  std::vector<int64_t> shape{4};
  SECTION("4 bytes past a 64-byte boundary: a float's alignment, no copy") {
    float *x = in_storage + 1, *y = out_storage + 1;
    for (int i = 0; i < 4; ++i)
      x[i] = static_cast<float>(i);
    auto r = run(m, "infer", {view("x", DLC_DTYPE_F32, shape, x, 16)}, {view("y", DLC_DTYPE_F32, shape, y, 16)});
    REQUIRE(r.message == "");
    for (int i = 0; i < 4; ++i)
      CHECK(y[i] == static_cast<float>(i) + kW[i]); // the fixture writes -12345 if misaligned
    CHECK(dlc_model_staged_bytes(m.handle()) == 0);
  }
  SECTION("2 bytes past: staged through aligned copies, both ways") {
    // char pointers: a float pointer that is not 4-byte aligned is undefined even for memcpy.
    char *x = reinterpret_cast<char *>(in_storage) + 2;
    char *y = reinterpret_cast<char *>(out_storage) + 2;
    float xs[4] = {1, 2, 3, 4}, ys[4];
    std::memcpy(x, xs, sizeof xs);
    auto r = run(m, "infer", {view("x", DLC_DTYPE_F32, shape, x, 16)}, {view("y", DLC_DTYPE_F32, shape, y, 16)});
    REQUIRE(r.message == "");
    std::memcpy(ys, y, sizeof ys);
    for (int i = 0; i < 4; ++i)
      CHECK(ys[i] == xs[i] + kW[i]);
    CHECK(dlc_model_staged_bytes(m.handle()) == 32);
  }
}

TEST_CASE("affine: named inputs in any order, several dtypes, rank 0", "[run]") {
  dlc::Model m(fixture("affine"));
  dlc::Tensor x(DLC_DTYPE_F32, {2, 3}), k(DLC_DTYPE_I32, {});
  for (int i = 0; i < 6; ++i)
    x.data_as<float>()[i] = 0.5f * static_cast<float>(i) - 1.0f;
  *k.data_as<int32_t>() = -3;
  for (int threads : {1, 2, 4}) {
    dlc_set_num_threads(threads);
    std::vector<dlc::Tensor> out = m.run("infer", {{"k", &k}, {"x", &x}});
    REQUIRE(out.size() == 2);
    double sum = 0;
    for (int i = 0; i < 6; ++i) {
      float expect = x.data_as<float>()[i] * -3.0f + kB[i % 3];
      CHECK(out[0].data_as<float>()[i] == expect);
      sum += expect;
    }
    CHECK(out[1].rank() == 0);
    CHECK(*out[1].data_as<double>() == Approx(sum));
  }
  dlc_set_num_threads(0);
}

TEST_CASE("inputs without names are taken by position", "[run]") {
  dlc::Model m(fixture("affine"));
  dlc::Tensor x(DLC_DTYPE_F32, {2, 3}), k(DLC_DTYPE_I32, {}), y(DLC_DTYPE_F32, {2, 3}),
      s(DLC_DTYPE_F64, {});
  *k.data_as<int32_t>() = 2;
  m.run("infer", {x.view(), k.view()}, {y.view(), s.view()});
  CHECK(y.data_as<float>()[4] == 2.0f);
  CHECK(*s.data_as<double>() == 12.0);
}

TEST_CASE("train_step updates the runtime-owned parameters in place", "[run]") {
  dlc::Model m(fixture("add_train"));
  dlc::Tensor x(DLC_DTYPE_F32, {4}), target(DLC_DTYPE_F32, {4}), lr(DLC_DTYPE_F32, {});
  float xs[4] = {1, 2, 3, 4}, ts[4] = {0, 0, 0, 0};
  std::memcpy(x.data(), xs, sizeof xs);
  std::memcpy(target.data(), ts, sizeof ts);
  *lr.data_as<float>() = 0.1f;

  float w[4], loss = 0;
  for (int i = 0; i < 4; ++i) {
    float d = xs[i] + kW[i] - ts[i];
    loss += d * d / 4;
    w[i] = kW[i] - 0.1f * 2.0f * d / 4.0f;
  }
  auto out = m.run("train_step", {{"x", &x}, {"target", &target}, {"lr", &lr}});
  CHECK(*out[0].data_as<float>() == Approx(loss));
  const float *p = static_cast<const float *>(m.param_data(0));
  for (int i = 0; i < 4; ++i)
    CHECK(p[i] == Approx(w[i]));
  auto y = m.run("infer", {{"x", &x}});
  for (int i = 0; i < 4; ++i)
    CHECK(y[0].data_as<float>()[i] == Approx(xs[i] + w[i]));
}

TEST_CASE("signature mismatches are refused with what and where", "[run]") {
  dlc::Model add(fixture("add")), affine(fixture("affine"));
  std::vector<int64_t> s4{4}, s3{3}, s23{2, 3}, scalar{};
  alignas(64) float buf[8] = {};
  alignas(64) double dbuf[8] = {};
  alignas(64) int32_t k = 1;
  dlc_tensor y = view("y", DLC_DTYPE_F32, s4, buf, sizeof buf);

  SECTION("wrong shape") {
    auto r = run(add, "infer", {view("x", DLC_DTYPE_F32, s3, buf, 12)}, {y});
    CHECK(r.status == DLC_ERROR_MISMATCH);
    CHECK(r.message == "input 'x': expected shape 4 f32, got 3 f32");
  }
  SECTION("wrong dtype") {
    auto r = run(add, "infer", {view("x", DLC_DTYPE_F64, s4, dbuf, 32)}, {y});
    CHECK(r.status == DLC_ERROR_MISMATCH);
    CHECK(r.message == "input 'x': expected shape 4 f32, got 4 f64");
  }
  SECTION("missing input") {
    dlc_tensor ys[2] = {view("y", DLC_DTYPE_F32, s23, buf, 24),
                        view("s", DLC_DTYPE_F64, scalar, dbuf, 8)};
    auto r = run(affine, "infer", {view("x", DLC_DTYPE_F32, s23, buf, 24)}, {ys[0], ys[1]});
    CHECK(r.status == DLC_ERROR_MISMATCH);
    CHECK(r.message == "missing input 'k' (scalar i32) for entry 'infer'");
  }
  SECTION("unknown input name") {
    auto r = run(add, "infer", {view("z", DLC_DTYPE_F32, s4, buf, 16)}, {y});
    CHECK(r.status == DLC_ERROR_MISMATCH);
    CHECK(r.message == "entry 'infer' has no input named 'z'; its inputs: x (4 f32)");
  }
  SECTION("input given twice") {
    auto r =
        run(add, "infer",
            {view("x", DLC_DTYPE_F32, s4, buf, 16), view("x", DLC_DTYPE_F32, s4, buf, 16)}, {y});
    CHECK(r.status == DLC_ERROR_MISMATCH);
    CHECK(r.message == "input 'x' is given twice");
  }
  SECTION("too many positional inputs") {
    auto r =
        run(add, "infer",
            {view(nullptr, DLC_DTYPE_F32, s4, buf, 16), view(nullptr, DLC_DTYPE_F32, s4, buf, 16)},
            {y});
    CHECK(r.status == DLC_ERROR_MISMATCH);
    CHECK(r.message == "entry 'infer' takes 1 input, got 2");
  }
  SECTION("wrong output shape") {
    auto r = run(add, "infer", {view("x", DLC_DTYPE_F32, s4, buf, 16)},
                 {view("y", DLC_DTYPE_F32, s23, buf, 24)});
    CHECK(r.status == DLC_ERROR_MISMATCH);
    CHECK(r.message == "output 'y': expected shape 4 f32, got 2x3 f32");
  }
  SECTION("buffer smaller than its shape") {
    auto r = run(add, "infer", {view("x", DLC_DTYPE_F32, s4, buf, 15)}, {y});
    CHECK(r.status == DLC_ERROR_MISMATCH);
    CHECK(r.message == "input 'x': the buffer holds 15 bytes, but 4 f32 needs 16");
  }
  SECTION("NULL data") {
    auto r = run(add, "infer", {view("x", DLC_DTYPE_F32, s4, nullptr, 16)}, {y});
    CHECK(r.status == DLC_ERROR_INVALID_ARGUMENT);
    CHECK(r.message == "input 'x': data is NULL");
  }
  SECTION("unknown entry point") {
    auto r = run(add, "train_step", {}, {});
    CHECK(r.status == DLC_ERROR_NOT_FOUND);
    CHECK_THAT(r.message, Contains("has no entry point 'train_step'; it has: infer"));
  }
  SECTION("the positional k must still match") {
    dlc_tensor ys[2] = {view("y", DLC_DTYPE_F32, s23, buf, 24),
                        view("s", DLC_DTYPE_F64, scalar, dbuf, 8)};
    auto r =
        run(affine, "infer",
            {view(nullptr, DLC_DTYPE_F32, s23, buf, 24), view(nullptr, DLC_DTYPE_I32, s4, &k, 4)},
            {ys[0], ys[1]});
    CHECK(r.status == DLC_ERROR_MISMATCH);
    CHECK(r.message == "input 'k': expected shape scalar i32, got 4 i32");
  }
}

TEST_CASE("the C++ run throws dlc::Error with the runtime's message", "[run]") {
  dlc::Model m(fixture("add"));
  dlc::Tensor x(DLC_DTYPE_F32, {64, 1, 28, 28});
  CHECK_THROWS_WITH(m.run("infer", {{"x", &x}}),
                    "input 'x': expected shape 4 f32, got 64x1x28x28 f32");
}

TEST_CASE("a shared parameter is one storage: one model's train_step, the other's infer", "[run][share]") {
  dlc::Model infer_model(fixture("add"));
  dlc::Tensor x(DLC_DTYPE_F32, {4}), target(DLC_DTYPE_F32, {4}), lr(DLC_DTYPE_F32, {});
  float xs[4] = {1, 2, 3, 4};
  std::memcpy(x.data(), xs, sizeof xs);
  *lr.data_as<float>() = 0.5f;
  {
    dlc::Model trained(fixture("add_train"));
    infer_model.share_params({0}, trained, {0});
    CHECK(infer_model.param_data(0) == trained.param_data(0));
    trained.run("train_step", {{"x", &x}, {"target", &target}, {"lr", &lr}});
    // Independent reference: one SGD step on the mean squared error of x + w against 0.
    for (int i = 0; i < 4; ++i) {
      float w = kW[i] - 0.5f * 2.0f * (xs[i] + kW[i]) / 4.0f;
      CHECK(static_cast<const float *>(infer_model.param_data(0))[i] == Approx(w));
    }
  }
  // The owner is gone; its storage is not.
  auto y = infer_model.run("infer", {{"x", &x}});
  for (int i = 0; i < 4; ++i)
    CHECK(y[0].data_as<float>()[i] == Approx(xs[i] + kW[i] - 0.5f * 2.0f * (xs[i] + kW[i]) / 4.0f));
  // A chain: a third model bound to the second one's (borrowed) storage.
  dlc::Model third(fixture("add"));
  third.share_params({0}, infer_model, {0});
  CHECK(third.param_data(0) == infer_model.param_data(0));
}

// (CUDA artifacts are refused too: tests/python/test_session.py, with a compiled one.)
TEST_CASE("sharing refuses other shapes and bad indices", "[run][share]") {
  dlc::Model add(fixture("add")), affine(fixture("affine"));
  char err[1024];
  int32_t zero = 0, five = 5;
  CHECK(dlc_model_share_params(add.handle(), &zero, affine.handle(), &zero, 1, err, sizeof err) ==
        DLC_ERROR_MISMATCH);
  CHECK_THAT(err, Catch::Contains("parameter 'w'") && Catch::Contains("is f32 4 but"));
  CHECK(dlc_model_share_params(add.handle(), &five, add.handle(), &zero, 1, err, sizeof err) ==
        DLC_ERROR_INVALID_ARGUMENT);
  CHECK_THAT(err, Catch::Contains("has no parameter 5"));
  CHECK(dlc_model_share_params(add.handle(), &zero, nullptr, &zero, 1, err, sizeof err) ==
        DLC_ERROR_INVALID_ARGUMENT);
  CHECK_THROWS_WITH(add.share_params({0}, affine, {0}), Catch::Contains("dlc_model_share_params"));
  // All or nothing: a bad second pair leaves the first one unbound.
  dlc::Model other(fixture("add"));
  void *before = add.param_data(0);
  CHECK_THROWS(add.share_params({0, 0}, other, {0, 3}));
  CHECK(add.param_data(0) == before);
  // Same shape, another layout: a transposed (inference) weight and a plain one.
  dlc::Model wt(fixture("classifier_wt")), w2(fixture("classifier_w2"));
  CHECK_THROWS_WITH(wt.share_params({0}, w2, {0}), Catch::Contains("laid out differently"));
}

TEST_CASE("ids a table lookup reads at are checked before the code runs", "[run][index]") {
  dlc::Model m(fixture("lookup"));
  std::vector<int64_t> ids{0, 9, -1, -10};
  std::vector<float> y(4, -7.0f);
  const std::vector<int64_t> shape{4}; // the views point to it
  auto in = view("ids", DLC_DTYPE_I64, shape, ids.data(), ids.size() * 8);
  auto out = view("y", DLC_DTYPE_F32, shape, y.data(), y.size() * 4);
  REQUIRE(run(m, "infer", {in}, {out}).status == DLC_OK);
  CHECK(y == std::vector<float>{0, 90, 90, 0});

  for (int64_t bad : {int64_t(10), int64_t(-11), int64_t(1) << 62, INT64_MIN}) {
    ids = {1, 2, bad, 3};
    std::fill(y.begin(), y.end(), -7.0f);
    auto r = run(m, "infer", {in}, {out});
    CHECK(r.status == DLC_ERROR_INVALID_ARGUMENT);
    CHECK_THAT(r.message, Contains("input 'ids' holds " + std::to_string(bad) + " at [2]") &&
                              Contains("Gather 'embed' takes values in [-10, 10)"));
    CHECK(y == std::vector<float>(4, -7.0f)); // the entry never ran
  }
}

TEST_CASE("an index check may allow one ignored value besides its range", "[run][index]") {
  dlc::Model m(fixture("lookup_ignore"));
  std::vector<int64_t> ids{1, -100, 2, 3};
  std::vector<float> y(4);
  const std::vector<int64_t> shape{4}; // the views point to it
  auto in = view("ids", DLC_DTYPE_I64, shape, ids.data(), ids.size() * 8);
  auto out = view("y", DLC_DTYPE_F32, shape, y.data(), y.size() * 4);
  REQUIRE(run(m, "infer", {in}, {out}).status == DLC_OK);
  CHECK(y == std::vector<float>{10, -1, 20, 30});
  ids[1] = -99;
  auto r = run(m, "infer", {in}, {out});
  CHECK(r.status == DLC_ERROR_INVALID_ARGUMENT);
  CHECK_THAT(r.message, Contains("holds -99 at [1]") && Contains("[-10, 10) or -100 (ignored)"));
}
