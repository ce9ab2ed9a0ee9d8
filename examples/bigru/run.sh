#!/usr/bin/env bash
# A bidirectional GRU classifier on Fashion-MNIST, each image read as 28 steps of 28 pixels:
# GRU(28 -> 64, bidirectional) and a linear head on the mean over steps of both directions'
# outputs (fashion_models.py). Exported with PyTorch's initial weights, compiled with --train,
# trained 2 epochs by dlc-run, evaluated on the test set.
source "$(dirname "$0")/../common.sh"
example_dir bigru
export_model bigru
dlc_build bigru "$out/bigru.onnx" --loss cross_entropy --optimizer adam --lr 0.005
train_and_eval bigru --lr-schedule cosine --print-every 200
