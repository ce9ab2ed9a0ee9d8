// .npy: files NumPy wrote read back right, our files byte-identical to NumPy's, round
// trips across dtypes, and clear refusals.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "dlc/npy.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using dlc_test::numpy_data;

namespace {

template <typename T> std::vector<T> values(const dlc::Tensor &t) {
  return std::vector<T>(t.data_as<T>(), t.data_as<T>() + t.numel());
}

// A tensor of the dtype filled with a byte pattern that differs per element.
dlc::Tensor patterned(dlc_dtype dtype, std::vector<int64_t> shape) {
  dlc::Tensor t(dtype, std::move(shape));
  auto *p = static_cast<uint8_t *>(t.data());
  for (uint64_t i = 0; i < t.nbytes(); ++i)
    p[i] = static_cast<uint8_t>(dtype == DLC_DTYPE_BOOL ? i % 2 : i * 37 + 11);
  return t;
}

bool same(const dlc::Tensor &a, const dlc::Tensor &b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && a.nbytes() == b.nbytes() &&
         std::memcmp(a.data(), b.data(), a.nbytes()) == 0;
}

} // namespace

TEST_CASE("reads every supported dtype as NumPy wrote it", "[npy]") {
  dlc::Tensor f4 = dlc::read_npy(numpy_data("f4.npy"));
  CHECK(f4.describe() == "f32 2x3");
  for (int i = 0; i < 6; ++i)
    CHECK(f4.data_as<float>()[i] == static_cast<float>(i) * 0.5f - 1.0f);

  dlc::Tensor f8 = dlc::read_npy(numpy_data("f8.npy"));
  CHECK(f8.describe() == "f64 5");
  for (int i = 0; i < 5; ++i)
    CHECK(f8.data_as<double>()[i] == i / 3.0);

  dlc::Tensor f2 = dlc::read_npy(numpy_data("f2.npy"));
  CHECK(f2.describe() == "f16 4");
  CHECK(values<uint16_t>(f2) == std::vector<uint16_t>{0x0000, 0x3c00, 0x4000, 0x4200});

  CHECK(values<int8_t>(dlc::read_npy(numpy_data("i1.npy"))) ==
        std::vector<int8_t>{-128, -1, 0, 127});
  CHECK(values<int16_t>(dlc::read_npy(numpy_data("i2.npy"))) ==
        std::vector<int16_t>{-32768, 1, 32767});
  CHECK(values<int32_t>(dlc::read_npy(numpy_data("i4.npy"))) ==
        std::vector<int32_t>{INT32_MIN, 0, INT32_MAX});
  CHECK(values<int64_t>(dlc::read_npy(numpy_data("i8.npy"))) ==
        std::vector<int64_t>{INT64_MIN, 1, INT64_MAX});
  CHECK(values<uint8_t>(dlc::read_npy(numpy_data("u1.npy"))) == std::vector<uint8_t>{0, 1, 255});
  dlc::Tensor b1 = dlc::read_npy(numpy_data("b1.npy"));
  CHECK(b1.dtype() == DLC_DTYPE_BOOL);
  CHECK(values<uint8_t>(b1) == std::vector<uint8_t>{1, 0, 1});

  dlc::Tensor r3 = dlc::read_npy(numpy_data("rank3.npy"));
  CHECK(r3.describe() == "i32 2x3x4");
  CHECK(r3.data_as<int32_t>()[23] == 23);
}

TEST_CASE("reads scalars, empty arrays and format versions 2 and 3", "[npy]") {
  dlc::Tensor s = dlc::read_npy(numpy_data("scalar.npy"));
  CHECK(s.rank() == 0);
  CHECK(*s.data_as<float>() == 3.5f);
  dlc::Tensor e = dlc::read_npy(numpy_data("empty.npy"));
  CHECK(e.describe() == "f32 0x3");
  CHECK(e.nbytes() == 0);
  dlc::Tensor f4 = dlc::read_npy(numpy_data("f4.npy"));
  CHECK(same(dlc::read_npy(numpy_data("v2.npy")), f4));
  CHECK(same(dlc::read_npy(numpy_data("v3.npy")), f4));
}

TEST_CASE("writes the bytes NumPy writes", "[npy]") {
  dlc::Tensor f4 = dlc::read_npy(numpy_data("f4.npy"));
  CHECK(dlc::encode_npy(f4) == dlc_test::slurp(numpy_data("f4.npy")));
  dlc::Tensor s = dlc::read_npy(numpy_data("scalar.npy"));
  CHECK(dlc::encode_npy(s) == dlc_test::slurp(numpy_data("scalar.npy")));
  dlc::Tensor i1 = dlc::read_npy(numpy_data("i1.npy"));
  CHECK(dlc::encode_npy(i1) == dlc_test::slurp(numpy_data("i1.npy")));
}

TEST_CASE("round-trips every dtype and shape through a file", "[npy]") {
  dlc_test::TempDir dir;
  const dlc_dtype dtypes[] = {DLC_DTYPE_F32, DLC_DTYPE_F64, DLC_DTYPE_F16,
                              DLC_DTYPE_I8,  DLC_DTYPE_I16, DLC_DTYPE_I32,
                              DLC_DTYPE_I64, DLC_DTYPE_U8,  DLC_DTYPE_BOOL,
                              DLC_DTYPE_U16, DLC_DTYPE_U32, DLC_DTYPE_U64};
  const std::vector<int64_t> shapes[] = {{}, {1}, {7}, {2, 3}, {2, 0, 4}, {1, 2, 1, 3, 1, 2, 1, 2}};
  for (dlc_dtype dt : dtypes)
    for (const auto &shape : shapes) {
      dlc::Tensor t = patterned(dt, shape);
      INFO(t.describe());
      std::string path = dir.file("t.npy");
      dlc::write_npy(path, t);
      dlc::Tensor back = dlc::read_npy(path);
      CHECK(same(back, t));
      std::string bytes = dlc_test::slurp(path);
      CHECK((bytes.size() - t.nbytes()) % 64 == 0); // data starts 64-byte aligned
    }
}

TEST_CASE("writing replaces the file atomically and leaves no temporary behind", "[npy]") {
  dlc_test::TempDir dir;
  std::string path = dir.file("out.npy");
  dlc::write_npy(path, patterned(DLC_DTYPE_F32, {3}));
  dlc::write_npy(path, patterned(DLC_DTYPE_I64, {2, 2}));
  CHECK(dlc::read_npy(path).describe() == "i64 2x2");
  int files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("npy errors name the file and the problem", "[npy]") {
  dlc_test::TempDir dir;
  std::string good = dlc_test::slurp(numpy_data("f4.npy"));
  auto write = [&](const std::string &name, const std::string &bytes) {
    std::string p = dir.file(name);
    dlc_test::spit(p, bytes);
    return p;
  };
  SECTION("missing file") {
    CHECK_THROWS_WITH(dlc::read_npy(dir.file("nope.npy")),
                      Contains(dir.file("nope.npy")) && Contains("No such file"));
  }
  SECTION("truncated data") {
    std::string p = write("cut.npy", good.substr(0, good.size() - 5));
    CHECK_THROWS_WITH(dlc::read_npy(p), Contains(p) && Contains("truncated .npy file") &&
                                            Contains("needs 24 bytes of data, the file has 19"));
  }
  SECTION("truncated header") {
    std::string p = write("cut.npy", good.substr(0, 40));
    CHECK_THROWS_WITH(dlc::read_npy(p), Contains(p) && Contains("truncated .npy file"));
  }
  SECTION("a shape far larger than the file is refused before it is allocated") {
    std::string bad = good;
    // Same header length: the padding gives way to the longer shape.
    bad.replace(bad.find("(2, 3), }"), 24, "(4611686018427387, 3), }");
    std::string p = write("huge.npy", bad);
    CHECK_THROWS_WITH(dlc::read_npy(p), Contains(p) && Contains("truncated .npy file") &&
                                            Contains("needs 55340232221128644 bytes"));
  }
  SECTION("extra bytes") {
    std::string p = write("long.npy", good + "xx");
    CHECK_THROWS_WITH(dlc::read_npy(p), Contains("corrupt .npy file"));
  }
  SECTION("not npy") {
    std::string p = write("text.npy", "hello, world");
    CHECK_THROWS_WITH(dlc::read_npy(p), Contains(p) && Contains("not a .npy file"));
  }
  SECTION("unknown format version") {
    std::string bad = good;
    bad[6] = 9;
    std::string p = write("v9.npy", bad);
    CHECK_THROWS_WITH(dlc::read_npy(p), Contains("unsupported .npy format version 9.0"));
  }
  SECTION("malformed header") {
    std::string bad = good;
    bad.replace(bad.find("'shape'"), 7, "'shape\"");
    std::string p = write("bad.npy", bad);
    CHECK_THROWS_WITH(dlc::read_npy(p), Contains(p) && Contains("malformed .npy header"));
  }
  SECTION("Fortran order (written by NumPy)") {
    CHECK_THROWS_WITH(dlc::read_npy(numpy_data("fortran.npy")),
                      Contains("fortran.npy") &&
                          Contains("Fortran-order arrays are not supported"));
  }
  SECTION("big-endian (written by NumPy)") {
    CHECK_THROWS_WITH(dlc::read_npy(numpy_data("big_endian.npy")),
                      Contains("big_endian.npy") && Contains("big-endian data ('>f4')"));
  }
  SECTION("unsupported dtype (written by NumPy)") {
    CHECK_THROWS_WITH(dlc::read_npy(numpy_data("c8.npy")), Contains("unsupported dtype '<c8'"));
  }
  SECTION("uint16 (written by NumPy) reads as u16") {
    dlc::Tensor t = dlc::read_npy(numpy_data("u2.npy"));
    CHECK(t.dtype() == DLC_DTYPE_U16);
    CHECK(values<uint16_t>(t) == std::vector<uint16_t>{0, 1, 2});
  }
  SECTION("bf16 has no .npy form") {
    CHECK_THROWS_WITH(dlc::write_npy(dir.file("b.npy"), dlc::Tensor(DLC_DTYPE_BF16, {2})),
                      Contains("bf16 has no .npy equivalent"));
  }
  SECTION("a directory that does not exist") {
    std::string p = dir.file("no/such/dir/x.npy");
    CHECK_THROWS_WITH(dlc::write_npy(p, dlc::Tensor(DLC_DTYPE_F32, {2})),
                      Contains(p) && Contains("No such file"));
  }
}
