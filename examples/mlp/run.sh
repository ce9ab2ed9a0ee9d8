#!/usr/bin/env bash
# An MLP (784-256-128-10, ReLU) on Fashion-MNIST (fashion_models.py): exported with PyTorch's
# initial weights, compiled with --train, trained 2 epochs by dlc-run, evaluated on the test set.
source "$(dirname "$0")/../common.sh"
example_dir mlp
export_model mlp
dlc_build mlp "$out/mlp.onnx" --loss cross_entropy --optimizer adam --lr 0.001
train_and_eval mlp --print-every 500
