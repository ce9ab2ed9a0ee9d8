// Test tool: reads IN (.npy or .npz) with the runtime's reader and writes OUT with its
// writer, so numpy_interop_test.py can check both against NumPy.
#include <cstdio>
#include <string>

#include "dlc/npy.hpp"

namespace {
bool is_npz(const std::string &p) {
  return p.size() > 4 && p.compare(p.size() - 4, 4, ".npz") == 0;
}
} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: npy_copy IN.npy|IN.npz OUT.npy|OUT.npz\n");
    return 2;
  }
  try {
    std::string in = argv[1], out = argv[2];
    if (is_npz(in) != is_npz(out))
      throw dlc::Error("IN and OUT must both be .npy or both .npz");
    if (is_npz(in))
      dlc::write_npz(out, dlc::read_npz(in));
    else
      dlc::write_npy(out, dlc::read_npy(in));
  } catch (const dlc::Error &e) {
    std::fprintf(stderr, "npy_copy: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
