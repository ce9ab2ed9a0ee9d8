# shellcheck shell=bash
# Steps shared by the Fashion-MNIST example scripts; each run.sh sources this file, then
# calls them in order:  example_dir NAME; [export_model NAME]; dlc_build NAME ONNX FLAGS...;
# train_and_eval NAME TRAIN_FLAGS...
# Every file of an example goes to out/NAME (DLC_OUT overrides).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/build/bin"
data=/usr/share/datasets/fashion-mnist

example_dir() {
  out="${DLC_OUT:-$root/out/$1}"
  mkdir -p "$out"
}

# The model NAME of fashion_models.py with PyTorch's initial weights, to $out/NAME.onnx
# (torch.onnx's warnings silenced).
export_model() {
  /usr/bin/python3 "$root/examples/fashion_models.py" "$1" "$out/$1.onnx" 2>/dev/null
}

# Compiles ONNX for training to $out/NAME.so; the remaining arguments pick loss, optimizer
# and learning rate.
dlc_build() {
  local name=$1 onnx=$2
  shift 2
  echo "== dlc compile --train ${onnx#"$root/"}"
  "$bin/dlc" compile "$onnx" -o "$out/$name.so" --train "$@"
}

# 2 epochs of $out/NAME.so on the training images (seed 0, checkpoint, log and plots in
# $out), then the test images with that checkpoint; the remaining arguments go to train.
train_and_eval() {
  local name=$1
  shift
  echo "== dlc-run train: 2 epochs on the 60,000 training images"
  "$bin/dlc-run" train "$out/$name.so" --data "idx:$data" --epochs 2 --seed 0 --checkpoint "$out/$name.safetensors" \
    --log "$out/train.jsonl" --plot-dir "$out/plots" --progress lines "$@"
  echo "== dlc-run eval: the 10,000 test images, with the checkpoint"
  "$bin/dlc-run" eval "$out/$name.so" --data "idx:$data" --checkpoint "$out/$name.safetensors" \
    --metrics "$out/metrics.json" --plot-dir "$out/plots"
}
