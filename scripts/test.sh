#!/usr/bin/env bash
# Installs, builds and runs every test: lit (IR), Catch2 (importer, runtime), end to end
# (ONNX backend suite, PyTorch parity).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
