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
  bash scripts/fuzz.sh 60
  bash scripts/sanitize.sh --runtime
fi
