// idx: data sets (MNIST-family IDX files, plain or gzipped), loaded as `dlc-run train
// --data idx:DIR` loads them. The input is the images file and the labels file: a 4-byte
// little-endian length of the images file, its bytes, then the labels file.
#include <cstring>

#include "dlc/dataset.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4)
    return 0;
  uint32_t images = 0;
  std::memcpy(&images, data, 4);
  data += 4;
  size -= 4;
  if (images > size)
    images = static_cast<uint32_t>(size);
  dlc_fuzz::write_scratch("t10k-images-idx3-ubyte", data, images);
  dlc_fuzz::write_scratch("t10k-labels-idx1-ubyte", data + images, size - images);
  try {
    dlc::Dataset d = dlc::Dataset::load("idx:" + dlc_fuzz::scratch_dir());
    if (d.has_labels() && d.class_labels())
      d.check_class_labels(10);
  } catch (const dlc::Error &) {
  }
  return 0;
}
