#!/usr/bin/python3
"""Prepares the two tabular seed experiments from the CSV files that python3-sklearn
ships, and exports their models with PyTorch's initial weights:

  diabetes (442 patients, 10 features, disease progression): linear regression
  breast_cancer (569 tumours, 30 features, malignant or benign): logistic regression
    (two logits, softmax cross-entropy)

Features are standardized with the training split's mean and deviation; 20% of the rows
(a fixed permutation) are held out for evaluation.

    make_data.py OUT_DIR"""
import gzip, os, sys
import numpy as np
import torch, torch.nn as nn

SK = "/usr/lib/python3/dist-packages/sklearn/datasets/data"

def split(x, y, out, name):
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))
    n_test = len(x) // 5
    test, train = order[:n_test], order[n_test:]
    mean, std = x[train].mean(0), x[train].std(0) + 1e-8
    x = ((x - mean) / std).astype(np.float32)
    np.savez(os.path.join(out, f"{name}_train.npz"), x=x[train], label=y[train])
    np.savez(os.path.join(out, f"{name}_test.npz"), x=x[test], label=y[test])

def export(model, features, path, batch):
    torch.onnx.export(model, torch.zeros(batch, features), path, input_names=["x"], output_names=["y"],
                      opset_version=17)

def main(out):
    os.makedirs(out, exist_ok=True)
    x = np.loadtxt(gzip.open(f"{SK}/diabetes_data_raw.csv.gz"))
    y = np.loadtxt(gzip.open(f"{SK}/diabetes_target.csv.gz")).astype(np.float32)
    # the target scaled to unit deviation so one learning rate fits both examples
    split(x, (y / y.std()).reshape(-1, 1).astype(np.float32), out, "diabetes")
    raw = np.loadtxt(f"{SK}/breast_cancer.csv", delimiter=",", skiprows=1)
    split(raw[:, :-1], raw[:, -1].astype(np.int64), out, "breast_cancer")
    torch.manual_seed(0)
    export(nn.Linear(10, 1), 10, os.path.join(out, "linreg.onnx"), 32)
    export(nn.Linear(30, 2), 30, os.path.join(out, "logreg.onnx"), 32)

if __name__ == "__main__":
    main(sys.argv[1])
