// dlc_model_load: what a valid artifact yields, and one clear refusal per defect.
#include <catch2/catch.hpp>
#include <cstring>
#include <unistd.h>

#include "dlc/runtime.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using dlc_test::fixture;
using dlc_test::try_load;

TEST_CASE("a valid artifact loads with its manifest and initial weights", "[loader]") {
  dlc::Model m(fixture("add"));
  const dlc_manifest &man = m.manifest();
  CHECK(std::string(man.target) == "cpu");
  CHECK(std::string(man.model_name) == "add");
  CHECK(man.abi_version == DLC_ABI_VERSION);
  REQUIRE(m.num_entries() == 1);
  CHECK(std::string(m.entry(0).name) == "infer");
  CHECK(m.entry(0).arena_bytes == 64);
  CHECK(m.find_entry("infer") == &m.entry(0));
  CHECK(m.find_entry("train_step") == nullptr);
  REQUIRE(m.num_params() == 1);
  CHECK(std::string(m.param(0).tensor.name) == "w");
  CHECK(m.param_bytes() == 16);
  CHECK(dlc_model_find_param(m.handle(), "w") == 0);
  CHECK(dlc_model_find_param(m.handle(), "nope") == -1);
  CHECK(dlc_model_param_data(m.handle(), 1) == nullptr);
  CHECK(dlc_model_entry(m.handle(), -1) == nullptr);

  const float *w = static_cast<const float *>(m.param_data(0));
  CHECK(reinterpret_cast<uintptr_t>(w) % 64 == 0);
  CHECK(w != reinterpret_cast<const float *>(man.weights)); // a runtime-owned copy
  CHECK(w[0] == 0.5f);
  CHECK(w[1] == -1.25f);
  CHECK(w[2] == 2.0f);
  CHECK(w[3] == 100.0f);
}

TEST_CASE("parameters are copied from their offsets into aligned buffers", "[loader]") {
  dlc::Model m(fixture("affine"));
  REQUIRE(m.num_params() == 2);
  const int64_t *steps = static_cast<const int64_t *>(m.param_data(0));
  const float *b = static_cast<const float *>(m.param_data(1));
  CHECK(reinterpret_cast<uintptr_t>(steps) % 64 == 0);
  CHECK(reinterpret_cast<uintptr_t>(b) % 64 == 0);
  CHECK(steps[0] == 7);
  CHECK(steps[1] == 9);
  CHECK(b[0] == 1.0f);
  CHECK(b[1] == 2.0f);
  CHECK(b[2] == 3.0f);
  CHECK(m.param(0).trainable == 0);
  CHECK(m.param(1).trainable == 1);
  CHECK(m.param_bytes() == 28);
}

TEST_CASE("two loads of one artifact own separate parameters", "[loader]") {
  dlc::Model a(fixture("add")), b(fixture("add"));
  static_cast<float *>(a.param_data(0))[0] = 42.0f;
  CHECK(static_cast<const float *>(b.param_data(0))[0] == 0.5f);
}

TEST_CASE("a path without a slash is opened as a file, not searched for", "[loader]") {
  char cwd[4096];
  REQUIRE(::getcwd(cwd, sizeof cwd));
  REQUIRE(::chdir(DLC_FIXTURE_DIR) == 0);
  auto r = try_load("add.so");
  REQUIRE(::chdir(cwd) == 0);
  CHECK(r.message == "");
  CHECK(r.status == DLC_OK);
}

TEST_CASE("a missing file is an i/o error naming the path", "[loader]") {
  auto r = try_load("/nonexistent/model.so");
  CHECK(r.status == DLC_ERROR_IO);
  CHECK_THAT(r.message, Contains("'/nonexistent/model.so'") && Contains("No such file"));
}

TEST_CASE("a directory is refused", "[loader]") {
  auto r = try_load(DLC_FIXTURE_DIR);
  CHECK(r.status == DLC_ERROR_IO);
  CHECK_THAT(r.message, Contains("is not a regular file"));
}

TEST_CASE("a file that is not ELF is refused", "[loader]") {
  dlc_test::TempDir dir;
  std::string path = dir.file("model.so");
  dlc_test::spit(path, "this is not an ELF file\n");
  auto r = try_load(path);
  CHECK(r.status == DLC_ERROR_INVALID_ARTIFACT);
  CHECK_THAT(r.message, Contains(path) && Contains("is not an ELF shared object"));
}

TEST_CASE("a truncated artifact is refused before dlopen maps it", "[loader]") {
  dlc_test::TempDir dir;
  std::string whole = dlc_test::slurp(fixture("add"));
  REQUIRE(whole.size() > 1000);
  SECTION("cut in half") {
    std::string path = dir.file("half.so");
    dlc_test::spit(path, whole.substr(0, whole.size() / 2));
    auto r = try_load(path);
    CHECK(r.status == DLC_ERROR_INVALID_ARTIFACT);
    CHECK_THAT(r.message, Contains(path) && Contains("is truncated: it has " +
                                                     std::to_string(whole.size() / 2) + " bytes"));
  }
  SECTION("only the last byte missing") {
    std::string path = dir.file("short.so");
    dlc_test::spit(path, whole.substr(0, whole.size() - 1));
    auto r = try_load(path);
    CHECK(r.status == DLC_ERROR_INVALID_ARTIFACT);
    CHECK_THAT(r.message, Contains("is truncated"));
  }
  SECTION("cut inside the ELF header") {
    std::string path = dir.file("tiny.so");
    dlc_test::spit(path, whole.substr(0, 20));
    auto r = try_load(path);
    CHECK(r.status == DLC_ERROR_INVALID_ARTIFACT);
    CHECK_THAT(r.message, Contains("is truncated") && Contains("ELF header"));
  }
}

TEST_CASE("an ELF relocatable object is not a shared object", "[loader]") {
  auto r = try_load(DLC_FIXTURE_OBJECT);
  CHECK(r.status == DLC_ERROR_INVALID_ARTIFACT);
  CHECK_THAT(r.message, Contains("relocatable object, not a shared object"));
}

TEST_CASE("a shared object without the manifest symbol is not an artifact", "[loader]") {
  auto r = try_load(fixture("no_manifest"));
  CHECK(r.status == DLC_ERROR_INVALID_ARTIFACT);
  CHECK_THAT(r.message,
             Contains(fixture("no_manifest")) && Contains("exports no '" DLC_MANIFEST_SYMBOL "'"));
}

TEST_CASE("a NULL manifest is refused", "[loader]") {
  auto r = try_load(fixture("null_manifest"));
  CHECK(r.status == DLC_ERROR_INVALID_ARTIFACT);
  CHECK_THAT(r.message, Contains(DLC_MANIFEST_SYMBOL "() returned NULL"));
}

TEST_CASE("bad magic is refused", "[loader]") {
  auto r = try_load(fixture("bad_magic"));
  CHECK(r.status == DLC_ERROR_INVALID_ARTIFACT);
  CHECK_THAT(r.message, Contains(fixture("bad_magic")) &&
                            Contains("bad manifest magic 0x12345678 (expected 0x434c44)"));
}

TEST_CASE("another ABI version is refused, naming both versions", "[loader]") {
  auto r = try_load(fixture("wrong_abi"));
  CHECK(r.status == DLC_ERROR_ABI_MISMATCH);
  CHECK_THAT(r.message, Contains(fixture("wrong_abi")) && Contains("ABI version 1") &&
                            Contains("this runtime implements ABI version 2"));
}

TEST_CASE("a cuda artifact without its CUDA image is refused", "[loader]") {
  auto r = try_load(fixture("cuda_target"));
  CHECK(r.status == DLC_ERROR_INVALID_ARTIFACT);
  CHECK_THAT(r.message, Contains("targets cuda") && Contains("dlc_get_cuda_image"));
}

TEST_CASE("bad tables and pointers are refused, naming the entry, tensor or parameter",
          "[loader]") {
  struct Case {
    const char *fixture;
    const char *expected;
  };
  const Case cases[] = {
      {"param_out_of_range",
       "parameter 'w' occupies weight bytes 16 + 16, past the end of the 16 bytes of weights"},
      {"param_bad_nbytes", "parameter 'w' declares 20 bytes, but shape 4 f32 needs 16"},
      {"rank_too_high", "entry 'infer' input 0 ('x') has rank 9; the rank must be 0..8"},
      {"negative_dim", "entry 'infer' input 0 ('x') has dimension 0 = -3; every dimension must be >= 0"},
      {"bad_dtype", "entry 'infer' input 0 ('x') has invalid dtype 42"},
      {"wild_pointer", "the manifest's producer points outside the artifact (0x10)"},
      {"fn_in_data", "the function of entry 'infer' (0x"},
      {"param_bad_flags", "parameter 'w' has unknown flags 4"},
  };
  for (const Case &c : cases) {
    INFO(c.fixture);
    auto r = try_load(fixture(c.fixture));
    CHECK(r.status == DLC_ERROR_INVALID_ARTIFACT);
    CHECK_THAT(r.message, Contains(fixture(c.fixture)) && Contains(c.expected));
  }
}

TEST_CASE("load rejects NULL arguments and tolerates a NULL error buffer", "[loader]") {
  dlc_model *m = nullptr;
  CHECK(dlc_model_load(nullptr, &m, nullptr, 0) == DLC_ERROR_INVALID_ARGUMENT);
  CHECK(dlc_model_load(fixture("add").c_str(), nullptr, nullptr, 0) == DLC_ERROR_INVALID_ARGUMENT);
  CHECK(dlc_model_load("/nonexistent.so", &m, nullptr, 0) == DLC_ERROR_IO);
  CHECK(m == nullptr);
}

TEST_CASE("a short error buffer gets a truncated, terminated message", "[loader]") {
  char err[8];
  std::memset(err, 'x', sizeof err);
  dlc_model *m = nullptr;
  CHECK(dlc_model_load("/nonexistent.so", &m, err, sizeof err) == DLC_ERROR_IO);
  CHECK(std::string(err) == "cannot ");
}

TEST_CASE("the C++ Model throws dlc::Error with the loader's message", "[loader]") {
  CHECK_THROWS_WITH(dlc::Model(fixture("wrong_abi")), Contains("ABI version 1"));
}

TEST_CASE("dtype sizes: bytes per element, and the packed 4- and 2-bit dtypes by the byte", "[dtype]") {
  CHECK(dlc_dtype_bits(DLC_DTYPE_F32) == 32);
  CHECK(dlc_dtype_bits(DLC_DTYPE_F8E4M3FN) == 8);
  CHECK(dlc_dtype_size(DLC_DTYPE_F8E5M2FNUZ) == 1);
  CHECK(dlc_dtype_size(DLC_DTYPE_I4) == 0); // not a whole byte per element
  CHECK(dlc_dtype_bits(DLC_DTYPE_I4) == 4);
  CHECK(dlc_dtype_bits(DLC_DTYPE_U2) == 2);
  CHECK(dlc_dtype_nbytes(DLC_DTYPE_I4, 25) == 13); // two to a byte, the last half empty
  CHECK(dlc_dtype_nbytes(DLC_DTYPE_U2, 7) == 2);
  CHECK(dlc_dtype_nbytes(DLC_DTYPE_F4E2M1, 0) == 0);
  CHECK(dlc_dtype_nbytes(DLC_DTYPE_F64, 3) == 24);
  CHECK(dlc_dtype_nbytes(DLC_DTYPE_F64, UINT64_MAX / 4) == UINT64_MAX); // overflow
  CHECK(dlc_dtype_bits(99) == 0);
  CHECK(std::string(dlc_dtype_name(DLC_DTYPE_F4E2M1)) == "f4e2m1");
  CHECK(std::string(dlc_dtype_name(DLC_DTYPE_F8E4M3FNUZ)) == "f8e4m3fnuz");
  dlc::Tensor packed(DLC_DTYPE_I4, {5, 5});
  CHECK(packed.nbytes() == 13);
}

TEST_CASE("a broken index check is refused at load", "[loader][index]") {
  auto empty = try_load(fixture("lookup_empty_range"));
  CHECK(empty.status == DLC_ERROR_INVALID_ARTIFACT);
  CHECK_THAT(empty.message, Contains("input 0 ('ids') has the empty index range [10, -10)"));
  auto output = try_load(fixture("lookup_check_output"));
  CHECK(output.status == DLC_ERROR_INVALID_ARTIFACT);
  CHECK_THAT(output.message, Contains("output 'y' has an index check; only inputs may"));
}
