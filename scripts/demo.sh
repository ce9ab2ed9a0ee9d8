#!/usr/bin/env bash
# The main job: build dlc, compile the bundled LeNet-5 (examples/lenet/lenet.onnx, trained
# on Fashion-MNIST by examples/lenet/make_model.py), evaluate it on the 10,000 test images
# and classify the first ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
bash examples/lenet/run.sh
