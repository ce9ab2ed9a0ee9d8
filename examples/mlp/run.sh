#!/usr/bin/env bash
# An MLP (784-256-128-10, ReLU) on Fashion-MNIST: exported with PyTorch's initial weights,
# compiled with --train, trained 2 epochs by dlc-run, evaluated on the test set.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/build/bin"
out="${DLC_OUT:-$root/out/mlp}"
data=/usr/share/datasets/fashion-mnist
mkdir -p "$out"
/usr/bin/python3 - "$out/mlp.onnx" <<'PY' 2>/dev/null
import sys, torch, torch.nn as nn
torch.manual_seed(0)
m = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
torch.onnx.export(m, torch.zeros(64, 1, 28, 28), sys.argv[1], input_names=["x"], output_names=["y"], opset_version=17)
PY
"$bin/dlc" compile "$out/mlp.onnx" -o "$out/mlp.so" --train --loss cross_entropy --optimizer adam --lr 0.001
"$bin/dlc-run" train "$out/mlp.so" --data "idx:$data" --epochs 2 --seed 0 --checkpoint "$out/mlp.safetensors" \
  --log "$out/train.jsonl" --plot-dir "$out/plots" --progress lines --print-every 500
"$bin/dlc-run" eval "$out/mlp.so" --data "idx:$data" --checkpoint "$out/mlp.safetensors" --metrics "$out/metrics.json" \
  --plot-dir "$out/plots"
