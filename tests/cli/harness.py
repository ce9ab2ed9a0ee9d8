"""What the command-line error tests share: run a tool, expect one clear error line and a
status (never a signal), count the results."""
import json, os, shutil, subprocess, sys

import onnx
from onnx import TensorProto, helper


class Cases:
    def __init__(self, bin_dir, work):
        self.bin, self.work = bin_dir, work
        self.results = []

    @classmethod
    def from_argv(cls):
        """SCRIPT BIN_DIR WORK_DIR [...]: WORK_DIR is emptied first."""
        bin_dir, work = sys.argv[1], sys.argv[2]
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        return cls(bin_dir, work)

    def path(self, name):
        return os.path.join(self.work, name)

    def tool(self, name):
        return os.path.join(self.bin, name)

    def check(self, label, ok, detail=""):
        self.results.append(bool(ok))
        print(f"{'PASS' if ok else 'FAIL'} {label}" + (f": {detail}" if detail else ""))
        return ok

    def expect_error(self, label, cmd, *needles, status=1, **kw):
        """`cmd` exits with `status` and prints exactly one `error:` line containing every needle."""
        p = subprocess.run(cmd, capture_output=True, text=True, **kw)
        lines = [l for l in p.stderr.splitlines() if "error:" in l]
        ok = p.returncode == status and len(lines) == 1 and all(n in lines[0] for n in needles)
        self.check(label, ok, f"exit {p.returncode}: {lines[0] if lines else p.stderr.strip()[:300]!r}")
        if not ok:
            print(f"  expected exit {status} and one error line containing {needles}; stderr was:\n{p.stderr[-3000:]}")
        return p

    def run_ok(self, label, cmd, **kw):
        p = subprocess.run(cmd, capture_output=True, text=True, **kw)
        self.check(label, p.returncode == 0, f"exit {p.returncode} {p.stderr.strip()[-300:]!r}")
        return p

    def save_model(self, name, nodes, inputs, outputs, inits=(), opset=17, extra_opsets=()):
        g = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset), *extra_opsets])
        onnx.save(m, self.path(name + ".onnx"))
        return self.path(name + ".onnx")

    def finish(self):
        print(f"{sum(self.results)} passed, {len(self.results) - sum(self.results)} failed")
        sys.exit(0 if all(self.results) else 1)


def losses(log):
    """step -> loss of a `dlc-run train --log` file."""
    with open(log) as f:
        return {r["step"]: r["loss"] for r in map(json.loads, f)}


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
