#!/usr/bin/env bash
# A GRU classifier on Fashion-MNIST, each image read as 28 steps of 28 pixels (one row per
# step): GRU(28 -> 128) and a linear head on the last step (fashion_models.py). Exported with
# PyTorch's initial weights, compiled with --train, trained 2 epochs by dlc-run, evaluated on
# the test set.
source "$(dirname "$0")/../common.sh"
example_dir gru
export_model gru
dlc_build gru "$out/gru.onnx" --loss cross_entropy --optimizer adam --lr 0.005
train_and_eval gru --lr-schedule cosine --print-every 200
