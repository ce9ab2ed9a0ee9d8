#!/usr/bin/env bash
# Compiles the bundled LeNet-5 and runs it on Fashion-MNIST's 10,000 test images.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/build/bin"
out="${DLC_OUT:-$root/out/lenet}"
data=/usr/share/datasets/fashion-mnist
mkdir -p "$out"

echo "== dlc compile examples/lenet/lenet.onnx"
"$bin/dlc" compile "$root/examples/lenet/lenet.onnx" -o "$out/lenet.so"
"$bin/dlc-run" info "$out/lenet.so"

echo "== dlc-run eval: Fashion-MNIST test set"
"$bin/dlc-run" eval "$out/lenet.so" --data "idx:$data" --metrics "$out/metrics.json"

echo "== dlc-run infer: the first 100 test images"
/usr/bin/python3 "$root/examples/lenet/classify.py" "$bin/dlc-run" "$out/lenet.so" "$data" "$out"
