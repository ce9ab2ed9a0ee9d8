#!/usr/bin/env bash
# dlc against PyTorch (CPU), ONNX Runtime (the project's .deps/venv) and NumPy/OpenBLAS, side
# by side in one run. Build first (scripts/build.sh). Extra arguments go to bench.py (e.g.
# --threads 2, --only mlp,lenet, --quick).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%Y-%m-%d)"
/usr/bin/python3 "$root/bench/bench.py" "$root/build/bin" "$root/../shared/bench/torch_peer.py" \
  "${DLC_BENCH_DIR:-/tmp/dlc-bench}" "$@"
