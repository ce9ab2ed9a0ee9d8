// dlc-run eval: runs entry "infer" over a labelled data set and reports loss and metrics.
#include <chrono>
#include <cstdio>

#include "commands.hpp"
#include "dlc/dataset.hpp"
#include "dlc/metrics.hpp"

namespace dlc_run {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

enum class Task { Classification, Regression };

int run_eval(const Options &opts) {
  std::string path = opts.model_path();
  if (!opts.has("data"))
    throw CliError("eval: --data SPEC is required (npz:FILE.npz, idx:DIR or "
                   "csv:FILE:label=COLUMN)");
  std::string spec = opts.get("data");
  dlc::DatasetOptions dopts;
  if (opts.has("split")) {
    std::string s = opts.get("split");
    if (s != "train" && s != "test")
      throw CliError("eval: --split expects 'train' or 'test', got '" + s + "'");
    dopts.split = s == "train" ? dlc::DataSplit::Train : dlc::DataSplit::Test;
    dopts.split_given = true;
  }
  dopts.label = opts.get("label");
  if (opts.has("label") && dlc::parse_data_spec(spec).kind == "idx")
    throw CliError("eval: --label applies to npz: and csv: data sets (idx: labels come from the "
                   "labels file)");
  long long max_batches = opts.get_int("batches", -1, 1, (1LL << 62));
  std::string metrics_path = opts.get("metrics");
  if (opts.has("checkpoint"))
    throw CliError("eval: --checkpoint loads trained parameters, which needs training support; "
                   "it is not available in this build",
                   2);
  apply_threads(opts);

  dlc::Model model = load_model(path);
  if (model.find_entry("train_step"))
    throw CliError("'eval' of an artifact compiled with --train is not available in this build", 2);
  const dlc_entry_desc &entry = require_entry(model, path, "infer");
  for (int i = 0; i < entry.num_inputs; ++i)
    dopts.input_names.push_back(entry.inputs[i].name);

  auto t_load = Clock::now();
  dlc::Dataset data = dlc::Dataset::load(spec, dopts);
  double load_s = seconds_since(t_load);
  if (!data.has_labels())
    throw CliError(spec + ": no label array; name it with --label NAME");
  if (data.size() == 0)
    throw CliError(spec + ": the data set is empty");
  std::vector<dlc::InputBinding> bindings = dlc::bind_inputs(data, entry);
  if (bindings.empty())
    throw CliError("entry 'infer' of '" + path + "' takes no inputs for the data set to feed");
  int64_t batch_size = bindings[0].shape[0];
  dlc::Batcher batcher(data, std::move(bindings), batch_size);
  const int64_t B = batcher.batch_size();

  if (entry.num_outputs < 1)
    throw CliError("entry 'infer' of '" + path + "' has no outputs");
  const dlc_tensor_desc &od = entry.outputs[0];
  if (od.rank < 1 || od.shape[0] != B)
    throw CliError("output '" + std::string(od.name) + "' (" + describe(od) +
                   ") of entry 'infer' does not have the batch size " + std::to_string(B) +
                   " as dimension 0; eval reads one row of scores per sample from it");
  int64_t cols = 1;
  for (int k = 1; k < od.rank; ++k)
    cols *= od.shape[k];

  // The task follows from the labels and the width of the output.
  Task task = Task::Regression;
  std::string why;
  if (data.class_labels()) {
    if (cols >= 2) {
      task = Task::Classification;
      data.check_class_labels(cols);
    } else {
      bool binary = true;
      for (int64_t i = 0; i < data.size() && binary; ++i)
        binary = data.class_label(i) == 0 || data.class_label(i) == 1;
      if (binary)
        task = Task::Classification;
      else
        why = " (integer labels other than 0/1 with one output column)";
    }
  }
  if (task == Task::Regression && data.labels().sample_numel() != cols)
    throw CliError(spec + ": " + data.labels().what + " has " +
                   std::to_string(data.labels().sample_numel()) +
                   " target value(s) per sample, but output '" + od.name + "' (" + describe(od) +
                   ") has " + std::to_string(cols) + " per sample");

  int64_t batches = batcher.num_batches();
  if (max_batches > 0 && max_batches < batches)
    batches = max_batches;
  std::vector<dlc::Tensor> ins = batcher.make_tensors();
  std::vector<dlc_tensor> in;
  for (size_t i = 0; i < ins.size(); ++i)
    in.push_back(ins[i].view(batcher.bindings()[i].input.c_str()));
  std::vector<dlc::Tensor> outs;
  std::vector<dlc_tensor> out;
  for (int i = 0; i < entry.num_outputs; ++i) {
    const dlc_tensor_desc &d = entry.outputs[i];
    outs.emplace_back(static_cast<dlc_dtype>(d.dtype),
                      std::vector<int64_t>(d.shape, d.shape + d.rank));
  }
  for (int i = 0; i < entry.num_outputs; ++i)
    out.push_back(outs[i].view(entry.outputs[i].name));

  dlc::ClassificationAccumulator cls(task == Task::Classification ? cols : 1);
  dlc::RegressionAccumulator reg;
  std::vector<double> scores(static_cast<size_t>(B * cols)), target(static_cast<size_t>(cols));
  std::vector<int64_t> indices;
  const dlc::Tensor &labels = data.labels().data;
  int64_t samples = 0;
  auto t0 = Clock::now();
  for (int64_t b = 0; b < batches; ++b) {
    int64_t rows = batcher.fill(b, ins, &indices);
    model.run("infer", in, out);
    dlc::convert_elements(outs[0].data(), outs[0].dtype(), scores.data(), DLC_DTYPE_F64,
                          rows * cols);
    for (int64_t r = 0; r < rows; ++r) {
      const double *z = scores.data() + r * cols;
      int64_t s = indices[static_cast<size_t>(r)];
      if (task == Task::Classification) {
        cls.add(z, labels.data_as<int64_t>()[s]);
      } else {
        dlc::convert_elements(static_cast<const uint8_t *>(labels.data()) +
                                  s * cols * dlc_dtype_size(labels.dtype()),
                              labels.dtype(), target.data(), DLC_DTYPE_F64, cols);
        reg.add(z, target.data(), cols);
      }
    }
    samples += rows;
  }
  double elapsed = seconds_since(t0);
  double rate = elapsed > 0 ? static_cast<double>(samples) / elapsed : 0;

  dlc::JsonWriter w;
  w.begin_object();
  w.value("model", path);
  w.value("data", spec);
  if (data.kind() == "idx")
    w.value("split", dopts.split == dlc::DataSplit::Train ? "train" : "test");
  w.value("output", od.name);
  w.value("batch_size", B);
  w.value("batches", batches);
  w.value("samples_total", data.size());

  std::printf("eval: %s on %s%s\n", path.c_str(), spec.c_str(),
              data.kind() == "idx"
                  ? (dopts.split == dlc::DataSplit::Train ? " (train split)" : " (test split)")
                  : "");
  std::printf("  samples   %lld of %lld, %lld batch%s of %lld (data loaded in %.2f s)\n",
              static_cast<long long>(samples), static_cast<long long>(data.size()),
              static_cast<long long>(batches), batches == 1 ? "" : "es", static_cast<long long>(B),
              load_s);
  if (task == Task::Classification) {
    dlc::ClassificationMetrics m = cls.finish();
    dlc::write_json_fields(w, m);
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
    dlc::RegressionMetrics m = reg.finish();
    dlc::write_json_fields(w, m);
    std::printf("  task      regression%s\n", why.c_str());
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
    dlc::write_text_file_atomic(metrics_path, w.str());
    std::printf("  metrics   %s\n", metrics_path.c_str());
  }
  return 0;
}

} // namespace

const Command kEvalCommand{
    "eval",
    "evaluate loss and metrics of entry 'infer' on a labelled data set",
    "usage: dlc-run eval MODEL.so --data SPEC [--label NAME] [--split train|test]\n"
    "                    [--metrics FILE.json] [--batches N] [--threads T]\n"
    "                    [--checkpoint IN.safetensors]\n"
    "\n"
    "Runs 'infer' over every sample of the data set in batches of the compiled batch\n"
    "size (the last batch is padded; padded rows are ignored) and compares the first\n"
    "output with the labels:\n"
    "  integer labels, C >= 2 output columns: classification; the output are logits,\n"
    "    loss = mean cross-entropy of softmax(output); accuracy, per-class precision,\n"
    "    recall and F1, macro averages, confusion matrix (rows: true class); for two\n"
    "    classes also the precision-recall curve and average precision\n"
    "  0/1 labels, one output column: binary classification; the output is a logit\n"
    "    (sigmoid applied), loss = binary cross-entropy\n"
    "  float labels (or integers with one output column): regression; loss = mean\n"
    "    squared error, plus MAE\n"
    "\n"
    "SPEC is npz:FILE.npz (arrays named like the inputs, plus the labels), idx:DIR\n"
    "(MNIST-family IDX files, .gz or not) or csv:FILE:label=COLUMN.\n"
    "\n"
    "  --data SPEC          the data set (required)\n"
    "  --label NAME         npz: the label array (default: 'label', 'labels', 'y',\n"
    "                       'target', or the one array no input is named like);\n"
    "                       csv: the label column if SPEC has no label=\n"
    "  --split train|test   idx: which pair of files (default: test, t10k-*)\n"
    "  --metrics FILE.json  write the metrics as JSON\n"
    "  --batches N          evaluate only the first N batches\n"
    "  --threads T          worker threads (default: all cores)\n"
    "  --checkpoint FILE    trained parameters (needs training support, not in this build)\n"
    "\n"
    "Artifacts compiled with --train: not available in this build yet.\n",
    {{"data", true},
     {"label", true},
     {"split", true},
     {"metrics", true},
     {"batches", true},
     {"checkpoint", true},
     {"threads", true}},
    run_eval,
};

} // namespace dlc_run
