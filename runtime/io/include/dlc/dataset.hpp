// Data sets for dlc-run eval and train: loading a SPEC into memory, binding its arrays to
// an entry point's inputs, and cutting it into batches shaped like those inputs.
//
// SPEC is one of
//   npz:FILE.npz             arrays named like the entry's inputs, plus a label array
//   idx:DIR                  MNIST-family IDX files, gzipped or not: the pair
//                            t10k-images-idx3-ubyte[.gz] / t10k-labels-idx1-ubyte[.gz]
//                            (split "test") or train-* (split "train"); u8 images become
//                            f32 in [0, 1], labels i64
//   csv:FILE:label=COLUMN    a header row of column names, then numeric rows; the label
//                            column becomes i64 class indices when every value is an
//                            integer, f32 targets otherwise; every other column is an f32
//                            feature
// Every failure throws dlc::Error with a message naming the source and the problem.
#ifndef DLC_DATASET_HPP
#define DLC_DATASET_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "dlc/tensor.hpp"

namespace dlc {

enum class DataSplit { Test, Train };

struct DatasetOptions {
  DataSplit split = DataSplit::Test;
  // The label array of an npz archive or the label column of a csv file (a csv SPEC's own
  // label=COLUMN is used when this is empty; they must agree when both are given). Empty
  // for npz: an array named "label", "labels", "y", "target" or "targets" that is not an
  // input, else the one array not in `input_names` (else no labels).
  std::string label;
  // The inputs the data set will feed (helps pick the npz label array); may be empty.
  std::vector<std::string> input_names;
  // The name of the entry input that takes the labels (train_step's and eval_step's last
  // input): when `label` is empty, an npz array of this name is the label array, before
  // the fixed candidates above.
  std::string label_input;
  // Whether --split was given explicitly (only idx: data sets have splits).
  bool split_given = false;
};

// One array of a data set: dimension 0 runs over the samples.
struct DataArray {
  std::string name; // npz array name; "images"/"labels" (idx); "features"/column (csv)
  std::string what; // for messages: "idx images", "npz array 'x'", "csv features"
  Tensor data;      // [N, sample_shape...]
  std::vector<int64_t> sample_shape() const {
    return std::vector<int64_t>(data.shape().begin() + 1, data.shape().end());
  }
  int64_t sample_numel() const {
    int64_t n = 1;
    for (size_t i = 1; i < data.shape().size(); ++i)
      n *= data.shape()[i];
    return n;
  }
};

class DLC_API Dataset {
public:
  // Parses SPEC and reads the data into memory.
  static Dataset load(const std::string &spec, const DatasetOptions &options = {});

  // The SPEC as given ("idx:/data/fashion-mnist") and the files read, for messages.
  const std::string &spec() const { return spec_; }
  const std::string &kind() const { return kind_; } // "npz", "idx" or "csv"
  const std::string &description() const { return description_; }

  int64_t size() const { return size_; }

  // Feature arrays: for npz every array but the label (named like inputs), for idx and
  // csv exactly one (their features are not named after an input).
  const std::vector<DataArray> &features() const { return features_; }
  bool named_features() const { return kind_ == "npz"; }
  const DataArray *find_feature(const std::string &name) const;

  bool has_labels() const { return labels_.data.valid(); }
  const DataArray &labels() const;
  // True when the labels are i64 class indices (one per sample), false for float targets.
  bool class_labels() const;
  // Label of sample i as a class index; requires class_labels().
  int64_t class_label(int64_t i) const;
  // Throws "SPEC: label 12 at sample 345 >= 10 classes" (or a negative label) unless
  // every class label lies in [0, num_classes).
  void check_class_labels(int64_t num_classes) const;

  // For tests and callers that build data sets in memory. `labels` may be invalid
  // (default-constructed) for none; arrays must agree on dimension 0.
  static Dataset from_arrays(std::string spec, std::string kind, std::vector<DataArray> features,
                             DataArray labels);

private:
  std::string spec_, kind_, description_;
  int64_t size_ = 0;
  std::vector<DataArray> features_;
  DataArray labels_;
};

// A SPEC split into its parts; throws for a malformed one.
struct DataSpec {
  std::string kind;  // "npz", "idx", "csv"
  std::string path;  // FILE or DIR
  std::string label; // csv: the label=COLUMN part, "" when absent
};
DLC_API DataSpec parse_data_spec(const std::string &spec);

// Which data set array feeds which entry input.
struct InputBinding {
  std::string input;          // entry input name
  dlc_dtype dtype;            // the input's dtype
  std::vector<int64_t> shape; // the input's full shape; shape[0] is the batch size
  const DataArray *array;     // source in the Dataset, which must outlive the binding and
                              // stay where it is (not be moved)
};

struct BindOptions {
  std::string entry = "infer"; // for messages
  // The input that takes the labels ("" when labels are not an input, as for infer).
  std::string label_input;
  // Inputs the caller fills itself (a learning rate, say).
  std::vector<std::string> skip;
};

// Binds every input of `entry` but the skipped ones, returned in the entry's input order:
// npz arrays by name; the one feature array of idx/csv to the one remaining input; the
// labels to options.label_input. Checks
// that each input's dimension 0 is the same batch size B and that a sample of the array
// has as many values as the input per batch row ("idx images are 28x28 = 784 values per
// sample, input 'x' expects 3x32x32 = 3072"); the layout within a row is free (images of
// 28x28 feed Bx1x28x28, Bx784 or Bx28x28).
DLC_API std::vector<InputBinding> bind_inputs(const Dataset &data, const dlc_entry_desc &entry,
                                              const BindOptions &options = {});

// Converts n elements between dtypes (f32 f64 f16 bf16 i8 i16 i32 i64 u8 bool); a float
// to an integer truncates toward zero, anything to bool is != 0.
DLC_API void convert_elements(const void *src, dlc_dtype src_dtype, void *dst, dlc_dtype dst_dtype,
                              int64_t n);

// Cuts a data set into batches of a fixed size in an order that is either 0..N-1 or a
// Fisher-Yates shuffle (std::mt19937_64 seeded from the seed and the epoch, so epoch k's
// order is reproducible on its own). The last batch of an epoch may be partial: its rows
// past the end are zero-filled and fill() says how many rows are real.
class DLC_API Batcher {
public:
  Batcher(const Dataset &data, std::vector<InputBinding> bindings, int64_t batch_size,
          bool shuffle = false, uint64_t seed = 0);

  int64_t batch_size() const { return batch_size_; }
  int64_t size() const { return size_; }
  // ceil(size / (batch_size * ranks)).
  int64_t num_batches() const { return (size_ + batch_size_ * ranks_ - 1) / (batch_size_ * ranks_); }

  // Data parallelism: batch b becomes the slice [rank * batch_size, (rank + 1) *
  // batch_size) of the batch of batch_size * ranks samples that an unsharded Batcher of
  // that batch size would give (same order, same epochs). Throws on rank outside [0, ranks).
  void set_shard(int64_t rank, int64_t ranks);
  int64_t rank() const { return rank_; }
  int64_t ranks() const { return ranks_; }
  const std::vector<InputBinding> &bindings() const { return bindings_; }

  // Sets the order of the samples for an epoch (a no-op without shuffling).
  void set_epoch(uint64_t epoch);
  const std::vector<int64_t> &order() const { return order_; }

  // Tensors shaped like the bound inputs, in binding order, to pass to fill().
  std::vector<Tensor> make_tensors() const;
  // Fills `tensors` (from make_tensors()) with batch b of the current epoch and returns
  // the number of real rows; `indices` (if not null) receives their sample indices.
  int64_t fill(int64_t b, std::vector<Tensor> &tensors,
               std::vector<int64_t> *indices = nullptr) const;

private:
  const Dataset *data_;
  std::vector<InputBinding> bindings_;
  int64_t batch_size_, size_;
  int64_t rank_ = 0, ranks_ = 1;
  bool shuffle_;
  uint64_t seed_;
  std::vector<int64_t> order_;
};

// The sample order of a seeded Fisher-Yates shuffle of 0..n-1 (what Batcher uses).
DLC_API std::vector<int64_t> shuffled_order(int64_t n, uint64_t seed, uint64_t epoch);

} // namespace dlc

#endif // DLC_DATASET_HPP
