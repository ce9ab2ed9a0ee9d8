// .npz archives (zip of .npy members, stored or deflated, zip64), as `dlc-run infer
// --inputs` and npz: data sets read them.
#include "dlc/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  try {
    dlc::parse_npz(std::string(reinterpret_cast<const char *>(data), size), "fuzz.npz");
  } catch (const dlc::Error &) {
  }
  return 0;
}
