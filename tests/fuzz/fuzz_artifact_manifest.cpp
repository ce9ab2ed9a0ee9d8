// The manifest check the runtime runs on a dlopen'd artifact before it follows any of its
// pointers (runtime/core/src/manifest_check.cpp), on a manifest image (manifest_image.hpp)
// standing for the artifact's memory: every pointer the check accepts must lie inside it,
// which ASan verifies as the check and the reads after it run.
#include <cstdlib>
#include <cstring>

#include "manifest_check.hpp"
#include "manifest_image.hpp"
#include "status_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Exactly `size` bytes, so ASan flags a read past the image; malloc's 16-byte alignment
  // is what a loaded segment gives the manifest.
  uint8_t *image = static_cast<uint8_t *>(std::malloc(size ? size : 1));
  if (size)
    std::memcpy(image, data, size);
  dlc_fuzz::relocate(image, size);
  auto *m = reinterpret_cast<const dlc_manifest *>(image);
  try {
    dlc::check_manifest(m, "fuzz.so", dlc::LoadedImage::of_memory(image, size, /*exec=*/true));
    // What the loader reads next (model_load.cpp, model_run.cpp).
    uint64_t sum = 0;
    for (int32_t i = 0; i < m->num_entries; ++i) {
      const dlc_entry_desc &e = m->entries[i];
      for (int32_t j = 0; j < e.num_inputs; ++j)
        sum += dlc::tensor_nbytes(e.inputs[j]) + std::strlen(e.inputs[j].name);
      for (int32_t j = 0; j < e.num_outputs; ++j)
        sum += dlc::tensor_nbytes(e.outputs[j]) + std::strlen(e.outputs[j].name);
    }
    for (int32_t i = 0; i < m->num_params; ++i)
      if (m->params[i].nbytes)
        sum += m->weights[m->params[i].offset + m->params[i].nbytes - 1];
    asm volatile("" : : "r"(sum));
  } catch (const dlc::StatusError &) {
  }
  std::free(image);
  return 0;
}
