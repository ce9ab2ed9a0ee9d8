// Runs one backend test case in the calling process: import, compile, load, run every
// test_data_set_N and compare. The test runner calls it in a forked child, so a crash or
// hang in the compiler costs only that case.
#ifndef DLC_TESTS_E2E_BACKEND_CASERUNNER_H
#define DLC_TESTS_E2E_BACKEND_CASERUNNER_H

#include "tests/e2e/backend/BackendCase.h"

#include <functional>

namespace dlc::backend_test {

/// Artifacts go to `workDir`. `phase` hears the name of each stage as it starts
/// ("import", "compile", "load", "run"), so that the parent can say where a crash was.
CaseResult runCase(const BackendCase &c, const std::string &workDir,
                   const std::function<void(const std::string &)> &phase);

/// What an importer error that mentions "unsupported" names: "op Foo", "opset 18",
/// "Conv auto_pad='VALID'", ...; "" when it does not mention "unsupported".
std::string unsupportedWhat(const std::string &importError);

} // namespace dlc::backend_test

#endif
