#!/usr/bin/env bash
# ResNet-18 layout on Fashion-MNIST: the recipe in PyTorch (resnet_torch.py) for comparison,
# then in dlc from Python (resnet.py), whose loss chart draws both; results under
# out/resnet. Arguments go to both scripts (e.g. --epochs 2, --steps 50).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="$root/.deps/pyvenv/bin/python"
# This tree's build of the package when there is one, else an installed one (pip install .).
[ -d "$root/build/python/dlc" ] && export PYTHONPATH="$root/build/python${PYTHONPATH:+:$PYTHONPATH}"
out="${DLC_OUT:-$root/out/resnet}"
mkdir -p "$out"
echo "== the recipe in PyTorch"
/usr/bin/python3 "$root/examples/resnet/resnet_torch.py" --out "$out" "$@" | tee "$out/torch_results.json"
echo "== the recipe in dlc"
"$py" "$root/examples/resnet/resnet.py" --out "$out" "$@"
