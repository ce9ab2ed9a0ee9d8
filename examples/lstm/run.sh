#!/usr/bin/env bash
# An LSTM classifier on Fashion-MNIST, each image read as 28 steps of 28 pixels (one row
# per step): LSTM(28 -> 128) and a linear head on the last step. Exported with PyTorch's
# initial weights, compiled with --train, trained 2 epochs by dlc-run, evaluated on the
# test set.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/build/bin"
out="${DLC_OUT:-$root/out/lstm}"
data=/usr/share/datasets/fashion-mnist
mkdir -p "$out"
/usr/bin/python3 - "$out/lstm.onnx" <<'PY' 2>/dev/null
import sys, torch, torch.nn as nn

class RowLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):  # x: batch x 1 x 28 x 28
        out, _ = self.lstm(x.reshape(x.shape[0], 28, 28))
        return self.head(out[:, -1])

torch.manual_seed(0)
torch.onnx.export(RowLSTM(), torch.zeros(64, 1, 28, 28), sys.argv[1], input_names=["x"], output_names=["y"],
                  opset_version=17)
PY
"$bin/dlc" compile "$out/lstm.onnx" -o "$out/lstm.so" --train --loss cross_entropy --optimizer adam --lr 0.005
"$bin/dlc-run" train "$out/lstm.so" --data "idx:$data" --epochs 2 --seed 0 --lr-schedule cosine --checkpoint "$out/lstm.safetensors" \
  --log "$out/train.jsonl" --plot-dir "$out/plots" --progress lines --print-every 200
"$bin/dlc-run" eval "$out/lstm.so" --data "idx:$data" --checkpoint "$out/lstm.safetensors" --metrics "$out/metrics.json" \
  --plot-dir "$out/plots"
