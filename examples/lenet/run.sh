#!/usr/bin/env bash
# The main job: compile LeNet-5 for training, train it on Fashion-MNIST for 2 epochs,
# report its test accuracy, save a checkpoint and classify test images with it.
source "$(dirname "$0")/../common.sh"
example_dir lenet
dlc_build lenet "$root/examples/lenet/lenet.onnx" --loss cross_entropy --label label --optimizer adam --lr 0.006
"$bin/dlc-run" info "$out/lenet.so" | sed -n '1,/^parameters/p'
train_and_eval lenet --lr-schedule cosine

echo "== dlc-run infer: the first test images, with the checkpoint"
/usr/bin/python3 "$root/examples/lenet/classify.py" "$bin/dlc-run" "$out/lenet.so" "$data" "$out" \
  "$out/lenet.safetensors"
