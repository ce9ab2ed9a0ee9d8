"""Writes the ONNX backend node suite of the installed onnx package (1.23.2 in the
bootstrap's venv) as test data: OUT/node/<case>/model.onnx and test_data_set_N/.

PyPI's wheel ships the case generators, not the data. onnx's own writer
(backend/test/cmd_tools.generate_data) writes only the model cases it collects, so it is
handed the node cases instead.

usage: .deps/venv/bin/python generate_node_suite.py OUT
"""
import argparse
import os
import shutil
import sys
import tempfile

import onnx
import onnx.backend.test.case.node as node_cases
import onnx.backend.test.cmd_tools as cmd_tools


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = os.path.abspath(sys.argv[1])
    # Into a fresh directory, then renamed: a test never sees half a suite.
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=".node-suite-")
    cmd_tools.model_test.collect_testcases = node_cases.collect_testcases
    cmd_tools.generate_data(argparse.Namespace(output=tmp))
    with open(os.path.join(tmp, "VERSION"), "w") as f:
        f.write(onnx.__version__ + "\n")
    if os.path.exists(out):
        old = out + ".old"
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old)
    else:
        os.rename(tmp, out)
    print(f"{len(os.listdir(os.path.join(out, 'node')))} node cases of onnx {onnx.__version__} in {out}")


if __name__ == "__main__":
    main()
