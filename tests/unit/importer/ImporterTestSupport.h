// What the importer test files share: importing a model into a result that keeps its
// context and the error text, reading a model of the ONNX backend node tests, and editing
// a node's attributes.
#ifndef DLC_TESTS_UNIT_IMPORTER_IMPORTERTESTSUPPORT_H
#define DLC_TESTS_UNIT_IMPORTER_IMPORTERTESTSUPPORT_H

#include <catch2/catch.hpp>

#include "frontends/onnx/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace dlc::importer_test {

/// An imported model (with the context that owns it), or the importer's error.
struct Imported {
  mlir::MLIRContext ctx;
  std::optional<onnx_frontend::ImportedModel> model;
  std::string error;

  mlir::func::FuncOp func() { return model->module->lookupSymbol<mlir::func::FuncOp>("infer"); }
  std::string ir() {
    std::string s;
    llvm::raw_string_ostream os(s);
    model->module->print(os);
    return s;
  }
  /// Ops of the function by name ("graph.conv" -> count).
  std::map<std::string, int> opCounts() {
    std::map<std::string, int> m;
    func().walk([&](mlir::Operation *op) { ++m[op->getName().getStringRef().str()]; });
    return m;
  }
  template <typename OpTy> std::vector<OpTy> ops() {
    std::vector<OpTy> v;
    func().walk([&](OpTy op) { v.push_back(op); });
    return v;
  }
  /// The function's one op of type OpTy; null when there is none or more than one.
  template <typename OpTy> OpTy only() {
    auto v = ops<OpTy>();
    return v.size() == 1 ? v.front() : OpTy();
  }
};

template <typename ImportFn> std::unique_ptr<Imported> importWith(ImportFn importFn) {
  auto r = std::make_unique<Imported>();
  auto result = importFn(r->ctx);
  if (result)
    r->model = std::move(*result);
  else
    r->error = llvm::toString(result.takeError());
  return r;
}

inline std::unique_ptr<Imported> importModel(const onnx::ModelProto &m,
                                             const onnx_frontend::ImportOptions &opts = {}) {
  return importWith([&](mlir::MLIRContext &ctx) { return onnx_frontend::importOnnxModel(ctx, m, opts); });
}

inline std::unique_ptr<Imported> importFile(const std::string &path, const onnx_frontend::ImportOptions &opts = {}) {
  return importWith([&](mlir::MLIRContext &ctx) { return onnx_frontend::importOnnxFile(ctx, path, opts); });
}

/// The importer's message for a model it must refuse; fails the test when it imports.
inline std::string importError(const onnx::ModelProto &m) {
  auto r = importModel(m);
  REQUIRE_FALSE(r->model);
  return r->error;
}

/// The model of backend node test `name`, or nullopt (with a warning) when the test data
/// is not installed.
inline std::optional<onnx::ModelProto> nodeModel(const std::string &name) {
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

/// Attribute `name` of node `n`, added with type `t` when the node does not have it.
inline onnx::AttributeProto *attribute(onnx::NodeProto &n, const std::string &name,
                                       onnx::AttributeProto::AttributeType t) {
  for (auto &a : *n.mutable_attribute())
    if (a.name() == name)
      return &a;
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(t);
  return a;
}

} // namespace dlc::importer_test

#define REQUIRE_IMPORTED(r)                                                                        \
  do {                                                                                             \
    INFO("import error: " << (r)->error);                                                          \
    REQUIRE((r)->model.has_value());                                                               \
  } while (0)

#endif // DLC_TESTS_UNIT_IMPORTER_IMPORTERTESTSUPPORT_H
