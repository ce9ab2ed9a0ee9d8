#include "dlc/trainer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "dlc/checkpoint.hpp"
#include "dlc/json.hpp"

namespace dlc {

namespace {

constexpr const char *kCheckpointFormat = "dlc-checkpoint";
constexpr const char *kCheckpointVersion = "1";

double parse_double(const std::string &what, const std::string &s) {
  char *end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end || !std::isfinite(v))
    throw Error(what + " expects a number, got '" + s + "'");
  return v;
}

int64_t parse_i64(const std::string &what, const std::string &s) {
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end || errno)
    throw Error(what + ": '" + s + "' is not an integer");
  return v;
}

// The scalar parameter `name` of dtype `dtype`, or null when the artifact has none.
template <typename T> T *scalar_param(Model &model, const char *name, dlc_dtype dtype, const char *what) {
  int i = dlc_model_find_param(model.handle(), name);
  if (i < 0)
    return nullptr;
  const dlc_tensor_desc &t = model.param(i).tensor;
  if (t.rank != 0 || t.dtype != dtype)
    throw Error("parameter '" + std::string(name) + "' of '" + dlc_model_path(model.handle()) + "' is " +
                shape_string(t.shape, t.rank) + " " + dlc_dtype_name(t.dtype) + ", expected " + what);
  return static_cast<T *>(model.param_data(i));
}

} // namespace

LrSchedule LrSchedule::parse(const std::string &s) {
  LrSchedule out;
  const std::string usage = "--lr-schedule expects constant, step:EVERY:GAMMA or cosine, got '" + s + "'";
  if (s == "constant")
    return out;
  if (s == "cosine") {
    out.kind = Cosine;
    out.text = s;
    return out;
  }
  if (s.compare(0, 5, "step:") == 0) {
    size_t colon = s.find(':', 5);
    if (colon == std::string::npos)
      throw Error(usage);
    std::string every = s.substr(5, colon - 5), gamma = s.substr(colon + 1);
    char *end = nullptr;
    errno = 0;
    long long e = std::strtoll(every.c_str(), &end, 10);
    if (every.empty() || *end || errno || e < 1)
      throw Error("--lr-schedule step:EVERY:GAMMA: EVERY must be a positive integer, got '" + every + "'");
    end = nullptr;
    double g = std::strtod(gamma.c_str(), &end);
    if (gamma.empty() || *end || !std::isfinite(g) || g <= 0)
      throw Error("--lr-schedule step:EVERY:GAMMA: GAMMA must be a positive number, got '" + gamma + "'");
    out.kind = Step;
    out.every = e;
    out.gamma = g;
    out.text = "step:" + std::to_string(e) + ":" + number_text(g);
    return out;
  }
  throw Error(usage);
}

double LrSchedule::at(double base, int64_t step, int64_t total) const {
  switch (kind) {
  case Constant:
    return base;
  case Step:
    return base * std::pow(gamma, static_cast<double>(step / every));
  case Cosine:
    return base * 0.5 * (1.0 + std::cos(M_PI * static_cast<double>(step) / static_cast<double>(total)));
  }
  return base;
}

const dlc_entry_desc &Trainer::train_entry(const Model &model) {
  const std::string path = dlc_model_path(model.handle());
  const dlc_entry_desc *train = model.find_entry("train_step");
  if (!train)
    throw Error("'train' needs an artifact compiled with --train ('" + path +
                "' has no train_step entry point; compile with dlc compile --train)");
  const std::string where = "entry 'train_step' of '" + path + "'";
  if (train->num_inputs < 1)
    throw Error(where + " takes no inputs; it needs at least the label input");
  if (train->num_outputs != 1 || std::strcmp(train->outputs[0].name, "loss") != 0 || train->outputs[0].rank != 0 ||
      train->outputs[0].dtype != DLC_DTYPE_F32)
    throw Error(where + " must have exactly one output, 'loss' (f32 scalar)");
  return *train;
}

Trainer::Trainer(Model &model, const Dataset &data, std::vector<InputBinding> bindings, std::string data_spec)
    : model_(&model), data_(&data), bindings_(std::move(bindings)), spec_(std::move(data_spec)) {
  train_entry(model);
  if (bindings_.empty())
    throw Error(spec_ + ": nothing is bound to train_step's inputs");
  batch_ = bindings_[0].shape[0];
  samples_ = data.size();
  batches_ = samples_ / batch_;
  if (batches_ == 0)
    throw Error(spec_ + ": " + std::to_string(samples_) + " samples, fewer than one batch of " +
                std::to_string(batch_) + " (the batch size train_step was compiled for)");
  lr_ = scalar_param<float>(model, "optimizer.lr", DLC_DTYPE_F32, "an f32 scalar");
  step_ = scalar_param<int64_t>(model, "optimizer.step", DLC_DTYPE_I64, "an i64 scalar");
  seed_ = scalar_param<int64_t>(model, "rng.seed", DLC_DTYPE_I64, "an i64 scalar");
  rng_rank_ = scalar_param<int64_t>(model, "rng.rank", DLC_DTYPE_I64, "an i64 scalar");
  if (lr_)
    compiled_lr_ = *lr_;
}

std::string Trainer::where() const { return dlc_model_path(model_->handle()); }

void Trainer::set_data_parallel(GradientAverager &averager) {
  if (batcher_)
    throw Error("Trainer::set_data_parallel after Trainer::start");
  const int64_t ranks = averager.communicator().size();
  if (samples_ / (batch_ * ranks) == 0)
    throw Error(spec_ + ": " + std::to_string(samples_) + " samples, fewer than one global batch of " +
                std::to_string(batch_ * ranks) + " (" + std::to_string(ranks) + " ranks of " + std::to_string(batch_) +
                ")");
  averager.bind(*model_);
  averager_ = &averager;
  rank_ = averager.communicator().rank();
  ranks_ = ranks;
  batches_ = samples_ / (batch_ * ranks_);
}

ResumedRun Trainer::load_checkpoint(const std::string &path) {
  CheckpointLoad loaded = dlc::load_checkpoint(*model_, path);
  auto meta = [&](const char *key) -> const std::string * {
    for (const auto &kv : loaded.metadata)
      if (kv.first == key)
        return &kv.second;
    return nullptr;
  };
  auto need = [&](const char *key) -> const std::string & {
    const std::string *v = meta(key);
    if (!v)
      throw Error("checkpoint '" + path + "' has no training state to resume from (no '" + key +
                  "' in its metadata); 'dlc-run eval --checkpoint' can still use it");
    return *v;
  };
  const std::string *fmt = meta("format");
  if (fmt && *fmt != kCheckpointFormat)
    throw Error("checkpoint '" + path + "' has no training state to resume from (its metadata 'format' is '" + *fmt +
                "', not '" + kCheckpointFormat + "'); 'dlc-run eval --checkpoint' can still use it");
  need("format");
  const std::string ck = "checkpoint '" + path + "'";
  ResumedRun r;
  r.state.step = parse_i64(ck + ": metadata 'step'", need("step"));
  int64_t batch = parse_i64(ck + ": metadata 'batch_size'", need("batch_size"));
  int64_t samples = parse_i64(ck + ": metadata 'samples'", need("samples"));
  r.state.seed = static_cast<uint64_t>(parse_i64(ck + ": metadata 'seed'", need("seed")));
  r.state.shuffle = need("shuffle") == "true";
  if (r.state.step < 0)
    throw Error(ck + ": metadata 'step' is negative");
  int64_t ranks = 1;
  if (const std::string *v = meta("ranks"))
    ranks = parse_i64(ck + ": metadata 'ranks'", *v);
  auto batches = [](int64_t b, int64_t n) {
    return std::to_string(b) + (n > 1 ? " on each of " + std::to_string(n) + " ranks" : "");
  };
  if (batch != batch_ || samples != samples_ || ranks != ranks_)
    throw Error(ck + " was written training on " + std::to_string(samples) + " samples in batches of " +
                batches(batch, ranks) + "; " + spec_ + " has " + std::to_string(samples_) + " samples in batches of " +
                batches(batch_, ranks_) + ", so the run cannot continue where it stopped");
  if (const std::string *v = meta("lr")) {
    r.has_lr = true;
    r.state.base_lr = parse_double(ck + ": metadata 'lr'", *v);
  }
  if (const std::string *v = meta("lr_schedule"))
    r.state.schedule = LrSchedule::parse(*v);
  if (step_ && *step_ != r.state.step)
    throw Error(ck + ": its 'optimizer.step' is " + std::to_string(*step_) + ", but its metadata says step " +
                std::to_string(r.state.step));
  if (const std::string *m = meta("model_name"))
    r.model_name = *m;
  return r;
}

std::vector<std::string> Trainer::start(const TrainingState &state, int64_t total_steps, bool resumed) {
  std::vector<std::string> notes;
  state_ = state;
  total_ = total_steps;
  if (std::isnan(state_.base_lr))
    state_.base_lr = compiled_lr();
  if (!resumed && step_ && *step_ != 0) {
    // An artifact's initial step count is 0; anything else would shift the schedule.
    notes.push_back("the artifact's optimizer.step starts at " + std::to_string(*step_));
    *step_ = 0;
    state_.step = 0;
  }
  // Dropout's masks draw from (rng.seed, optimizer.step): the run's seed, so a resumed run
  // (whose seed is the checkpoint's) draws the masks the uninterrupted one would.
  if (seed_)
    *seed_ = static_cast<int64_t>(state_.seed);
  // This process's rank, whatever the checkpoint (rank 0's) holds.
  if (rng_rank_)
    *rng_rank_ = rank_;
  batcher_ = std::make_unique<Batcher>(*data_, bindings_, batch_, state_.shuffle, state_.seed);
  batcher_->set_shard(rank_, ranks_);
  inputs_ = batcher_->make_tensors();
  input_views_.clear();
  for (size_t i = 0; i < inputs_.size(); ++i)
    input_views_.push_back(inputs_[i].view(batcher_->bindings()[i].input.c_str()));
  epoch_ = -1;
  return notes;
}

double Trainer::step() {
  if (!batcher_)
    throw Error("Trainer::step before Trainer::start");
  const int64_t epoch = state_.step / batches_, pos = state_.step % batches_;
  if (epoch != epoch_) {
    batcher_->set_epoch(static_cast<uint64_t>(epoch));
    epoch_ = epoch;
  }
  batcher_->fill(pos, inputs_);
  last_lr_ = NAN;
  if (lr_) {
    *lr_ = static_cast<float>(state_.schedule.at(state_.base_lr, state_.step, total_));
    last_lr_ = *lr_;
  }
  std::vector<dlc_tensor> out{loss_.view("loss")};
  const int64_t reduced_before = averager_ ? averager_->stats().buckets : 0;
  model_->run("train_step", input_views_, out);
  ++state_.step;
  if (step_ && *step_ != state_.step)
    throw Error("train_step of '" + where() + "' left 'optimizer.step' at " + std::to_string(*step_) +
                " after step " + std::to_string(state_.step) + " (it must count the steps)");
  if (!averager_)
    return *loss_.data_as<float>();
  if (averager_->stats().buckets == reduced_before)
    throw Error("train_step of '" + where() +
                "' averaged no gradients across the ranks: the artifact comes from a dlc without data-parallel "
                "training (recompile it), or it trains no parameter");
  double loss = *loss_.data_as<float>();
  averager_->allreduce_sum(&loss, 1);
  return loss / static_cast<double>(ranks_);
}

void Trainer::save(const std::string &path, const std::string &writer) const {
  const dlc_manifest &m = model_->manifest();
  SafetensorsMetadata md = {
      {"format", kCheckpointFormat},
      {"format_version", kCheckpointVersion},
      {"producer", m.producer ? m.producer : ""},
      {"model_name", m.model_name ? m.model_name : ""},
      {"runtime", writer},
      {"step", std::to_string(state_.step)},
      {"epoch", std::to_string(state_.step / batches_)},
      {"position", std::to_string(state_.step % batches_)},
      {"seed", std::to_string(state_.seed)},
      {"shuffle", state_.shuffle ? "true" : "false"},
      {"batch_size", std::to_string(batch_)},
      {"ranks", std::to_string(ranks_)},
      {"batches_per_epoch", std::to_string(batches_)},
      {"samples", std::to_string(samples_)},
      {"data", spec_},
      {"total_steps", std::to_string(total_)},
  };
  if (lr_) {
    md.push_back({"lr", number_text(state_.base_lr)});
    md.push_back({"lr_schedule", state_.schedule.text});
  }
  save_checkpoint(*model_, path, md);
}

} // namespace dlc
