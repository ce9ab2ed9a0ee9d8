#!/usr/bin/env bash
# A small transformer-encoder classifier on Fashion-MNIST, each image read as 28 tokens of
# 28 pixels (one row per token): a linear projection to 64 features plus a learned position
# embedding, one nn.TransformerEncoderLayer (4 heads, feed-forward 128, GELU, pre-norm),
# mean over tokens and a linear head (fashion_models.py). Exported with PyTorch's initial
# weights, compiled with --train, trained 2 epochs by dlc-run, evaluated on the test set.
source "$(dirname "$0")/../common.sh"
example_dir transformer
export_model transformer
dlc_build transformer "$out/transformer.onnx" --loss cross_entropy --optimizer adam --lr 0.002
train_and_eval transformer --lr-schedule cosine --print-every 200
