// Evaluation of a model over a labelled data set, shared by 'dlc-run eval' and the
// per-epoch evaluation of 'dlc-run train --eval-data'.
#ifndef DLC_RUN_EVALUATE_HPP
#define DLC_RUN_EVALUATE_HPP

#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "dlc/data_parallel.hpp"
#include "dlc/dataset.hpp"
#include "dlc/metrics.hpp"

namespace dlc_run {

// The entry points that take a label: train_step and eval_step take the model's data
// inputs followed by the label input. Returns the label input's index, or -1 for infer.
int label_input_index(const dlc_entry_desc &entry);

// Data set options for feeding `entry` (inputs, label input, --label, split).
dlc::DatasetOptions dataset_options(const dlc_entry_desc &entry, const std::string &label_option,
                                    dlc::DataSplit split, bool split_given);

// The number of classes the model scores, from the first model output of eval_step or
// infer (C for a Bx C output, 2 for a single logit column); 0 when unknown.
int64_t model_classes(const dlc::Model &model);

// Checks that labels feeding an integer label input are class indices in range.
void check_labels_for_input(const dlc::Dataset &data, const dlc_entry_desc &entry, int label_index,
                            int64_t classes);

enum class Task { Classification, Regression };

struct EvalResult {
  Task task = Task::Regression;
  std::string why; // why integer labels are scored as a regression, or ""
  dlc::ClassificationMetrics cls;
  dlc::RegressionMetrics reg;
  int64_t samples = 0, batches = 0, batch_size = 0;
  double elapsed_s = 0;
  // eval_step: the mean of the artifact's compiled loss over the samples (see evaluate.cpp)
  bool compiled_loss = false;
  double loss = 0; // the loss reported: compiled, else cross-entropy or MSE
  std::string output; // the scored output's name
};

// Runs entry "eval_step" (loss from the artifact, metrics from its first model output) or
// "infer" (metrics and loss from its first output) over every sample of `data`, in batches
// of the compiled batch size; the last batch is padded and only its real rows count.
class Evaluator {
public:
  // Binds and checks everything up front, so that errors come before any work. `data`
  // must outlive the Evaluator and stay where it is.
  Evaluator(dlc::Model &model, const std::string &path, const dlc::Dataset &data,
            const std::string &entry_name);
  EvalResult run(int64_t max_batches = -1);
  // Under mpirun: rank r of N runs batches r, r + N, ...; the outputs and loss sums are
  // summed over the ranks (through `group`), and every rank scores all samples in their
  // order, as one process would. `group` must outlive the Evaluator.
  void set_data_parallel(dlc::GradientAverager &group) { group_ = &group; }
  const std::string &entry_name() const { return entry_name_; }
  int64_t batch_size() const { return batcher_->batch_size(); }
  int64_t num_batches() const { return batcher_->num_batches(); }

private:
  dlc::Model &model_;
  std::string path_, entry_name_;
  const dlc::Dataset &data_;
  const dlc_entry_desc *entry_;
  int loss_index_ = -1, out_index_ = 0;
  int64_t cols_ = 1;
  Task task_ = Task::Regression;
  std::string why_;
  std::unique_ptr<dlc::Batcher> batcher_;
  dlc::GradientAverager *group_ = nullptr;
};

} // namespace dlc_run

#endif
