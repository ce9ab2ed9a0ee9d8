#!/usr/bin/env bash
# Installs, builds and runs every test: lit (IR), Catch2 (importer, runtime), end to end
# (ONNX backend suite, PyTorch parity, bad input, checkpoint faults), then the fuzzers and
# the sanitized runtime tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)" "$@")
# Without arguments (CI): every fuzz target for 60 s, then the runtime's tests and the fuzz
# replays under ASan + UBSan (build-fuzz/). The whole sanitized suite, lit and the importer
# and e2e tests included, is scripts/sanitize.sh: its build takes too long for CI's 90
# minutes on 2 cores (tests/fuzz/README.md).
if [ $# -eq 0 ]; then
  # CI stops at 90 minutes: where the build and the suite already took more than 50, the
  # fuzzers get 20 s each instead of 60 rather than the whole run failing.
  seconds=60
  if [ "$SECONDS" -gt 3000 ]; then
    seconds=20
    echo "test.sh: ${SECONDS}s used so far; fuzzing ${seconds}s per target" >&2
  fi
  DLC_FUZZ_SEED=${DLC_FUZZ_SEED:-1} bash scripts/fuzz.sh "$seconds"
  bash scripts/sanitize.sh --runtime
fi
