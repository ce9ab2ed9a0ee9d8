// Shared by the dataset_*.cpp files: the per-format loaders and small helpers.
#ifndef DLC_RUNTIME_DATASET_INTERNAL_HPP
#define DLC_RUNTIME_DATASET_INTERNAL_HPP

#include <string>

#include "dlc/dataset.hpp"

namespace dlc {

Dataset load_npz_dataset(const DataSpec &spec, const std::string &text, const DatasetOptions &opts);
Dataset load_idx_dataset(const DataSpec &spec, const std::string &text, const DatasetOptions &opts);
Dataset load_csv_dataset(const DataSpec &spec, const std::string &text, const DatasetOptions &opts);

// Integer labels of one value per sample become i64 [N]; the rest f32.
DataArray normalize_labels(DataArray a);

// Decompresses a whole gzip file (one or more members); `where` prefixes errors.
std::string gunzip(const std::string &bytes, const std::string &where);

// "28x28 = 784" for rank >= 2, "784" for rank 1, "1" for a scalar sample.
std::string sample_size_text(const std::vector<int64_t> &shape);

} // namespace dlc

#endif
