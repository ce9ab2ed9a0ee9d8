#!/usr/bin/env bash
# Trains LeNet on Fashion-MNIST from Python, then serves it from a session; arguments go to
# train_lenet.py (e.g. --epochs 1, --steps 50).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="$root/.deps/pyvenv/bin/python"
# This tree's build of the package when there is one, else an installed one (pip install .).
[ -d "$root/build/python/dlc" ] && export PYTHONPATH="$root/build/python${PYTHONPATH:+:$PYTHONPATH}"
"$py" "$root/examples/python/train_lenet.py" ${DLC_OUT:+--out "$DLC_OUT"} "$@"
"$py" "$root/examples/python/serve_lenet.py" ${DLC_OUT:+--out "$DLC_OUT"}
