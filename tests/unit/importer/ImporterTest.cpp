// Unit tests of the ONNX importer: small ModelProtos built here, plus models of the ONNX
// backend test suite.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "ImporterTestSupport.h"

#include "dialects/Abi/AbiDialect.h"
#include "dialects/Graph/GraphDialect.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cstdio>
#include <limits>
#include <dirent.h>
#include <fstream>
#include <map>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

using namespace dlc::onnx_frontend;
using namespace dlc::importer_test;
using onnx::TensorProto;

namespace {

/// Builds small ONNX models. Dims < 0 in shapes are symbolic ("N").
struct ModelBuilder {
  onnx::ModelProto model;

  explicit ModelBuilder(int opset = 17) {
    model.set_ir_version(8);
    model.set_producer_name("importer-tests");
    auto *o = model.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    graph().set_name("test_graph");
  }
  onnx::GraphProto &graph() { return *model.mutable_graph(); }

  static void setType(onnx::ValueInfoProto *v, int elem, const std::vector<int64_t> *shape) {
    auto *tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elem);
    if (!shape)
      return;
    auto *s = tt->mutable_shape();
    for (int64_t d : *shape) {
      if (d < 0)
        s->add_dim()->set_dim_param("N");
      else
        s->add_dim()->set_dim_value(d);
    }
  }
  void input(const std::string &name, std::vector<int64_t> shape, int elem = TensorProto::FLOAT) {
    auto *v = graph().add_input();
    v->set_name(name);
    setType(v, elem, &shape);
  }
  /// An output of known rank whose dims shape inference fills in.
  void output(const std::string &name, int rank, int elem = TensorProto::FLOAT) {
    auto *v = graph().add_output();
    v->set_name(name);
    setType(v, elem, nullptr);
    auto *shape = v->mutable_type()->mutable_tensor_type()->mutable_shape();
    for (int i = 0; i < rank; ++i)
      shape->add_dim();
  }
  onnx::NodeProto &node(const std::string &op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                        const std::string &name = "") {
    auto *n = graph().add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? op + "_" + std::to_string(graph().node_size()) : name);
    for (auto &i : inputs)
      n->add_input(i);
    for (auto &o : outputs)
      n->add_output(o);
    return *n;
  }
  static void attr(onnx::NodeProto &n, const std::string &name, int64_t v) {
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attr(onnx::NodeProto &n, const std::string &name, float v) {
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  static void attr(onnx::NodeProto &n, const std::string &name, const std::string &v) {
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }
  static void attr(onnx::NodeProto &n, const std::string &name, std::vector<int64_t> v) {
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v)
      a->add_ints(x);
  }
  static TensorProto floatTensor(const std::string &name, std::vector<int64_t> dims, std::vector<float> values) {
    TensorProto t;
    t.set_name(name);
    t.set_data_type(TensorProto::FLOAT);
    for (int64_t d : dims)
      t.add_dims(d);
    for (float v : values)
      t.add_float_data(v);
    return t;
  }
  static TensorProto intTensor(const std::string &name, std::vector<int64_t> dims, std::vector<int64_t> values) {
    TensorProto t;
    t.set_name(name);
    t.set_data_type(TensorProto::INT64);
    for (int64_t d : dims)
      t.add_dims(d);
    for (int64_t v : values)
      t.add_int64_data(v);
    return t;
  }
  void floatInit(const std::string &name, std::vector<int64_t> dims, std::vector<float> values = {}) {
    if (values.empty())
      for (int64_t i = 0, n = count(dims); i < n; ++i)
        values.push_back(0.25f * (float)(i % 7) - 0.5f);
    *graph().add_initializer() = floatTensor(name, dims, values);
  }
  void intInit(const std::string &name, std::vector<int64_t> dims, std::vector<int64_t> values) {
    *graph().add_initializer() = intTensor(name, dims, values);
  }
  /// A Constant node holding int64 values.
  void intConst(const std::string &name, std::vector<int64_t> dims, std::vector<int64_t> values) {
    auto &n = node("Constant", {}, {name}, name + "_const");
    auto *a = n.add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    *a->mutable_t() = intTensor(name, dims, values);
  }
  static int64_t count(const std::vector<int64_t> &dims) {
    int64_t n = 1;
    for (int64_t d : dims)
      n *= d;
    return n;
  }
};

std::string typeStr(mlir::Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

std::string tempPath(const std::string &stem) {
  const char *dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/dlc-importer-test-" + std::to_string(getpid()) + "-" + stem;
}

bool fileExists(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

const std::string kNodeDir = DLC_ONNX_NODE_TEST_DIR;
const std::string kDataDir = DLC_IMPORTER_TEST_DATA_DIR; // torch exports, see make_torch_models.py

/// Binds graph inputs #k of a backend test model (all but `keep` first ones) to the
/// test data's input_k.pb, as constants.
ImportOptions bindBackendInputs(const std::string &testDir, int keep) {
  ImportOptions opts;
  onnx::ModelProto m;
  std::ifstream in(testDir + "/model.onnx", std::ios::binary);
  if (!m.ParseFromIstream(&in))
    return opts;
  for (int k = keep; k < m.graph().input_size(); ++k)
    opts.constantInputs[m.graph().input(k).name()] = testDir + "/test_data_set_0/input_" + std::to_string(k) + ".pb";
  return opts;
}

} // namespace

TEST_CASE("Gemm + Relu imports to transpose, matmul, add, relu with two parameters", "[importer]") {
  ModelBuilder mb;
  mb.input("x", {2, 4});
  mb.floatInit("W", {3, 4});
  mb.floatInit("B", {3});
  auto &gemm = mb.node("Gemm", {"x", "W", "B"}, {"h"}, "fc");
  ModelBuilder::attr(gemm, "transB", int64_t(1));
  mb.node("Relu", {"h"}, {"y"}, "relu");
  mb.output("y", 2);

  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto counts = r->opCounts();
  CHECK(counts["graph.transpose"] == 1);
  CHECK(counts["graph.matmul"] == 1);
  CHECK(counts["graph.add"] == 1);
  CHECK(counts["graph.relu"] == 1);
  CHECK(counts["graph.mul"] == 0); // alpha = beta = 1

  auto f = r->func();
  REQUIRE(f.getNumArguments() == 3);
  CHECK(typeStr(f.getArgument(0).getType()) == "tensor<2x4xf32>");
  CHECK(typeStr(f.getArgument(1).getType()) == "tensor<3x4xf32>");
  CHECK(typeStr(f.getArgument(2).getType()) == "tensor<3xf32>");
  CHECK(dlc::abi::getArgKind(f, 0) == dlc::abi::ArgKind::input);
  CHECK(dlc::abi::getArgName(f, 0) == "x");
  CHECK(dlc::abi::getArgKind(f, 1) == dlc::abi::ArgKind::param);
  CHECK(dlc::abi::getArgName(f, 1) == "W");
  CHECK(dlc::abi::getResultName(f, 0) == "y");
  CHECK(mlir::succeeded(mlir::verify(r->model->module.get()))); // the dlc dialect accepts the attributes
  REQUIRE(f.getFunctionType().getNumResults() == 1);
  CHECK(typeStr(f.getFunctionType().getResult(0)) == "tensor<2x3xf32>");

  const auto &params = r->model->params;
  REQUIRE(params.size() == 2);
  CHECK(params[0].name == "W");
  CHECK(params[0].trainable);
  CHECK(params[0].data.size() == 12 * sizeof(float));
  float w1;
  std::memcpy(&w1, params[0].data.data() + sizeof(float), sizeof(float));
  CHECK(w1 == -0.25f);
  CHECK(params[1].name == "B");
  CHECK(params[1].data.size() == 3 * sizeof(float));
}

TEST_CASE("Gemm with alpha, beta and transA scales and transposes", "[importer]") {
  ModelBuilder mb;
  mb.input("a", {4, 2});
  mb.input("b", {4, 3});
  mb.input("c", {3});
  auto &gemm = mb.node("Gemm", {"a", "b", "c"}, {"y"}, "g");
  ModelBuilder::attr(gemm, "transA", int64_t(1));
  ModelBuilder::attr(gemm, "alpha", 0.5f);
  ModelBuilder::attr(gemm, "beta", 2.0f);
  mb.output("y", 2);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto counts = r->opCounts();
  CHECK(counts["graph.transpose"] == 1);
  CHECK(counts["graph.mul"] == 2);
  CHECK(counts["graph.add"] == 1);
  CHECK(r->model->params.empty());
}

TEST_CASE("a torch-style Shape/Gather/Unsqueeze/Concat/Reshape chain folds away", "[importer][folding]") {
  ModelBuilder mb;
  mb.input("x", {2, 3, 4});
  mb.node("Shape", {"x"}, {"s"}, "shape");
  mb.intConst("i0", {}, {0});
  mb.node("Gather", {"s", "i0"}, {"n"}, "gather");
  mb.intConst("ax", {1}, {0});
  mb.node("Unsqueeze", {"n", "ax"}, {"n1"}, "unsqueeze");
  mb.intConst("minus1", {1}, {-1});
  auto &cat = mb.node("Concat", {"n1", "minus1"}, {"shp"}, "concat");
  ModelBuilder::attr(cat, "axis", int64_t(0));
  mb.node("Reshape", {"x", "shp"}, {"y"}, "reshape");
  mb.output("y", 2);

  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto counts = r->opCounts();
  CHECK(counts["graph.gather"] == 0);
  CHECK(counts["graph.concat"] == 0);
  CHECK(counts["graph.constant"] == 0);
  auto reshapes = r->ops<dlc::graph::ReshapeOp>();
  REQUIRE(reshapes.size() == 1);
  CHECK(typeStr(reshapes[0].getType()) == "tensor<2x12xf32>");
  CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<2x12xf32>");
}

TEST_CASE("folding works through Slice, Cast, ReduceProd, Div, ConstantOfShape and Concat", "[importer][folding]") {
  ModelBuilder mb;
  mb.input("x", {2, 3, 4});
  mb.intConst("c1shape", {1}, {1});
  auto &cos = mb.node("ConstantOfShape", {"c1shape"}, {"two1"}, "cos"); // [2]
  auto *va = cos.add_attribute();
  va->set_name("value");
  va->set_type(onnx::AttributeProto::TENSOR);
  *va->mutable_t() = ModelBuilder::intTensor("v", {1}, {2});
  mb.node("Shape", {"x"}, {"s"}, "shape");
  mb.intConst("st", {1}, {1});
  mb.intConst("en", {1}, {3});
  mb.node("Slice", {"s", "st", "en"}, {"hw"}, "slice"); // [3, 4]
  auto &cast = mb.node("Cast", {"hw"}, {"hwf"}, "cast");
  ModelBuilder::attr(cast, "to", int64_t(TensorProto::FLOAT));
  auto &pr = mb.node("ReduceProd", {"hwf"}, {"p"}, "prod"); // [12.0]
  ModelBuilder::attr(pr, "keepdims", int64_t(1));
  auto &back = mb.node("Cast", {"p"}, {"pi"}, "back");
  ModelBuilder::attr(back, "to", int64_t(TensorProto::INT64));
  mb.intConst("two", {}, {2});
  mb.node("Div", {"pi", "two"}, {"half"}, "div"); // [6]
  mb.intConst("c2", {1}, {2});
  auto &cat = mb.node("Concat", {"c2", "half", "two1"}, {"shp"}, "concat"); // [2, 6, 2]
  ModelBuilder::attr(cat, "axis", int64_t(0));
  mb.node("Reshape", {"x", "shp"}, {"y"}, "reshape");
  mb.output("y", 3);

  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto reshapes = r->ops<dlc::graph::ReshapeOp>();
  REQUIRE(reshapes.size() == 1);
  CHECK(typeStr(reshapes[0].getType()) == "tensor<2x6x2xf32>");
  CHECK(r->opCounts()["graph.constant"] == 0);
  CHECK(r->opCounts()["graph.cast"] == 0);
}

TEST_CASE("a Reshape whose shape is computed at run time is refused, naming node and input", "[importer]") {
  ModelBuilder mb;
  mb.input("x", {2, 6});
  mb.input("shape", {2}, TensorProto::INT64);
  mb.node("Reshape", {"x", "shape"}, {"y"}, "dyn_reshape");
  mb.output("y", 2);
  auto r = importModel(mb.model);
  REQUIRE_FALSE(r->model);
  CHECK_THAT(r->error, Catch::Contains("dyn_reshape") && Catch::Contains("'shape'") &&
                           Catch::Contains("must be a constant"));
}

TEST_CASE("Conv with auto_pad SAME_UPPER gets explicit asymmetric pads", "[importer][conv]") {
  ModelBuilder mb;
  mb.input("x", {1, 2, 5, 5});
  mb.floatInit("w", {3, 2, 4, 4});
  auto &conv = mb.node("Conv", {"x", "w"}, {"y"}, "conv");
  ModelBuilder::attr(conv, "auto_pad", std::string("SAME_UPPER"));
  ModelBuilder::attr(conv, "strides", std::vector<int64_t>{2, 2});
  mb.output("y", 4);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto convs = r->ops<dlc::graph::ConvOp>();
  REQUIRE(convs.size() == 1);
  // in 5, stride 2 -> out 3; total pad = (3-1)*2 + 4 - 5 = 3: 1 before, 2 after.
  CHECK(convs[0].getPads().vec() == std::vector<int64_t>{1, 1, 2, 2});
  CHECK(convs[0].getStrides().vec() == std::vector<int64_t>{2, 2});
  CHECK(convs[0].getDilations().vec() == std::vector<int64_t>{1, 1});
  CHECK(typeStr(convs[0].getType()) == "tensor<1x3x3x3xf32>");
  CHECK(!convs[0].getBias());

  SECTION("SAME_LOWER puts the larger half first") {
    ModelBuilder ml;
    ml.input("x", {1, 2, 5, 5});
    ml.floatInit("w", {3, 2, 4, 4});
    ml.floatInit("b", {3});
    auto &c = ml.node("Conv", {"x", "w", "b"}, {"y"}, "conv");
    ModelBuilder::attr(c, "auto_pad", std::string("SAME_LOWER"));
    ModelBuilder::attr(c, "strides", std::vector<int64_t>{2, 2});
    ml.output("y", 4);
    auto rl = importModel(ml.model);
    REQUIRE_IMPORTED(rl);
    auto cl = rl->ops<dlc::graph::ConvOp>();
    REQUIRE(cl.size() == 1);
    CHECK(cl[0].getPads().vec() == std::vector<int64_t>{2, 2, 1, 1});
    CHECK(cl[0].getBias());
  }
}

TEST_CASE("Split becomes one graph.slice per output", "[importer]") {
  ModelBuilder mb;
  mb.input("x", {6, 4});
  mb.intInit("sizes", {2}, {2, 4});
  auto &split = mb.node("Split", {"x", "sizes"}, {"a", "b"}, "split");
  ModelBuilder::attr(split, "axis", int64_t(0));
  mb.output("a", 2);
  mb.output("b", 2);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto slices = r->ops<dlc::graph::SliceOp>();
  REQUIRE(slices.size() == 2);
  CHECK(typeStr(slices[0].getType()) == "tensor<2x4xf32>");
  CHECK(slices[0].getStarts().vec() == std::vector<int64_t>{0, 0});
  CHECK(typeStr(slices[1].getType()) == "tensor<4x4xf32>");
  CHECK(slices[1].getStarts().vec() == std::vector<int64_t>{2, 0});
  CHECK(slices[1].getSteps().vec() == std::vector<int64_t>{1, 1});
}

TEST_CASE("Slice with negative steps and clamped ends normalizes into starts and steps", "[importer]") {
  ModelBuilder mb;
  mb.input("x", {5, 6});
  mb.intInit("starts", {2}, {-1, 1});
  mb.intInit("ends", {2}, {INT64_MIN, 1000});
  mb.intInit("axes", {2}, {0, -1});
  mb.intInit("steps", {2}, {-2, 2});
  mb.node("Slice", {"x", "starts", "ends", "axes", "steps"}, {"y"}, "slice");
  mb.output("y", 2);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto slices = r->ops<dlc::graph::SliceOp>();
  REQUIRE(slices.size() == 1);
  CHECK(slices[0].getStarts().vec() == std::vector<int64_t>{4, 1});
  CHECK(slices[0].getSteps().vec() == std::vector<int64_t>{-2, 2});
  CHECK(typeStr(slices[0].getType()) == "tensor<3x3xf32>");
}

TEST_CASE("an unsupported op is refused naming op, node and opset", "[importer][errors]") {
  ModelBuilder mb;
  mb.input("boxes", {1, 4, 4});
  mb.input("scores", {1, 1, 4});
  mb.node("NonMaxSuppression", {"boxes", "scores"}, {"sel"}, "nms");
  mb.output("sel", 2, TensorProto::INT64);
  auto r = importModel(mb.model);
  REQUIRE_FALSE(r->model);
  CHECK_THAT(r->error, Catch::Contains("unsupported op 'NonMaxSuppression'") && Catch::Contains("node 'nms'") &&
                           Catch::Contains("opset 17"));
}

TEST_CASE("an unsupported attribute value is refused naming op and node", "[importer][errors]") {
  ModelBuilder mb;
  mb.input("x", {1, 3, 8});
  auto &pad = mb.node("Pad", {"x", "pads"}, {"y"}, "wrap_pad");
  mb.intInit("pads", {6}, {0, 0, 1, 0, 0, 1});
  ModelBuilder::attr(pad, "mode", std::string("wrap"));
  mb.output("y", 3);
  auto r = importModel(mb.model);
  REQUIRE_FALSE(r->model);
  CHECK_THAT(r->error, Catch::Contains("unsupported attribute value") && Catch::Contains("wrap") &&
                           Catch::Contains("node 'wrap_pad'"));
}

TEST_CASE("BatchNormalization: mean and var are non-trainable parameters; training mode imports",
          "[importer]") {
  ModelBuilder mb;
  mb.input("x", {2, 3, 4, 4});
  for (const char *n : {"scale", "bias", "mean", "var"})
    mb.floatInit(n, {3}, {1.0f, 0.5f, 0.25f});
  mb.node("BatchNormalization", {"x", "scale", "bias", "mean", "var"}, {"y"}, "bn");
  mb.output("y", 4);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  CHECK(r->opCounts()["graph.batch_norm"] == 1);
  std::map<std::string, bool> trainable;
  for (const auto &p : r->model->params)
    trainable[p.name] = p.trainable;
  CHECK(trainable.size() == 4);
  CHECK(trainable["scale"]);
  CHECK(trainable["bias"]);
  CHECK_FALSE(trainable["mean"]);
  CHECK_FALSE(trainable["var"]);

  // Training mode (torch.onnx.export of a model in train mode) imports in the inference
  // form: train_step itself switches to batch statistics. Its running-statistic outputs
  // may not be used.
  ModelBuilder mt = mb;
  auto *bn = mt.graph().mutable_node(0);
  ModelBuilder::attr(*bn, "training_mode", int64_t(1));
  bn->add_output("running_mean_out");
  bn->add_output("running_var_out");
  auto rt = importModel(mt.model);
  REQUIRE_IMPORTED(rt);
  CHECK(rt->opCounts()["graph.batch_norm"] == 1);

  ModelBuilder mu = mt;
  mu.output("running_mean_out", 1);
  auto ru = importModel(mu.model);
  REQUIRE_FALSE(ru->model);
  CHECK_THAT(ru->error, Catch::Contains("only output 0 is supported") && Catch::Contains("node 'bn'"));
}

TEST_CASE("a parameter used twice appears once; outputs that are inputs or constants work", "[importer]") {
  ModelBuilder mb;
  mb.input("x", {2, 2});
  mb.floatInit("w", {2, 2});
  mb.node("MatMul", {"x", "w"}, {"h"}, "mm1");
  mb.node("MatMul", {"h", "w"}, {"y"}, "mm2");
  mb.intConst("k", {2}, {7, 8});
  mb.output("y", 2);
  mb.output("x", 2);
  mb.output("k", 1, TensorProto::INT64);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  CHECK(r->model->params.size() == 1);
  CHECK(r->func().getNumArguments() == 2);
  CHECK(r->func().getFunctionType().getNumResults() == 3);
  CHECK(typeStr(r->func().getFunctionType().getResult(2)) == "tensor<2xi64>");
  CHECK(r->opCounts()["graph.reshape"] == 2);
}

TEST_CASE("a float initializer holding -inf (a causal mask buffer) is a constant, not a parameter",
          "[importer][buffers]") {
  const float inf = std::numeric_limits<float>::infinity();
  ModelBuilder mb;
  mb.input("x", {2, 2});
  mb.floatInit("mask", {2, 2}, {0.f, -inf, 0.f, 0.f});
  mb.floatInit("w", {2, 2});
  mb.floatInit("nan_bias", {2}, {std::numeric_limits<float>::quiet_NaN(), 0.f});
  mb.node("Add", {"x", "mask"}, {"h"}, "add_mask");
  mb.node("MatMul", {"h", "w"}, {"g"}, "mm");
  mb.node("Add", {"g", "nan_bias"}, {"y"}, "add_bias");
  mb.output("y", 2);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  REQUIRE(r->model->params.size() == 1);
  CHECK(r->model->params[0].name == "w");
  CHECK(r->func().getNumArguments() == 2); // x, w
  CHECK(r->opCounts()["graph.constant"] >= 2);
}

TEST_CASE("bool, uint8, int32 and float16 constants and casts import", "[importer]") {
  ModelBuilder mb;
  mb.input("x", {2, 3});
  auto &cond = mb.node("Constant", {}, {"cond"}, "cond_const");
  auto *a = cond.add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  TensorProto b;
  b.set_data_type(TensorProto::BOOL);
  b.add_dims(3);
  for (int v : {1, 0, 1})
    b.add_int32_data(v);
  *a->mutable_t() = b;
  mb.floatInit("zero", {}, {0.0f});
  mb.node("Where", {"cond", "x", "zero"}, {"w"}, "where");
  TensorProto u8;
  u8.set_name("u8");
  u8.set_data_type(TensorProto::UINT8);
  u8.add_dims(3);
  u8.set_raw_data(std::string("\x01\xff\x07", 3));
  *mb.graph().add_initializer() = u8;
  auto &c1 = mb.node("Cast", {"u8"}, {"u8f"}, "cast_u8");
  ModelBuilder::attr(c1, "to", int64_t(TensorProto::FLOAT));
  mb.node("Add", {"w", "u8f"}, {"s"}, "add");
  auto &c2 = mb.node("Cast", {"s"}, {"h"}, "to_half");
  ModelBuilder::attr(c2, "to", int64_t(TensorProto::FLOAT16));
  auto &c3 = mb.node("Cast", {"h"}, {"i"}, "to_int");
  ModelBuilder::attr(c3, "to", int64_t(TensorProto::INT32));
  mb.node("Identity", {"i"}, {"i2"}, "identity");
  mb.node("Abs", {"u8"}, {"m"}, "abs"); // not evaluated at import: a ui8 constant
  mb.output("h", 2, TensorProto::FLOAT16);
  mb.output("i", 2, TensorProto::INT32);
  mb.output("i2", 2, TensorProto::INT32);
  mb.output("m", 1, TensorProto::UINT8);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  std::string ir = r->ir();
  CHECK_THAT(ir, Catch::Contains("dense<[true, false, true]> : tensor<3xi1>"));
  CHECK_THAT(ir, Catch::Contains("dense<[1, 255, 7]> : tensor<3xui8>"));
  CHECK_THAT(ir, Catch::Contains("dense<[1.000000e+00, 2.550000e+02, 7.000000e+00]> : tensor<3xf32>")); // folded Cast
  auto ft = r->func().getFunctionType();
  CHECK(typeStr(ft.getResult(0)) == "tensor<2x3xf16>");
  CHECK(typeStr(ft.getResult(1)) == "tensor<2x3xi32>");
  // The same value as two outputs: the second gets a copy of its own.
  auto ret = r->func().front().getTerminator();
  CHECK(ret->getOperand(1) != ret->getOperand(2));
  REQUIRE(r->model->params.size() == 1); // 'zero': a floating-point initializer
  CHECK(r->model->params[0].name == "zero");
}

TEST_CASE("a malformed file and a missing file give clear errors", "[importer][errors]") {
  std::string path = tempPath("garbage.onnx");
  {
    std::ofstream out(path, std::ios::binary);
    std::mt19937 rng(1234);
    for (int i = 0; i < 4096; ++i)
      out.put((char)(rng() & 0xff));
  }
  auto r = importFile(path);
  std::remove(path.c_str());
  REQUIRE_FALSE(r->model);
  CHECK_THAT(r->error, Catch::Contains("not a valid ONNX model"));

  std::string empty = tempPath("empty.onnx");
  { std::ofstream out(empty, std::ios::binary); }
  auto re = importFile(empty);
  std::remove(empty.c_str());
  REQUIRE_FALSE(re->model);
  CHECK_THAT(re->error, Catch::Contains("not a valid ONNX model"));

  auto rm = importFile("/nonexistent/dir/model.onnx");
  REQUIRE_FALSE(rm->model);
  CHECK_THAT(rm->error, Catch::Contains("not a valid ONNX model") && Catch::Contains("does not exist"));
}

TEST_CASE("a model the checker rejects reports the checker's message", "[importer][errors]") {
  ModelBuilder mb;
  mb.input("x", {2});
  mb.node("Relu", {"undefined_value"}, {"y"}, "relu");
  mb.output("y", 1);
  auto r = importModel(mb.model);
  REQUIRE_FALSE(r->model);
  CHECK_THAT(r->error, Catch::Contains("checker") && Catch::Contains("undefined_value"));
}

TEST_CASE("opsets outside kMinOpset..kTargetOpset are refused naming the opset", "[importer][errors]") {
  std::vector<int> outside{kTargetOpset + 1};
  if (kMinOpset > 1)
    outside.push_back(kMinOpset - 1);
  for (int opset : outside) {
    INFO("opset " << opset);
    ModelBuilder mb(opset);
    mb.input("x", {2});
    mb.node("Relu", {"x"}, {"y"}, "relu");
    mb.output("y", 1);
    auto r = importModel(mb.model);
    REQUIRE_FALSE(r->model);
    CHECK_THAT(r->error, Catch::Contains("opset " + std::to_string(opset)));
  }
}

TEST_CASE("a symbolic input dim needs a static shape", "[importer][shapes]") {
  ModelBuilder mb;
  mb.input("x", {-1, 4});
  mb.floatInit("w", {4, 3});
  mb.node("MatMul", {"x", "w"}, {"y"}, "mm");
  mb.output("y", 2);

  auto r = importModel(mb.model);
  REQUIRE_FALSE(r->model);
  CHECK_THAT(r->error, Catch::Contains("'x'") && Catch::Contains("'N'"));

  ImportOptions opts;
  opts.inputShapes["x"] = {5, 4};
  auto ok = importModel(mb.model, opts);
  REQUIRE_IMPORTED(ok);
  CHECK(typeStr(ok->func().getArgument(0).getType()) == "tensor<5x4xf32>");
  CHECK(typeStr(ok->func().getFunctionType().getResult(0)) == "tensor<5x3xf32>");

  ImportOptions wrong;
  wrong.inputShapes["x"] = {5, 7};
  auto bad = importModel(mb.model, wrong);
  REQUIRE_FALSE(bad->model);
  CHECK_THAT(bad->error, Catch::Contains("'x'"));

  ImportOptions unknown;
  unknown.inputShapes["x"] = {5, 4};
  unknown.inputShapes["nope"] = {1};
  auto bad2 = importModel(mb.model, unknown);
  REQUIRE_FALSE(bad2->model);
  CHECK_THAT(bad2->error, Catch::Contains("'nope'"));
}

TEST_CASE("an opset-11 model is converted to the target opset and imports", "[importer][opset]") {
  ModelBuilder mb(11);
  mb.input("x", {2, 3, 4});
  auto &sm = mb.node("Softmax", {"x"}, {"s"}, "softmax"); // opset 11: coerced to 2-D at axis 1
  ModelBuilder::attr(sm, "axis", int64_t(1));
  auto &us = mb.node("Unsqueeze", {"s"}, {"u"}, "unsqueeze"); // opset 11: axes attribute
  ModelBuilder::attr(us, "axes", std::vector<int64_t>{0});
  auto &rs = mb.node("ReduceSum", {"u"}, {"y"}, "reduce"); // opset 11: axes attribute
  ModelBuilder::attr(rs, "axes", std::vector<int64_t>{-1});
  ModelBuilder::attr(rs, "keepdims", int64_t(0));
  mb.output("y", 3);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto counts = r->opCounts();
  CHECK(counts["graph.softmax"] == 1);
  CHECK(counts["graph.reduce"] == 1);
  auto softmax = r->ops<dlc::graph::SoftmaxOp>();
  REQUIRE(softmax.size() == 1);
  // Softmax-11 over axis 1 of a 3-D tensor = Softmax-13 over the last axis of its 2-D flattening.
  CHECK(typeStr(softmax[0].getType()) == "tensor<2x12xf32>");
  CHECK(softmax[0].getAxis() == 1);
  CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<1x2x3xf32>");
}

TEST_CASE("opset-18 forms import: Reduce axes as input, Split num_outputs, Pad axes, Mish", "[importer][opset]") {
  ModelBuilder mb(18);
  mb.input("x", {2, 6, 4});
  mb.intInit("axes", {1}, {-1});
  mb.node("ReduceMean", {"x", "axes"}, {"m"}, "mean"); // opset 18: axes is an input
  auto &sp = mb.node("Split", {"x"}, {"a", "b", "c"}, "split");
  ModelBuilder::attr(sp, "axis", int64_t(1));
  ModelBuilder::attr(sp, "num_outputs", int64_t(3));
  mb.intInit("pads", {2}, {1, 2});
  mb.intInit("pad_axes", {1}, {2});
  mb.node("Pad", {"a", "pads", "", "pad_axes"}, {"p"}, "pad"); // opset 18: pads of the given axes only
  mb.node("Mish", {"p"}, {"y"}, "mish");
  mb.output("m", 3);
  mb.output("y", 3);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto reduce = r->ops<dlc::graph::ReduceOp>();
  REQUIRE(reduce.size() == 1);
  CHECK(reduce[0].getKind() == "mean");
  CHECK(std::vector<int64_t>(reduce[0].getAxes()) == std::vector<int64_t>{2});
  CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<2x6x1xf32>");
  auto pad = r->ops<dlc::graph::PadOp>();
  REQUIRE(pad.size() == 1);
  CHECK(std::vector<int64_t>(pad[0].getPads()) == std::vector<int64_t>{0, 0, 1, 0, 0, 2});
  CHECK(r->opCounts()["graph.mish"] == 1);
  CHECK(typeStr(r->func().getFunctionType().getResult(1)) == "tensor<2x2x7xf32>");
}

TEST_CASE("Resize-18 with axes upsamples only the given axes", "[importer][opset]") {
  ModelBuilder mb(18);
  mb.input("x", {1, 2, 2, 3});
  mb.floatInit("scales", {2}, {2.f, 3.f});
  auto &rs = mb.node("Resize", {"x", "", "scales"}, {"y"}, "resize");
  ModelBuilder::attr(rs, "mode", std::string("nearest"));
  ModelBuilder::attr(rs, "coordinate_transformation_mode", std::string("asymmetric"));
  ModelBuilder::attr(rs, "nearest_mode", std::string("floor"));
  ModelBuilder::attr(rs, "axes", std::vector<int64_t>{2, 3});
  mb.output("y", 4);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<1x2x4x9xf32>");
  CHECK(r->opCounts()["graph.broadcast"] == 1);
}

TEST_CASE("Gelu (opset 20) imports as its erf or tanh formula; an unknown approximation is refused",
          "[importer][opset]") {
  for (std::string approximate : {"none", "tanh", "sigmoid"}) {
    INFO("approximate " << approximate);
    ModelBuilder mb(20);
    mb.input("x", {2, 3});
    auto &g = mb.node("Gelu", {"x"}, {"y"}, "gelu");
    ModelBuilder::attr(g, "approximate", approximate);
    mb.output("y", 2);
    auto r = importModel(mb.model);
    if (approximate == "sigmoid") {
      REQUIRE_FALSE(r->model);
      CHECK_THAT(r->error, Catch::Contains("approximate") && Catch::Contains("gelu"));
      continue;
    }
    REQUIRE_IMPORTED(r);
    auto counts = r->opCounts();
    CHECK(counts[approximate == "none" ? "graph.erf" : "graph.tanh"] == 1);
    CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<2x3xf32>");
  }
}

TEST_CASE("AveragePool-19's dilations reach graph.avg_pool", "[importer][opset]") {
  ModelBuilder mb(19);
  mb.input("x", {1, 1, 6, 6});
  auto &p = mb.node("AveragePool", {"x"}, {"y"}, "pool");
  ModelBuilder::attr(p, "kernel_shape", std::vector<int64_t>{2, 2});
  ModelBuilder::attr(p, "dilations", std::vector<int64_t>{2, 2});
  mb.output("y", 4);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto pool = r->only<dlc::graph::AvgPoolOp>();
  REQUIRE(pool);
  CHECK(pool.getDilations() == llvm::ArrayRef<int64_t>{2, 2});
  CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<1x1x4x4xf32>");
}

TEST_CASE("an opset-17 model is converted up to the target opset: ReduceMean's axes attribute becomes an input",
          "[importer][opset]") {
  ModelBuilder mb(17);
  mb.input("x", {2, 3, 4});
  auto &rm = mb.node("ReduceMean", {"x"}, {"y"}, "mean");
  ModelBuilder::attr(rm, "axes", std::vector<int64_t>{0, 2});
  ModelBuilder::attr(rm, "keepdims", int64_t(0));
  mb.output("y", 1);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto reduce = r->ops<dlc::graph::ReduceOp>();
  REQUIRE(reduce.size() == 1);
  CHECK(std::vector<int64_t>(reduce[0].getAxes()) == std::vector<int64_t>{0, 2});
  CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<3xf32>");
}

TEST_CASE("Einsum lowers to matmul", "[importer][einsum]") {
  struct Case {
    const char *eq;
    std::vector<int64_t> a, b, out;
  };
  for (const Case &c : {Case{"ij,jk->ik", {3, 4}, {4, 5}, {3, 5}}, Case{"bij,bjk->bik", {2, 3, 4}, {2, 4, 5}, {2, 3, 5}},
                        Case{"bhqd,bhkd->bhqk", {2, 3, 5, 8}, {2, 3, 7, 8}, {2, 3, 5, 7}},
                        Case{"...ij,...jk", {2, 3, 4}, {2, 4, 5}, {2, 3, 5}},
                        Case{"ij,kj->ik", {3, 4}, {5, 4}, {3, 5}}}) {
    INFO(c.eq);
    ModelBuilder mb;
    mb.input("a", c.a);
    mb.input("b", c.b);
    auto &e = mb.node("Einsum", {"a", "b"}, {"y"}, "einsum");
    ModelBuilder::attr(e, "equation", std::string(c.eq));
    mb.output("y", (int)c.out.size());
    auto r = importModel(mb.model);
    REQUIRE_IMPORTED(r);
    CHECK(r->opCounts()["graph.matmul"] == 1);
    std::string expected = "tensor<";
    for (int64_t d : c.out)
      expected += std::to_string(d) + "x";
    expected += "f32>";
    CHECK(typeStr(r->func().getFunctionType().getResult(0)) == expected);
  }

  struct Unary {
    const char *eq;
    std::vector<int64_t> a, out;
  };
  for (const Unary &c : {Unary{"ij->ji", {3, 4}, {4, 3}}, Unary{"ijk->ki", {2, 3, 4}, {4, 2}},
                         Unary{"ij->", {3, 4}, {}}, Unary{"...ij->...j", {2, 3, 4}, {2, 4}}}) {
    INFO(c.eq);
    ModelBuilder mb;
    mb.input("a", c.a);
    auto &e = mb.node("Einsum", {"a"}, {"y"}, "einsum");
    ModelBuilder::attr(e, "equation", std::string(c.eq));
    mb.output("y", (int)c.out.size());
    auto r = importModel(mb.model);
    REQUIRE_IMPORTED(r);
    CHECK(r->opCounts()["graph.matmul"] == 0);
    std::string expected = "tensor<";
    for (int64_t d : c.out)
      expected += std::to_string(d) + "x";
    expected += "f32>";
    CHECK(typeStr(r->func().getFunctionType().getResult(0)) == expected);
  }
  {
    // i appears only in the first operand and not in the output: summed out first.
    ModelBuilder mb;
    mb.input("a", {2, 3, 4});
    mb.input("b", {2, 4, 5});
    auto &e = mb.node("Einsum", {"a", "b"}, {"y"}, "einsum");
    ModelBuilder::attr(e, "equation", std::string("bij,bjk->bk"));
    mb.output("y", 2);
    auto r = importModel(mb.model);
    REQUIRE_IMPORTED(r);
    CHECK(r->opCounts()["graph.reduce"] == 1);
    CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<2x5xf32>");
  }

  ModelBuilder md;
  md.input("a", {3, 3});
  auto &e = md.node("Einsum", {"a"}, {"y"}, "diag");
  ModelBuilder::attr(e, "equation", std::string("ii->i"));
  md.output("y", 1);
  auto r = importModel(md.model);
  REQUIRE_FALSE(r->model);
  CHECK_THAT(r->error, Catch::Contains("unsupported attribute value") && Catch::Contains("node 'diag'"));
}

TEST_CASE("Dropout imports as identity; its used mask is refused", "[importer]") {
  ModelBuilder mb;
  mb.input("x", {2, 3});
  mb.node("Dropout", {"x"}, {"d"}, "drop");
  mb.node("Relu", {"d"}, {"y"}, "relu");
  mb.output("y", 2);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  CHECK(r->opCounts()["graph.relu"] == 1);

  ModelBuilder mm;
  mm.input("x", {2, 3});
  mm.node("Dropout", {"x"}, {"d", "mask"}, "drop");
  mm.output("d", 2);
  mm.output("mask", 2, TensorProto::BOOL);
  auto rm = importModel(mm.model);
  REQUIRE_FALSE(rm->model);
  CHECK_THAT(rm->error, Catch::Contains("mask") && Catch::Contains("node 'drop'"));
}

TEST_CASE("supportedOps lists the handled ops, sorted", "[importer]") {
  const auto &ops = supportedOps();
  CHECK(std::is_sorted(ops.begin(), ops.end()));
  for (const char *op : {"Conv", "Gemm", "Reshape", "Shape", "Einsum", "Constant", "Split", "LayerNormalization"})
    CHECK(std::binary_search(ops.begin(), ops.end(), std::string(op)));
  CHECK(std::binary_search(ops.begin(), ops.end(), std::string("LSTM")));
  CHECK_FALSE(std::binary_search(ops.begin(), ops.end(), std::string("NonMaxSuppression")));
}

TEST_CASE("torch.onnx.export models with a dynamic batch import with static shapes", "[importer][torch]") {
  SECTION("LeNet, opset 11 (converted)") {
    auto missing = importFile(kDataDir + "/torch_lenet_opset11.onnx");
    REQUIRE_FALSE(missing->model);
    CHECK_THAT(missing->error, Catch::Contains("'x'") && Catch::Contains("'batch'"));

    ImportOptions opts;
    opts.inputShapes["x"] = {3, 1, 28, 28};
    auto r = importFile(kDataDir + "/torch_lenet_opset11.onnx", opts);
    REQUIRE_IMPORTED(r);
    auto counts = r->opCounts();
    CHECK(counts["graph.conv"] == 2);
    CHECK(counts["graph.max_pool"] == 1);
    CHECK(counts["graph.avg_pool"] == 1);
    CHECK(counts["graph.matmul"] == 1);
    CHECK(counts["graph.log_softmax"] == 1);
    CHECK(counts["graph.batch_norm"] == 0); // folded into the conv by torch's exporter (eval mode)
    CHECK(r->model->params.size() == 6);
    CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<3x10xf32>");
  }
  SECTION("Transformer encoder layer, opset 13: its shape chains fold") {
    ImportOptions opts;
    opts.inputShapes["x"] = {2, 7};
    auto r = importFile(kDataDir + "/torch_encoder_opset13.onnx", opts);
    REQUIRE_IMPORTED(r);
    auto counts = r->opCounts();
    CHECK(counts["graph.gather"] == 1); // the embedding lookup; the Shape->Gather chains are gone
    CHECK(counts["graph.concat"] == 0);
    CHECK(counts["graph.softmax"] == 1);
    CHECK(counts["graph.matmul"] >= 4);
    CHECK(typeStr(r->func().getArgument(0).getType()) == "tensor<2x7xi64>");
    CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<2x4xf32>");
    for (const auto &p : r->model->params)
      CHECK(p.trainable);
  }
  SECTION("GELU, HardSwish, LayerNorm, chunk, Einsum, reflect Pad, Clip, CumSum, strided slices, opset 17") {
    ImportOptions opts;
    opts.inputShapes["x"] = {2, 6, 8};
    auto r = importFile(kDataDir + "/torch_misc_opset17.onnx", opts);
    REQUIRE_IMPORTED(r);
    auto counts = r->opCounts();
    CHECK(counts["graph.layer_norm"] == 1);
    CHECK(counts["graph.matmul"] == 1);
    CHECK(counts["graph.pad"] == 1);
    CHECK(counts["graph.cumsum"] == 1);
    auto pads = r->ops<dlc::graph::PadOp>();
    REQUIRE(pads.size() == 1);
    CHECK(pads[0].getMode() == "reflect");
    CHECK(pads[0].getPads().vec() == std::vector<int64_t>{0, 0, 1, 0, 0, 1});
    auto f = r->func();
    REQUIRE(f.getFunctionType().getNumResults() == 3);
    CHECK(typeStr(f.getFunctionType().getResult(0)) == "tensor<2x15xf32>");
    CHECK(typeStr(f.getFunctionType().getResult(2)) == "tensor<2x4x5xf32>");
  }
}

TEST_CASE("ONNX backend node models import and verify", "[importer][backend]") {
  if (!fileExists(kNodeDir)) {
    WARN("ONNX backend test data not found at " << kNodeDir);
    return;
  }
  // keep: how many leading inputs stay run-time inputs; the rest (inputs that the op needs
  // as constants) are bound to the test data. -1: no binding.
  struct Model {
    const char *name;
    int keep;
  };
  for (const Model &m : std::initializer_list<Model>{
           {"test_conv_with_strides_padding", -1}, {"test_conv_with_autopad_same", -1},
           {"test_maxpool_2d_ceil", -1}, {"test_maxpool_2d_same_upper", -1}, {"test_gather_0", -1},
           {"test_gather_negative_indices", -1}, {"test_reduce_mean_keepdims_example", -1},
           {"test_averagepool_2d_pads_count_include_pad", -1}, {"test_convtranspose_output_shape", -1},
           {"test_batchnorm_example", -1}, {"test_layer_normalization_4d_axis_negative_1", -1},
           {"test_einsum_batch_matmul", -1}, {"test_einsum_transpose", -1}, {"test_softmax_axis_0", -1},
           {"test_gemm_all_attributes", -1}, {"test_where_example", -1},
           {"test_argmax_negative_axis_keepdims_example", -1}, {"test_shape_start_1_end_negative_1", -1},
           {"test_flatten_negative_axis1", -1}, {"test_clip_default_inbounds", -1}, {"test_mean_example", -1},
           {"test_prelu_broadcast", -1}, {"test_castlike_FLOAT_to_DOUBLE_expanded", -1},
           {"test_split_variable_parts_1d", 1}, {"test_expand_dim_changed", 1}, {"test_tile", 1}, {"test_constant_pad", 1}, {"test_reflect_pad", 1}, {"test_edge_pad", 1},
           {"test_cumsum_1d_reverse_exclusive", 1}, {"test_tril_neg", 1}, {"test_reshape_negative_dim", 1},
           {"test_unsqueeze_negative_axes", 1}, {"test_range_float_type_positive_delta", 0},
           {"test_depthtospace_crd_mode", -1}, {"test_depthtospace_dcr_mode", -1}, {"test_spacetodepth", -1},
           {"test_resize_upsample_scales_nearest", 1}}) {
    std::string dir = kNodeDir + "/" + m.name;
    if (!fileExists(dir + "/model.onnx")) {
      WARN("missing backend model " << m.name);
      continue;
    }
    INFO(m.name);
    auto r = importFile(dir + "/model.onnx", m.keep < 0 ? ImportOptions{} : bindBackendInputs(dir, m.keep));
    REQUIRE_IMPORTED(r);
    CHECK(r->func());
  }

  // Slice's starts/ends/axes/steps and ReduceSum's axes are graph inputs there: refused
  // by name unless bound to constants (ImportOptions::constantInputs).
  for (const char *name : {"test_slice_neg_steps", "test_reduce_sum_keepdims_example"}) {
    std::string dir = kNodeDir + "/" + name;
    if (!fileExists(dir + "/model.onnx"))
      continue;
    INFO(name);
    auto r = importFile(dir + "/model.onnx");
    REQUIRE_FALSE(r->model);
    CHECK_THAT(r->error, Catch::Contains("must be a constant known at import"));
    auto bound = importFile(dir + "/model.onnx", bindBackendInputs(dir, 1));
    REQUIRE_IMPORTED(bound);
    CHECK(bound->func().getNumArguments() == 1);
  }
  {
    auto dir = kNodeDir + "/test_slice_neg_steps";
    if (fileExists(dir + "/model.onnx")) {
      auto r = importFile(dir + "/model.onnx", bindBackendInputs(dir, 1));
      REQUIRE_IMPORTED(r);
      auto slices = r->ops<dlc::graph::SliceOp>();
      REQUIRE(slices.size() == 1);
      CHECK(typeStr(slices[0].getType()) == "tensor<19x3x2xf32>");
    }
  }

  std::string nms = kNodeDir + "/test_nonmaxsuppression_suppress_by_IOU/model.onnx";
  if (fileExists(nms)) {
    auto r = importFile(nms);
    REQUIRE_FALSE(r->model);
    CHECK_THAT(r->error, Catch::Contains("unsupported op 'NonMaxSuppression'") && Catch::Contains("opset"));
  }
}

TEST_CASE("every ONNX backend node model either imports or fails with a message", "[importer][backend][sweep]") {
  DIR *dir = opendir(kNodeDir.c_str());
  if (!dir) {
    WARN("ONNX backend test data not found at " << kNodeDir);
    return;
  }
  std::vector<std::string> names;
  while (dirent *e = readdir(dir))
    if (std::string(e->d_name).rfind("test_", 0) == 0)
      names.push_back(e->d_name);
  closedir(dir);
  std::sort(names.begin(), names.end());
  int imported = 0, refused = 0, bound = 0;
  bool verbose = std::getenv("DLC_IMPORTER_SWEEP_VERBOSE") != nullptr; // lists every refusal
  for (const std::string &name : names) {
    std::string path = kNodeDir + "/" + name + "/model.onnx";
    if (!fileExists(path))
      continue;
    auto r = importFile(path);
    if (!r->model && r->error.find("must be a constant known at import") != std::string::npos) {
      // Inputs an op needs as constants: bind them to the test data and try again.
      r = importFile(path, bindBackendInputs(kNodeDir + "/" + name, 1));
      bound += r->model.has_value();
    }
    if (r->model) {
      ++imported;
    } else {
      ++refused;
      if (verbose)
        std::printf("%s: %s\n", name.c_str(), r->error.c_str());
      INFO(name);
      CHECK_FALSE(r->error.empty());
    }
  }
  WARN("backend node models: " << imported << " imported (" << bound << " with constant inputs bound), " << refused
                                 << " refused");
  CHECK(imported > 0);
}

TEST_CASE("ops ONNX defines as functions import as their body: RMSNormalization-23, Swish-24",
          "[importer][opset]") {
  ModelBuilder mb(24);
  mb.model.set_ir_version(10);
  mb.input("x", {2, 4});
  mb.floatInit("scale", {4}, {1.f, 2.f, 3.f, 4.f});
  auto &rms = mb.node("RMSNormalization", {"x", "scale"}, {"n"}, "rms");
  ModelBuilder::attr(rms, "epsilon", 1e-5f);
  auto &sw = mb.node("Swish", {"n"}, {"y"}, "swish");
  ModelBuilder::attr(sw, "alpha", 1.5f);
  mb.output("y", 2);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto counts = r->opCounts();
  CHECK(counts["graph.sqrt"] + counts["graph.rsqrt"] >= 1); // RMSNormalization's body
  CHECK(counts["graph.sigmoid"] == 1);                      // Swish's body: x * sigmoid(alpha x)
  CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<2x4xf32>");
}

TEST_CASE("head-count arithmetic folds at import: Mod, And, Or, Xor of shapes", "[importer][folding]") {
  ModelBuilder mb(18);
  mb.input("x", {6, 4});
  mb.node("Shape", {"x"}, {"s"}, "shape");
  mb.intInit("four", {1}, {4});
  mb.node("Mod", {"s", "four"}, {"m"}, "mod"); // [6 % 4, 4 % 4] = [2, 0]
  mb.intInit("zero", {1}, {0});
  mb.node("Equal", {"m", "zero"}, {"e"}, "eq"); // [false, true]
  mb.node("Not", {"e"}, {"ne"}, "not");
  mb.node("And", {"e", "ne"}, {"none"}, "and"); // [false, false]
  mb.node("Or", {"e", "ne"}, {"all"}, "or");    // [true, true]
  mb.node("Xor", {"none", "all"}, {"pick"}, "xor"); // [true, true]
  mb.intInit("a", {2}, {3, 8});
  mb.intInit("b", {2}, {1, 1});
  mb.node("Where", {"pick", "a", "b"}, {"shape2"}, "where"); // [3, 8]
  mb.node("Reshape", {"x", "shape2"}, {"y"}, "reshape");
  mb.output("y", 2);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<3x8xf32>");
}

TEST_CASE("a value needed at import but computed from graph inputs names those inputs", "[importer][errors]") {
  ModelBuilder mb(18);
  mb.input("x", {2, 3});
  mb.input("shape", {2}, TensorProto::INT64);
  mb.intInit("one", {1}, {1});
  mb.node("Add", {"shape", "one"}, {"shape1"}, "add");
  mb.node("Reshape", {"x", "shape1"}, {"y"}, "reshape");
  mb.output("y", 2);
  auto r = importModel(mb.model);
  REQUIRE_FALSE(r->model);
  CHECK_THAT(r->error, Catch::Contains("'shape1'") && Catch::Contains("from graph input 'shape'"));
}

TEST_CASE("Resize linear and cubic import as interpolation MatMuls, nearest downsampling as a Gather",
          "[importer][opset]") {
  for (std::string mode : {"linear", "cubic", "nearest"}) {
    INFO("mode " << mode);
    ModelBuilder mb(19);
    mb.input("x", {1, 2, 4, 6});
    mb.floatInit("scales", {4}, {1.f, 1.f, mode == "nearest" ? 0.5f : 2.f, mode == "nearest" ? 0.5f : 1.5f});
    auto &rs = mb.node("Resize", {"x", "", "scales"}, {"y"}, "resize");
    ModelBuilder::attr(rs, "mode", mode);
    ModelBuilder::attr(rs, "coordinate_transformation_mode", std::string("half_pixel"));
    mb.output("y", 4);
    auto r = importModel(mb.model);
    REQUIRE_IMPORTED(r);
    auto counts = r->opCounts();
    if (mode == "nearest") {
      CHECK(counts["graph.gather"] == 2);
      CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<1x2x2x3xf32>");
    } else {
      CHECK(counts["graph.matmul"] == 2); // one per resized axis
      CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<1x2x8x9xf32>");
    }
  }
}

TEST_CASE("Resize with an unknown mode is refused naming the attribute", "[importer][opset][errors]") {
  ModelBuilder mb(19);
  mb.input("x", {1, 1, 2, 2});
  mb.floatInit("scales", {4}, {1.f, 1.f, 2.f, 2.f});
  auto &rs = mb.node("Resize", {"x", "", "scales"}, {"y"}, "resize");
  ModelBuilder::attr(rs, "mode", std::string("bilinear"));
  mb.output("y", 4);
  auto r = importModel(mb.model);
  REQUIRE_FALSE(r->model);
  CHECK_THAT(r->error, Catch::Contains("mode") && Catch::Contains("bilinear") && Catch::Contains("resize"));
}

TEST_CASE("OneHot, LpNormalization and LpPool import as compositions of graph ops", "[importer]") {
  ModelBuilder mb(18);
  mb.input("x", {1, 2, 4, 4});
  mb.intInit("labels", {3}, {0, -1, 2});
  mb.intInit("depth", {}, {4});
  mb.floatInit("values", {2}, {0.f, 1.f});
  auto &oh = mb.node("OneHot", {"labels", "depth", "values"}, {"hot"}, "onehot");
  ModelBuilder::attr(oh, "axis", int64_t(-1));
  auto &ln = mb.node("LpNormalization", {"x"}, {"n"}, "lpnorm");
  ModelBuilder::attr(ln, "axis", int64_t(1));
  auto &lp = mb.node("LpPool", {"n"}, {"y"}, "lppool");
  ModelBuilder::attr(lp, "kernel_shape", std::vector<int64_t>{2, 2});
  ModelBuilder::attr(lp, "strides", std::vector<int64_t>{2, 2});
  mb.output("hot", 2);
  mb.output("y", 4);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto ft = r->func().getFunctionType();
  CHECK(typeStr(ft.getResult(0)) == "tensor<3x4xf32>");
  CHECK(typeStr(ft.getResult(1)) == "tensor<1x2x2x2xf32>");
  auto counts = r->opCounts();
  CHECK(counts["graph.avg_pool"] == 1);
  CHECK(counts["graph.reduce"] == 1);
}

//===----------------------------------------------------------------------===//
// Control flow: If with a known condition, Scan, and Loop with a known trip count
//===----------------------------------------------------------------------===//

namespace {

/// A subgraph attribute `name` of `n` built by `build`.
onnx::GraphProto &graphAttr(onnx::NodeProto &n, const std::string &name) {
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::GRAPH);
  a->mutable_g()->set_name(name);
  return *a->mutable_g();
}

onnx::NodeProto &subNode(onnx::GraphProto &g, const std::string &op, std::vector<std::string> inputs,
                         std::vector<std::string> outputs) {
  auto *n = g.add_node();
  n->set_op_type(op);
  for (auto &i : inputs)
    n->add_input(i);
  for (auto &o : outputs)
    n->add_output(o);
  return *n;
}

void subValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> *list, const std::string &name, int elem,
              std::vector<int64_t> shape) {
  auto *v = list->Add();
  v->set_name(name);
  auto *tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem);
  auto *s = tt->mutable_shape();
  for (int64_t d : shape)
    s->add_dim()->set_dim_value(d);
}

/// y = If(Less(Size(x), limit)) then Relu(x) else Neg(x): the condition folds from x's
/// static shape; both branches read x from the outer scope.
ModelBuilder ifModel(int64_t limit) {
  ModelBuilder mb(18);
  mb.input("x", {2, 3});
  mb.intConst("limit", {}, {limit});
  mb.node("Size", {"x"}, {"n"});
  mb.node("Less", {"n", "limit"}, {"cond"});
  auto &n = mb.node("If", {"cond"}, {"y"}, "if");
  auto &then = graphAttr(n, "then_branch");
  subNode(then, "Relu", {"x"}, {"then_y"});
  subValue(then.mutable_output(), "then_y", TensorProto::FLOAT, {2, 3});
  auto &els = graphAttr(n, "else_branch");
  subNode(els, "Neg", {"x"}, {"else_y"});
  subValue(els.mutable_output(), "else_y", TensorProto::FLOAT, {2, 3});
  mb.output("y", 2);
  return mb;
}

} // namespace

TEST_CASE("an If whose condition folds imports as the branch taken", "[importer][control-flow]") {
  auto taken = importModel(ifModel(10).model); // 6 < 10: then
  REQUIRE_IMPORTED(taken);
  CHECK(taken->opCounts()["graph.relu"] == 1);
  CHECK(taken->opCounts().count("graph.neg") == 0);
  auto other = importModel(ifModel(3).model); // 6 < 3 is false: else
  REQUIRE_IMPORTED(other);
  CHECK(other->opCounts().count("graph.relu") == 0);
  CHECK(other->opCounts()["graph.neg"] == 1);
}

TEST_CASE("an If whose condition is a run-time input names that input", "[importer][control-flow][errors]") {
  ModelBuilder mb(18);
  mb.input("x", {2});
  mb.input("flag", {}, TensorProto::BOOL);
  auto &n = mb.node("If", {"flag"}, {"y"}, "choose");
  auto &then = graphAttr(n, "then_branch");
  subNode(then, "Relu", {"x"}, {"a"});
  subValue(then.mutable_output(), "a", TensorProto::FLOAT, {2});
  auto &els = graphAttr(n, "else_branch");
  subNode(els, "Neg", {"x"}, {"b"});
  subValue(els.mutable_output(), "b", TensorProto::FLOAT, {2});
  mb.output("y", 1);
  std::string e = importError(mb.model);
  CHECK_THAT(e, Catch::Contains("op 'If' (node 'choose'") && Catch::Contains("the condition ('flag')") &&
                    Catch::Contains("from graph input 'flag'"));
}

TEST_CASE("a Scan unrolls over its static length, reverse directions and output axes included",
          "[importer][control-flow]") {
  // Running sum over x's axis 1 read backwards; the partial sums stacked on axis 1.
  ModelBuilder mb(18);
  mb.input("init", {2});
  mb.input("x", {2, 4});
  auto &n = mb.node("Scan", {"init", "x"}, {"total", "partial"}, "scan");
  ModelBuilder::attr(n, "num_scan_inputs", (int64_t)1);
  ModelBuilder::attr(n, "scan_input_axes", std::vector<int64_t>{1});
  ModelBuilder::attr(n, "scan_input_directions", std::vector<int64_t>{1});
  ModelBuilder::attr(n, "scan_output_axes", std::vector<int64_t>{-1});
  auto &body = graphAttr(n, "body");
  subValue(body.mutable_input(), "acc", TensorProto::FLOAT, {2});
  subValue(body.mutable_input(), "col", TensorProto::FLOAT, {2});
  subNode(body, "Add", {"acc", "col"}, {"acc_out"});
  subNode(body, "Identity", {"acc_out"}, {"col_out"});
  subValue(body.mutable_output(), "acc_out", TensorProto::FLOAT, {2});
  subValue(body.mutable_output(), "col_out", TensorProto::FLOAT, {2});
  mb.output("total", 1);
  mb.output("partial", 2);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<2xf32>");
  CHECK(typeStr(r->func().getFunctionType().getResult(1)) == "tensor<2x4xf32>");
  CHECK(r->opCounts()["graph.add"] == 4); // one per step
}

TEST_CASE("a Loop with a known trip count unrolls; one that computes its own condition is refused",
          "[importer][control-flow][errors]") {
  for (bool ownCondition : {false, true}) {
    INFO("own condition " << ownCondition);
    ModelBuilder mb(18);
    mb.input("y", {3});
    mb.intConst("trips", {}, {5});
    auto &n = mb.node("Loop", {"trips", "", "y"}, {"y_final", "ys"}, "loop");
    auto &body = graphAttr(n, "body");
    subValue(body.mutable_input(), "i", TensorProto::INT64, {});
    subValue(body.mutable_input(), "c", TensorProto::BOOL, {});
    subValue(body.mutable_input(), "y_in", TensorProto::FLOAT, {3});
    subNode(body, "Cast", {"i"}, {"fi"}).add_attribute()->CopyFrom([] {
      onnx::AttributeProto a;
      a.set_name("to");
      a.set_type(onnx::AttributeProto::INT);
      a.set_i(TensorProto::FLOAT);
      return a;
    }());
    subNode(body, "Add", {"y_in", "fi"}, {"y_out"});
    if (ownCondition) {
      subNode(body, "ReduceSum", {"y_out"}, {"s"});
      subNode(body, "Constant", {}, {"ten"}).add_attribute()->CopyFrom([] {
        onnx::AttributeProto a;
        a.set_name("value_float");
        a.set_type(onnx::AttributeProto::FLOAT);
        a.set_f(10.f);
        return a;
      }());
      subNode(body, "Less", {"s", "ten"}, {"c_out"});
    } else {
      subNode(body, "Identity", {"c"}, {"c_out"});
    }
    subNode(body, "Identity", {"y_out"}, {"scan"});
    subValue(body.mutable_output(), "c_out", TensorProto::BOOL, {});
    subValue(body.mutable_output(), "y_out", TensorProto::FLOAT, {3});
    subValue(body.mutable_output(), "scan", TensorProto::FLOAT, {3});
    mb.output("y_final", 1);
    mb.output("ys", 2);
    auto r = importModel(mb.model);
    if (ownCondition) {
      REQUIRE_FALSE(r->model);
      CHECK_THAT(r->error, Catch::Contains("op 'Loop' (node 'loop'") && Catch::Contains("computes its own condition"));
      continue;
    }
    REQUIRE_IMPORTED(r);
    CHECK(typeStr(r->func().getFunctionType().getResult(1)) == "tensor<5x3xf32>");
    CHECK(r->opCounts()["graph.add"] == 5);
  }
}

TEST_CASE("QuantizeLinear and DequantizeLinear import per tensor, per axis and blocked; bad scale shapes are named",
          "[importer][quantization]") {
  auto model = [](std::vector<int64_t> scaleShape, int64_t blockSize) {
    ModelBuilder mb(21);
    mb.input("x", {2, 6});
    int64_t n = 1;
    for (int64_t d : scaleShape)
      n *= d;
    mb.floatInit("scale", scaleShape, std::vector<float>(n, 0.5f));
    *mb.graph().add_initializer() = [&] {
      TensorProto t;
      t.set_name("zp");
      t.set_data_type(TensorProto::INT8);
      for (int64_t d : scaleShape)
        t.add_dims(d);
      for (int64_t k = 0; k < n; ++k)
        t.add_int32_data((int32_t)k - 1);
      return t;
    }();
    auto &q = mb.node("QuantizeLinear", {"x", "scale", "zp"}, {"q"}, "quantize");
    auto &dq = mb.node("DequantizeLinear", {"q", "scale", "zp"}, {"y"}, "dequantize");
    for (auto *n : {&q, &dq}) {
      ModelBuilder::attr(*n, "axis", (int64_t)1);
      if (blockSize)
        ModelBuilder::attr(*n, "block_size", blockSize);
    }
    mb.output("y", 2);
    return mb.model;
  };
  for (auto [shape, block] : std::vector<std::pair<std::vector<int64_t>, int64_t>>{{{}, 0}, {{6}, 0}, {{2, 2}, 3}, {{2, 3}, 2}}) {
    INFO("scale shape " << shape.size() << "-d, block " << block);
    auto r = importModel(model(shape, block));
    REQUIRE_IMPORTED(r);
    CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<2x6xf32>");
    CHECK(r->opCounts()["graph.round"] == 1);
  }
  CHECK_THAT(importError(model({4}, 0)), Catch::Contains("op 'QuantizeLinear' (node 'quantize'") &&
                                             Catch::Contains("per-axis quantization along axis 1 needs 6 elements"));
  CHECK_THAT(importError(model({2, 4}, 2)), Catch::Contains("does not block input shape 2x6 by 2 along axis 1"));
}

TEST_CASE("4- and 2-bit inputs and outputs cross the entry point packed, their type in dlc.packed_type",
          "[importer][packed]") {
  ModelBuilder mb(21);
  mb.input("x", {5, 5}, TensorProto::INT4);
  auto &cast = mb.node("Cast", {"x"}, {"y"}, "cast");
  ModelBuilder::attr(cast, "to", (int64_t)TensorProto::UINT2);
  mb.output("y", 2, TensorProto::UINT2);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  auto fn = r->func();
  CHECK(typeStr(fn.getArgument(0).getType()) == "tensor<13xui8>");
  CHECK(typeStr(fn.getFunctionType().getResult(0)) == "tensor<7xui8>");
  auto in = dlc::abi::getArgTensorType(fn, 0);
  auto out = dlc::abi::getResultTensorType(fn, 0);
  REQUIRE(in);
  REQUIRE(out);
  CHECK(typeStr(in) == "tensor<5x5xi4>");
  CHECK(typeStr(out) == "tensor<5x5xui2>");
}

TEST_CASE("GridSample imports for 2-D and 3-D inputs; a grid of the wrong shape is named", "[importer][opset]") {
  auto model = [](std::vector<int64_t> x, std::vector<int64_t> grid, const std::string &mode) {
    ModelBuilder mb(22);
    mb.input("x", x);
    mb.input("grid", grid);
    auto &n = mb.node("GridSample", {"x", "grid"}, {"y"}, "sample");
    ModelBuilder::attr(n, "mode", mode);
    ModelBuilder::attr(n, "padding_mode", std::string("reflection"));
    mb.output("y", (int)x.size());
    return mb.model;
  };
  auto planar = importModel(model({1, 2, 4, 5}, {1, 3, 6, 2}, "cubic"));
  REQUIRE_IMPORTED(planar);
  CHECK(typeStr(planar->func().getFunctionType().getResult(0)) == "tensor<1x2x3x6xf32>");
  CHECK(planar->opCounts()["graph.gather_elements"] == 16); // 4 x 4 cubic taps
  auto volume = importModel(model({1, 1, 2, 3, 4}, {1, 2, 2, 2, 3}, "linear"));
  REQUIRE_IMPORTED(volume);
  CHECK(volume->opCounts()["graph.gather_elements"] == 8);
  CHECK_THAT(importError(model({1, 2, 4, 5}, {1, 3, 6, 3}, "linear")),
             Catch::Contains("op 'GridSample' (node 'sample'") && Catch::Contains("last dimension of the grid tensor"));
}

TEST_CASE("DFT imports as cosine and sine matrix products; STFT frames with a Gather", "[importer][opset]") {
  ModelBuilder mb(20);
  mb.input("x", {2, 8, 1});
  mb.intConst("axis", {}, {1});
  auto &n = mb.node("DFT", {"x", "", "axis"}, {"y"}, "dft");
  ModelBuilder::attr(n, "onesided", (int64_t)1);
  mb.output("y", 3);
  auto r = importModel(mb.model);
  REQUIRE_IMPORTED(r);
  CHECK(typeStr(r->func().getFunctionType().getResult(0)) == "tensor<2x5x2xf32>");
  CHECK(r->opCounts()["graph.matmul"] == 2); // a real input: re @ cos and re @ sin

  ModelBuilder bad(20);
  bad.input("x", {2, 8, 3});
  bad.intConst("axis", {}, {1});
  bad.node("DFT", {"x", "", "axis"}, {"y"}, "dft");
  bad.output("y", 3);
  CHECK_THAT(importError(bad.model), Catch::Contains("op 'DFT' (node 'dft'"));
}

// The checker refuses these too; the importer must not depend on it (a model can reach
// tensorBytes through --constant-input, and checkers change).
TEST_CASE("external data must stay inside the model's directory", "[importer][errors][external]") {
  std::string dir = tempPath("ext_dir"), outside = tempPath("ext_secret.bin");
  ::mkdir(dir.c_str(), 0755);
  {
    std::ofstream o(outside, std::ios::binary);
    std::vector<float> v(12, 1.0f);
    o.write(reinterpret_cast<const char *>(v.data()), 48);
    std::ofstream in(dir + "/w.bin", std::ios::binary);
    in.write(reinterpret_cast<const char *>(v.data()), 48);
  }
  std::string link = dir + "/link.bin";
  ::unlink(link.c_str());
  REQUIRE(::symlink(outside.c_str(), link.c_str()) == 0);
  auto external = [](const std::string &location, const std::string &offset = "") {
    TensorProto t;
    t.set_name("w");
    t.set_data_type(TensorProto::FLOAT);
    t.add_dims(4);
    t.add_dims(3);
    t.set_data_location(TensorProto::EXTERNAL);
    auto *e = t.add_external_data();
    e->set_key("location");
    e->set_value(location);
    if (!offset.empty()) {
      e = t.add_external_data();
      e->set_key("offset");
      e->set_value(offset);
    }
    return t;
  };
  auto error = [&](const TensorProto &t) {
    auto bytes = tensorProtoBytes(t, dir);
    return bytes ? std::string() : llvm::toString(bytes.takeError());
  };
  CHECK(error(external("w.bin")).empty());
  CHECK_THAT(error(external("../ext_secret.bin")), Catch::Contains("leaves the directory through '..'"));
  CHECK_THAT(error(external("sub/../../ext_secret.bin")), Catch::Contains("'..'"));
  CHECK_THAT(error(external(outside)), Catch::Contains("is an absolute path"));
  CHECK_THAT(error(external("link.bin")), Catch::Contains("resolves to '") && Catch::Contains("outside the directory"));
  CHECK_THAT(error(external("nope.bin")), Catch::Contains("cannot open its external data file"));
  CHECK_THAT(error(external("w.bin", "-8")), Catch::Contains("offset -8 is negative"));
  CHECK_THAT(error(external("w.bin", "8")), Catch::Contains("too short"));
  ::unlink(link.c_str());
  std::remove((dir + "/w.bin").c_str());
  ::rmdir(dir.c_str());
  std::remove(outside.c_str());
}
