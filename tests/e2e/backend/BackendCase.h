// One ONNX backend test case (a directory holding model.onnx and test_data_set_N/) and
// the outcome of running it.
#ifndef DLC_TESTS_E2E_BACKEND_BACKENDCASE_H
#define DLC_TESTS_E2E_BACKEND_BACKENDCASE_H

#include <regex>
#include <string>
#include <vector>

namespace dlc::backend_test {

struct BackendCase {
  std::string suite; // node, pytorch-converted, pytorch-operator, simple
  std::string name;  // test_relu
  std::string dir;
  std::string op; // the op the case tests, for the per-op summary (see classifyOp)

  std::string qualifiedName() const { return suite + "/" + name; }
};

enum class Status { Pass, Fail, Unsupported };

struct CaseResult {
  Status status = Status::Fail;
  std::string reason;      // empty for a pass
  std::string unsupported; // what the importer refused ("op Foo", "opset 18", ...)
  double seconds = 0;
};

const char *statusName(Status s);

/// The cases of `suites` under `dataDir` whose suite-qualified name matches `filter`,
/// sorted by suite (in the order given) and then by name, each with its op classified.
std::vector<BackendCase> discoverCases(const std::string &dataDir, const std::vector<std::string> &suites,
                                       const std::regex *filter);

} // namespace dlc::backend_test

#endif
