"""What zoo_check.py needs from a current ONNX, run under the test venv (onnx 1.23.2 and
onnxruntime, scripts/test-requirements.txt), since the system's onnx is 1.12 and its
numpy 1.x is what torch 1.13 needs:

    onnx_current.py convert MODEL.onnx OPSET     # in place, by onnx's version converter, checked
    onnx_current.py ort MODEL.onnx IN.npz OUT.npz  # onnxruntime CPU inference, outputs in order
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, version_converter


def convert(path, opset):
    model = onnx.load(path)
    converted = version_converter.convert_version(model, opset)
    default = [o for o in converted.opset_import if o.domain in ("", "ai.onnx")]
    assert default and default[0].version == opset, f"{path}: converted to {default}, not opset {opset}"
    converted.ir_version = max(converted.ir_version, helper.find_min_ir_version_for(list(converted.opset_import)))
    onnx.checker.check_model(converted, full_check=True)
    tmp = path + ".tmp"
    onnx.save(converted, tmp)
    os.replace(tmp, path)


def ort(path, inputs_npz, outputs_npz):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    feeds = dict(np.load(inputs_npz))
    outputs = session.run(None, feeds)
    np.savez(outputs_npz, *outputs)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "convert":
        convert(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "ort":
        ort(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
