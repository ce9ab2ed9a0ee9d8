// Validation of an artifact's manifest before the runtime trusts any of it.
#ifndef DLC_RUNTIME_MANIFEST_CHECK_HPP
#define DLC_RUNTIME_MANIFEST_CHECK_HPP

#include <string>

#include "dlc/abi.h"
#include "loaded_image.hpp"

namespace dlc {

// Checks magic, ABI version, target, and the entry and parameter tables, and that every
// pointer in them points into the artifact's own segments (strings terminated, entry
// functions in code). Throws StatusError naming the artifact and the offending entry,
// tensor or parameter.
void check_manifest(const dlc_manifest *m, const std::string &path, const LoadedImage &image);

// Bytes of a dense tensor of that description; the description must have passed
// check_manifest.
uint64_t tensor_nbytes(const dlc_tensor_desc &d);

} // namespace dlc

#endif
