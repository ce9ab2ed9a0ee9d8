// Ops the importer has no converter for but that ONNX defines as a function of other ops
// (Attention, RMSNormalization, RotaryEmbedding, Swish, GroupNormalization, CenterCropPad,
// ...) are replaced by ONNX's own function body before import, as ONNX Runtime and
// onnx-mlir do for ops without a kernel. The body's ops then import, fold and
// differentiate like any other.
#include "frontends/onnx/ImporterContext.h"

#include "onnx/defs/function.h"
#include "onnx/defs/schema.h"

#include <map>

namespace dlc::onnx_frontend::detail {

namespace {

const onnx::OpSchema *functionSchema(const onnx::NodeProto &n, int opset) {
  if (!isDefaultDomain(n))
    return nullptr;
  const auto *schema = onnx::OpSchemaRegistry::Schema(n.op_type(), opset, "");
  if (!schema || !(schema->HasFunction() || schema->HasContextDependentFunction()))
    return nullptr;
  return schema;
}

/// The function body of `n` at `opset`, built for its input types where it depends on them.
Expected<bool> functionBody(const onnx::NodeProto &n, const onnx::OpSchema &schema, int opset,
                            const std::map<std::string, onnx::TypeProto> &types, onnx::FunctionProto &body) {
  try {
    if (schema.HasContextDependentFunction()) {
      std::vector<onnx::TypeProto> inputTypes;
      for (const auto &in : n.input()) {
        auto it = in.empty() ? types.end() : types.find(in);
        inputTypes.push_back(it == types.end() ? onnx::TypeProto() : it->second);
      }
      onnx::FunctionBodyBuildContextImpl ctx(n, inputTypes);
      return schema.BuildContextDependentFunction(ctx, body, opset);
    }
    const onnx::FunctionProto *f = schema.GetFunction(opset);
    if (!f)
      return false;
    body = *f;
    return true;
  } catch (const std::exception &e) {
    return makeError("ONNX cannot build the function body of " + n.op_type() + ": " + e.what());
  }
}

/// Function bodies take the caller's element type with CastLike; once the types are known
/// it is a Cast, which import-time evaluation folds (Attention's -inf bias fill value).
Error castLikeToCast(onnx::ModelProto &model, const std::function<Error(onnx::ModelProto &)> &inferShapes) {
  onnx::GraphProto &g = *model.mutable_graph();
  bool any = false;
  for (const auto &n : g.node())
    any |= isDefaultDomain(n) && n.op_type() == "CastLike";
  if (!any)
    return Error::success();
  if (auto e = inferShapes(model))
    return e;
  auto types = knownTypes(g);
  for (auto &n : *g.mutable_node()) {
    if (!isDefaultDomain(n) || n.op_type() != "CastLike" || n.input_size() != 2)
      continue;
    auto it = types.find(n.input(1));
    if (it == types.end() || !it->second.has_tensor_type() || !it->second.tensor_type().elem_type())
      continue;
    int32_t to = it->second.tensor_type().elem_type();
    n.set_op_type("Cast");
    n.mutable_input()->RemoveLast();
    auto *attr = n.add_attribute();
    attr->set_name("to");
    attr->set_type(onnx::AttributeProto::INT);
    attr->set_i(to);
  }
  return Error::success();
}

} // namespace

bool hasFunctionBody(const onnx::NodeProto &n, int opset) { return functionSchema(n, opset) != nullptr; }

Error expandFunctionOps(onnx::ModelProto &model, int opset, const std::function<bool(const onnx::NodeProto &)> &keep,
                        const std::function<Error(onnx::ModelProto &)> &inferShapes) {
  // A body may hold ops that are functions themselves: expand in rounds, bounded
  // against a body that (wrongly) refers to its own op.
  for (int round = 0; round < 8; ++round) {
    onnx::GraphProto &g = *model.mutable_graph();
    bool any = false;
    for (const auto &n : g.node())
      any |= !keep(n) && functionSchema(n, opset);
    if (!any)
      return castLikeToCast(model, inferShapes);
    if (auto e = inferShapes(model))
      return e;
    auto types = knownTypes(g);
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    for (int i = 0; i < g.node_size(); ++i) {
      const onnx::NodeProto &n = g.node(i);
      const onnx::OpSchema *schema = keep(n) ? nullptr : functionSchema(n, opset);
      onnx::FunctionProto body;
      if (schema) {
        auto built = functionBody(n, *schema, opset, types, body);
        if (!built)
          return built.takeError();
        if (!*built)
          schema = nullptr;
      }
      if (!schema) {
        *nodes.Add() = n;
        continue;
      }
      onnx::GraphProto expanded;
      std::string prefix = "__dlc_fn" + std::to_string(round) + "_" + std::to_string(i) + "_";
      try {
        onnx::FunctionExpandHelper(n, body, expanded, prefix);
      } catch (const std::exception &e) {
        return makeError("cannot expand " + n.op_type() + " into its ONNX function body: " + e.what());
      }
      // The helper renames the body's names in its nodes' inputs and outputs but not in
      // their subgraphs (a Scan body reading the function's constants): same renaming.
      std::map<std::string, std::string> rename;
      for (int k = 0; k < body.input_size() && k < n.input_size(); ++k)
        rename[body.input(k)] = n.input(k);
      for (int j = 0; j < body.node_size() && j < expanded.node_size(); ++j)
        for (int k = 0; k < body.node(j).output_size() && k < expanded.node(j).output_size(); ++k)
          rename[body.node(j).output(k)] = expanded.node(j).output(k);
      for (auto &m : *expanded.mutable_node())
        for (auto &a : *m.mutable_attribute())
          if (a.has_g())
            renameGraph(*a.mutable_g(), rename);
      for (auto &m : *expanded.mutable_node()) {
        // The helper renames a body's omitted optional input ("") like any internal name,
        // to the bare prefix: it stays omitted.
        for (auto &in : *m.mutable_input())
          if (llvm::StringRef(in).ends_with(prefix))
            in.clear();
        *nodes.Add() = std::move(m);
      }
    }
    g.mutable_node()->Swap(&nodes);
  }
  return makeError("ONNX function bodies still hold function ops after 8 rounds of expansion");
}

} // namespace dlc::onnx_frontend::detail
