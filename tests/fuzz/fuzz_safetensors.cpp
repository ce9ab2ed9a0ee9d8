// Safetensors checkpoints, as `dlc-run --resume/--checkpoint` and the Python package read
// them. Anything but a dlc::Error escaping is a bug (the fuzzer reports it as a crash).
#include "dlc/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  try {
    dlc::Safetensors st = dlc::parse_safetensors(data, size, "fuzz.safetensors");
    // What a reader does next: look its tensors and metadata up.
    for (const dlc::NamedTensor &t : st.tensors)
      if (!st.find(t.name))
        __builtin_trap();
    st.meta("format");
  } catch (const dlc::Error &) {
  }
  return 0;
}
