// The input format of fuzz_artifact_manifest: the bytes of an artifact's memory as the
// runtime sees it after dlopen, with a dlc_manifest at offset 0. A pointer field holds
// kPointerTag | offset into the bytes; relocate() turns those words into addresses, as
// the dynamic loader would. Words without the tag stay what they are (NULL, or garbage
// the manifest check must refuse).
#ifndef DLC_TESTS_FUZZ_MANIFEST_IMAGE_HPP
#define DLC_TESTS_FUZZ_MANIFEST_IMAGE_HPP

#include <cstdint>
#include <cstring>

namespace dlc_fuzz {

constexpr uint64_t kPointerTag = 0xD1C0ull << 48;
constexpr uint64_t kTagMask = 0xFFFFull << 48;

// Every 8-byte-aligned word of image[0, size) that carries the tag becomes
// image + (word & ~kTagMask).
inline void relocate(uint8_t *image, size_t size) {
  for (size_t off = 0; off + 8 <= size; off += 8) {
    uint64_t w;
    std::memcpy(&w, image + off, 8);
    if ((w & kTagMask) != kPointerTag)
      continue;
    w = reinterpret_cast<uintptr_t>(image) + (w & ~kTagMask);
    std::memcpy(image + off, &w, 8);
  }
}

} // namespace dlc_fuzz

#endif
