// safetensors: round trips, files written by others (Python's safetensors package when it
// is installed, and bytes built here by hand from the format's description), malformed
// files, and model checkpoints.
#include <catch2/catch.hpp>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include "dlc/checkpoint.hpp"
#include "dlc/file_io.hpp"
#include "dlc/safetensors.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using dlc_test::fixture;
using dlc_test::numpy_data;

namespace {

std::string le64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i)
    s[static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// A file: the 8-byte length, the header text as given, the data.
std::string file_bytes(const std::string &header, const std::string &data) {
  return le64(header.size()) + header + data;
}

std::string error_of(const std::string &bytes) {
  try {
    dlc::parse_safetensors(bytes.data(), bytes.size(), "f.safetensors");
  } catch (const dlc::Error &e) {
    return e.what();
  }
  return "(no error)";
}

template <typename T> std::string raw(std::initializer_list<T> values) {
  std::string s;
  for (T v : values)
    s.append(reinterpret_cast<const char *>(&v), sizeof v);
  return s;
}

dlc::Tensor filled(dlc_dtype dtype, std::vector<int64_t> shape, int seed) {
  dlc::Tensor t(dtype, std::move(shape));
  auto *p = static_cast<uint8_t *>(t.data());
  for (uint64_t i = 0; i < t.nbytes(); ++i)
    p[i] = static_cast<uint8_t>(i * 37 + static_cast<uint64_t>(seed) * 11 + 1);
  if (dtype == DLC_DTYPE_BOOL)
    for (uint64_t i = 0; i < t.nbytes(); ++i)
      p[i] &= 1;
  return t;
}

} // namespace

TEST_CASE("safetensors round-trips every dtype, shape and the metadata", "[safetensors]") {
  const dlc_dtype dtypes[] = {DLC_DTYPE_F32, DLC_DTYPE_F64, DLC_DTYPE_F16, DLC_DTYPE_BF16,
                              DLC_DTYPE_I64, DLC_DTYPE_I32, DLC_DTYPE_I16, DLC_DTYPE_I8,
                              DLC_DTYPE_U8,  DLC_DTYPE_BOOL, DLC_DTYPE_U16, DLC_DTYPE_U32, DLC_DTYPE_U64,
                              DLC_DTYPE_F8E4M3FN, DLC_DTYPE_F8E5M2};
  const char *names[] = {"F32", "F64", "F16",  "BF16", "I64", "I32",     "I16",
                         "I8",  "U8",  "BOOL", "U16",  "U32", "U64", "F8_E4M3", "F8_E5M2"};
  std::vector<dlc::NamedTensor> in;
  int k = 0;
  for (dlc_dtype d : dtypes) {
    CHECK(std::string(dlc::safetensors_dtype_name(d)) == names[k]);
    CHECK(dlc::safetensors_dtype(names[k]) == d);
    in.push_back({std::string("t.") + names[k] + "/x", filled(d, {2, 3}, k)});
    ++k;
  }
  in.push_back({"scalar", filled(DLC_DTYPE_I64, {}, 3)});
  in.push_back({"empty", dlc::Tensor(DLC_DTYPE_F32, {0, 4})});
  in.push_back({"rank8", filled(DLC_DTYPE_U8, {1, 2, 1, 2, 1, 2, 1, 3}, 5)});
  in.push_back({"quote\"and\\slash \xc3\xa9", filled(DLC_DTYPE_F32, {1}, 9)});
  std::vector<dlc_tensor> views;
  for (const auto &t : in)
    views.push_back(t.tensor.view(t.name.c_str()));
  dlc::SafetensorsMetadata meta = {{"format", "dlc-checkpoint"},
                                   {"text", "line\nbreak \"quoted\" tab\t \xe2\x82\xac"},
                                   {"empty", ""}};

  dlc_test::TempDir dir;
  std::string path = dir.file("all.safetensors");
  dlc::write_safetensors(path, views, meta);
  std::string bytes = dlc_test::slurp(path);
  CHECK(bytes == dlc::encode_safetensors(views, meta));
  uint64_t header_len;
  std::memcpy(&header_len, bytes.data(), 8);
  CHECK(header_len % 8 == 0); // the data section starts 8-byte aligned

  dlc::Safetensors out = dlc::read_safetensors(path);
  REQUIRE(out.tensors.size() == in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    INFO(in[i].name);
    CHECK(out.tensors[i].name == in[i].name); // written in order, read in offset order
    CHECK(out.tensors[i].tensor.describe() == in[i].tensor.describe());
    CHECK(std::memcmp(out.tensors[i].tensor.data(), in[i].tensor.data(), in[i].tensor.nbytes()) ==
          0);
  }
  CHECK(out.metadata == meta);
  CHECK(*out.meta("text") == meta[1].second);
  CHECK(out.meta("absent") == nullptr);
  REQUIRE(out.find("scalar") != nullptr);
  CHECK(out.find("scalar")->tensor.rank() == 0);

  // Writing again replaces the file and leaves nothing else in the directory.
  dlc::write_safetensors(path, {views[0]}, {});
  CHECK(dlc::read_safetensors(path).tensors.size() == 1);
  CHECK(dlc::read_safetensors(path).metadata.empty());
  int files = 0;
  for (auto &e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("safetensors reads a file built by hand from the format description",
          "[safetensors]") {
  // Tensors listed out of data order, whitespace and escapes in the JSON, metadata last,
  // the header padded with spaces as the reference writer does.
  std::string header = "{ \"b\" : {\"dtype\":\"I64\", \"shape\":[2], \"data_offsets\":[8, 24]},\n"
                       "\t\"w\\u00e9\\/x\":{\"shape\":[2,1],\"dtype\":\"F32\",\"data_offsets\":[0,8]},"
                       "\"__metadata__\":{\"format\":\"pt\",\"k\\\"\":\"v\\n\\ud83d\\ude00\"} }";
  while (header.size() % 8)
    header += ' ';
  std::string data = raw<float>({1.5f, -2.25f}) + raw<int64_t>({-7, 1LL << 40});
  std::string bytes = file_bytes(header, data);
  dlc::Safetensors st = dlc::parse_safetensors(bytes.data(), bytes.size(), "hand");
  REQUIRE(st.tensors.size() == 2);
  CHECK(st.tensors[0].name == "w\xc3\xa9/x");
  CHECK(st.tensors[0].tensor.describe() == "f32 2x1");
  CHECK(st.tensors[0].tensor.data_as<float>()[1] == -2.25f);
  CHECK(st.tensors[1].name == "b");
  CHECK(st.tensors[1].tensor.data_as<int64_t>()[0] == -7);
  CHECK(st.tensors[1].tensor.data_as<int64_t>()[1] == (1LL << 40));
  REQUIRE(st.metadata.size() == 2);
  CHECK(st.metadata[0] == std::make_pair(std::string("format"), std::string("pt")));
  CHECK(st.metadata[1].first == "k\"");
  CHECK(st.metadata[1].second == "v\n\xf0\x9f\x98\x80");

  // A file with no tensors at all is valid.
  std::string none = file_bytes("{}      ", "");
  CHECK(dlc::parse_safetensors(none.data(), none.size(), "none").tensors.empty());
}

TEST_CASE("safetensors reads a file written by Python's safetensors package",
          "[safetensors]") {
  std::string path = numpy_data("python.safetensors");
  if (!std::filesystem::exists(path)) {
    WARN("Python's safetensors package is not installed for the test's Python; "
         "the hand-built file of the previous test stands in for it");
    return;
  }
  // make_numpy_data.py: safetensors.numpy.save_file({"a": arange(6, f4).reshape(2, 3) / 4,
  // "b": [-1, 0, 2**40] i64, "c": [True, False] bool, "h": arange(3, f2)},
  // metadata={"who": "python"}).
  dlc::Safetensors st = dlc::read_safetensors(path);
  REQUIRE(st.find("a"));
  CHECK(st.find("a")->tensor.describe() == "f32 2x3");
  for (int i = 0; i < 6; ++i)
    CHECK(st.find("a")->tensor.data_as<float>()[i] == static_cast<float>(i) / 4);
  REQUIRE(st.find("b"));
  CHECK(st.find("b")->tensor.describe() == "i64 3");
  CHECK(st.find("b")->tensor.data_as<int64_t>()[2] == (1LL << 40));
  REQUIRE(st.find("c"));
  CHECK(st.find("c")->tensor.describe() == "bool 2");
  CHECK(st.find("c")->tensor.data_as<uint8_t>()[0] == 1);
  REQUIRE(st.find("h"));
  CHECK(st.find("h")->tensor.describe() == "f16 3");
  CHECK(st.find("h")->tensor.data_as<uint16_t>()[2] == 0x4000); // 2.0 in half precision
  REQUIRE(st.meta("who"));
  CHECK(*st.meta("who") == "python");
}

TEST_CASE("malformed safetensors files get one message naming the problem", "[safetensors]") {
  const std::string ok_header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
  const std::string data = raw<float>({1, 2});
  auto with = [&](const std::string &header, const std::string &d = std::string()) {
    return error_of(file_bytes(header, d.empty() ? data : d));
  };
  CHECK(error_of(file_bytes(ok_header, data)) == "(no error)");

  SECTION("truncated") {
    std::string whole = file_bytes(ok_header, data);
    CHECK_THAT(error_of(""), Contains("f.safetensors: truncated: 0 bytes"));
    CHECK_THAT(error_of(whole.substr(0, 5)), Contains("truncated: 5 bytes, too short"));
    CHECK_THAT(error_of(whole.substr(0, 20)),
               Contains("f.safetensors: truncated: the header length is 54 bytes, but only 12 "
                        "bytes follow it"));
    CHECK_THAT(error_of(whole.substr(0, whole.size() - 3)),
               Contains("f.safetensors: tensor 'w': data_offsets [0, 8] reach past the end of "
                        "the data (5 bytes after the header; is the file truncated?)"));
    for (size_t cut = 0; cut < whole.size(); ++cut)
      CHECK_THAT(error_of(whole.substr(0, cut)), Contains("truncated"));
  }
  SECTION("bad header JSON") {
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}"),
               Contains("f.safetensors: bad header JSON at byte 53: unexpected end of the header"));
    CHECK_THAT(with("{\"w\" {}}"), Contains("bad header JSON at byte 5: expected ':', found '{'"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,],\"data_offsets\":[0,8]}}"),
               Contains("bad header JSON at byte 31: unexpected ']'"));
    CHECK_THAT(with("{\"w\":tru}"), Contains("bad header JSON at byte 5: unexpected 't'"));
    CHECK_THAT(with("{\"a\":\"\\x\"}"), Contains("bad escape '\\x'"));
    CHECK_THAT(with("{} trailing"), Contains("bad header JSON at byte 3: unexpected 't' after"));
    CHECK_THAT(with("[1, 2]"), Contains("not a safetensors file: the header does not start with '{'"));
    CHECK_THAT(error_of(le64(1ULL << 40) + "{}"),
               Contains("not a safetensors file: the header length 1099511627776 exceeds"));
  }
  SECTION("offsets out of range or inconsistent") {
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}"),
               Contains("f.safetensors: tensor 'w': data_offsets [0, 16] reach past the end of "
                        "the data (8 bytes after the header"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551615]}}"),
               Contains("reach past the end of the data"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551616]}}"),
               Contains("tensor 'w': data_offsets must be a non-negative integer, got "
                        "18446744073709551616"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}"),
               Contains("tensor 'w': data_offsets [8, 0] end before they begin"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}"),
               Contains("tensor 'w': data_offsets [0, 8] span 8 bytes, but F32 3 takes 12"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                    "\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}"),
               Contains("tensor 'v' (data_offsets [2, 6]) overlaps tensor 'w' (ending at 4)"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"),
               Contains("bytes 0..4 of the data belong to no tensor (before tensor 'w')"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"),
               Contains("4 bytes after the last tensor's data belong to no tensor"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}"),
               Contains("tensor 'w': a shape dimension must be a non-negative integer, got -2"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}"),
               Contains("tensor 'w': data_offsets must be an array [begin, end]"));
  }
  SECTION("entries") {
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F4\",\"shape\":[8],\"data_offsets\":[0,4]}}"),
               Contains("tensor 'w': unsupported dtype 'F4'"));
    CHECK_THAT(with("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}"),
               Contains("tensor 'w': missing \"dtype\""));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}"),
               Contains("tensor 'w': unknown field 'x'"));
    CHECK_THAT(with("{\"w\":[]}"), Contains("tensor 'w': expected an object"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"),
               Contains("the header names tensor 'w' twice"));
    CHECK_THAT(with("{\"__metadata__\":{\"a\":1}," + ok_header.substr(1)),
               Contains("__metadata__ value 'a' must be a string, got a number"));
    CHECK_THAT(with("{\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,2],"
                    "\"data_offsets\":[0,8]}}"),
               Contains("tensor 'w': rank 9 exceeds the maximum 8"));
  }
}

TEST_CASE("the safetensors writer refuses what the format cannot hold", "[safetensors]") {
  dlc::Tensor t(DLC_DTYPE_F32, {2});
  CHECK_THROWS_WITH(dlc::encode_safetensors({t.view("a"), t.view("a")}),
                    Contains("tensor 'a' given twice"));
  CHECK_THROWS_WITH(dlc::encode_safetensors({t.view("__metadata__")}),
                    Contains("invalid tensor name '__metadata__'"));
  dlc_tensor short_view = t.view("s");
  short_view.nbytes = 4;
  CHECK_THROWS_WITH(dlc::encode_safetensors({short_view}),
                    Contains("tensor 's' (f32 2) needs 8 bytes of data, has 4"));
  CHECK_THROWS_WITH(dlc::encode_safetensors({t.view("a")}, {{"k", "1"}, {"k", "2"}}),
                    Contains("metadata key 'k' given twice"));
  CHECK_THROWS_WITH(dlc::write_safetensors("/nonexistent-dir/x.safetensors", {t.view("a")}),
                    Contains("/nonexistent-dir/x.safetensors"));
}

namespace {

// A pid that ran and has exited (reaped): what a killed writer leaves in a file name.
long dead_pid() {
  pid_t child = ::fork();
  if (child == 0)
    ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

void touch(const std::string &path, int age_s) {
  std::ofstream(path) << "partial";
  std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() -
                                             std::chrono::seconds(age_s));
}

} // namespace

TEST_CASE("writers remove the temporary files a killed writer left, and only those",
          "[safetensors][checkpoint]") {
  dlc_test::TempDir dir;
  const std::string dead = std::to_string(dead_pid());
  const std::string self = std::to_string(::getpid());
  const std::string stale = dir.file(".c.safetensors.tmp." + dead + ".123");
  const std::vector<std::string> kept = {
      dir.file(".c.safetensors.tmp." + dead + ".124"),  // its writer may be in another pid namespace
      dir.file(".c.safetensors.tmp." + self + ".7"),    // this process's own
      dir.file(".c.safetensors.tmp.1.5"),               // pid 1 always runs
      dir.file(".d.safetensors.tmp." + dead + ".9"),    // beside another file
      dir.file(".c.safetensors.tmp." + dead + ".9x"),   // not a name dlc makes
  };
  touch(stale, 60);
  touch(kept[0], 0);
  for (size_t i = 1; i < kept.size(); ++i)
    touch(kept[i], 60);

  dlc::Tensor t(DLC_DTYPE_F32, {2});
  dlc::write_safetensors(dir.file("c.safetensors"), {t.view("a")});
  CHECK_FALSE(std::filesystem::exists(stale));
  for (const std::string &k : kept)
    CHECK(std::filesystem::exists(k));
  CHECK(dlc::read_safetensors(dir.file("c.safetensors")).tensors.size() == 1);

  // The plain atomic writer (metrics, .npy, logs) does the same.
  touch(stale, 60);
  dlc::write_file_atomic(dir.file("c.safetensors"), "x");
  CHECK_FALSE(std::filesystem::exists(stale));
  CHECK(dlc::remove_stale_temporaries(dir.file("c.safetensors"), 0) == 1); // kept[0], once old enough
  CHECK(std::filesystem::exists(kept[1]));
}

TEST_CASE("checkpoints save and restore every parameter, and refuse other models",
          "[safetensors][checkpoint]") {
  dlc_test::TempDir dir;
  std::string path = dir.file("c.safetensors");
  dlc::Model m(fixture("linreg_momentum"));
  REQUIRE(m.num_params() == 6);
  for (int i = 0; i < m.num_params(); ++i) {
    auto *p = static_cast<uint8_t *>(m.param_data(i));
    for (uint64_t k = 0; k < m.param(i).nbytes; ++k)
      p[k] = static_cast<uint8_t>(i * 16 + static_cast<int>(k));
  }
  dlc::save_checkpoint(m, path, {{"step", "7"}});
  dlc::Safetensors st = dlc::read_safetensors(path);
  REQUIRE(st.tensors.size() == 6);
  CHECK(st.tensors[2].name == "w/momentum.v");
  CHECK(st.tensors[4].name == "optimizer.lr");
  CHECK(st.tensors[5].tensor.describe() == "i64 scalar");

  dlc::Model fresh(fixture("linreg_momentum"));
  dlc::CheckpointLoad ck = dlc::load_checkpoint(fresh, path);
  CHECK(ck.metadata == dlc::SafetensorsMetadata{{"step", "7"}});
  CHECK(ck.ignored.empty());
  for (int i = 0; i < m.num_params(); ++i)
    CHECK(std::memcmp(fresh.param_data(i), m.param_data(i), m.param(i).nbytes) == 0);

  // A model without the momentum slots: extra tensors are an error unless allowed.
  dlc::Model plain(fixture("linreg"));
  float w0 = *static_cast<float *>(plain.param_data(0));
  CHECK_THROWS_WITH(dlc::load_checkpoint(plain, path),
                    Contains("checkpoint '" + path + "': tensor 'w/momentum.v' (f32 3x1) is not "
                             "a parameter of artifact"));
  CHECK(*static_cast<float *>(plain.param_data(0)) == w0); // nothing copied
  ck = dlc::load_checkpoint(plain, path, /*allow_extra=*/true);
  CHECK(ck.ignored == std::vector<std::string>{"w/momentum.v", "b/momentum.v"});
  CHECK(std::memcmp(plain.param_data(0), m.param_data(0), 12) == 0);

  // Missing parameters and other shapes are refused, naming the tensor.
  dlc::Model softmax(fixture("softmax"));
  CHECK_THROWS_WITH(dlc::load_checkpoint(softmax, path, true),
                    Contains("checkpoint '" + path + "' has no tensor 'fc.weight'"));
  dlc::Tensor w(DLC_DTYPE_F32, {1, 3}), b(DLC_DTYPE_F32, {1}), lr(DLC_DTYPE_F32, {}),
      step(DLC_DTYPE_I64, {});
  std::string bad = dir.file("bad.safetensors");
  dlc::write_safetensors(bad, {w.view("w"), b.view("b"), lr.view("optimizer.lr"),
                               step.view("optimizer.step")});
  CHECK_THROWS_WITH(dlc::load_checkpoint(plain, bad),
                    Contains("checkpoint '" + bad + "': tensor 'w' is f32 1x3, but the "
                             "artifact's parameter 'w' is f32 3x1"));
  dlc_test::spit(bad, "garbage");
  CHECK_THROWS_WITH(dlc::load_checkpoint(plain, bad),
                    Contains("checkpoint '" + bad + "': truncated: 7 bytes"));
}

TEST_CASE("checkpoints hold a transposed parameter in the model's layout", "[safetensors][checkpoint]") {
  dlc_test::TempDir dir;
  std::string path = dir.file("t.safetensors");
  dlc::Model m(fixture("classifier_wt"));
  REQUIRE(m.param(0).flags == DLC_PARAM_TRANSPOSED);
  auto *w = static_cast<float *>(m.param_data(0)); // stored 3x2
  for (int k = 0; k < 6; ++k)
    w[k] = static_cast<float>(k);
  dlc::save_checkpoint(m, path, {});
  dlc::Safetensors st = dlc::read_safetensors(path);
  REQUIRE(st.tensors[0].tensor.describe() == "f32 2x3");
  const float *t = st.tensors[0].tensor.data_as<float>();
  const float expect[6] = {0, 2, 4, 1, 3, 5}; // the transpose of [[0, 1], [2, 3], [4, 5]]
  for (int k = 0; k < 6; ++k)
    CHECK(t[k] == expect[k]);

  dlc::Model fresh(fixture("classifier_wt"));
  dlc::load_checkpoint(fresh, path);
  for (int k = 0; k < 6; ++k)
    CHECK(static_cast<float *>(fresh.param_data(0))[k] == static_cast<float>(k));
  // The untransposed model of the same layer stores w as 3x2: its checkpoint is refused.
  dlc::Model plain(fixture("classifier_w2"));
  std::string other = dir.file("plain.safetensors");
  dlc::save_checkpoint(plain, other, {});
  CHECK_THROWS_WITH(dlc::load_checkpoint(fresh, other),
                    Contains("tensor 'w' is f32 3x2, but the artifact's parameter 'w' is f32 2x3"));
}
