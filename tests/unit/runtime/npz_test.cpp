// .npz: archives NumPy wrote (stored with zip64 headers, and deflated) and our own.
#include <catch2/catch.hpp>
#include <cstring>

#include "dlc/npy.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using dlc_test::numpy_data;

TEST_CASE("reads np.savez archives (stored members, zip64 local headers)", "[npz]") {
  auto arrays = dlc::read_npz(numpy_data("savez.npz"));
  REQUIRE(arrays.size() == 2);
  CHECK(arrays[0].name == "a");
  CHECK(arrays[0].tensor.describe() == "f32 2x3");
  for (int i = 0; i < 6; ++i)
    CHECK(arrays[0].tensor.data_as<float>()[i] == static_cast<float>(i) * 0.5f - 1.0f);
  CHECK(arrays[1].name == "b");
  CHECK(arrays[1].tensor.describe() == "i64 3");
  CHECK(arrays[1].tensor.data_as<int64_t>()[2] == 3);
}

TEST_CASE("reads np.savez_compressed archives (deflate)", "[npz]") {
  auto arrays = dlc::read_npz(numpy_data("compressed.npz"));
  REQUIRE(arrays.size() == 3);
  CHECK(arrays[0].name == "a");
  CHECK(arrays[1].name == "big");
  CHECK(arrays[1].tensor.describe() == "f32 10000");
  for (int i = 0; i < 10000; i += 999)
    CHECK(arrays[1].tensor.data_as<float>()[i] == static_cast<float>(i));
  CHECK(arrays[1].tensor.data_as<float>()[9999] == 9999.0f);
  CHECK(arrays[2].tensor.describe() == "bool 2");
}

TEST_CASE("round-trips arrays of several dtypes in order", "[npz]") {
  dlc_test::TempDir dir;
  std::vector<dlc::NamedTensor> in;
  in.push_back({"weights", dlc::Tensor(DLC_DTYPE_F32, {3, 2})});
  in.push_back({"ids", dlc::Tensor(DLC_DTYPE_I64, {4})});
  in.push_back({"mask", dlc::Tensor(DLC_DTYPE_BOOL, {})});
  in.push_back({"half", dlc::Tensor(DLC_DTYPE_F16, {0})});
  for (int i = 0; i < 6; ++i)
    in[0].tensor.data_as<float>()[i] = 1.5f * i;
  for (int i = 0; i < 4; ++i)
    in[1].tensor.data_as<int64_t>()[i] = -i * 1000000000000LL;
  *in[2].tensor.data_as<uint8_t>() = 1;
  std::string path = dir.file("a.npz");
  dlc::write_npz(path, in);
  auto out = dlc::read_npz(path);
  REQUIRE(out.size() == in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    CHECK(out[i].name == in[i].name);
    CHECK(out[i].tensor.describe() == in[i].tensor.describe());
    CHECK(std::memcmp(out[i].tensor.data(), in[i].tensor.data(), in[i].tensor.nbytes()) == 0);
  }
}

TEST_CASE("npz errors name the archive, the member and the problem", "[npz]") {
  dlc_test::TempDir dir;
  auto write = [&](const std::string &name, const std::string &bytes) {
    std::string p = dir.file(name);
    dlc_test::spit(p, bytes);
    return p;
  };
  std::string compressed = dlc_test::slurp(numpy_data("compressed.npz"));
  SECTION("not a zip") {
    std::string p = write("x.npz", "definitely not a zip archive, just text");
    CHECK_THROWS_WITH(dlc::read_npz(p), Contains(p) && Contains("no zip end-of-central-directory"));
  }
  SECTION("truncated") {
    std::string p = write("cut.npz", compressed.substr(0, compressed.size() / 2));
    CHECK_THROWS_WITH(dlc::read_npz(p), Contains(p));
  }
  SECTION("corrupt deflate data") {
    std::string bad = compressed;
    size_t at = bad.find("big.npy") + 200; // inside big's compressed stream
    for (size_t i = 0; i < 40; ++i)
      bad[at + i] = static_cast<char>(bad[at + i] ^ 0x5a);
    std::string p = write("bad.npz", bad);
    CHECK_THROWS_WITH(dlc::read_npz(p), Contains(p) && Contains("big.npy"));
  }
  SECTION("corrupt stored data (CRC)") {
    std::string bad = dlc_test::slurp(numpy_data("savez.npz"));
    bad[bad.size() / 4] ^= 0x01; // inside a.npy's data
    std::string p = write("crc.npz", bad);
    CHECK_THROWS_WITH(dlc::read_npz(p),
                      Contains(p) && Contains("member 'a.npy' is corrupt (CRC mismatch)"));
  }
  SECTION("a member that is not .npy") {
    CHECK_THROWS_WITH(dlc::read_npz(numpy_data("not_npy_member.npz")),
                      Contains("member 'readme.txt' is not a .npy array"));
  }
  SECTION("two arrays of one name") {
    std::vector<dlc::NamedTensor> twice;
    twice.push_back({"x", dlc::Tensor(DLC_DTYPE_F32, {1})});
    twice.push_back({"x", dlc::Tensor(DLC_DTYPE_F32, {1})});
    CHECK_THROWS_WITH(dlc::write_npz(dir.file("t.npz"), twice),
                      Contains("two arrays are named 'x'"));
  }
}
