// Data sets: the idx, npz and csv loaders, binding to entry inputs, batching and shuffling.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <set>

#include "dlc/dataset.hpp"
#include "dlc/npy.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using Catch::Matchers::StartsWith;

namespace {

// An IDX file: magic 0 0 type rank, big-endian dims, then the values (u8 here).
std::string idx_bytes(uint8_t type, const std::vector<uint32_t> &dims, const std::string &data) {
  std::string s = {0, 0, static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8)
      s += static_cast<char>((d >> shift) & 0xff);
  return s + data;
}

std::string gzip(const std::string &raw) {
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, raw.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef *>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// n images of h x w pixels (pixel k of image i is (i * 31 + k * 7) % 256) and labels
// i % classes, written as PREFIX-images-idx3-ubyte[.gz] and PREFIX-labels-idx1-ubyte[.gz].
void write_idx_pair(const dlc_test::TempDir &dir, const std::string &prefix, uint32_t n, uint32_t h,
                    uint32_t w, int classes, bool gz) {
  std::string pixels, labels;
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t k = 0; k < h * w; ++k)
      pixels += static_cast<char>((i * 31 + k * 7) % 256);
    labels += static_cast<char>(i % classes);
  }
  std::string img = idx_bytes(0x08, {n, h, w}, pixels), lab = idx_bytes(0x08, {n}, labels);
  std::string ext = gz ? ".gz" : "";
  dlc_test::spit(dir.file(prefix + "-images-idx3-ubyte" + ext), gz ? gzip(img) : img);
  dlc_test::spit(dir.file(prefix + "-labels-idx1-ubyte" + ext), gz ? gzip(lab) : lab);
}

std::string error_of(const std::function<void()> &fn) {
  try {
    fn();
  } catch (const dlc::Error &e) {
    return e.what();
  }
  return "(no error)";
}

dlc::DatasetOptions train_split() {
  dlc::DatasetOptions o;
  o.split = dlc::DataSplit::Train;
  return o;
}

// An entry descriptor with inputs of the given shapes (all f32 unless named "label").
struct FakeEntry {
  std::vector<dlc_tensor_desc> inputs;
  dlc_entry_desc desc;
  FakeEntry(std::vector<std::pair<const char *, std::vector<int64_t>>> shapes,
            dlc_dtype label_dtype = DLC_DTYPE_I64) {
    for (auto &[name, shape] : shapes) {
      dlc_tensor_desc d{};
      d.name = name;
      d.dtype = std::string(name) == "label" ? label_dtype : DLC_DTYPE_F32;
      d.rank = static_cast<int32_t>(shape.size());
      std::copy(shape.begin(), shape.end(), d.shape);
      inputs.push_back(d);
    }
    desc = dlc_entry_desc{
        "infer", static_cast<int32_t>(inputs.size()), 0, inputs.data(), nullptr, 0, nullptr};
  }
};

} // namespace

TEST_CASE("idx: plain and gzipped files, test and train splits, u8 to [0, 1]", "[dataset]") {
  for (bool gz : {false, true}) {
    dlc_test::TempDir dir;
    write_idx_pair(dir, "t10k", 5, 2, 3, 3, gz);
    write_idx_pair(dir, "train", 7, 2, 3, 3, gz);
    std::string spec = "idx:" + dir.path().string();
    dlc::Dataset test = dlc::Dataset::load(spec);
    CHECK(test.kind() == "idx");
    CHECK(test.size() == 5);
    REQUIRE(test.features().size() == 1);
    const dlc::Tensor &x = test.features()[0].data;
    CHECK(x.describe() == "f32 5x2x3");
    for (int i = 0; i < 5; ++i)
      for (int k = 0; k < 6; ++k)
        CHECK(x.data_as<float>()[i * 6 + k] == static_cast<float>((i * 31 + k * 7) % 256) / 255.0f);
    CHECK(test.labels().data.describe() == "i64 5");
    CHECK(test.class_labels());
    for (int i = 0; i < 5; ++i)
      CHECK(test.class_label(i) == i % 3);
    CHECK(dlc::Dataset::load(spec + "/", train_split()).size() == 7);
  }
}

TEST_CASE("idx: missing, truncated and corrupt files are reported", "[dataset]") {
  dlc_test::TempDir dir;
  std::string d = dir.path().string(), spec = "idx:" + d;
  CHECK_THAT(error_of([&] { dlc::Dataset::load("idx:" + d + "/nope"); }),
             Equals("idx:" + d + "/nope: directory '" + d + "/nope' does not exist"));
  CHECK_THAT(error_of([&] { dlc::Dataset::load(spec); }),
             Equals(spec + ": no test-split images in " + d +
                    " (looked for t10k-images-idx3-ubyte and t10k-images-idx3-ubyte.gz)"));
  write_idx_pair(dir, "t10k", 4, 2, 2, 2, false);
  CHECK_THAT(error_of([&] { dlc::Dataset::load(spec, train_split()); }),
             Contains("no train-split images"));

  std::string img = dlc_test::slurp(dir.file("t10k-images-idx3-ubyte"));
  std::string path = dir.file("t10k-images-idx3-ubyte");
  dlc_test::spit(path, img.substr(0, img.size() - 5));
  CHECK_THAT(error_of([&] { dlc::Dataset::load(spec); }),
             Equals(path + ": truncated: the header declares 4x2x2 u8 values (16 bytes), the file "
                           "holds 11 bytes of data"));
  dlc_test::spit(path, img.substr(0, 10));
  CHECK_THAT(error_of([&] { dlc::Dataset::load(spec); }),
             Equals(path + ": truncated IDX header (10 bytes, the 3 dimensions need 16)"));
  dlc_test::spit(path, img + "xy");
  CHECK_THAT(error_of([&] { dlc::Dataset::load(spec); }),
             Contains("corrupt: 2 bytes after the data the header declares (4x2x2 u8)"));
  dlc_test::spit(path, "PK" + img.substr(2));
  CHECK_THAT(error_of([&] { dlc::Dataset::load(spec); }), Contains("not an IDX file"));
  dlc_test::spit(path, idx_bytes(0x42, {4, 2, 2}, std::string(16, '\0')));
  CHECK_THAT(error_of([&] { dlc::Dataset::load(spec); }),
             Contains("unknown IDX element type 0x42"));

  // Gzip: cut short, and damaged in the middle.
  std::remove(path.c_str());
  std::string gz = gzip(img);
  dlc_test::spit(path + ".gz", gz.substr(0, gz.size() / 2));
  CHECK_THAT(error_of([&] { dlc::Dataset::load(spec); }),
             StartsWith(path + ".gz: truncated gzip file"));
  std::string bad = gz;
  for (size_t i = 12; i < bad.size() - 8; ++i)
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
  dlc_test::spit(path + ".gz", bad);
  CHECK_THAT(error_of([&] { dlc::Dataset::load(spec); }), Contains("corrupt gzip data"));

  // Image and label counts disagree.
  dlc_test::spit(path + ".gz", gz);
  dlc_test::spit(dir.file("t10k-labels-idx1-ubyte"),
                 idx_bytes(0x08, {3}, std::string("\1\2\0", 3)));
  CHECK_THAT(
      error_of([&] { dlc::Dataset::load(spec); }),
      Contains("holds 4 images but " + dir.file("t10k-labels-idx1-ubyte") + " holds 3 labels"));
}

TEST_CASE("npz: features by name, the label array by default name, --label or elimination",
          "[dataset]") {
  dlc_test::TempDir dir;
  std::vector<dlc::NamedTensor> arrays;
  arrays.push_back({"x", dlc::Tensor(DLC_DTYPE_F32, {3, 2})});
  arrays.push_back({"labels", dlc::Tensor(DLC_DTYPE_I32, {3})});
  arrays.push_back({"score", dlc::Tensor(DLC_DTYPE_F64, {3})});
  for (int i = 0; i < 6; ++i)
    arrays[0].tensor.data_as<float>()[i] = 0.5f * i;
  for (int i = 0; i < 3; ++i) {
    arrays[1].tensor.data_as<int32_t>()[i] = 2 - i;
    arrays[2].tensor.data_as<double>()[i] = 1.25 * i;
  }
  std::string file = dir.file("d.npz"), spec = "npz:" + file;
  dlc::write_npz(file, arrays);

  dlc::Dataset d = dlc::Dataset::load(spec);
  CHECK(d.size() == 3);
  CHECK(d.labels().name == "labels");
  CHECK(d.labels().data.describe() == "i64 3"); // integer labels become i64
  CHECK(d.class_label(0) == 2);
  REQUIRE(d.find_feature("x"));
  CHECK(d.find_feature("x")->data.data_as<float>()[5] == 2.5f);

  dlc::DatasetOptions o;
  o.label = "score";
  dlc::Dataset r = dlc::Dataset::load(spec, o);
  CHECK(r.labels().data.describe() == "f32 3"); // float labels: f32 targets
  CHECK_FALSE(r.class_labels());
  CHECK(r.labels().data.data_as<float>()[2] == 2.5f);
  CHECK(r.find_feature("labels"));

  o.label = "nope";
  CHECK_THAT(error_of([&] { dlc::Dataset::load(spec, o); }),
             Equals(spec + " has no label array 'nope' (arrays: x, labels, score)"));

  // No conventional name: the one array that no input is named like.
  arrays.erase(arrays.begin() + 1);
  dlc::write_npz(file, arrays);
  dlc::DatasetOptions by_inputs;
  by_inputs.input_names = {"x"};
  CHECK(dlc::Dataset::load(spec, by_inputs).labels().name == "score");
  CHECK_FALSE(dlc::Dataset::load(spec).has_labels());

  CHECK_THAT(error_of([&] { dlc::Dataset::load("npz:" + dir.file("missing.npz")); }),
             Contains("missing.npz': No such file or directory"));
  dlc_test::spit(file, "PK\3\4 not really a zip");
  CHECK_THAT(error_of([&] { dlc::Dataset::load(spec); }), Contains(file));
}

TEST_CASE("csv: header names, features in column order, integer or float labels", "[dataset]") {
  dlc_test::TempDir dir;
  std::string file = dir.file("d.csv");
  dlc_test::spit(file, "\xEF\xBB\xBF"
                       "a, \"b, quoted\",kind,c\r\n"
                       "1,2.5,0,-3\r\n"
                       "\n"
                       "4, 5e-1 ,2,6\r\n");
  dlc::Dataset d = dlc::Dataset::load("csv:" + file + ":label=kind");
  CHECK(d.size() == 2);
  const dlc::Tensor &x = d.features()[0].data;
  CHECK(x.describe() == "f32 2x3");
  std::vector<float> want = {1, 2.5f, -3, 4, 0.5f, 6};
  for (int i = 0; i < 6; ++i)
    CHECK(x.data_as<float>()[i] == want[i]);
  CHECK(d.class_labels());
  CHECK(d.class_label(1) == 2);

  dlc::Dataset q = dlc::Dataset::load("csv:" + file + ":label=b, quoted");
  CHECK_FALSE(q.class_labels());
  CHECK(q.labels().data.describe() == "f32 2");
  CHECK(q.labels().data.data_as<float>()[1] == 0.5f);
  CHECK(q.features()[0].data.data_as<float>()[1] == 0.0f); // column "kind" is now a feature

  dlc::DatasetOptions o;
  o.label = "c"; // --label when the SPEC has no label=
  CHECK(dlc::Dataset::load("csv:" + file, o).labels().name == "c");

  auto err = [&](const std::string &text, const std::string &label = "kind") {
    dlc_test::spit(file, text);
    return error_of([&] { dlc::Dataset::load("csv:" + file + ":label=" + label); });
  };
  CHECK_THAT(err("a,kind\n1,2\n3\n"), Equals(file + ":3: 1 fields, the header (line 1) has 2"));
  CHECK_THAT(err("a,kind\n1,2\nabc,1\n"), Equals(file + ":3: column 'a': 'abc' is not a number"));
  CHECK_THAT(err("a,kind\n1,\n"), Equals(file + ":2: column 'kind': empty value"));
  CHECK_THAT(
      err("a,kind\n1,2\n", "type"),
      Equals("csv:" + file + ":label=type: no column named 'type' in the header row (a, kind)"));
  CHECK_THAT(err(""), Contains("the file is empty (no header row)"));
  CHECK_THAT(err("a,kind\n"), Contains("no data rows after the header row"));
  CHECK_THAT(err("kind\n1\n"), Contains("the label column 'kind' is the only column"));
  CHECK_THAT(err("a,\"kind\n1,2\n"), Equals(file + ":1: unterminated quoted field"));
  CHECK_THAT(error_of([&] { dlc::Dataset::load("csv:" + file); }),
             Contains("no label column; write csv:FILE:label=COLUMN"));
  CHECK_THAT(error_of([&] { dlc::Dataset::load("csv:" + dir.file("nope.csv") + ":label=y"); }),
             Contains("nope.csv': No such file or directory"));
}

TEST_CASE("SPEC parsing", "[dataset]") {
  dlc::DataSpec s = dlc::parse_data_spec("csv:/a:b/c.csv:label=y");
  CHECK(s.kind == "csv");
  CHECK(s.path == "/a:b/c.csv");
  CHECK(s.label == "y");
  CHECK(dlc::parse_data_spec("idx:/data/mnist").path == "/data/mnist");
  CHECK_THAT(error_of([] { dlc::parse_data_spec("mnist"); }), Contains("no format prefix"));
  CHECK_THAT(error_of([] { dlc::parse_data_spec("hdf5:x.h5"); }),
             Contains("unknown format 'hdf5'"));
  CHECK_THAT(error_of([] { dlc::parse_data_spec("npz:"); }), Contains("no file after 'npz:'"));
  dlc::DatasetOptions o;
  o.split_given = true;
  CHECK_THAT(error_of([&] { dlc::Dataset::load("npz:x.npz", o); }),
             Contains("--split applies only to idx: data sets"));
}

TEST_CASE("binding: any input layout with as many values per row; clear shape errors",
          "[dataset]") {
  dlc_test::TempDir dir;
  write_idx_pair(dir, "t10k", 10, 2, 3, 4, true);
  std::string spec = "idx:" + dir.path().string();
  dlc::Dataset d = dlc::Dataset::load(spec);
  for (std::vector<int64_t> shape :
       {std::vector<int64_t>{4, 1, 2, 3}, {4, 6}, {4, 2, 3}, {4, 3, 2}}) {
    FakeEntry e({{"x", shape}});
    auto b = dlc::bind_inputs(d, e.desc);
    REQUIRE(b.size() == 1);
    CHECK(b[0].input == "x");
    CHECK(b[0].shape == shape);
  }
  FakeEntry wrong({{"x", {4, 3, 32, 32}}});
  CHECK_THAT(error_of([&] { dlc::bind_inputs(d, wrong.desc); }),
             Equals(spec + ": idx images are 2x3 = 6 values per sample, input 'x' expects "
                           "3x32x32 = 3072"));
  FakeEntry two({{"x", {4, 6}}, {"z", {4, 6}}});
  CHECK_THAT(error_of([&] { dlc::bind_inputs(d, two.desc); }),
             Contains("provides one feature array (idx images), but entry 'infer' takes 2 data "
                      "inputs: 'x' (4x6 f32), 'z' (4x6 f32); use an npz data set"));
  FakeEntry scalar({{"x", std::vector<int64_t>{}}});
  CHECK_THAT(error_of([&] { dlc::bind_inputs(d, scalar.desc); }), Contains("is a scalar"));

  // Labels as an input (train_step), an input the caller fills itself (a learning rate).
  FakeEntry train({{"x", {4, 6}}, {"label", {4}}, {"lr", {}}}, DLC_DTYPE_I32);
  dlc::BindOptions o;
  o.entry = "train_step";
  o.label_input = "label";
  o.skip = {"lr"};
  auto b = dlc::bind_inputs(d, train.desc, o);
  REQUIRE(b.size() == 2); // in the entry's order
  CHECK(b[0].input == "x");
  CHECK(b[1].input == "label");
  CHECK(b[1].array == &d.labels());
  FakeEntry mixed({{"x", {4, 6}}, {"label", {5}}}, DLC_DTYPE_I32);
  CHECK_THAT(error_of([&] { dlc::bind_inputs(d, mixed.desc, o); }),
             Contains("inputs of different batch sizes"));

  // npz: every input by name.
  std::vector<dlc::NamedTensor> arrays;
  arrays.push_back({"a", dlc::Tensor(DLC_DTYPE_F32, {5, 2})});
  arrays.push_back({"b", dlc::Tensor(DLC_DTYPE_F64, {5, 3})});
  arrays.push_back({"label", dlc::Tensor(DLC_DTYPE_I64, {5})});
  dlc::write_npz(dir.file("d.npz"), arrays);
  dlc::Dataset n = dlc::Dataset::load("npz:" + dir.file("d.npz"));
  FakeEntry ab({{"b", {2, 3}}, {"a", {2, 2}}});
  auto nb = dlc::bind_inputs(n, ab.desc);
  REQUIRE(nb.size() == 2);
  CHECK(nb[0].array->name == "b");
  CHECK(nb[1].array->name == "a");
  FakeEntry ac({{"a", {2, 2}}, {"c", {2, 3}}});
  CHECK_THAT(error_of([&] { dlc::bind_inputs(n, ac.desc); }),
             Equals("npz:" + dir.file("d.npz") +
                    " has no array 'c' for input 'c' (2x3 f32) of entry 'infer' (arrays: a, b, "
                    "label (the labels))"));
  FakeEntry wide({{"a", {2, 4}}});
  CHECK_THAT(error_of([&] { dlc::bind_inputs(n, wide.desc); }),
             Contains("npz array 'a' is 2 values per sample, input 'a' expects 4"));
}

TEST_CASE("class labels are checked against the number of classes", "[dataset]") {
  dlc::DataArray labels;
  labels.name = "labels";
  labels.what = "labels";
  labels.data = dlc::Tensor(DLC_DTYPE_I64, {400});
  for (int i = 0; i < 400; ++i)
    labels.data.data_as<int64_t>()[i] = i % 10;
  labels.data.data_as<int64_t>()[345] = 12;
  dlc::Dataset d = dlc::Dataset::from_arrays("mem:", "npz", {}, std::move(labels));
  CHECK_THAT(error_of([&] { d.check_class_labels(10); }),
             Equals("mem:: label 12 at sample 345 >= 10 classes"));
  CHECK_NOTHROW(d.check_class_labels(13));
}

TEST_CASE("batches: conversion, padding of the last batch, every sample once", "[dataset]") {
  dlc_test::TempDir dir;
  write_idx_pair(dir, "t10k", 10, 2, 3, 4, false);
  dlc::Dataset d = dlc::Dataset::load("idx:" + dir.path().string());
  FakeEntry train({{"x", {4, 1, 2, 3}}, {"label", {4}}}, DLC_DTYPE_I32);
  dlc::BindOptions o;
  o.label_input = "label";
  dlc::Batcher batcher(d, dlc::bind_inputs(d, train.desc, o), 4);
  CHECK(batcher.num_batches() == 3);
  std::vector<dlc::Tensor> t = batcher.make_tensors();
  REQUIRE(t.size() == 2);
  CHECK(t[0].describe() == "f32 4x1x2x3");
  CHECK(t[1].describe() == "i32 4");
  std::vector<int64_t> seen, idx;
  for (int64_t b = 0; b < 3; ++b) {
    // Fill with garbage first: padding must be rewritten with zeros.
    std::memset(t[0].data(), 0x7f, t[0].nbytes());
    std::memset(t[1].data(), 0x7f, t[1].nbytes());
    int64_t rows = batcher.fill(b, t, &idx);
    CHECK(rows == (b < 2 ? 4 : 2));
    REQUIRE(idx.size() == static_cast<size_t>(rows));
    for (int64_t r = 0; r < 4; ++r) {
      for (int k = 0; k < 6; ++k) {
        float want = r < rows ? static_cast<float>((idx[r] * 31 + k * 7) % 256) / 255.0f : 0.0f;
        CHECK(t[0].data_as<float>()[r * 6 + k] == want);
      }
      CHECK(t[1].data_as<int32_t>()[r] == (r < rows ? static_cast<int32_t>(idx[r] % 4) : 0));
    }
    seen.insert(seen.end(), idx.begin(), idx.end());
  }
  std::vector<int64_t> all(10);
  for (int i = 0; i < 10; ++i)
    all[i] = i;
  CHECK(seen == all); // in order without shuffling
  CHECK_THROWS_AS(batcher.fill(3, t), dlc::Error);
}

TEST_CASE("shuffling: a permutation per epoch, reproducible from the seed", "[dataset]") {
  for (int64_t n : {1, 2, 10, 1000}) {
    for (uint64_t epoch : {0, 1, 7}) {
      std::vector<int64_t> a = dlc::shuffled_order(n, 42, epoch);
      CHECK(a == dlc::shuffled_order(n, 42, epoch));
      std::vector<int64_t> sorted = a;
      std::sort(sorted.begin(), sorted.end());
      for (int64_t i = 0; i < n; ++i)
        CHECK(sorted[i] == i); // every index exactly once
    }
  }
  CHECK(dlc::shuffled_order(1000, 42, 0) != dlc::shuffled_order(1000, 43, 0));
  CHECK(dlc::shuffled_order(1000, 42, 0) != dlc::shuffled_order(1000, 42, 1));
  std::vector<int64_t> identity(1000);
  for (int i = 0; i < 1000; ++i)
    identity[i] = i;
  CHECK(dlc::shuffled_order(1000, 42, 0) != identity);

  // The Batcher yields samples in that order, each once per epoch.
  dlc_test::TempDir dir;
  write_idx_pair(dir, "t10k", 10, 1, 2, 3, true);
  dlc::Dataset d = dlc::Dataset::load("idx:" + dir.path().string());
  FakeEntry e({{"x", {3, 2}}});
  dlc::Batcher batcher(d, dlc::bind_inputs(d, e.desc), 3, /*shuffle=*/true, /*seed=*/9);
  std::vector<dlc::Tensor> t = batcher.make_tensors();
  for (uint64_t epoch : {0, 1, 2}) {
    batcher.set_epoch(epoch);
    CHECK(batcher.order() == dlc::shuffled_order(10, 9, epoch));
    std::set<int64_t> seen;
    std::vector<int64_t> order, idx;
    for (int64_t b = 0; b < batcher.num_batches(); ++b) {
      int64_t rows = batcher.fill(b, t, &idx);
      for (int64_t r = 0; r < rows; ++r) {
        CHECK(t[0].data_as<float>()[r * 2] == static_cast<float>((idx[r] * 31) % 256) / 255.0f);
        seen.insert(idx[r]);
        order.push_back(idx[r]);
      }
    }
    CHECK(seen.size() == 10);
    CHECK(order == batcher.order());
  }
}

TEST_CASE("dtype conversion between the ABI's dtypes", "[dataset]") {
  float f[5] = {1.5f, -2.0f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f}; // incl. f16 extremes
  uint16_t h[5];
  float back[5];
  dlc::convert_elements(f, DLC_DTYPE_F32, h, DLC_DTYPE_F16, 5);
  CHECK(h[0] == 0x3e00);
  CHECK(h[1] == 0xc000);
  CHECK(h[2] == 0x7bff);
  CHECK(h[3] == 0x0400); // smallest normal
  CHECK(h[4] == 0x0001); // smallest subnormal
  dlc::convert_elements(h, DLC_DTYPE_F16, back, DLC_DTYPE_F32, 5);
  for (int i = 0; i < 5; ++i)
    CHECK(back[i] == f[i]);
  uint16_t bf[2];
  dlc::convert_elements(f, DLC_DTYPE_F32, bf, DLC_DTYPE_BF16, 2);
  CHECK(bf[0] == 0x3fc0);
  CHECK(bf[1] == 0xc000);
  double dv[3] = {2.9, -2.9, 1e30};
  int32_t iv[3];
  dlc::convert_elements(dv, DLC_DTYPE_F64, iv, DLC_DTYPE_I32, 3);
  CHECK(iv[0] == 2);
  CHECK(iv[1] == -2);
  int64_t lv[3] = {0, 5, -7};
  uint8_t bv[3];
  dlc::convert_elements(lv, DLC_DTYPE_I64, bv, DLC_DTYPE_BOOL, 3);
  CHECK((bv[0] == 0 && bv[1] == 1 && bv[2] == 1));
}

TEST_CASE("sharding: rank r's batch is its slice of the unsharded batch of N times the size", "[dataset]") {
  dlc_test::TempDir dir;
  write_idx_pair(dir, "t10k", 26, 1, 2, 3, true);
  dlc::Dataset d = dlc::Dataset::load("idx:" + dir.path().string());
  FakeEntry global({{"x", {6, 2}}}), local({{"x", {2, 2}}});
  dlc::Batcher whole(d, dlc::bind_inputs(d, global.desc), 6, /*shuffle=*/true, /*seed=*/5);
  whole.set_epoch(1);
  std::vector<dlc::Tensor> tw = whole.make_tensors();
  std::vector<int64_t> want;
  for (int64_t b = 0; b < whole.num_batches(); ++b) {
    std::vector<int64_t> idx;
    whole.fill(b, tw, &idx);
    want.insert(want.end(), idx.begin(), idx.end());
  }
  std::vector<int64_t> got(want.size(), -1);
  for (int64_t rank = 0; rank < 3; ++rank) {
    dlc::Batcher part(d, dlc::bind_inputs(d, local.desc), 2, /*shuffle=*/true, /*seed=*/5);
    part.set_shard(rank, 3);
    part.set_epoch(1);
    CHECK(part.num_batches() == whole.num_batches()); // ceil(26 / 6) = 5 global batches
    std::vector<dlc::Tensor> tp = part.make_tensors();
    for (int64_t b = 0; b < part.num_batches(); ++b) {
      std::vector<int64_t> idx;
      int64_t rows = part.fill(b, tp, &idx);
      // The last global batch holds 2 samples: rank 0 gets them, ranks 1 and 2 none.
      CHECK(rows == (b < 4 ? 2 : (rank == 0 ? 2 : 0)));
      for (int64_t r = 0; r < rows; ++r)
        got[static_cast<size_t>(b * 6 + rank * 2 + r)] = idx[static_cast<size_t>(r)];
    }
  }
  CHECK(got == want);
  dlc::Batcher part(d, dlc::bind_inputs(d, local.desc), 2);
  CHECK_THROWS_WITH(part.set_shard(3, 3), Contains("rank 3 of 3 ranks is out of range"));
}
