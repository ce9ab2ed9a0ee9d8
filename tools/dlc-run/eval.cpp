// dlc-run eval: runs entry "eval_step" (artifacts compiled with --train) or "infer" over a
// labelled data set and reports loss and metrics.
#include <chrono>
#include <cstdio>

#include "commands.hpp"
#include "dlc/checkpoint.hpp"
#include "dlc/dataset.hpp"
#include "dlc/file_io.hpp"
#include "dlc/metrics.hpp"
#include "evaluate.hpp"
#include "plots.hpp"

namespace dlc_run {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int run_eval(const Options &opts) {
  std::string path = opts.model_path();
  if (!opts.has("data"))
    throw CliError("eval: --data SPEC is required (npz:FILE.npz, idx:DIR or "
                   "csv:FILE:label=COLUMN)");
  std::string spec = opts.get("data");
  dlc::DataSplit split = dlc::DataSplit::Test;
  if (opts.has("split")) {
    std::string s = opts.get("split");
    if (s != "train" && s != "test")
      throw CliError("eval: --split expects 'train' or 'test', got '" + s + "'");
    split = s == "train" ? dlc::DataSplit::Train : dlc::DataSplit::Test;
  }
  if (opts.has("label") && dlc::parse_data_spec(spec).kind == "idx")
    throw CliError("eval: --label applies to npz: and csv: data sets (idx: labels come from the "
                   "labels file)");
  long long max_batches = opts.get_int("batches", -1, 1, (1LL << 62));
  // Under mpirun the ranks share the batches; rank 0 reports and writes.
  DataParallel dp = join_data_parallel();
  std::string metrics_path = dp.lead() ? opts.get("metrics") : "";
  std::string plot_dir = opts.get("plot-dir");
  const bool plots_wanted = opts.has("plot-dir") && dp.lead();
  if (plots_wanted)
    prepare_plot_dir(plot_dir, "eval");
  apply_threads(opts);

  dlc::Model model = load_model(path);
  // An artifact compiled for training evaluates with its own loss.
  std::string entry_name = model.find_entry("eval_step") ? "eval_step" : "infer";
  const dlc_entry_desc &entry = require_entry(model, path, entry_name);
  std::string checkpoint = opts.get("checkpoint");
  dlc::CheckpointLoad ckpt;
  if (!checkpoint.empty())
    ckpt = dlc::load_checkpoint(model, checkpoint, /*allow_extra=*/true);

  auto t_load = Clock::now();
  dlc::Dataset data =
      dlc::Dataset::load(spec, dataset_options(entry, opts.get("label"), split, opts.has("split")));
  double load_s = seconds_since(t_load);
  Evaluator evaluator(model, path, data, entry_name);
  if (dp.averager)
    evaluator.set_data_parallel(*dp.averager);
  EvalResult res = evaluator.run(max_batches);
  const int64_t B = res.batch_size;
  const int64_t batches = res.batches, samples = res.samples;
  double elapsed = res.elapsed_s;
  double rate = elapsed > 0 ? static_cast<double>(samples) / elapsed : 0;

  dlc::JsonWriter w;
  w.begin_object();
  w.value("model", path);
  w.value("data", spec);
  if (data.kind() == "idx")
    w.value("split", split == dlc::DataSplit::Train ? "train" : "test");
  w.value("entry", entry_name);
  if (!checkpoint.empty())
    w.value("checkpoint", checkpoint);
  w.value("output", res.output);
  w.value("batch_size", B);
  w.value("batches", batches);
  w.value("samples_total", data.size());

  std::printf("eval: %s on %s%s\n", path.c_str(), spec.c_str(),
              data.kind() == "idx"
                  ? (split == dlc::DataSplit::Train ? " (train split)" : " (test split)")
                  : "");
  std::printf("  samples   %lld of %lld, %lld batch%s of %lld (data loaded in %.2f s)\n",
              static_cast<long long>(samples), static_cast<long long>(data.size()),
              static_cast<long long>(batches), batches == 1 ? "" : "es", static_cast<long long>(B),
              load_s);
  if (!checkpoint.empty()) {
    const std::string *step = nullptr;
    for (const auto &kv : ckpt.metadata)
      if (kv.first == "step")
        step = &kv.second;
    std::printf("  checkpoint %s%s%s\n", checkpoint.c_str(),
                step ? (" (step " + *step + ")").c_str() : "",
                ckpt.ignored.empty()
                    ? ""
                    : (", " + std::to_string(ckpt.ignored.size()) +
                       " tensor(s) the artifact has no parameter for ignored")
                          .c_str());
  }
  if (res.task == Task::Classification) {
    const dlc::ClassificationMetrics &m = res.cls;
    dlc::write_json_fields(w, m);
    if (res.compiled_loss)
      std::printf("  loss      %.4f (the artifact's loss, from eval_step)\n", m.loss);
    else
      std::printf("  loss      %.4f (%s of %s)\n", m.loss,
                  m.output_kind == "logit" ? "binary cross-entropy" : "cross-entropy",
                  m.output_kind == "logit" ? "sigmoid(output)" : "softmax(output)");
    std::printf("  accuracy  %.4f (%lld/%lld)\n", m.accuracy, static_cast<long long>(m.correct),
                static_cast<long long>(m.samples));
    std::printf("  macro F1  %.4f over %lld classes\n", m.macro_f1,
                static_cast<long long>(m.macro_classes));
    if (m.binary)
      std::printf("  average precision %.4f (positive class 1)\n", m.average_precision);
  } else {
    const dlc::RegressionMetrics &m = res.reg;
    dlc::write_json_fields(w, m);
    std::printf("  task      regression%s\n", res.why.c_str());
    if (res.compiled_loss)
      std::printf("  loss      %.6g (the artifact's loss, from eval_step)\n  mse       %.6g\n",
                  m.loss, m.mse);
    else
      std::printf("  loss      %.6g (mean squared error)\n", m.mse);
    std::printf("  mae       %.6g\n", m.mae);
  }
  w.value("elapsed_s", elapsed);
  w.value("samples_per_s", rate);
  w.value("load_s", load_s);
  w.end_object();
  std::printf("  elapsed   %.3f s (%.0f samples/s, %d thread%s)\n", elapsed, rate,
              dlc_get_num_threads(), dlc_get_num_threads() == 1 ? "" : "s");
  if (!metrics_path.empty()) {
    dlc::write_file_atomic(metrics_path, w.str());
    std::printf("  metrics   %s\n", metrics_path.c_str());
  }
  if (plots_wanted) {
    std::string what = path.substr(path.rfind('/') + 1) + " on " + spec;
    std::vector<std::string> plots = write_eval_plots(plot_dir, res, what);
    for (const std::string &p : plots)
      std::printf("  plot      %s\n", p.c_str());
    if (plots.empty())
      std::printf("  plot      none: a regression's metrics are single numbers\n");
  }
  return 0;
}

} // namespace

const Command kEvalCommand{
    "eval",
    "evaluate loss and metrics on a labelled data set (eval_step, else infer)",
    "usage: dlc-run eval MODEL.so --data SPEC [--label NAME] [--split train|test]\n"
    "                    [--checkpoint IN.safetensors] [--metrics FILE.json]\n"
    "                    [--plot-dir DIR] [--batches N] [--threads T]\n"
    "\n"
    "Runs the artifact's 'eval_step' entry point (artifacts compiled with --train: data\n"
    "inputs and the label in, the compiled loss and the model outputs out) or else 'infer'\n"
    "over every sample of the data set in batches of the compiled batch size (the last\n"
    "batch is padded; padded rows are ignored) and compares the first model output with\n"
    "the labels:\n"
    "  integer labels, C >= 2 output columns: classification; the output are logits,\n"
    "    loss = mean cross-entropy of softmax(output); accuracy, per-class precision,\n"
    "    recall and F1, macro averages, confusion matrix (rows: true class); for two\n"
    "    classes also the precision-recall curve and average precision\n"
    "  0/1 labels, one output column: binary classification; the output is a logit\n"
    "    (sigmoid applied), loss = binary cross-entropy\n"
    "  float labels (or integers with one output column): regression; loss = mean\n"
    "    squared error, plus MAE\n"
    "With eval_step, 'loss' is the artifact's own loss, averaged over the samples.\n"
    "\n"
    "SPEC is npz:FILE.npz (arrays named like the inputs, plus the labels), idx:DIR\n"
    "(MNIST-family IDX files, .gz or not) or csv:FILE:label=COLUMN.\n"
    "Under mpirun the ranks share the batches (rank r takes batches r, r + N, ...) and\n"
    "rank 0 reports the metrics of the whole data set.\n"
    "\n"
    "  --data SPEC          the data set (required)\n"
    "  --label NAME         npz: the label array (default: the array named like the\n"
    "                       label input, 'label', 'labels', 'y', 'target', or the one\n"
    "                       array no input is named like); csv: the label column if\n"
    "                       SPEC has no label=\n"
    "  --split train|test   idx: which pair of files (default: test, t10k-*)\n"
    "  --checkpoint FILE    load the parameters from a safetensors checkpoint first\n"
    "                       (written by 'dlc-run train'; tensors the artifact has no\n"
    "                       parameter for, such as optimizer state, are ignored)\n"
    "  --metrics FILE.json  write the metrics as JSON\n"
    "  --plot-dir DIR       draw classifiers' metrics as SVG: DIR/confusion_matrix.svg,\n"
    "                       and for binary tasks DIR/pr_curve.svg (average precision in\n"
    "                       its title); DIR is created if missing\n"
    "  --batches N          evaluate only the first N batches\n"
    "  --threads T          worker threads (default: all cores)\n",
    {{"data", true},
     {"label", true},
     {"split", true},
     {"metrics", true},
     {"plot-dir", true},
     {"batches", true},
     {"checkpoint", true},
     {"threads", true}},
    run_eval,
};

} // namespace dlc_run
