// Validation of an artifact's manifest before the runtime trusts any of it.
#ifndef DLC_RUNTIME_MANIFEST_CHECK_HPP
#define DLC_RUNTIME_MANIFEST_CHECK_HPP

#include <string>

#include "dlc/abi.h"

namespace dlc {

// Checks magic, ABI version, target, and the entry and parameter tables. Throws
// StatusError naming the artifact and the offending entry/tensor/parameter.
void check_manifest(const dlc_manifest *m, const std::string &path);

// Bytes of a dense tensor of that description; the description must have passed
// check_manifest.
uint64_t tensor_nbytes(const dlc_tensor_desc &d);

} // namespace dlc

#endif
