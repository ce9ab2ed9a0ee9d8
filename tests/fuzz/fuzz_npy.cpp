// .npy arrays, as `dlc-run infer --input` reads them. A parsed array must encode and parse
// back to the same dtype, shape and bytes.
#include <cstring>

#include "dlc/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  dlc::Tensor t;
  try {
    t = dlc::parse_npy(data, size, "fuzz.npy");
  } catch (const dlc::Error &) {
    return 0;
  }
  std::string again = dlc::encode_npy(t);
  dlc::Tensor u = dlc::parse_npy(again.data(), again.size(), "fuzz.npy (re-encoded)");
  if (u.dtype() != t.dtype() || u.shape() != t.shape() || u.nbytes() != t.nbytes() ||
      (t.nbytes() && std::memcmp(u.data(), t.data(), t.nbytes()) != 0))
    __builtin_trap();
  return 0;
}
