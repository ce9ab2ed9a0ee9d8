#!/usr/bin/env bash
# Linear regression on sklearn's diabetes data and logistic regression (with its PR curve)
# on breast_cancer, each compiled with --train and trained by dlc-run.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/build/bin"
out="${DLC_OUT:-$root/out/regression}"
mkdir -p "$out"
/usr/bin/python3 "$root/examples/regression/make_data.py" "$out" 2>/dev/null

echo "== linear regression: diabetes, MSE, SGD"
"$bin/dlc" compile "$out/linreg.onnx" -o "$out/linreg.so" --train --loss mse --optimizer sgd --lr 0.05
"$bin/dlc-run" train "$out/linreg.so" --data "npz:$out/diabetes_train.npz" --epochs 50 --seed 0 \
  --checkpoint "$out/linreg.safetensors" --progress lines --print-every 1000 --plot-dir "$out/linreg_plots"
"$bin/dlc-run" eval "$out/linreg.so" --data "npz:$out/diabetes_test.npz" --checkpoint "$out/linreg.safetensors" \
  --metrics "$out/linreg_metrics.json"

echo "== logistic regression: breast_cancer, cross-entropy, Adam"
"$bin/dlc" compile "$out/logreg.onnx" -o "$out/logreg.so" --train --loss cross_entropy --optimizer adam --lr 0.01
"$bin/dlc-run" train "$out/logreg.so" --data "npz:$out/breast_cancer_train.npz" --epochs 30 --seed 0 \
  --checkpoint "$out/logreg.safetensors" --progress lines --print-every 1000 --plot-dir "$out/logreg_plots"
"$bin/dlc-run" eval "$out/logreg.so" --data "npz:$out/breast_cancer_test.npz" --checkpoint "$out/logreg.safetensors" \
  --metrics "$out/logreg_metrics.json" --plot-dir "$out/logreg_plots"
echo "  the PR curve: $out/logreg_plots/pr_curve.svg (its points: pr_curve in $out/logreg_metrics.json)"
