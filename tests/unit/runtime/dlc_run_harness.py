"""What the dlc-run test scripts share: their command line (DLC_RUN FIXTURE_DIR CASE),
running dlc-run, expectations that collect every failure of a case instead of stopping at
the first, and running the chosen case_* function in a scratch directory."""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

failures = []
_dlc_run = _fixtures = None


def start(script):
    """Reads DLC_RUN FIXTURE_DIR CASE from the command line; returns all three."""
    global _dlc_run, _fixtures
    if len(sys.argv) != 4:
        sys.exit("usage: %s DLC_RUN FIXTURE_DIR CASE" % script)
    _dlc_run, _fixtures = sys.argv[1], sys.argv[2]
    return sys.argv[1], sys.argv[2], sys.argv[3]


def fixture(name):
    return os.path.join(_fixtures, name + ".so")


def binary_data(tmp, n, rng):
    """n rows of 3 standard-normal features with 0/1 labels (about 40% ones) drawn from rng,
    for the classifier fixtures, saved as tmp/b.npz; returns x, y and the --data spec."""
    x = rng.standard_normal((n, 3)).astype(np.float32)
    y = (rng.random(n) < 0.4).astype(np.int64)
    np.savez(os.path.join(tmp, "b.npz"), x=x, y=y)
    return x, y, "npz:" + os.path.join(tmp, "b.npz")


def run(*args, env=None):
    e = dict(os.environ)
    # Only the crash-in-checkpoint case may make dlc-run crash on purpose.
    e.pop("DLC_TEST_CRASH_IN_CHECKPOINT_WRITE", None)
    if env:
        e.update(env)
    return subprocess.run([_dlc_run, *args], capture_output=True, text=True, timeout=120, env=e)


def expect(cond, what):
    if not cond:
        failures.append(what)
    return cond


def expect_ok(r, label):
    return expect(r.returncode == 0, "%s: exit %d, stdout: %s\nstderr: %s" % (label, r.returncode, r.stdout, r.stderr))


def expect_error(r, label, fragment, code=1):
    """One 'dlc-run: error: ...' line on stderr containing fragment, and the exit code."""
    lines = r.stderr.splitlines()
    expect(r.returncode == code, "%s: exit %d, want %d (stderr: %s)" % (label, r.returncode, code, r.stderr))
    expect(len(lines) == 1 and lines[0].startswith("dlc-run: error: "),
           "%s: stderr is not one error line: %r" % (label, r.stderr))
    expect(fragment in r.stderr, "%s: %r not in stderr %r" % (label, fragment, r.stderr))


def run_case(namespace, case, prefix):
    """Runs namespace's case_<case>(tmp) in a fresh scratch directory, prints the failures
    and exits 1 if there were any."""
    cases = {name[5:]: fn for name, fn in namespace.items() if name.startswith("case_")}
    if case not in cases:
        sys.exit("unknown case %r (have: %s)" % (case, ", ".join(cases)))
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        cases[case](tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)
