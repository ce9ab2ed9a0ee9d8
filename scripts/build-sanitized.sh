#!/usr/bin/env bash
# Configures and builds build-fuzz/: clang, ASan + UBSan (DLC_SANITIZE) and the libFuzzer
# targets (DLC_FUZZ), the one build that scripts/fuzz.sh and scripts/sanitize.sh run.
# Arguments are ninja targets (all when none).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# ccache: paths relative to the checkout, so a fresh clone elsewhere reuses what another
# built (CI clones afresh on the same machine).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake -G Ninja -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DDLC_SANITIZE=address,undefined -DDLC_FUZZ=ON -DDLC_BUILD_PYTHON=OFF \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
ninja -C build-fuzz -j"$(nproc)" "$@"
