// csv: data sets, loaded as `dlc-run train --data csv:FILE:label=y` loads them (the seeds
// name their label column y).
#include "dlc/dataset.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = dlc_fuzz::write_scratch("data.csv", data, size);
  try {
    dlc::Dataset d = dlc::Dataset::load("csv:" + path + ":label=y");
    if (d.has_labels() && d.class_labels())
      d.check_class_labels(10);
  } catch (const dlc::Error &) {
  }
  return 0;
}
