// Evaluation over a labelled data set with eval_step or infer (see evaluate.hpp).
//
// eval_step's loss is taken to be the mean of per-sample losses over the batch's rows,
// as dlc's compiled losses are. A full batch contributes B * loss. The last, partial
// batch of r real rows is padded with copies of its first row, giving
//   L1 = (l_1 + ... + l_r + (B - r) l_1) / B,
// and run once more with every row a copy of that row, giving L2 = l_1; its real rows
// then sum to B L1 - (B - r) L2, so the mean covers exactly the samples of the data set.
#include "evaluate.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace dlc_run {

namespace {

bool is_integer(int32_t dtype) {
  return dtype == DLC_DTYPE_I8 || dtype == DLC_DTYPE_I16 || dtype == DLC_DTYPE_I32 ||
         dtype == DLC_DTYPE_I64 || dtype == DLC_DTYPE_U8;
}

// The first output of eval_step other than "loss", or infer's first output.
const dlc_tensor_desc *model_output(const dlc_entry_desc &e) {
  bool step = std::strcmp(e.name, "infer") != 0;
  for (int i = 0; i < e.num_outputs; ++i)
    if (!step || std::strcmp(e.outputs[i].name, "loss") != 0)
      return &e.outputs[i];
  return nullptr;
}

// Copies row 0 of a [B, ...] tensor over rows [from, B).
void repeat_first_row(dlc::Tensor &t, int64_t from) {
  int64_t b = t.shape()[0];
  size_t row = static_cast<size_t>(t.nbytes() / static_cast<uint64_t>(b));
  uint8_t *p = static_cast<uint8_t *>(t.data());
  for (int64_t r = from; r < b; ++r)
    std::memcpy(p + static_cast<size_t>(r) * row, p, row);
}

} // namespace

int label_input_index(const dlc_entry_desc &entry) {
  if (std::strcmp(entry.name, "infer") == 0 || entry.num_inputs < 1)
    return -1;
  return entry.num_inputs - 1;
}

dlc::DatasetOptions dataset_options(const dlc_entry_desc &entry, const std::string &label_option,
                                    dlc::DataSplit split, bool split_given) {
  dlc::DatasetOptions o;
  o.split = split;
  o.split_given = split_given;
  o.label = label_option;
  int li = label_input_index(entry);
  for (int i = 0; i < entry.num_inputs; ++i)
    if (i != li)
      o.input_names.push_back(entry.inputs[i].name);
  if (li >= 0)
    o.label_input = entry.inputs[li].name;
  return o;
}

int64_t model_classes(const dlc::Model &model) {
  const dlc_entry_desc *e = model.find_entry("eval_step");
  if (!e)
    e = model.find_entry("infer");
  if (!e)
    return 0;
  const dlc_tensor_desc *o = model_output(*e);
  if (!o || o->rank < 1)
    return 0;
  int64_t cols = 1;
  for (int k = 1; k < o->rank; ++k)
    cols *= o->shape[k];
  return cols >= 2 ? cols : 2;
}

void check_labels_for_input(const dlc::Dataset &data, const dlc_entry_desc &entry, int label_index,
                            int64_t classes) {
  if (label_index < 0)
    return;
  const dlc_tensor_desc &d = entry.inputs[label_index];
  if (!is_integer(d.dtype))
    return;
  if (!data.class_labels())
    throw CliError(data.spec() + ": input '" + d.name + "' (" + describe(d) + ") of entry '" +
                   entry.name + "' takes class indices, but the labels (" + data.labels().what +
                   ", " + data.labels().data.describe() + ") are not integer class labels");
  if (classes > 0)
    data.check_class_labels(classes);
}

Evaluator::Evaluator(dlc::Model &model, const std::string &path, const dlc::Dataset &data,
                     const std::string &entry_name)
    : model_(model), path_(path), entry_name_(entry_name), data_(data) {
  entry_ = &require_entry(model, path, entry_name);
  const dlc_entry_desc &e = *entry_;
  const std::string where = "entry '" + entry_name + "' of '" + path + "'";
  int li = label_input_index(e);
  if (li >= 0) {
    for (int i = 0; i < e.num_outputs; ++i)
      if (std::strcmp(e.outputs[i].name, "loss") == 0)
        loss_index_ = i;
    if (loss_index_ < 0)
      throw CliError(where + " has no output 'loss'");
    const dlc_tensor_desc &l = e.outputs[loss_index_];
    if (l.rank != 0 || l.dtype != DLC_DTYPE_F32)
      throw CliError(where + ": output 'loss' is " + describe(l) + ", expected an f32 scalar");
  }
  const dlc_tensor_desc *od = model_output(e);
  if (!od)
    throw CliError(where + " has no model output to score");
  out_index_ = static_cast<int>(od - e.outputs);

  if (!data.has_labels())
    throw CliError(data.spec() + ": no label array; name it with --label NAME");
  if (data.size() == 0)
    throw CliError(data.spec() + ": the data set is empty");
  dlc::BindOptions bo;
  bo.entry = entry_name;
  if (li >= 0)
    bo.label_input = e.inputs[li].name;
  std::vector<dlc::InputBinding> bindings = dlc::bind_inputs(data, e, bo);
  if (bindings.empty())
    throw CliError(where + " takes no inputs for the data set to feed");
  int64_t B = bindings[0].shape[0];
  batcher_ = std::make_unique<dlc::Batcher>(data, std::move(bindings), B);

  if (od->rank < 1 || od->shape[0] != B)
    throw CliError("output '" + std::string(od->name) + "' (" + describe(*od) + ") of entry '" +
                   entry_name + "' does not have the batch size " + std::to_string(B) +
                   " as dimension 0; eval reads one row of scores per sample from it");
  for (int k = 1; k < od->rank; ++k)
    cols_ *= od->shape[k];

  check_labels_for_input(data, e, li, cols_ >= 2 ? cols_ : 2);
  // The task follows from the labels and the width of the output.
  if (data.class_labels()) {
    if (cols_ >= 2) {
      task_ = Task::Classification;
      data.check_class_labels(cols_);
    } else {
      bool binary = true;
      for (int64_t i = 0; i < data.size() && binary; ++i)
        binary = data.class_label(i) == 0 || data.class_label(i) == 1;
      if (binary)
        task_ = Task::Classification;
      else
        why_ = " (integer labels other than 0/1 with one output column)";
    }
  }
  if (task_ == Task::Regression && data.labels().sample_numel() != cols_)
    throw CliError(data.spec() + ": " + data.labels().what + " has " +
                   std::to_string(data.labels().sample_numel()) +
                   " target value(s) per sample, but output '" + od->name + "' (" +
                   describe(*od) + ") has " + std::to_string(cols_) + " per sample");
}

EvalResult Evaluator::run(int64_t max_batches) {
  using Clock = std::chrono::steady_clock;
  const dlc_entry_desc &e = *entry_;
  dlc::Batcher &batcher = *batcher_;
  const int64_t B = batcher.batch_size();
  int64_t batches = batcher.num_batches();
  if (max_batches > 0 && max_batches < batches)
    batches = max_batches;

  std::vector<dlc::Tensor> ins = batcher.make_tensors();
  std::vector<dlc_tensor> in;
  for (size_t i = 0; i < ins.size(); ++i)
    in.push_back(ins[i].view(batcher.bindings()[i].input.c_str()));
  OutputBuffers allocated = allocate_outputs(e);
  std::vector<dlc::Tensor> &outs = allocated.buffers;
  std::vector<dlc_tensor> &out = allocated.views;

  const int64_t cols = cols_;
  const int rank = group_ ? group_->communicator().rank() : 0;
  const int ranks = group_ ? group_->communicator().size() : 1;
  // The scored output of every sample the batches cover, in sample order: this rank's
  // batches fill their rows; under mpirun the sum over the ranks fills all of them.
  const int64_t covered = std::min(batches * B, batcher.size());
  std::vector<double> all(static_cast<size_t>(covered * cols), 0.0);
  const dlc::Tensor &scored = outs[static_cast<size_t>(out_index_)];
  double loss_sum = 0;
  auto t0 = Clock::now();
  for (int64_t b = rank; b < batches; b += ranks) {
    int64_t rows = batcher.fill(b, ins);
    bool partial = rows < B && loss_index_ >= 0;
    if (partial)
      for (dlc::Tensor &t : ins)
        repeat_first_row(t, rows);
    model_.run(entry_name_, in, out);
    dlc::convert_elements(scored.data(), scored.dtype(), all.data() + b * B * cols, DLC_DTYPE_F64, rows * cols);
    if (loss_index_ >= 0) {
      double l = *outs[static_cast<size_t>(loss_index_)].data_as<float>();
      loss_sum += static_cast<double>(B) * l;
      if (partial) {
        for (dlc::Tensor &t : ins)
          repeat_first_row(t, 1);
        model_.run(entry_name_, in, out);
        double l1 = *outs[static_cast<size_t>(loss_index_)].data_as<float>();
        loss_sum -= static_cast<double>(B - rows) * l1;
      }
    }
  }
  if (group_) {
    group_->allreduce_sum(all.data(), static_cast<int64_t>(all.size()));
    group_->allreduce_sum(&loss_sum, 1);
  }

  dlc::ClassificationAccumulator cls(task_ == Task::Classification ? cols : 1);
  dlc::RegressionAccumulator reg;
  std::vector<double> target(static_cast<size_t>(cols));
  const dlc::Tensor &labels = data_.labels().data;
  const std::vector<int64_t> &order = batcher.order();
  for (int64_t k = 0; k < covered; ++k) {
    const double *z = all.data() + k * cols;
    int64_t s = order[static_cast<size_t>(k)];
    if (task_ == Task::Classification) {
      cls.add(z, labels.data_as<int64_t>()[s]);
    } else {
      dlc::convert_elements(static_cast<const uint8_t *>(labels.data()) + s * cols * dlc_dtype_size(labels.dtype()),
                            labels.dtype(), target.data(), DLC_DTYPE_F64, cols);
      reg.add(z, target.data(), cols);
    }
  }
  const int64_t samples = covered;

  EvalResult r;
  r.elapsed_s = std::chrono::duration<double>(Clock::now() - t0).count();
  r.task = task_;
  r.why = why_;
  r.samples = samples;
  r.batches = batches;
  r.batch_size = B;
  r.output = e.outputs[out_index_].name;
  r.compiled_loss = loss_index_ >= 0;
  if (task_ == Task::Classification) {
    r.cls = cls.finish();
    r.loss = r.cls.loss;
  } else {
    r.reg = reg.finish();
    r.loss = r.reg.mse;
  }
  if (r.compiled_loss) {
    r.loss = samples ? loss_sum / static_cast<double>(samples) : 0;
    r.cls.loss = r.loss;
    r.cls.loss_kind = "compiled (eval_step)";
    r.reg.has_loss = true;
    r.reg.loss = r.loss;
    r.reg.loss_kind = "compiled (eval_step)";
  }
  return r;
}

} // namespace dlc_run
