#!/usr/bin/python3
"""Exports zoo models (models.py) to ONNX as a user would: torch.onnx.export, opset 17, with
PyTorch's initial weights; the training-mode graph keeps its constants unfolded.

    export.py OUT_DIR [MODEL ...]   # writes OUT_DIR/MODEL.onnx (eval) and MODEL_train.onnx, batch 8"""
import os, sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import ZOO, build

OPSET = 17


def export(net, inputs, outputs, path, training):
    """net, traced on inputs {name: array} (the forward's arguments in order), to path."""
    kw = dict(input_names=list(inputs), output_names=list(outputs), opset_version=OPSET)
    if training:
        kw.update(do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING)
    args = tuple(torch.from_numpy(a) for a in inputs.values())
    torch.onnx.export(net, args if len(args) > 1 else args[0], path, **kw)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:] or ZOO:
        spec = ZOO[name]
        inputs = spec.inputs(np.random.default_rng(0), 8)
        export(build(name).eval(), inputs, spec.outputs, f"{out}/{name}.onnx", training=False)
        export(build(name).train(), inputs, spec.outputs, f"{out}/{name}_train.onnx", training=True)
        print(f"{out}/{name}.onnx, {out}/{name}_train.onnx")


if __name__ == "__main__":
    main()
