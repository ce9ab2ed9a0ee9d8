// The charts dlc-run writes with --plot-dir: the loss curve of 'train' and the
// precision-recall curve and confusion matrix of 'eval', as SVG files.
#ifndef DLC_RUN_PLOTS_HPP
#define DLC_RUN_PLOTS_HPP

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "evaluate.hpp"

namespace dlc_run {

// Creates DIR and its parents where missing (as TensorBoard's log_dir); a CliError says
// why when DIR cannot be made or written, so that a run fails before its work, not after.
void prepare_plot_dir(const std::string &dir, const std::string &command);

// The curves of a training run, drawn to DIR/loss.svg: the training loss of every step,
// its mean per epoch, and with --eval-data the evaluation loss and accuracy per epoch.
// Steps are global (a resumed run continues the x axis).
class TrainingCurves {
public:
  TrainingCurves(std::string dir, std::string title) : dir_(std::move(dir)), title_(std::move(title)) {}
  void add_step(int64_t step, double loss);
  void add_epoch_mean(int64_t step, double mean_loss);
  void add_eval(int64_t step, const EvalResult &r);
  // A resumed run: the steps up to `up_to_step` come from the --log FILE.jsonl of the run
  // that wrote the checkpoint (its per-epoch means and evaluations are not in the log).
  void load_log(const std::string &path, int64_t up_to_step);
  // Writes DIR/loss.svg (atomically); nothing while no loss is finite, so that a run
  // that starts with NaN losses goes on.
  void write();
  // "loss curve: DIR/loss.svg", or why there is none.
  std::string note() const;

private:
  std::string dir_, title_;
  std::vector<double> step_x_, step_loss_;
  std::vector<double> epoch_x_, epoch_loss_;
  std::vector<double> eval_x_, eval_loss_, eval_accuracy_;
  bool written_ = false;
};

// DIR/pr_curve.svg for a binary classifier, DIR/confusion_matrix.svg for every classifier;
// nothing for a regression. Returns the paths written. `what` names model and data.
std::vector<std::string> write_eval_plots(const std::string &dir, const EvalResult &r,
                                          const std::string &what);

} // namespace dlc_run

#endif
