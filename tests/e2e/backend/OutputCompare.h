// Compares an entry's output with the backend test's expected output the way the ONNX
// backend runner does (numpy.testing.assert_allclose): |got - want| <= atol + rtol*|want|
// for floating types, NaN matching NaN and infinities matching in sign; exact otherwise.
#ifndef DLC_TESTS_E2E_BACKEND_OUTPUTCOMPARE_H
#define DLC_TESTS_E2E_BACKEND_OUTPUTCOMPARE_H

#include "tests/e2e/backend/TensorData.h"

namespace dlc::backend_test {

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-5;
};

/// "" when `got` matches `want`, else why not, naming the output `name`.
std::string compareOutput(const std::string &name, const HostTensor &got, const HostTensor &want,
                          const Tolerance &tol = {});

} // namespace dlc::backend_test

#endif
