#!/usr/bin/env bash
# A convolutional autoencoder on Fashion-MNIST from Python (autoencoder.py): reconstructions,
# the loss curve and the test reconstruction loss under out/autoencoder. Arguments go to
# autoencoder.py (e.g. --epochs 1, --steps 50).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="$root/.deps/pyvenv/bin/python"
"$py" -c "import dlc" 2>/dev/null || export PYTHONPATH="$root/build/python${PYTHONPATH:+:$PYTHONPATH}"
"$py" "$root/examples/autoencoder/autoencoder.py" ${DLC_OUT:+--out "$DLC_OUT"} "$@"
