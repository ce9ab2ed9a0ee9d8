// .npz: a zip archive of .npy members named NAME.npy.
#include <set>

#include "dlc/npy.hpp"
#include "dlc/file_io.hpp"
#include "printable.hpp"
#include "zip.hpp"

namespace dlc {

std::vector<NamedTensor> parse_npz(const std::string &archive, const std::string &where) {
  std::vector<NamedTensor> out;
  for_each_zip_member(archive, where, [&](const std::string &member, const void *data, size_t size) {
    if (!member.empty() && member.back() == '/')
      return; // a directory entry
    const std::string suffix = ".npy";
    if (member.size() <= suffix.size() ||
        member.compare(member.size() - suffix.size(), suffix.size(), suffix) != 0)
      throw Error(where + ": member '" + printable(member) + "' is not a .npy array");
    std::string name = member.substr(0, member.size() - suffix.size());
    out.push_back({name, parse_npy(data, size, where + ":" + printable(member))});
  });
  return out;
}

std::vector<NamedTensor> read_npz(const std::string &path) { return parse_npz(read_file(path), path); }

void write_npz(const std::string &path, const std::vector<NamedTensor> &arrays) {
  std::vector<std::string> encoded;
  encoded.reserve(arrays.size());
  std::set<std::string> names;
  std::vector<ZipMember> members;
  for (const NamedTensor &a : arrays) {
    if (a.name.empty())
      throw Error(path + ": an array has an empty name");
    if (!names.insert(a.name).second)
      throw Error(path + ": two arrays are named '" + a.name + "'");
    try {
      encoded.push_back(encode_npy(a.tensor));
    } catch (const Error &e) {
      throw Error(path + ": array '" + a.name + "': " + e.what());
    }
  }
  for (size_t i = 0; i < arrays.size(); ++i)
    members.push_back({arrays[i].name + ".npy", &encoded[i]});
  std::string bytes;
  try {
    bytes = make_zip(members);
  } catch (const Error &e) {
    throw Error(path + ": " + e.what());
  }
  write_file_atomic(path, bytes);
}

} // namespace dlc
