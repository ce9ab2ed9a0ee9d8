#!/usr/bin/env bash
# The main job: compile LeNet-5 for training, train it on Fashion-MNIST for 2 epochs,
# report its test accuracy, save a checkpoint and classify test images with it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/build/bin"
out="${DLC_OUT:-$root/out/lenet}"
data=/usr/share/datasets/fashion-mnist
mkdir -p "$out"

echo "== dlc compile --train examples/lenet/lenet.onnx (PyTorch's initial weights)"
"$bin/dlc" compile "$root/examples/lenet/lenet.onnx" -o "$out/lenet.so" \
  --train --loss cross_entropy --label label --optimizer adam --lr 0.006
"$bin/dlc-run" info "$out/lenet.so" | sed -n '1,/^parameters/p'

echo "== dlc-run train: 2 epochs on the 60,000 training images"
"$bin/dlc-run" train "$out/lenet.so" --data "idx:$data" --epochs 2 --seed 0 --lr-schedule cosine \
  --checkpoint "$out/lenet.safetensors" --log "$out/train.jsonl" --plot-dir "$out/plots" --progress lines

echo "== dlc-run eval: the 10,000 test images, with the checkpoint"
"$bin/dlc-run" eval "$out/lenet.so" --data "idx:$data" --checkpoint "$out/lenet.safetensors" \
  --metrics "$out/metrics.json" --plot-dir "$out/plots"

echo "== dlc-run infer: the first test images, with the checkpoint"
/usr/bin/python3 "$root/examples/lenet/classify.py" "$bin/dlc-run" "$out/lenet.so" "$data" "$out" \
  "$out/lenet.safetensors"
