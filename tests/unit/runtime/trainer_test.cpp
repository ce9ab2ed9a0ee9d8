// dlc::LrSchedule, the Trainer's learning-rate policy, against the closed forms of
// PyTorch's StepLR (lr * gamma^floor(step / step_size)) and CosineAnnealingLR with
// eta_min = 0 (lr * (1 + cos(pi * step / T)) / 2), evaluated here at points where they are
// exact. The Trainer's loop, resume and checkpoints run in dlc_run_train_test.py.
#include <catch2/catch.hpp>

#include "dlc/trainer.hpp"

using Catch::Matchers::Contains;

TEST_CASE("learning-rate schedules: constant, step and cosine", "[trainer]") {
  dlc::LrSchedule constant = dlc::LrSchedule::parse("constant");
  CHECK(constant.text == "constant");
  CHECK(constant.at(0.1, 57, 100) == 0.1);

  dlc::LrSchedule step = dlc::LrSchedule::parse("step:3:0.5");
  CHECK(step.text == "step:3:0.5");
  CHECK(step.at(0.8, 0, 10) == 0.8);
  CHECK(step.at(0.8, 2, 10) == 0.8);
  CHECK(step.at(0.8, 3, 10) == 0.4);
  CHECK(step.at(0.8, 6, 10) == 0.2);

  dlc::LrSchedule cosine = dlc::LrSchedule::parse("cosine");
  CHECK(cosine.at(0.1, 0, 100) == Approx(0.1));
  CHECK(cosine.at(0.1, 50, 100) == Approx(0.05));
  CHECK(cosine.at(0.1, 100, 100) == Approx(0.0).margin(1e-15));
}

TEST_CASE("learning-rate schedules: what the text gets wrong is named", "[trainer]") {
  CHECK_THROWS_WITH(dlc::LrSchedule::parse("linear"),
                    Contains("expects constant, step:EVERY:GAMMA or cosine, got 'linear'"));
  CHECK_THROWS_WITH(dlc::LrSchedule::parse("step:3"), Contains("expects constant"));
  CHECK_THROWS_WITH(dlc::LrSchedule::parse("step:0:0.5"), Contains("EVERY must be a positive integer, got '0'"));
  CHECK_THROWS_WITH(dlc::LrSchedule::parse("step:2:-1"), Contains("GAMMA must be a positive number, got '-1'"));
}
