#include "tests/e2e/backend/BackendCase.h"
#include "tests/e2e/backend/TensorData.h"

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace dlc::backend_test {

const char *statusName(Status s) {
  switch (s) {
  case Status::Pass:
    return "PASS";
  case Status::Fail:
    return "FAIL";
  case Status::Unsupported:
    return "UNSUPPORTED";
  }
  return "?";
}

namespace {

/// "test_operator_add_broadcast" -> "addbroadcast": comparable with lowercased op types.
std::string normalizedName(std::string name) {
  for (const char *prefix : {"test_", "operator_"})
    if (name.rfind(prefix, 0) == 0)
      name = name.substr(std::string(prefix).size());
  std::string out;
  for (char c : name)
    if (c != '_')
      out += (char)std::tolower((unsigned char)c);
  return out;
}

std::string lower(std::string s) {
  for (char &c : s)
    c = (char)std::tolower((unsigned char)c);
  return s;
}

/// The op a case tests. Single-op models name it directly; multi-node models (pytorch
/// exports, ops with helper nodes) are named by the op whose name the case's name starts
/// with; "_expanded" variants (the op's function body spelled out as nodes) count for the
/// op of the case they expand, so both land in the same row of the summary.
std::string classifyOp(const fs::path &suiteDir, const std::string &name, int depth = 0) {
  auto expanded = name.find("_expanded");
  if (expanded != std::string::npos && depth == 0 && fs::exists(suiteDir / name.substr(0, expanded) / "model.onnx"))
    return classifyOp(suiteDir, name.substr(0, expanded), depth + 1);

  onnx::ModelProto model;
  std::string err;
  if (!readProtoFile((suiteDir / name / "model.onnx").string(), model, err))
    return "(unreadable model)";
  std::vector<std::string> ops;
  for (const auto &n : model.graph().node())
    if (n.op_type() != "Constant")
      ops.push_back(n.op_type());
  std::set<std::string> distinct(ops.begin(), ops.end());
  if (distinct.size() == 1)
    return ops.front();
  std::string norm = normalizedName(name), best;
  for (const auto &op : distinct)
    if (norm.rfind(lower(op), 0) == 0 && op.size() > best.size())
      best = op;
  if (!best.empty())
    return best;
  if (!ops.empty())
    return ops.front();
  return model.graph().node_size() ? "Constant" : "(no nodes)";
}

} // namespace

std::vector<BackendCase> discoverCases(const std::string &dataDir, const std::vector<std::string> &suites,
                                       const std::regex *filter) {
  std::vector<BackendCase> cases;
  for (const auto &suite : suites) {
    fs::path suiteDir = fs::path(dataDir) / suite;
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto &entry : fs::directory_iterator(suiteDir, ec))
      if (entry.is_directory() && fs::exists(entry.path() / "model.onnx"))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto &name : names) {
      BackendCase c{suite, name, (suiteDir / name).string(), ""};
      if (filter && !std::regex_search(c.qualifiedName(), *filter))
        continue;
      c.op = classifyOp(suiteDir, name);
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

} // namespace dlc::backend_test
