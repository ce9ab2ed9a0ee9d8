// Dataset: SPEC parsing, dispatch to the format loaders, labels.
#include <algorithm>
#include <cstring>

#include "dataset_internal.hpp"
#include "dlc/npy.hpp"

namespace dlc {

DataSpec parse_data_spec(const std::string &spec) {
  const char *usage = "expected npz:FILE.npz, idx:DIR or csv:FILE:label=COLUMN";
  size_t colon = spec.find(':');
  if (colon == std::string::npos)
    throw Error("data set '" + spec + "': no format prefix; " + usage);
  DataSpec out;
  out.kind = spec.substr(0, colon);
  out.path = spec.substr(colon + 1);
  if (out.kind != "npz" && out.kind != "idx" && out.kind != "csv")
    throw Error("data set '" + spec + "': unknown format '" + out.kind + "'; " + usage);
  if (out.kind == "csv") {
    size_t at = out.path.rfind(":label=");
    if (at != std::string::npos) {
      out.label = out.path.substr(at + 7);
      out.path = out.path.substr(0, at);
      if (out.label.empty())
        throw Error("data set '" + spec + "': empty label column after 'label='");
    }
  }
  if (out.path.empty())
    throw Error("data set '" + spec + "': no " + (out.kind == "idx" ? "directory" : "file") +
                " after '" + out.kind + ":'");
  return out;
}

Dataset Dataset::load(const std::string &spec_text, const DatasetOptions &options) {
  DataSpec spec = parse_data_spec(spec_text);
  if (options.split_given && spec.kind != "idx")
    throw Error("data set '" + spec_text +
                "': --split applies only to idx: data sets, which hold "
                "a train and a test split");
  if (spec.kind == "npz")
    return load_npz_dataset(spec, spec_text, options);
  if (spec.kind == "idx")
    return load_idx_dataset(spec, spec_text, options);
  return load_csv_dataset(spec, spec_text, options);
}

Dataset Dataset::from_arrays(std::string spec, std::string kind, std::vector<DataArray> features,
                             DataArray labels) {
  Dataset d;
  d.spec_ = std::move(spec);
  d.kind_ = std::move(kind);
  d.features_ = std::move(features);
  d.labels_ = std::move(labels);
  if (d.labels_.data.valid()) {
    if (d.labels_.data.rank() == 0)
      throw Error(d.spec_ + ": " + d.labels_.what + " is a scalar, not one label per sample");
    d.size_ = d.labels_.data.shape()[0];
  } else if (!d.features_.empty() && d.features_[0].data.rank() > 0) {
    d.size_ = d.features_[0].data.shape()[0];
  }
  d.description_ = d.spec_ + ": " + std::to_string(d.size_) + " samples";
  return d;
}

const DataArray *Dataset::find_feature(const std::string &name) const {
  for (const DataArray &a : features_)
    if (a.name == name)
      return &a;
  return nullptr;
}

const DataArray &Dataset::labels() const {
  if (!has_labels())
    throw Error(spec_ + ": the data set has no labels");
  return labels_;
}

bool Dataset::class_labels() const {
  return has_labels() && labels_.data.dtype() == DLC_DTYPE_I64 && labels_.data.rank() == 1;
}

int64_t Dataset::class_label(int64_t i) const { return labels_.data.data_as<int64_t>()[i]; }

void Dataset::check_class_labels(int64_t num_classes) const {
  if (!class_labels())
    throw Error(spec_ + ": the labels are not class indices");
  const int64_t *l = labels_.data.data_as<int64_t>();
  for (int64_t i = 0; i < size_; ++i) {
    if (l[i] < 0)
      throw Error(spec_ + ": label " + std::to_string(l[i]) + " at sample " + std::to_string(i) +
                  " is negative; class labels run from 0 to " + std::to_string(num_classes - 1));
    if (l[i] >= num_classes)
      throw Error(spec_ + ": label " + std::to_string(l[i]) + " at sample " + std::to_string(i) +
                  " >= " + std::to_string(num_classes) + " classes");
  }
}

namespace {

bool is_int_dtype(dlc_dtype t) {
  return t == DLC_DTYPE_I8 || t == DLC_DTYPE_I16 || t == DLC_DTYPE_I32 || t == DLC_DTYPE_I64 ||
         t == DLC_DTYPE_U8 || t == DLC_DTYPE_BOOL;
}

} // namespace

// Labels as the data set keeps them: integer arrays of one value per sample become i64
// [N] class indices, everything else f32 targets of the same shape.
DataArray normalize_labels(DataArray a) {
  if (a.data.rank() == 0)
    return a; // rejected by from_arrays
  std::vector<int64_t> sample = a.sample_shape();
  if (is_int_dtype(a.data.dtype()) && checked_numel(sample) == 1) {
    Tensor t(DLC_DTYPE_I64, {a.data.shape()[0]});
    convert_elements(a.data.data(), a.data.dtype(), t.data(), DLC_DTYPE_I64, t.numel());
    a.data = std::move(t);
  } else if (a.data.dtype() != DLC_DTYPE_F32) {
    Tensor t(DLC_DTYPE_F32, a.data.shape());
    convert_elements(a.data.data(), a.data.dtype(), t.data(), DLC_DTYPE_F32, t.numel());
    a.data = std::move(t);
  }
  return a;
}

Dataset load_npz_dataset(const DataSpec &spec, const std::string &text,
                         const DatasetOptions &opts) {
  std::vector<NamedTensor> arrays = read_npz(spec.path);
  auto is_input = [&](const std::string &n) {
    return std::find(opts.input_names.begin(), opts.input_names.end(), n) != opts.input_names.end();
  };
  auto names = [&]() {
    std::string s;
    for (const NamedTensor &a : arrays)
      s += (s.empty() ? "" : ", ") + a.name;
    return s.empty() ? std::string("none") : s;
  };
  int label = -1;
  if (!opts.label.empty()) {
    for (size_t i = 0; i < arrays.size(); ++i)
      if (arrays[i].name == opts.label)
        label = static_cast<int>(i);
    if (label < 0)
      throw Error(text + " has no label array '" + opts.label + "' (arrays: " + names() + ")");
  } else {
    for (size_t i = 0; i < arrays.size() && !opts.label_input.empty() && label < 0; ++i)
      if (arrays[i].name == opts.label_input && !is_input(opts.label_input))
        label = static_cast<int>(i);
    for (const char *candidate : {"label", "labels", "y", "target", "targets"})
      for (size_t i = 0; i < arrays.size() && label < 0; ++i)
        if (arrays[i].name == candidate && !is_input(candidate))
          label = static_cast<int>(i);
    if (label < 0 && !opts.input_names.empty()) {
      int others = 0;
      for (size_t i = 0; i < arrays.size(); ++i)
        if (!is_input(arrays[i].name)) {
          ++others;
          label = static_cast<int>(i);
        }
      if (others != 1)
        label = -1;
    }
  }
  std::vector<DataArray> features;
  DataArray labels;
  for (size_t i = 0; i < arrays.size(); ++i) {
    DataArray a;
    a.name = arrays[i].name;
    a.what = "npz array '" + a.name + "'";
    a.data = std::move(arrays[i].tensor);
    if (static_cast<int>(i) == label)
      labels = normalize_labels(std::move(a));
    else
      features.push_back(std::move(a));
  }
  Dataset d = Dataset::from_arrays(text, "npz", std::move(features), std::move(labels));
  if (d.has_labels())
    for (const DataArray &a : d.features())
      if (a.data.rank() > 0 && a.data.shape()[0] != d.size() && is_input(a.name))
        throw Error(text + ": npz array '" + a.name + "' has " + std::to_string(a.data.shape()[0]) +
                    " samples, the label array '" + d.labels().name + "' " +
                    std::to_string(d.size()));
  return d;
}

} // namespace dlc
