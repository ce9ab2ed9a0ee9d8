#!/usr/bin/env bash
# A convolutional VAE on Fashion-MNIST from Python (vae.py): reconstructions, samples,
# the loss curve and the test ELBO under out/vae. Arguments go to vae.py
# (e.g. --epochs 1, --steps 50).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="$root/.deps/pyvenv/bin/python"
# This tree's build of the package when there is one, else an installed one (pip install .).
[ -d "$root/build/python/dlc" ] && export PYTHONPATH="$root/build/python${PYTHONPATH:+:$PYTHONPATH}"
"$py" "$root/examples/vae/vae.py" ${DLC_OUT:+--out "$DLC_OUT"} "$@"
