#!/usr/bin/env bash
# DCGAN on Fashion-MNIST from Python (gan.py): samples per epoch, loss curves and a Frechet
# distance in a dlc-trained classifier's feature space, under out/gan. Arguments go to
# gan.py (e.g. --epochs 1, --steps 50).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="$root/.deps/pyvenv/bin/python"
# This tree's build of the package when there is one, else an installed one (pip install .).
[ -d "$root/build/python/dlc" ] && export PYTHONPATH="$root/build/python${PYTHONPATH:+:$PYTHONPATH}"
"$py" "$root/examples/gan/gan.py" ${DLC_OUT:+--out "$DLC_OUT"} "$@"
