// The part of the ZIP format that .npz files use: reading stored and deflated members
// (zip64 included, as np.savez always writes zip64 local headers) and writing stored
// members.
#ifndef DLC_RUNTIME_ZIP_HPP
#define DLC_RUNTIME_ZIP_HPP

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace dlc {

// Calls fn(name, data, size) for each member in central-directory order, with the
// member's uncompressed bytes (CRC checked). Throws dlc::Error prefixed with `where`.
void for_each_zip_member(
    const std::string &archive, const std::string &where,
    const std::function<void(const std::string &name, const void *data, size_t size)> &fn);

struct ZipMember {
  std::string name;
  const std::string *data;
};

// An archive of stored (uncompressed) members. Throws dlc::Error past 4 GiB, which
// would need zip64.
std::string make_zip(const std::vector<ZipMember> &members);

} // namespace dlc

#endif
