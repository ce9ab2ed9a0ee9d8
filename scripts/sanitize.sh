#!/usr/bin/env bash
# Builds build-fuzz/ (clang, ASan + UBSan: scripts/build-sanitized.sh) and runs the tests
# that are fast under the sanitizers: the Catch2 unit tests, lit, dlc-run's command-line
# tests, the bad-input tests, the fuzz targets' regression replays, torch-parity (dlc and
# dlc-run as processes) and the ONNX backend suites node, simple and pytorch-operator.
# Extra arguments go to ctest.
#
# Left out: the tests that load dlc's instrumented libraries into /usr/bin/python3 with
# ctypes (train parity, gradient checks, zoo: the ASan runtime would have to be preloaded
# into an uninstrumented interpreter) and the long suites (ONNX 1.23's node suite,
# pytorch-converted, cuda), which `scripts/test.sh` runs in the ordinary build.
#
# --runtime: only the runtime's part (its Catch2 tests, dlc-run's command-line tests, the
# fuzz replays), which builds in a fraction of the time: what CI runs (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
runtime_only=0
if [ "${1:-}" = "--runtime" ]; then
  runtime_only=1
  shift
fi
if [ $runtime_only = 1 ]; then
  bash scripts/build-sanitized.sh runtime/all tools/dlc-run/all tests/unit/runtime/all tests/fuzz/all
else
  bash scripts/build-sanitized.sh
fi
source scripts/sanitizer-env.sh
cd build-fuzz
if [ $runtime_only = 1 ]; then
  ctest --output-on-failure -j"$(nproc)" -R '^(runtime|fuzz)\.' "$@"
  exit 0
fi
# Everything without a long-running label (unit, lit, fuzz replays), then the chosen e2e tests.
ctest --output-on-failure -j"$(nproc)" -LE 'e2e|backend|zoo|gpu|cuda' "$@"
ctest --output-on-failure -j"$(nproc)" \
  -R '^(cli-errors|torch-parity|onnx-backend-(node|simple|pytorch-operator))$' "$@"
