// The import driver: load -> check -> opset conversion -> static input shapes -> shape
// inference and import-time folding -> graph dialect -> verify.
#include "frontends/onnx/OnnxImporter.h"
#include "frontends/onnx/ImporterContext.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <set>

using namespace mlir;
using namespace dlc::onnx_frontend::detail;

namespace dlc::onnx_frontend {

namespace {

Error invalidModel(const std::string &path, const llvm::Twine &why) {
  return makeError("'" + path + "' is not a valid ONNX model: " + why);
}

Error loadModelFile(const std::string &path, onnx::ModelProto &model) {
  if (!llvm::sys::fs::exists(path))
    return invalidModel(path, "the file does not exist");
  if (llvm::sys::fs::is_directory(path))
    return invalidModel(path, "it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return invalidModel(path, "the file cannot be opened");
  google::protobuf::io::IstreamInputStream raw(&in);
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
  if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
    return invalidModel(path, "it does not parse as an ONNX ModelProto (malformed protobuf)");
  if (!model.has_ir_version() || !model.has_graph())
    return invalidModel(path, std::string("it has no ") + (model.has_ir_version() ? "graph" : "ir_version"));
  return Error::success();
}

int defaultOpset(const onnx::ModelProto &model) {
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      return (int)o.version();
  // A graph of only training-domain ops (ONNX's Adam node tests) imports no default
  // opset; it has nothing to convert.
  bool training = false;
  for (const auto &o : model.opset_import())
    training |= o.domain() == kTrainingDomain;
  for (const auto &n : model.graph().node())
    training &= !n.domain().empty() && n.domain() != "ai.onnx";
  return training ? kTargetOpset : -1;
}

bool anyExternalData(const onnx::ModelProto &model) {
  for (const auto &t : model.graph().initializer())
    if (hasExternalData(t))
      return true;
  return false;
}

/// Whether the left-hand side of an Einsum equation holds only letters, commas, spaces and
/// at most one "..." per term: ONNX 1.23.2's Einsum shape inference drops the spaces, then
/// loops on any other character and reads outside the input's shape
/// (onnx/defs/math/utils.cc), so such a model must not reach it.
bool einsumTermsAreLetters(std::string equation) {
  equation.erase(std::remove(equation.begin(), equation.end(), ' '), equation.end());
  std::string lhs = equation.substr(0, equation.find("->"));
  size_t start = 0;
  for (size_t end; start <= lhs.size(); start = end + 1) {
    end = std::min(lhs.find(',', start), lhs.size());
    std::string term = lhs.substr(start, end - start);
    size_t dots = term.find("...");
    if (dots != std::string::npos)
      term.erase(dots, 3);
    for (char c : term)
      if (!std::isalpha(static_cast<unsigned char>(c)))
        return false;
  }
  return true;
}

Error checkModel(const onnx::ModelProto &model, const std::string &path) {
  std::string where = path.empty() ? "the model" : "'" + path + "'";
  try {
    if (!path.empty() && anyExternalData(model))
      onnx::checker::check_model(path); // resolves external data relative to the file
    else
      onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    return makeError(where + " is not a valid ONNX model: the ONNX checker rejects it: " + e.what());
  }
  // What the checker lets through but libonnx's IR conversion trips over.
  std::set<std::string> defined;
  for (const auto &v : model.graph().input())
    defined.insert(v.name());
  for (const auto &t : model.graph().initializer())
    defined.insert(t.name());
  for (const auto &n : model.graph().node())
    for (const auto &o : n.output())
      defined.insert(o);
  for (const auto &o : model.graph().output())
    if (!defined.count(o.name()))
      return makeError(where + " is not a valid ONNX model: graph output '" + o.name() +
                       "' is not produced by any node, input or initializer");
  for (int i = 0; i < model.graph().node_size(); ++i) {
    const auto &n = model.graph().node(i);
    if (!isDefaultDomain(n) || n.op_type() != "Einsum")
      continue;
    for (const auto &a : n.attribute())
      if (a.name() == "equation" && !einsumTermsAreLetters(a.s()))
        return makeError(where + " is not a valid ONNX model: Einsum node " + nodeLabel(n, i) + " has equation '" +
                         a.s() + "'; its input terms may hold only letters, spaces and one '...' each");
  }
  return Error::success();
}

/// Refuses ops the importer does not handle before the version converter sees them, so
/// the message names the op and the model's own opset.
Error checkSupportedOps(const onnx::ModelProto &model, int opset) {
  const auto &ops = supportedOps();
  for (int i = 0; i < model.graph().node_size(); ++i) {
    const auto &n = model.graph().node(i);
    bool defaultDomain = isDefaultDomain(n);
    if (defaultDomain ? std::binary_search(ops.begin(), ops.end(), n.op_type()) || hasFunctionBody(n, opset)
                      : findConverter(n.domain(), n.op_type()) != nullptr)
      continue;
    std::string domain = defaultDomain ? "" : " of domain '" + n.domain() + "'";
    return makeError("unsupported op '" + n.op_type() + "'" + domain + " (node " + nodeLabel(n, i) + ", opset " +
                     std::to_string(opset) + ")");
  }
  return Error::success();
}

Error setStaticInputShapes(onnx::ModelProto &model, const ImportOptions &options) {
  onnx::GraphProto &g = *model.mutable_graph();
  std::set<std::string> inits;
  for (const auto &t : g.initializer())
    inits.insert(t.name());
  std::set<std::string> inputs;
  for (auto &in : *g.mutable_input()) {
    if (inits.count(in.name()))
      continue;
    inputs.insert(in.name());
    if (!in.type().has_tensor_type())
      return makeError("graph input '" + in.name() + "' is not a tensor");
    auto *tt = in.mutable_type()->mutable_tensor_type();
    auto given = options.inputShapes.find(in.name());
    if (given != options.inputShapes.end()) {
      const std::vector<int64_t> &shape = given->second;
      if (tt->has_shape() && tt->shape().dim_size() != (int)shape.size())
        return makeError("input '" + in.name() + "' has rank " + std::to_string(tt->shape().dim_size()) +
                         ", but the given shape " + shapeStr(shape) + " has rank " + std::to_string(shape.size()));
      for (size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] < 0)
          return makeError("the given shape of input '" + in.name() + "' has a negative dim");
        if (tt->has_shape() && tt->shape().dim(d).has_dim_value() && tt->shape().dim(d).dim_value() != shape[d])
          return makeError("input '" + in.name() + "': the given shape " + shapeStr(shape) + " has " +
                           std::to_string(shape[d]) + " on axis " + std::to_string(d) + ", but the model fixes it at " +
                           std::to_string(tt->shape().dim(d).dim_value()));
      }
      tt->mutable_shape()->clear_dim();
      for (int64_t d : shape)
        tt->mutable_shape()->add_dim()->set_dim_value(d);
      continue;
    }
    if (!tt->has_shape())
      return makeError("input '" + in.name() + "' has no shape; give its static shape (--input-shape " + in.name() +
                       "=D0,D1,...)");
    for (int d = 0; d < tt->shape().dim_size(); ++d) {
      const auto &dim = tt->shape().dim(d);
      if (dim.has_dim_value() && dim.dim_value() < 0)
        return makeError("input '" + in.name() + "' has dimension " + std::to_string(dim.dim_value()) + " on axis " +
                         std::to_string(d) + "; dimensions are >= 0");
      if (dim.has_dim_value())
        continue;
      std::string sym = dim.has_dim_param() ? "symbolic dim '" + dim.dim_param() + "'" : "an unknown dim";
      return makeError("input '" + in.name() + "' has " + sym + " on axis " + std::to_string(d) +
                       "; give its static shape (--input-shape " + in.name() + "=D0,D1,...)");
    }
  }
  for (const auto &[name, shape] : options.inputShapes)
    if (!inputs.count(name))
      return makeError("a shape is given for '" + name + "', which is not an input of the graph");
  // An output that is directly an input: shape inference would otherwise take the
  // output's declared (possibly symbolic) type for the input.
  for (auto &out : *g.mutable_output())
    for (const auto &in : g.input())
      if (in.name() == out.name() && !inits.count(in.name()))
        *out.mutable_type() = in.type();
  return Error::success();
}

/// Turns the inputs named in options.constantInputs into Constant nodes.
Error bindConstantInputs(onnx::ModelProto &model, const ImportOptions &options) {
  onnx::GraphProto &g = *model.mutable_graph();
  google::protobuf::RepeatedPtrField<onnx::NodeProto> constants;
  for (const auto &[name, path] : options.constantInputs) {
    int index = -1;
    for (int i = 0; i < g.input_size(); ++i)
      if (g.input(i).name() == name)
        index = i;
    if (index < 0)
      return makeError("a constant is given for '" + name + "', which is not an input of the graph");
    onnx::TensorProto tensor;
    std::ifstream in(path, std::ios::binary);
    if (!in || !tensor.ParseFromIstream(&in))
      return makeError("the constant for input '" + name + "' ('" + path + "') is not a readable TensorProto file");
    tensor.set_name(name);
    if (auto e = tensorBytes(tensor, llvm::sys::path::parent_path(path).str()).takeError())
      return makeError("the constant for input '" + name + "': " + llvm::toString(std::move(e)));
    onnx::NodeProto *n = constants.Add();
    n->set_op_type("Constant");
    n->set_name(name + "_constant");
    n->add_output(name);
    onnx::AttributeProto *a = n->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    *a->mutable_t() = std::move(tensor);
    g.mutable_input()->DeleteSubrange(index, 1);
  }
  if (constants.empty())
    return Error::success();
  for (auto &n : *g.mutable_node())
    *constants.Add() = std::move(n);
  g.mutable_node()->Swap(&constants);
  return Error::success();
}

Error runShapeInference(onnx::ModelProto &model) {
  try {
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/false, /*error_mode=*/0,
                                                                   /*enable_data_propagation=*/false));
  } catch (const std::exception &e) {
    return makeError(std::string("shape inference failed: ") + e.what());
  }
  return Error::success();
}

/// Whether every node output has a static type after inference; if not, the message of
/// a strict inference run (for the error the converter will give).
std::string strictInferenceMessage(const onnx::ModelProto &model) {
  std::set<std::string> typed;
  auto isStatic = [](const onnx::ValueInfoProto &v) { return staticShape(v.type()).has_value(); };
  for (const auto &v : model.graph().value_info())
    if (isStatic(v))
      typed.insert(v.name());
  for (const auto &v : model.graph().output())
    if (isStatic(v))
      typed.insert(v.name());
  bool complete = true;
  for (const auto &n : model.graph().node())
    for (const auto &o : n.output())
      complete &= o.empty() || typed.count(o) || n.op_type() == "Constant";
  if (complete)
    return "";
  onnx::ModelProto copy = model;
  copy.mutable_graph()->clear_value_info();
  try {
    onnx::shape_inference::InferShapes(copy, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(true, 1, false));
  } catch (const std::exception &e) {
    std::string msg = e.what();
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
      msg.pop_back();
    return msg;
  }
  return "";
}

/// The ONNX-level half of the import: check, opset, static shapes, version conversion,
/// shape inference and folding. Returns the strict shape-inference message (see
/// strictInferenceMessage) and leaves the prepared model in `model`.
Expected<std::string> prepareModel(onnx::ModelProto &model, const std::string &path, const ImportOptions &options) {
  if (auto e = checkModel(model, path))
    return e;
  int opset = defaultOpset(model);
  if (opset < 0) {
    std::string domains;
    for (const auto &imp : model.opset_import())
      domains += (domains.empty() ? "'" : ", '") + imp.domain() + "' " + std::to_string(imp.version());
    return makeError("unsupported model: it imports no opset of the default ONNX domain, only " +
                     (domains.empty() ? std::string("none") : domains));
  }
  if (opset < kMinOpset || opset > kTargetOpset)
    return makeError("unsupported opset " + std::to_string(opset) + " (the importer handles default-domain opsets " +
                     std::to_string(kMinOpset) + " to " + std::to_string(kTargetOpset) + ")");
  if (auto e = checkSupportedOps(model, opset))
    return e;
  if (auto e = bindConstantInputs(model, options))
    return e;
  if (auto e = setStaticInputShapes(model, options))
    return e;
  std::string baseDir = path.empty() ? std::string() : llvm::sys::path::parent_path(path).str();
  if (opset != kTargetOpset) {
    // Some adapters (Softmax 12->13) need static shapes: infer and fold first.
    if (auto e = foldConstants(model, baseDir, runShapeInference))
      return e;
    try {
      model = onnx::version_conversion::ConvertVersion(model, kTargetOpset);
    } catch (const std::exception &e) {
      return makeError("cannot convert the model from opset " + std::to_string(opset) + " to " +
                       std::to_string(kTargetOpset) + ": " + e.what());
    }
  }
  const auto &ops = supportedOps();
  auto hasConverter = [&](const onnx::NodeProto &n) {
    return !isDefaultDomain(n) || std::binary_search(ops.begin(), ops.end(), n.op_type());
  };
  // Function bodies may hold control flow and inlined control flow may hold function ops,
  // and conditions and trip counts become known as folding goes: rounds until none changes.
  constexpr int kMaxRounds = 32;
  for (int round = 0;; ++round) {
    if (auto e = expandFunctionOps(model, kTargetOpset, hasConverter, runShapeInference))
      return e;
    if (auto e = foldConstants(model, baseDir, runShapeInference))
      return e;
    auto changed = expandControlFlow(model, baseDir, round, /*final=*/round + 1 == kMaxRounds);
    if (!changed)
      return changed.takeError();
    if (*changed)
      continue;
    // Nothing expanded this round: what is left cannot be.
    if (auto left = expandControlFlow(model, baseDir, round, /*final=*/true); !left)
      return left.takeError();
    break;
  }
  return strictInferenceMessage(model);
}

/// prepareModel in a child process (see ProcessIsolation.cpp): the prepared model and the
/// message travel back serialized.
Expected<std::string> prepareModelIsolated(onnx::ModelProto &model, const std::string &path,
                                           const ImportOptions &options) {
  std::string what = path.empty() ? "checking the model" : "checking '" + path + "'";
  auto bytes = runInChildProcess(
      [&]() -> Expected<std::string> {
        auto message = prepareModel(model, path, options);
        if (!message)
          return message.takeError();
        uint64_t size = message->size();
        std::string out(reinterpret_cast<const char *>(&size), sizeof(size));
        out += *message;
        if (!model.AppendToString(&out))
          return makeError("the prepared model cannot be serialized (over 2 GiB?)");
        return out;
      },
      what);
  if (!bytes)
    return bytes.takeError();
  uint64_t size = 0;
  if (bytes->size() < sizeof(size))
    return makeError(what + ": truncated result");
  std::memcpy(&size, bytes->data(), sizeof(size));
  if (bytes->size() < sizeof(size) + size)
    return makeError(what + ": truncated result");
  std::string message = bytes->substr(sizeof(size), size);
  google::protobuf::io::CodedInputStream coded(reinterpret_cast<const uint8_t *>(bytes->data()) + sizeof(size) + size,
                                               (int)(bytes->size() - sizeof(size) - size));
  coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
  model.Clear();
  if (!model.ParseFromCodedStream(&coded))
    return makeError(what + ": the prepared model does not parse");
  return message;
}

Expected<ImportedModel> importModel(MLIRContext &ctx, onnx::ModelProto model, const std::string &path,
                                    const ImportOptions &options) {
  auto strictMessage = prepareModelIsolated(model, path, options);
  if (!strictMessage)
    return strictMessage.takeError();
  std::string baseDir = path.empty() ? std::string() : llvm::sys::path::parent_path(path).str();

  ctx.loadDialect<graph::GraphDialect, func::FuncDialect>();
  ImportedModel result;
  result.modelName = model.graph().name();
  if (result.modelName.empty() && !path.empty())
    result.modelName = llvm::sys::path::stem(path).str();
  if (result.modelName.empty())
    result.modelName = "model";
  result.module = ModuleOp::create(NameLoc::get(StringAttr::get(&ctx, result.modelName)));

  Importer importer(ctx, model, baseDir, kTargetOpset, *strictMessage);
  if (auto e = importer.run(*result.module, result.params))
    return e;

  std::string diagnostics;
  {
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      llvm::raw_string_ostream os(diagnostics);
      os << "\n  " << d.getLocation() << ": " << d.str();
      for (const Diagnostic &note : d.getNotes())
        os << "\n    note: " << note.str();
      return success();
    });
    if (failed(verify(*result.module)))
      return makeError("the imported graph does not verify:" + diagnostics);
  }
  return result;
}

} // namespace

const std::vector<std::string> &supportedOps() {
  static const std::vector<std::string> ops = [] {
    std::vector<std::string> v{"Constant", "If", "Loop", "Scan"};
    for (const auto &[name, fn] : converters())
      v.push_back(name);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }();
  return ops;
}

Expected<ImportedModel> importOnnxFile(MLIRContext &ctx, const std::string &path, const ImportOptions &options) {
  try {
    onnx::ModelProto model;
    if (auto e = loadModelFile(path, model))
      return e;
    return importModel(ctx, std::move(model), path, options);
  } catch (const std::exception &e) {
    return makeError("importing '" + path + "' failed: " + e.what());
  }
}

Expected<ImportedModel> importOnnxModel(MLIRContext &ctx, const onnx::ModelProto &model,
                                        const ImportOptions &options) {
  try {
    return importModel(ctx, model, "", options);
  } catch (const std::exception &e) {
    return makeError(std::string("importing the model failed: ") + e.what());
  }
}

} // namespace dlc::onnx_frontend
