#!/usr/bin/env bash
# ResNet-18 layout on Fashion-MNIST: the recipe in PyTorch (resnet_torch.py) for comparison,
# then in dlc from Python (resnet.py), whose loss chart draws both; results under
# out/resnet. Arguments go to both scripts (e.g. --epochs 2, --steps 50).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="$root/.deps/pyvenv/bin/python"
"$py" -c "import dlc" 2>/dev/null || export PYTHONPATH="$root/build/python${PYTHONPATH:+:$PYTHONPATH}"
out="${DLC_OUT:-$root/out/resnet}"
mkdir -p "$out"
echo "== the recipe in PyTorch"
/usr/bin/python3 "$root/examples/resnet/resnet_torch.py" --out "$out" "$@" | tee "$out/torch_results.json"
echo "== the recipe in dlc"
"$py" "$root/examples/resnet/resnet.py" --out "$out" "$@"
