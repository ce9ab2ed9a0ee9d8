// Importer tests of the losses (SoftmaxCrossEntropyLoss, NegativeLogLikelihoodLoss) and
// the optimizer ops of ai.onnx.preview.training (Adam, Adagrad, Momentum): models of the
// ONNX backend node tests, imported as they are and with one defect each.
#include "ImporterTestSupport.h"

#include "dialects/Graph/GraphDialect.h"

#include <tuple>

using namespace dlc::importer_test;

namespace {

/// Sets the static shape of graph input `name`.
void setInputShape(onnx::ModelProto &m, const std::string &name, std::vector<int64_t> dims) {
  for (auto &in : *m.mutable_graph()->mutable_input())
    if (in.name() == name) {
      auto *shape = in.mutable_type()->mutable_tensor_type()->mutable_shape();
      shape->clear_dim();
      for (int64_t d : dims)
        shape->add_dim()->set_dim_value(d);
      return;
    }
  FAIL("no graph input " << name);
}

} // namespace

TEST_CASE("SoftmaxCrossEntropyLoss imports as log_softmax and graph.nll_loss", "[importer][loss]") {
  auto m = nodeModel("test_sce_mean_weight_ii_log_prob");
  if (!m)
    return;
  auto r = importModel(*m);
  REQUIRE_IMPORTED(r);
  auto counts = r->opCounts();
  CHECK(counts["graph.log_softmax"] == 1);
  auto losses = r->ops<dlc::graph::NllLossOp>();
  REQUIRE(losses.size() == 1);
  CHECK(losses[0].getWeight());                 // the class weights
  CHECK(losses[0].getIgnoreIndex().has_value()); // and ignore_index reach the op
  CHECK(losses[0].getReduction() == "mean");
  CHECK(r->func().getNumResults() == 2); // the loss and log_prob
}

TEST_CASE("NegativeLogLikelihoodLoss with reduction none keeps the label shape", "[importer][loss]") {
  auto m = nodeModel("test_nllloss_NCd1d2d3d4d5_none_no_weight");
  if (!m)
    return;
  auto r = importModel(*m);
  REQUIRE_IMPORTED(r);
  auto type = mlir::cast<mlir::RankedTensorType>(r->func().getResultTypes()[0]);
  auto labels = mlir::cast<mlir::RankedTensorType>(r->func().getArgumentTypes()[1]);
  CHECK(labels.getRank() == 6);
  CHECK(type.getShape() == labels.getShape());
  auto losses = r->ops<dlc::graph::NllLossOp>();
  REQUIRE(losses.size() == 1);
  CHECK(losses[0].getReduction() == "none");
}

TEST_CASE("loss import errors name the node and the input", "[importer][loss]") {
  SECTION("a reduction other than none, sum, mean") {
    auto m = nodeModel("test_sce_mean");
    if (!m)
      return;
    auto &node = *m->mutable_graph()->mutable_node(0);
    node.set_name("ce");
    attribute(node, "reduction", onnx::AttributeProto::STRING)->set_s("average");
    CHECK_THAT(importError(*m), Catch::Contains("SoftmaxCrossEntropyLoss") && Catch::Contains("node 'ce'") &&
                                    Catch::Contains("'reduction'") && Catch::Contains("'average'"));
  }
  SECTION("labels of the wrong rank") {
    auto m = nodeModel("test_nllloss_NCd1");
    if (!m)
      return;
    m->mutable_graph()->mutable_node(0)->set_name("nll");
    setInputShape(*m, "target", {3});
    CHECK_THAT(importError(*m), Catch::Contains("NegativeLogLikelihoodLoss") && Catch::Contains("node 'nll'") &&
                                    Catch::Contains("input 'target' has shape 3") && Catch::Contains("3x2"));
  }
  SECTION("labels that are not integers") {
    auto m = nodeModel("test_sce_mean");
    if (!m)
      return;
    for (auto &in : *m->mutable_graph()->mutable_input())
      if (in.name() == "y")
        in.mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    CHECK_THAT(importError(*m), Catch::Contains("input 'labels'") && Catch::Contains("integer class indices"));
  }
  SECTION("a weight vector of the wrong length") {
    auto m = nodeModel("test_nllloss_NCd1_weight");
    if (!m)
      return;
    setInputShape(*m, "weight", {6});
    CHECK_THAT(importError(*m), Catch::Contains("input 'weight'") && Catch::Contains("5 class weights"));
  }
}

TEST_CASE("Adam, Adagrad and Momentum import as the update ops, one per tensor", "[importer][training]") {
  for (auto [name, op, updates] : {std::tuple{"test_adam", "graph.adam_update", 1},
                                   std::tuple{"test_adagrad_multiple", "graph.adagrad_update", 2},
                                   std::tuple{"test_nesterov_momentum", "graph.momentum_update", 1}}) {
    auto m = nodeModel(name);
    if (!m)
      return;
    INFO(name);
    REQUIRE(m->opset_import_size() == 1); // no default-domain opset
    auto r = importModel(*m);
    REQUIRE_IMPORTED(r);
    CHECK(r->func().getNumArguments() == (unsigned)m->graph().input_size());
    CHECK(r->func().getNumResults() == (unsigned)m->graph().output_size());
    CHECK(r->opCounts()[op] == updates);
  }
  auto m = nodeModel("test_nesterov_momentum");
  if (!m)
    return;
  auto r = importModel(*m);
  REQUIRE_IMPORTED(r);
  auto momentum = r->ops<dlc::graph::MomentumUpdateOp>();
  REQUIRE(momentum.size() == 1);
  CHECK(momentum[0].getNesterov());
}

TEST_CASE("optimizer op import errors name the node and the input", "[importer][training]") {
  SECTION("Momentum mode other than standard or nesterov") {
    auto m = nodeModel("test_momentum");
    if (!m)
      return;
    auto &node = *m->mutable_graph()->mutable_node(0);
    node.set_name("opt");
    attribute(node, "mode", onnx::AttributeProto::STRING)->set_s("fast");
    CHECK_THAT(importError(*m),
               Catch::Contains("Momentum") && Catch::Contains("node 'opt'") && Catch::Contains("'mode' is 'fast'"));
  }
  SECTION("a gradient whose shape differs from its tensor's") {
    auto m = nodeModel("test_adam");
    if (!m)
      return;
    setInputShape(*m, "G", {3});
    CHECK_THAT(importError(*m),
               Catch::Contains("Adam") && Catch::Contains("input 'G' (#3") && Catch::Contains("shape and type of 'X'"));
  }
  SECTION("inputs that do not come in groups") {
    auto m = nodeModel("test_adagrad");
    if (!m)
      return;
    m->mutable_graph()->mutable_node(0)->mutable_input()->RemoveLast();
    m->mutable_graph()->mutable_node(0)->mutable_output()->RemoveLast();
    m->mutable_graph()->mutable_output()->RemoveLast();
    CHECK_THAT(importError(*m), Catch::Contains("Adagrad") && Catch::Contains("3 inputs per optimized tensor"));
  }
  SECTION("an op of the training domain the importer does not handle") {
    auto m = nodeModel("../simple/test_gradient_of_add"); // a test of the "simple" suite
    if (!m)
      return;
    CHECK_THAT(importError(*m), Catch::Contains("unsupported op 'Gradient' of domain 'ai.onnx.preview.training'"));
  }
}
