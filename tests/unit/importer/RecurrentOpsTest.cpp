// Importer tests of RNN, GRU and LSTM: models of the ONNX backend node tests, imported as
// they are and with changed attributes.
#include "ImporterTestSupport.h"

#include "dialects/Graph/GraphDialect.h"

using namespace dlc::importer_test;

TEST_CASE("LSTM with peepholes imports to one graph.lstm with its optional inputs", "[importer][recurrent]") {
  auto m = nodeModel("test_lstm_with_peepholes");
  if (!m)
    return;
  auto r = importModel(*m);
  REQUIRE_IMPORTED(r);
  auto op = r->only<dlc::graph::LSTMOp>();
  REQUIRE(op);
  CHECK(op.getP());
  CHECK(op.getB());
  CHECK(op.getSequenceLens());
  CHECK(op.getInitialH());
  CHECK(op.getInitialC());
  CHECK(!op.getSaved()); // only the gradient rule asks for the saved activations
  CHECK(op.getHiddenSize() == 3);
  CHECK(op.getDirection() == "forward");
}

TEST_CASE("recurrent activations are normalized and get their alpha and beta", "[importer][recurrent]") {
  auto m = nodeModel("test_simple_rnn_defaults");
  if (!m)
    return;
  auto &node = *m->mutable_graph()->mutable_node(0);
  attribute(node, "activations", onnx::AttributeProto::STRINGS)->add_strings("leakyrelu");
  attribute(node, "activation_alpha", onnx::AttributeProto::FLOATS)->add_floats(0.25f);
  auto r = importModel(*m);
  REQUIRE_IMPORTED(r);
  auto op = r->only<dlc::graph::RNNOp>();
  REQUIRE(op);
  REQUIRE(op.getActivations().size() == 1);
  CHECK(mlir::cast<mlir::StringAttr>(op.getActivations()[0]).getValue() == "LeakyRelu");
  CHECK(mlir::cast<mlir::FloatAttr>(op.getActivationAlpha()[0]).getValueAsDouble() == 0.25);
}

TEST_CASE("GRU keeps linear_before_reset and layout", "[importer][recurrent]") {
  auto m = nodeModel("test_gru_batchwise");
  if (!m)
    return;
  auto r = importModel(*m);
  REQUIRE_IMPORTED(r);
  auto op = r->only<dlc::graph::GRUOp>();
  REQUIRE(op);
  CHECK(op.getLayout() == 1);
}

TEST_CASE("recurrent import errors name the op, the node and the attribute", "[importer][recurrent][errors]") {
  auto m = nodeModel("test_gru_defaults");
  if (!m)
    return;
  auto &node = *m->mutable_graph()->mutable_node(0);
  node.set_name("gru0");
  SECTION("an unknown direction") {
    attribute(node, "direction", onnx::AttributeProto::STRING)->set_s("sideways");
    CHECK_THAT(importError(*m), Catch::Contains("GRU") && Catch::Contains("gru0") && Catch::Contains("direction") &&
                                    Catch::Contains("sideways"));
  }
  SECTION("an unknown activation") {
    auto *acts = attribute(node, "activations", onnx::AttributeProto::STRINGS);
    acts->add_strings("Sigmoid");
    acts->add_strings("Gelu");
    CHECK_THAT(importError(*m), Catch::Contains("gru0") && Catch::Contains("activations") && Catch::Contains("Gelu"));
  }
}
