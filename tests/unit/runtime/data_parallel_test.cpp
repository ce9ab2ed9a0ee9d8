// dlc::GradientAverager without MPI: a communicator that stands for N ranks holding the
// same values (its sum is N times the value) makes the average the identity, so a step
// through the averager must equal a step without one; the reductions go through the
// background thread in order, and the loss average too.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "dlc/data_parallel.hpp"
#include "dlc/npy.hpp"
#include "dlc/trainer.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using dlc_test::fixture;

namespace {

class EchoRanks final : public dlc::Communicator {
public:
  explicit EchoRanks(int n) : n_(n) {}
  int rank() const override { return 0; }
  int size() const override { return n_; }
  void allreduce_sum(void *data, int64_t count, dlc_dtype dtype) override {
    sizes.push_back(count);
    if (fail)
      throw dlc::Error("link down");
    for (int64_t i = 0; i < count; ++i) {
      if (dtype == DLC_DTYPE_F32)
        static_cast<float *>(data)[i] *= static_cast<float>(n_);
      else
        static_cast<double *>(data)[i] *= n_;
    }
  }
  std::string describe() const override { return "echo"; }
  std::vector<int64_t> sizes; // read after the averager's thread is done with it
  bool fail = false;

private:
  int n_;
};

std::vector<float> train_step(dlc::Model &m) {
  dlc::Tensor x(DLC_DTYPE_F32, {4, 3}), target(DLC_DTYPE_F32, {4, 1});
  for (int i = 0; i < 12; ++i)
    x.data_as<float>()[i] = 0.1f * static_cast<float>(i) - 0.4f;
  for (int r = 0; r < 4; ++r)
    target.data_as<float>()[r] = static_cast<float>(r % 2);
  m.run("train_step", {{"x", &x}, {"target", &target}});
  const float *w = static_cast<const float *>(m.param_data(0));
  const float *b = static_cast<const float *>(m.param_data(1));
  return {w[0], w[1], w[2], b[0]};
}

} // namespace

TEST_CASE("the gradient averager's step equals a plain step when every rank holds the same gradients",
          "[data_parallel]") {
  EchoRanks comm(4);
  std::vector<float> averaged, plain;
  {
    dlc::GradientAverager avg(comm);
    dlc::Model m(fixture("linreg"));
    avg.bind(m);
    averaged = train_step(m);
    CHECK(avg.stats().buckets == 2);
    CHECK(avg.stats().bytes == 4 * 4);
    double loss[2] = {1.5, -2};
    avg.allreduce_sum(loss, 2);
    CHECK(loss[0] == 6.0);
    CHECK(loss[1] == -8.0);
  }
  dlc::Model fresh(fixture("linreg"));
  plain = train_step(fresh);
  CHECK(averaged == plain);
  // Bucket 0 (b, 1 value), bucket 1 (w, 3 values), then the two doubles.
  CHECK(comm.sizes == std::vector<int64_t>{1, 3, 2});
}

TEST_CASE("a failing reduction fails the step and the next allreduce", "[data_parallel]") {
  EchoRanks comm(2);
  comm.fail = true;
  dlc::GradientAverager avg(comm);
  dlc::Model m(fixture("linreg"));
  avg.bind(m);
  CHECK_THROWS_WITH(train_step(m), Contains("the gradient reduction's wait of bucket 0 failed (3)"));
  double v = 1;
  CHECK_THROWS_WITH(avg.allreduce_sum(&v, 1), Contains("link down"));
}

TEST_CASE("the Trainer refuses data parallelism on fewer samples than one global batch", "[data_parallel]") {
  dlc_test::TempDir dir;
  // 12 samples, linreg's batch 4: one process has 3 batches, 4 ranks not one.
  std::vector<dlc::NamedTensor> arrays;
  arrays.push_back({"x", dlc::Tensor(DLC_DTYPE_F32, {12, 3})});
  arrays.push_back({"target", dlc::Tensor(DLC_DTYPE_F32, {12, 1})});
  std::memset(arrays[0].tensor.data(), 0, arrays[0].tensor.nbytes());
  std::memset(arrays[1].tensor.data(), 0, arrays[1].tensor.nbytes());
  dlc::write_npz(dir.file("d.npz"), arrays);
  dlc::Model m(fixture("linreg"));
  const dlc_entry_desc &e = dlc::Trainer::train_entry(m);
  dlc::Dataset d = dlc::Dataset::load("npz:" + dir.file("d.npz"));
  dlc::BindOptions o;
  o.label_input = "target";
  dlc::Trainer t(m, d, dlc::bind_inputs(d, e, o), "npz:d.npz");
  EchoRanks comm(4);
  dlc::GradientAverager avg(comm);
  CHECK_THROWS_WITH(t.set_data_parallel(avg), Contains("fewer than one global batch of 16 (4 ranks of 4)"));
}
