#!/usr/bin/env bash
# Trains LeNet on Fashion-MNIST from Python, then serves it from a session; arguments go to
# train_lenet.py (e.g. --epochs 1, --steps 50). Uses the package built into build/python
# unless `import dlc` already works (pip install .).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="$root/.deps/pyvenv/bin/python"
"$py" -c "import dlc" 2>/dev/null || export PYTHONPATH="$root/build/python${PYTHONPATH:+:$PYTHONPATH}"
"$py" "$root/examples/python/train_lenet.py" ${DLC_OUT:+--out "$DLC_OUT"} "$@"
"$py" "$root/examples/python/serve_lenet.py" ${DLC_OUT:+--out "$DLC_OUT"}
