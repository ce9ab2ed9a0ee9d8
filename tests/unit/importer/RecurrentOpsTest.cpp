// Importer tests of RNN, GRU and LSTM: models of the ONNX backend node tests, imported as
// they are and with changed attributes.
#include <catch2/catch.hpp>

#include "dialects/Graph/GraphDialect.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

#include <fstream>
#include <sys/stat.h>

using namespace dlc::onnx_frontend;

namespace {

std::optional<onnx::ModelProto> recurrentNodeModel(const std::string &name) {
  struct stat st;
  std::string path = std::string(DLC_ONNX_NODE_TEST_DIR) + "/" + name + "/model.onnx";
  if (stat(path.c_str(), &st) != 0) {
    WARN("ONNX backend test data not found at " << path);
    return std::nullopt;
  }
  onnx::ModelProto m;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(m.ParseFromIstream(&in));
  return m;
}

onnx::AttributeProto *setAttribute(onnx::NodeProto &n, const std::string &name, onnx::AttributeProto::AttributeType t) {
  for (auto &a : *n.mutable_attribute())
    if (a.name() == name)
      return &a;
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(t);
  return a;
}

/// The first op of type OpT in the imported infer function, after importing `m`.
template <typename OpT> struct Imported {
  mlir::MLIRContext ctx;
  std::optional<ImportedModel> model;
  std::string error;
  OpT op;

  explicit Imported(const onnx::ModelProto &m) {
    auto imported = importOnnxModel(ctx, m, {});
    if (!imported) {
      error = llvm::toString(imported.takeError());
      return;
    }
    model = std::move(*imported);
    model->module->walk([&](OpT o) { op = o; });
  }
};

} // namespace

TEST_CASE("LSTM with peepholes imports to one graph.lstm with its optional inputs", "[importer][recurrent]") {
  auto m = recurrentNodeModel("test_lstm_with_peepholes");
  if (!m)
    return;
  Imported<dlc::graph::LSTMOp> r(*m);
  INFO(r.error);
  REQUIRE(r.model);
  REQUIRE(r.op);
  CHECK(r.op.getP());
  CHECK(r.op.getB());
  CHECK(r.op.getSequenceLens());
  CHECK(r.op.getInitialH());
  CHECK(r.op.getInitialC());
  CHECK(!r.op.getSaved()); // only the gradient rule asks for the saved activations
  CHECK(r.op.getHiddenSize() == 3);
  CHECK(r.op.getDirection() == "forward");
}

TEST_CASE("recurrent activations are normalized and get their alpha and beta", "[importer][recurrent]") {
  auto m = recurrentNodeModel("test_simple_rnn_defaults");
  if (!m)
    return;
  auto &node = *m->mutable_graph()->mutable_node(0);
  setAttribute(node, "activations", onnx::AttributeProto::STRINGS)->add_strings("leakyrelu");
  setAttribute(node, "activation_alpha", onnx::AttributeProto::FLOATS)->add_floats(0.25f);
  Imported<dlc::graph::RNNOp> r(*m);
  INFO(r.error);
  REQUIRE(r.model);
  REQUIRE(r.op.getActivations().size() == 1);
  CHECK(mlir::cast<mlir::StringAttr>(r.op.getActivations()[0]).getValue() == "LeakyRelu");
  CHECK(mlir::cast<mlir::FloatAttr>(r.op.getActivationAlpha()[0]).getValueAsDouble() == 0.25);
}

TEST_CASE("GRU keeps linear_before_reset and layout", "[importer][recurrent]") {
  auto m = recurrentNodeModel("test_gru_batchwise");
  if (!m)
    return;
  Imported<dlc::graph::GRUOp> r(*m);
  INFO(r.error);
  REQUIRE(r.model);
  CHECK(r.op.getLayout() == 1);
}

TEST_CASE("recurrent import errors name the op, the node and the attribute", "[importer][recurrent][errors]") {
  auto m = recurrentNodeModel("test_gru_defaults");
  if (!m)
    return;
  auto &node = *m->mutable_graph()->mutable_node(0);
  node.set_name("gru0");
  SECTION("an unknown direction") {
    setAttribute(node, "direction", onnx::AttributeProto::STRING)->set_s("sideways");
    Imported<dlc::graph::GRUOp> r(*m);
    REQUIRE_FALSE(r.model);
    CHECK_THAT(r.error, Catch::Contains("GRU") && Catch::Contains("gru0") && Catch::Contains("direction") &&
                            Catch::Contains("sideways"));
  }
  SECTION("an unknown activation") {
    auto *acts = setAttribute(node, "activations", onnx::AttributeProto::STRINGS);
    acts->add_strings("Sigmoid");
    acts->add_strings("Gelu");
    Imported<dlc::graph::GRUOp> r(*m);
    REQUIRE_FALSE(r.model);
    CHECK_THAT(r.error, Catch::Contains("gru0") && Catch::Contains("activations") && Catch::Contains("Gelu"));
  }
}
