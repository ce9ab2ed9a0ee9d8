// dlc-run train: runs an artifact's train_step over a data set for a number of epochs or
// steps with dlc::Trainer (runtime/train: data order, learning-rate schedules, checkpoints
// that resume exactly, the training ABI it relies on), adding what a command line shows: a
// progress display, a per-step JSON log, periodic evaluation and loss curves.
//
// Steps and epochs are global: --steps N / --epochs N name the point where training ends,
// counted from the start of training, also after --resume.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "commands.hpp"
#include "dlc/data_parallel.hpp"
#include "dlc/dataset.hpp"
#include "dlc/file_io.hpp"
#include "dlc/json.hpp"
#include "dlc/metrics.hpp"
#include "dlc/trainer.hpp"
#include "evaluate.hpp"
#include "plots.hpp"

namespace dlc_run {

namespace {

using Clock = std::chrono::steady_clock;

// --- Small helpers.

std::string duration_text(double s) {
  if (!std::isfinite(s) || s < 0)
    return "?";
  long long t = std::llround(s);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", t / 60, t % 60);
  return buf;
}

double parse_double(const std::string &what, const std::string &s) {
  char *end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end || !std::isfinite(v))
    throw CliError(what + " expects a number, got '" + s + "'");
  return v;
}

// --- Progress: a redrawn bar on a terminal, plain lines otherwise.

class Progress {
public:
  Progress(bool bar, int64_t print_every, int64_t steps_per_epoch, int64_t epochs, int64_t total,
           int64_t batch, int64_t first_step)
      : bar_(bar), print_every_(print_every), K_(steps_per_epoch), epochs_(epochs), total_(total),
        B_(batch), first_step_(first_step), start_(Clock::now()), last_draw_(start_) {}

  // After global step `step` (1-based count) with the epoch's running mean loss.
  void step(int64_t step, double mean_loss, double lr, bool has_lr) {
    int64_t epoch = (step - 1) / K_, pos = (step - 1) % K_ + 1;
    if (bar_) {
      auto now = Clock::now();
      if (pos != K_ && step != total_ && now - last_draw_ < std::chrono::milliseconds(100))
        return;
      last_draw_ = now;
      const int width = 24;
      int filled = static_cast<int>(width * pos / K_);
      std::string bar(static_cast<size_t>(filled), '=');
      if (filled < width)
        bar += '>' + std::string(static_cast<size_t>(width - filled - 1), ' ');
      std::printf("\r%s [%s] %" PRId64 "/%" PRId64 "  loss %.4f  %s  ETA %s\x1b[K",
                  epoch_text(epoch).c_str(), bar.c_str(), pos, K_, mean_loss,
                  rate_text(step).c_str(), duration_text(eta(step)).c_str());
      std::fflush(stdout);
      drawn_ = true;
      return;
    }
    if (print_every_ > 0 && step % print_every_ == 0 && pos != K_) {
      std::printf("%s  step %" PRId64 "/%" PRId64 " (batch %" PRId64 "/%" PRId64
                  ")  loss %.4f%s  %s  ETA %s\n",
                  epoch_text(epoch).c_str(), step, total_, pos, K_, mean_loss,
                  has_lr ? ("  lr " + json_lr(lr)).c_str() : "", rate_text(step).c_str(),
                  duration_text(eta(step)).c_str());
      std::fflush(stdout);
    }
  }

  // A line that stays (epoch summaries, checkpoints, evaluation results).
  void line(const std::string &text) {
    clear();
    std::printf("%s\n", text.c_str());
    std::fflush(stdout);
  }

  void clear() {
    if (drawn_) {
      std::printf("\r\x1b[K");
      drawn_ = false;
    }
  }

  std::string epoch_text(int64_t epoch) const {
    return "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs_);
  }

  std::string rate_text(int64_t step) const {
    double s = seconds();
    double rate = s > 0 ? static_cast<double>((step - first_step_) * B_) / s : 0;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.0f samples/s", rate);
    return buf;
  }

  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

private:
  static std::string json_lr(double lr) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", lr);
    return buf;
  }
  double eta(int64_t step) const {
    double s = seconds();
    int64_t done = step - first_step_;
    return done > 0 ? s / static_cast<double>(done) * static_cast<double>(total_ - step) : NAN;
  }

  bool bar_;
  int64_t print_every_, K_, epochs_, total_, B_, first_step_;
  Clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

// --- The per-step JSON log.

// Keeps the lines of an existing log whose "step" is at most `step` (a resumed run redoes
// the steps after its checkpoint) and returns the file opened for appending.
std::FILE *open_log(const std::string &path, bool resume, int64_t step) {
  if (resume && ::access(path.c_str(), F_OK) == 0) {
    std::ifstream in(path);
    if (!in)
      throw CliError("cannot read the log '" + path + "'");
    std::string line, kept;
    while (std::getline(in, line)) {
      size_t at = line.find("\"step\":");
      if (at == std::string::npos)
        continue;
      long long s = std::strtoll(line.c_str() + at + 7, nullptr, 10);
      if (s <= step)
        kept += line + "\n";
    }
    dlc::write_file_atomic(path, kept);
  }
  std::FILE *f = std::fopen(path.c_str(), resume ? "a" : "w");
  if (!f)
    throw CliError("cannot open the log '" + path + "' for writing: " + std::strerror(errno));
  return f;
}

// --- The command.

int run_train(const Options &opts) {
  const std::string path = opts.model_path();
  if (!opts.has("data"))
    throw CliError("train: --data SPEC is required (npz:FILE.npz, idx:DIR or "
                   "csv:FILE:label=COLUMN)");
  const std::string spec = opts.get("data");
  if (opts.has("epochs") == opts.has("steps"))
    throw CliError("train: give exactly one of --epochs N and --steps N");
  const int64_t epochs_opt = opts.get_int("epochs", 0, 1, 1LL << 40);
  const int64_t steps_opt = opts.get_int("steps", 0, 1, 1LL << 62);
  const int64_t every = opts.get_int("checkpoint-every", 0, 1, 1LL << 62);
  const int64_t print_every = opts.get_int("print-every", 100, 0, 1LL << 62);
  // Under mpirun every rank runs this; rank 0 alone reports, logs, plots and writes
  // checkpoints (the ranks' parameters are equal after every step); evaluation shares its
  // batches among the ranks.
  DataParallel dp = join_data_parallel();
  const bool lead = dp.lead();
  dlc::Communicator *comm = dp.comm.get();
  dlc::GradientAverager *averager = dp.averager.get();
  const std::string checkpoint = lead ? opts.get("checkpoint") : "", resume = opts.get("resume");
  if (every && opts.get("checkpoint").empty())
    throw CliError("train: --checkpoint-every needs --checkpoint OUT.safetensors");
  if (opts.has("lr")) {
    double lr = parse_double("train: --lr", opts.get("lr"));
    if (lr < 0)
      throw CliError("train: --lr must not be negative, got " + opts.get("lr"));
  }
  dlc::LrSchedule schedule;
  if (opts.has("lr-schedule"))
    schedule = dlc::LrSchedule::parse(opts.get("lr-schedule"));
  std::string progress_mode = opts.get("progress", "auto");
  if (progress_mode != "auto" && progress_mode != "bar" && progress_mode != "lines")
    throw CliError("train: --progress expects auto, bar or lines, got '" + progress_mode + "'");
  if (opts.has("label") && dlc::parse_data_spec(spec).kind == "idx")
    throw CliError("train: --label applies to npz: and csv: data sets (idx: labels come from the "
                   "labels file)");
  if (!checkpoint.empty()) {
    // Found out now rather than at the first checkpoint, hours into a run.
    size_t slash = checkpoint.rfind('/');
    std::string dir = slash == std::string::npos ? "." : checkpoint.substr(0, slash + 1);
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
      throw CliError("train: cannot write the checkpoint '" + checkpoint + "': directory '" + dir +
                     "': " + std::strerror(errno));
  }
  if (opts.has("plot-dir") && lead)
    prepare_plot_dir(opts.get("plot-dir"), "train");
  apply_threads(opts);

  dlc::Model model = load_model(path);
  const dlc_entry_desc &train = dlc::Trainer::train_entry(model);
  const int label_index = label_input_index(train);
  const dlc_tensor_desc &label_desc = train.inputs[label_index];
  if (dlc_model_find_param(model.handle(), "optimizer.lr") < 0 && (opts.has("lr") || opts.has("lr-schedule")))
    throw CliError("'" + path + "' has no parameter 'optimizer.lr', so its learning rate is "
                   "fixed; --lr and --lr-schedule need an artifact from dlc compile --train");

  // The data set, checked against train_step before anything runs.
  dlc::Dataset data = dlc::Dataset::load(
      spec, dataset_options(train, opts.get("label"), dlc::DataSplit::Train, false));
  if (!data.has_labels())
    throw CliError(spec + ": no label array for input '" + label_desc.name +
                   "' of train_step; name it with --label NAME");
  dlc::BindOptions bo;
  bo.entry = "train_step";
  bo.label_input = label_desc.name;
  std::vector<dlc::InputBinding> bindings = dlc::bind_inputs(data, train, bo);
  check_labels_for_input(data, train, label_index, model_classes(model));
  dlc::Trainer trainer(model, data, std::move(bindings), spec);
  if (averager)
    trainer.set_data_parallel(*averager);
  // B: the global batch, what one step trains on across the ranks.
  const int64_t B = trainer.batch_size() * trainer.ranks(), N = trainer.samples(), K = trainer.batches_per_epoch();
  const int64_t total = steps_opt ? steps_opt : epochs_opt * K;
  const int64_t epochs = (total + K - 1) / K;

  // The evaluation data set, also checked now.
  std::unique_ptr<dlc::Dataset> eval_data;
  std::unique_ptr<Evaluator> evaluator;
  if (opts.has("eval-data")) {
    std::string eval_entry = model.find_entry("eval_step") ? "eval_step" : "infer";
    const dlc_entry_desc &ee = require_entry(model, path, eval_entry);
    std::string eval_spec = opts.get("eval-data");
    std::string eval_label = dlc::parse_data_spec(eval_spec).kind == "idx" ? "" : opts.get("label");
    eval_data = std::make_unique<dlc::Dataset>(dlc::Dataset::load(
        eval_spec, dataset_options(ee, eval_label, dlc::DataSplit::Test, false)));
    evaluator = std::make_unique<Evaluator>(model, path, *eval_data, eval_entry);
    if (averager)
      evaluator->set_data_parallel(*averager);
  }

  // The run's state: the options, or the checkpoint's where the options leave it open.
  dlc::TrainingState st;
  st.seed = static_cast<uint64_t>(opts.get_int("seed", 0, 0, INT64_MAX));
  st.shuffle = !opts.has("no-shuffle");
  st.schedule = schedule;
  st.base_lr = opts.has("lr") ? parse_double("train: --lr", opts.get("lr")) : trainer.compiled_lr();
  std::vector<std::string> notes;
  if (!resume.empty()) {
    dlc::ResumedRun ck = trainer.load_checkpoint(resume);
    const std::string where_ck = "checkpoint '" + resume + "'";
    if (opts.has("seed") && ck.state.seed != st.seed)
      throw CliError("train: --seed " + std::to_string(st.seed) + " differs from the seed " +
                     std::to_string(ck.state.seed) + " of " + where_ck +
                     "; leave --seed out to continue its run");
    if (opts.has("no-shuffle") && ck.state.shuffle)
      throw CliError("train: --no-shuffle, but " + where_ck +
                     " was written by a shuffled run; leave --no-shuffle out to continue it");
    if (!opts.has("no-shuffle") && !ck.state.shuffle)
      notes.push_back("not shuffling, as the run that wrote the checkpoint");
    st.seed = ck.state.seed;
    st.shuffle = ck.state.shuffle;
    if (ck.has_lr) {
      if (!opts.has("lr"))
        st.base_lr = ck.state.base_lr;
      else if (st.base_lr != ck.state.base_lr)
        notes.push_back("--lr " + dlc::number_text(st.base_lr) + " replaces the checkpoint's " +
                        dlc::number_text(ck.state.base_lr));
      if (!opts.has("lr-schedule"))
        st.schedule = ck.state.schedule;
      else if (st.schedule.text != ck.state.schedule.text)
        notes.push_back("--lr-schedule " + st.schedule.text + " replaces the checkpoint's " +
                        ck.state.schedule.text);
    }
    st.step = ck.state.step;
    if (!ck.model_name.empty() && ck.model_name != model.manifest().model_name)
      notes.push_back("the checkpoint was written for model '" + ck.model_name + "', this artifact is '" +
                      model.manifest().model_name + "'");
  }
  for (std::string &n : trainer.start(st, total, !resume.empty()))
    notes.push_back(std::move(n));
  const dlc::TrainingState &run = trainer.state();

  const bool tty = progress_mode == "bar" || (progress_mode == "auto" && ::isatty(STDOUT_FILENO));
  std::printf("train: %s on %s: %" PRId64 " samples, %" PRId64 " batch%s of %" PRId64
              " per epoch; %" PRId64 " step%s (%" PRId64 " epoch%s)\n",
              path.c_str(), spec.c_str(), N, K, K == 1 ? "" : "es", B, total,
              total == 1 ? "" : "s", epochs, epochs == 1 ? "" : "s");
  if (N % B)
    std::printf("  note: the last partial batch of each epoch is dropped: %" PRId64
                " of %" PRId64 " samples are left out per epoch%s\n",
                N % B, N, run.shuffle ? " (different ones each epoch)" : "");
  if (trainer.has_lr())
    std::printf("  lr %.6g%s, %s, seed %" PRIu64 "\n", run.base_lr,
                run.schedule.kind == dlc::LrSchedule::Constant ? "" : (" (" + run.schedule.text + ")").c_str(),
                run.shuffle ? "shuffled" : "not shuffled", run.seed);
  else
    std::printf("  learning rate fixed by the artifact, %s, seed %" PRIu64 "\n",
                run.shuffle ? "shuffled" : "not shuffled", run.seed);
  if (!resume.empty())
    std::printf("  resumed from %s at step %" PRId64 " (epoch %" PRId64 ", batch %" PRId64 ")\n",
                resume.c_str(), run.step, run.step / K + 1, run.step % K);
  for (const std::string &n : notes)
    std::printf("  note: %s\n", n.c_str());
  if (comm)
    std::printf("  data-parallel: %d ranks, batch %" PRId64 " on each; %s\n", comm->size(), trainer.batch_size(),
                comm->describe().c_str());
  std::fflush(stdout);

  if (trainer.done()) {
    std::printf("  nothing to do: the run ends at step %" PRId64 "\n", total);
    if (!checkpoint.empty())
      trainer.save(checkpoint);
    return 0;
  }

  std::FILE *log = nullptr;
  struct CloseLog {
    std::FILE *&f;
    ~CloseLog() {
      if (f)
        std::fclose(f);
    }
  } close_log{log};
  if (opts.has("log") && lead)
    log = open_log(opts.get("log"), !resume.empty(), run.step);

  Progress progress(tty, print_every, K, epochs, total, B, run.step);
  std::unique_ptr<TrainingCurves> curves;
  if (opts.has("plot-dir") && lead) {
    std::string name = path.substr(path.rfind('/') + 1);
    curves = std::make_unique<TrainingCurves>(opts.get("plot-dir"), "Training loss: " + name);
    if (!resume.empty() && opts.has("log"))
      curves->load_log(opts.get("log"), run.step);
  }
  int64_t current_epoch = -1, saved_at = -1;
  double epoch_loss = 0;
  int64_t epoch_steps = 0;
  double last_loss = NAN;
  bool warned_nonfinite = false;
  auto epoch_start = Clock::now();

  auto run_eval = [&](int64_t epoch) {
    EvalResult r = evaluator->run();
    if (curves)
      curves->add_eval(run.step, r);
    char buf[256];
    if (r.task == Task::Classification)
      std::snprintf(buf, sizeof buf, "  eval: loss %.4f  accuracy %.4f (%lld/%lld)",
                    r.loss, r.cls.accuracy, static_cast<long long>(r.cls.correct),
                    static_cast<long long>(r.cls.samples));
    else
      std::snprintf(buf, sizeof buf, "  eval: loss %.6g  mse %.6g  mae %.6g", r.loss, r.reg.mse,
                    r.reg.mae);
    progress.line(progress.epoch_text(epoch) + buf);
  };

  while (!trainer.done()) {
    const int64_t epoch = run.step / K, pos = run.step % K;
    if (epoch != current_epoch) {
      current_epoch = epoch;
      epoch_loss = 0;
      epoch_steps = 0;
      epoch_start = Clock::now();
    }
    const double loss = trainer.step();
    const double lr = trainer.last_lr();
    last_loss = loss;
    if (curves)
      curves->add_step(run.step, loss);
    epoch_loss += loss;
    ++epoch_steps;
    if (!std::isfinite(loss) && !warned_nonfinite) {
      warned_nonfinite = true;
      progress.line("  warning: the loss is " + dlc::json_number(loss) + " at step " +
                    std::to_string(run.step));
    }
    if (log) {
      std::string line = "{\"step\":" + std::to_string(run.step) +
                         ",\"epoch\":" + std::to_string(epoch + 1) +
                         ",\"loss\":" + dlc::json_number(loss);
      if (trainer.has_lr())
        line += ",\"lr\":" + dlc::json_number(lr);
      line += "}\n";
      if (std::fputs(line.c_str(), log) < 0 || std::fflush(log) != 0)
        throw CliError("cannot write the log '" + opts.get("log") + "': " + std::strerror(errno));
    }
    progress.step(run.step, epoch_loss / static_cast<double>(epoch_steps), lr, trainer.has_lr());
    if (every && run.step % every == 0 && run.step < total) {
      trainer.save(checkpoint);
      saved_at = run.step;
      progress.line("  checkpoint " + checkpoint + " at step " + std::to_string(run.step));
    }
    const bool epoch_end = pos == K - 1;
    if (epoch_end || run.step == total) {
      double secs = std::chrono::duration<double>(Clock::now() - epoch_start).count();
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    "%s: step %" PRId64 "/%" PRId64 ", loss %.4f (mean of %" PRId64
                    " step%s), %.2f s, %.0f samples/s",
                    epoch_end ? " done" : " (stopped)", run.step, total,
                    epoch_loss / static_cast<double>(epoch_steps), epoch_steps,
                    epoch_steps == 1 ? "" : "s", secs,
                    secs > 0 ? static_cast<double>(epoch_steps * B) / secs : 0.0);
      progress.line(progress.epoch_text(epoch) + buf);
      if (curves)
        curves->add_epoch_mean(run.step, epoch_loss / static_cast<double>(epoch_steps));
      if (evaluator)
        run_eval(epoch);
      if (curves) // rewritten every epoch, so that a long run can be watched
        curves->write();
    }
  }
  progress.clear();

  if (!checkpoint.empty() && saved_at != run.step)
    trainer.save(checkpoint);
  std::printf("trained to step %" PRId64 " in %.2f s; last loss %.6g\n", run.step, progress.seconds(),
              last_loss);
  if (!checkpoint.empty())
    std::printf("checkpoint: %s (step %" PRId64 ")\n", checkpoint.c_str(), run.step);
  if (curves)
    std::printf("%s\n", curves->note().c_str());
  if (averager) {
    dlc::GradientAverager::Stats a = averager->stats();
    std::printf("allreduce: %" PRId64 " buckets, %.1f MB in all; %.3f s reducing (background thread), %.3f s of "
                "train_step waiting for it\n",
                a.buckets, static_cast<double>(a.bytes) / 1e6, a.reduce_seconds, a.wait_seconds);
  }
  return 0;
}

} // namespace

const Command kTrainCommand{
    "train",
    "train the model (artifact compiled with --train)",
    "usage: dlc-run train MODEL.so --data SPEC (--epochs N | --steps N) [--no-shuffle]\n"
    "                     [--seed S] [--lr F] [--lr-schedule SCHEDULE]\n"
    "                     [--checkpoint OUT.safetensors] [--checkpoint-every STEPS]\n"
    "                     [--resume IN.safetensors] [--log FILE.jsonl] [--label NAME]\n"
    "                     [--eval-data SPEC] [--print-every N] [--progress MODE]\n"
    "                     [--plot-dir DIR] [--threads T]\n"
    "\n"
    "Runs the artifact's train_step (forward, backward and optimizer update, compiled by\n"
    "'dlc compile --train') over the data set in batches of the compiled batch size; the\n"
    "last partial batch of each epoch is dropped. SPEC is npz:FILE.npz (arrays named like\n"
    "the inputs, plus the labels), idx:DIR (the train-* files) or csv:FILE:label=COLUMN.\n"
    "\n"
    "  --data SPEC            training data (required)\n"
    "  --epochs N             train until N epochs are done, or\n"
    "  --steps N              until N steps are done (both count from the start of the\n"
    "                         training, also when resuming)\n"
    "  --no-shuffle           feed the samples in order (default: a shuffle per epoch)\n"
    "  --seed S               the shuffle's and dropout's seed (default 0)\n"
    "  --lr F                 base learning rate (default: the one compiled in)\n"
    "  --lr-schedule S        constant (default); step:EVERY:GAMMA, lr * GAMMA^floor(step /\n"
    "                         EVERY); cosine, lr * 0.5 * (1 + cos(pi * step / total steps));\n"
    "                         step counts the steps done before the one it applies to\n"
    "  --checkpoint OUT       write a safetensors checkpoint at the end (parameters,\n"
    "                         optimizer state, step, data order state)\n"
    "  --checkpoint-every N   also every N steps\n"
    "  --resume IN            continue the run that wrote checkpoint IN exactly where it\n"
    "                         stopped (its seed, order, lr and schedule unless given)\n"
    "  --log FILE.jsonl       one JSON object per step: step, epoch, loss, lr (with\n"
    "                         --resume, steps after the checkpoint are dropped from it,\n"
    "                         and the run appends)\n"
    "  --label NAME           npz: the label array; csv: the label column\n"
    "  --eval-data SPEC       evaluate on SPEC (idx: the test files) after each epoch\n"
    "  --print-every N        without a terminal: a line every N steps (default 100;\n"
    "                         0: one per epoch)\n"
    "  --progress MODE        auto (default: a bar on a terminal), bar or lines\n"
    "  --plot-dir DIR         draw DIR/loss.svg after every epoch: the loss per step, its\n"
    "                         epoch means and, with --eval-data, the evaluation loss and\n"
    "                         accuracy (DIR is created if missing)\n"
    "  --threads T            worker threads (default: all cores)\n"
    "\n"
    "Under mpirun (mpirun -np N dlc-run train ...) the N processes train one model: each\n"
    "step takes the global batch of N x the compiled batch that one process at that batch\n"
    "would take, each rank its slice; gradients are averaged across the ranks during the\n"
    "backward pass. Rank 0 prints, logs, evaluates and writes the checkpoints.\n",
    {{"data", true},
     {"epochs", true},
     {"steps", true},
     {"no-shuffle", false},
     {"seed", true},
     {"lr", true},
     {"lr-schedule", true},
     {"checkpoint", true},
     {"checkpoint-every", true},
     {"resume", true},
     {"log", true},
     {"label", true},
     {"eval-data", true},
     {"print-every", true},
     {"progress", true},
     {"plot-dir", true},
     {"threads", true}},
    run_train,
};

} // namespace dlc_run
