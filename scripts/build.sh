#!/usr/bin/env bash
# Installs the dependencies (scripts/bootstrap.sh) and builds dlc into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# ccache: paths relative to the checkout, so a fresh clone elsewhere reuses what another
# built (CI clones afresh on the same machine).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
ninja -C build -j"$(nproc)"
