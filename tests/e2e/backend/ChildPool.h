// Runs backend cases each in a forked child process, a few at a time, with a per-case
// timeout: a compiler crash, abort or hang fails that one case and the run goes on.
#ifndef DLC_TESTS_E2E_BACKEND_CHILDPOOL_H
#define DLC_TESTS_E2E_BACKEND_CHILDPOOL_H

#include "tests/e2e/backend/BackendCase.h"

#include <functional>

namespace dlc::backend_test {

struct PoolOptions {
  int jobs = 2;
  double timeoutSeconds = 60;
};

/// Calls `done(i, result, childOutput)` in this process as case i finishes, in completion
/// order; `childOutput` is what the child wrote to stdout and stderr.
void runCasesInChildren(const std::vector<BackendCase> &cases, const PoolOptions &options,
                        const std::function<void(size_t, const CaseResult &, const std::string &)> &done);

} // namespace dlc::backend_test

#endif
