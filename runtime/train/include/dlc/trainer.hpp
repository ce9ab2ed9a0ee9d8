// The training loop's policy, shared by `dlc-run train` and any program that trains an
// artifact: the data order (step s uses batch s mod K of epoch s div K, K = floor(samples /
// batch size); an epoch's order is a seeded shuffle of (seed, epoch)), the learning-rate
// schedule written into "optimizer.lr" before each step, the step count, and checkpoints
// from which a resumed run feeds exactly the batches the uninterrupted run would have.
//
// The training ABI it relies on (what `dlc compile --train` produces): train_step takes the
// model's data inputs, then the label input, and has one output "loss" (f32 scalar); it
// updates the parameters in place. "optimizer.lr" (f32 scalar parameter) is the learning
// rate it uses, "optimizer.step" (i64 scalar) the steps done, which train_step increments;
// "rng.seed" (i64 scalar), when present, seeds dropout's masks with the run's seed;
// "rng.rank" (i64 scalar) is the data-parallel rank, which numbers the mask's elements.
#ifndef DLC_TRAINER_HPP
#define DLC_TRAINER_HPP

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dlc/data_parallel.hpp"
#include "dlc/dataset.hpp"
#include "dlc/runtime.hpp"

namespace dlc {

// constant; step:EVERY:GAMMA, lr * GAMMA^floor(step / EVERY); cosine, lr * 0.5 * (1 +
// cos(pi * step / total steps)).
struct DLC_API LrSchedule {
  enum Kind { Constant, Step, Cosine } kind = Constant;
  int64_t every = 0;
  double gamma = 1;
  std::string text = "constant"; // canonical form, stored in checkpoints

  // Throws dlc::Error saying what is wrong with `text`.
  static LrSchedule parse(const std::string &text);
  // The learning rate of step `step` (0-based: the number of steps done before it).
  double at(double base, int64_t step, int64_t total) const;
};

// Where a run stands: what a checkpoint records and a resumed run continues from.
struct TrainingState {
  int64_t step = 0; // steps done
  uint64_t seed = 0;
  bool shuffle = true;
  double base_lr = NAN; // NAN: the artifact's compiled optimizer.lr
  LrSchedule schedule;
};

// The checkpoint of a run, read back.
struct ResumedRun {
  TrainingState state;
  bool has_lr = false;       // the checkpoint records the learning rate and schedule
  std::string model_name;    // of the artifact that wrote it
};

class DLC_API Trainer {
public:
  // The artifact's train_step, checked against the training ABI above; throws dlc::Error
  // naming the artifact.
  static const dlc_entry_desc &train_entry(const Model &model);

  // `bindings`: bind_inputs(data, train_entry(model)), whose batch size is the compiled
  // one; `data_spec` names the data set in messages and checkpoints. Both `model` and
  // `data` must outlive the Trainer.
  Trainer(Model &model, const Dataset &data, std::vector<InputBinding> bindings, std::string data_spec);

  int64_t batch_size() const { return batch_; }
  int64_t samples() const { return samples_; }
  int64_t batches_per_epoch() const { return batches_; }
  // The artifact has "optimizer.lr", so the learning rate can be set.
  bool has_lr() const { return lr_ != nullptr; }
  double compiled_lr() const { return lr_ ? static_cast<double>(compiled_lr_) : NAN; }

  // Data parallelism: this process is rank r of the averager's N ranks. Step s then feeds
  // the slice [r * B, (r + 1) * B) of the global batch that a one-process run at batch N * B
  // would take at step s (batches_per_epoch() counts global batches), train_step's
  // gradients are averaged over the ranks, and step() returns the loss averaged over them.
  // Checkpoints record N. Before start(); the averager must outlive the Trainer.
  void set_data_parallel(GradientAverager &averager);
  int64_t ranks() const { return ranks_; }

  // Loads checkpoint `path` into the model (parameters and optimizer state) and returns the
  // state of the run that wrote it. Throws when the file has no training state or was
  // written training on another data set size or batch size.
  ResumedRun load_checkpoint(const std::string &path);

  // Starts the run at `state` (a fresh one, or what load_checkpoint returned), ending after
  // step `total_steps`. Returns notes for the user (an artifact whose step count is not 0).
  std::vector<std::string> start(const TrainingState &state, int64_t total_steps, bool resumed);

  const TrainingState &state() const { return state_; }
  int64_t total_steps() const { return total_; }
  bool done() const { return state_.step >= total_; }

  // Runs train_step on the next batch and returns its loss.
  double step();
  // The learning rate the last step used (NAN without "optimizer.lr").
  double last_lr() const { return last_lr_; }

  // Writes a checkpoint of the parameters and the run's state, crash-safely; `writer`
  // names the program in its metadata.
  void save(const std::string &path, const std::string &writer = "dlc-run") const;

private:
  std::string where() const;

  Model *model_;
  const Dataset *data_;
  std::vector<InputBinding> bindings_;
  std::string spec_;
  int64_t batch_ = 0, samples_ = 0, batches_ = 0, total_ = 0;
  GradientAverager *averager_ = nullptr;
  int64_t rank_ = 0, ranks_ = 1;
  float *lr_ = nullptr;
  float compiled_lr_ = 0;
  int64_t *step_ = nullptr, *seed_ = nullptr, *rng_rank_ = nullptr;
  TrainingState state_;
  double last_lr_ = NAN;
  int64_t epoch_ = -1;
  std::unique_ptr<Batcher> batcher_;
  std::vector<Tensor> inputs_;
  std::vector<dlc_tensor> input_views_;
  Tensor loss_{DLC_DTYPE_F32, {}};
};

} // namespace dlc

#endif // DLC_TRAINER_HPP
