"""dlc-run's SVG charts (--plot-dir of train and eval), read back the way a person reads
them: parsed with xml.etree (so a malformed file fails), each axis mapped from its tick
labels' values and positions, and the drawn points compared with the numbers they stand
for: the per-step JSON log and the epoch lines of train, sklearn's precision-recall curve
and average precision, a NumPy confusion matrix.

usage: dlc_run_plot_test.py DLC_RUN FIXTURE_DIR CASE
CASE is one of the functions named case_* below.
"""
import json
import os
import re
import xml.etree.ElementTree as ET

import numpy as np

from dlc_run_harness import binary_data, expect, expect_error, expect_ok, fixture, run, run_case, start

DLC_RUN, FIXTURES, CASE = start("dlc_run_plot_test.py")
SVG = "{http://www.w3.org/2000/svg}"


# --- Reading the charts.

def by_class(node, tag, cls):
    return [e for e in node.iter(SVG + tag) if e.get("class") == cls]


def read_svg(path, label):
    """The root element, or None (and a failure) when the file is missing or malformed."""
    if not expect(os.path.isfile(path), "%s: %s was not written" % (label, path)):
        return None
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        expect(False, "%s: %s is not well-formed XML: %s" % (label, path, e))
        return None
    expect(root.tag == SVG + "svg", "%s: root element %r" % (label, root.tag))
    return root


class Panel:
    """One chart: maps pixels back to data through its tick labels."""

    def __init__(self, g):
        self.g = g
        self.title = by_class(g, "text", "title")[0].text
        sub = by_class(g, "text", "subtitle")
        self.subtitle = sub[0].text if sub else ""
        ylabel = by_class(g, "text", "ylabel")[0].text
        self.y_log = "(log scale)" in ylabel
        self.x_map = self._axis(by_class(g, "text", "xtick"), "x", False)
        self.y_map = self._axis(by_class(g, "text", "ytick"), "y", self.y_log)

    @staticmethod
    def _axis(ticks, attr, log):
        vals = [float(t.text) for t in ticks]
        pos = [float(t.get(attr)) for t in ticks]
        f = np.log10 if log else (lambda v: v)
        a, b = f(vals[0]), f(vals[-1])
        scale = (b - a) / (pos[-1] - pos[0])
        # Tick positions and points are written to 0.01 px.
        tol = 0.02 * abs(scale)
        to_data = (lambda p: 10 ** (a + (p - pos[0]) * scale)) if log else (lambda p: a + (p - pos[0]) * scale)
        return to_data, tol, f

    def series(self, label):
        """The (x, y) data of every polyline vertex of the series, and its markers."""
        groups = [s for s in by_class(self.g, "g", "series") if s.get("data-label") == label]
        if len(groups) != 1:
            return None, None
        line = []
        for pl in groups[0].iter(SVG + "polyline"):
            pts = [tuple(float(v) for v in p.split(",")) for p in pl.get("points").split()]
            line.append([(self.x_map[0](x), self.y_map[0](y)) for x, y in pts])
        dots = [(self.x_map[0](float(c.get("cx"))), self.y_map[0](float(c.get("cy"))))
                for c in groups[0].iter(SVG + "circle")]
        return line, dots

    def close(self, got, want):
        """Drawn data points (x, y) equal the wanted ones up to the pixel rounding."""
        if len(got) != len(want):
            return False
        fy = self.y_map[2]
        return all(abs(gx - wx) <= self.x_map[1] and abs(fy(gy) - fy(wy)) <= self.y_map[1]
                   for (gx, gy), (wx, wy) in zip(got, want))


def panels(root):
    return [Panel(g) for g in root.iter(SVG + "g") if g.get("class") == "panel"]


# --- The classifier fixtures' arithmetic (classifier.c: y = x w + b), for references.

def classifier_logits(x, c):
    d = x.shape[1]
    w = np.array([[((7 * i + 3 * j) % 5 - 2) * 0.5 for j in range(c)] for i in range(d)], np.float32)
    b = np.array([np.float32(j * 0.25) - np.float32(0.1) for j in range(c)], np.float32)
    z = (x.astype(np.float64) @ w.astype(np.float64) + b.astype(np.float64)).astype(np.float32)
    return z if c > 1 else z[:, 0]


def blobs(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    centers = np.array([[2.0, 0.0, -1.0], [-2.0, 1.5, 0.0], [0.0, -2.0, 2.0]])
    return (centers[y] + 0.6 * rng.standard_normal((n, 3))).astype(np.float32), y.astype(np.int64)


def read_log(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


# --- Cases.

def check_loss_chart(label, root, log, evals, epochs, steps_per_epoch):
    ps = panels(root)
    if not expect(len(ps) == (2 if evals and evals[0][2] is not None else 1), "%s: %d panels" % (label, len(ps))):
        return
    p = ps[0]
    line, _ = p.series("train loss (per step)")
    if not expect(line is not None and len(line) == 1, "%s: per-step loss series %r" % (label, line)):
        return
    want = [(r["step"], r["loss"]) for r in log]
    expect(p.close(line[0], want), "%s: per-step loss drawn at %r, want %r" % (label, line[0][:5], want[:5]))
    # Epoch means: computed here from the log.
    losses = np.array([r["loss"] for r in log], np.float64)
    means = [((e + 1) * steps_per_epoch, losses[e * steps_per_epoch:(e + 1) * steps_per_epoch].mean())
             for e in range(epochs)]
    _, dots = p.series("train loss (epoch mean)")
    expect(dots is not None and p.close(dots, means), "%s: epoch means drawn at %r, want %r" % (label, dots, means))
    if evals:
        _, dots = p.series("eval loss")
        want = [((i + 1) * steps_per_epoch, v[1]) for i, v in enumerate(evals)]
        # The epoch lines print 4 decimals; on a log axis the pixel tolerance is relative.
        def near(gy, wy):
            if p.y_log:
                return abs(gy - wy) <= 6e-5 + wy * (10 ** p.y_map[1] - 1)
            return abs(gy - wy) <= 6e-5 + p.y_map[1]
        ok = dots is not None and len(dots) == len(want) and all(
            abs(gx - wx) <= p.x_map[1] and near(gy, wy) for (gx, gy), (wx, wy) in zip(dots, want))
        expect(ok, "%s: eval loss drawn at %r, want %r" % (label, dots, want))
    if len(ps) == 2:
        a = ps[1]
        _, dots = a.series("eval accuracy")
        want = [((i + 1) * steps_per_epoch, v[2]) for i, v in enumerate(evals)]
        expect(dots is not None and a.close(dots, want), "%s: accuracy drawn at %r, want %r" % (label, dots, want))
        # Both panels share the step axis.
        expect(all(abs(a.x_map[0](px) - p.x_map[0](px)) <= p.x_map[1] for px in (100.0, 400.0)),
               "%s: the panels' step axes differ" % label)


def case_train_plot(tmp):
    """Softmax regression with --eval-data: loss.svg draws the logged per-step losses,
    their epoch means, the eval loss and accuracy of every epoch."""
    x, y = blobs(48, 1)
    xt, yt = blobs(30, 2)
    np.savez(os.path.join(tmp, "train.npz"), x=x, label=y)
    np.savez(os.path.join(tmp, "test.npz"), x=xt, label=yt)
    log, plots = os.path.join(tmp, "l.jsonl"), os.path.join(tmp, "runs", "a")  # created by dlc-run
    r = run("train", fixture("softmax"), "--data", "npz:" + os.path.join(tmp, "train.npz"), "--epochs", "3",
            "--lr", "0.5", "--eval-data", "npz:" + os.path.join(tmp, "test.npz"), "--log", log, "--plot-dir", plots)
    if not expect_ok(r, "train --plot-dir"):
        return
    expect("loss curve: %s/loss.svg" % plots in r.stdout, "train: no 'loss curve' line in %r" % r.stdout)
    evals = [(int(e), float(l), float(a)) for e, l, a in
             re.findall(r"^epoch (\d)/3  eval: loss (\S+)  accuracy (\S+)", r.stdout, re.M)]
    expect(len(evals) == 3, "train: eval lines in %r" % r.stdout)
    root = read_svg(os.path.join(plots, "loss.svg"), "train")
    if root is not None:
        check_loss_chart("train", root, read_log(log), evals, 3, 12)
        expect(not [f for f in os.listdir(plots) if ".tmp." in f], "train: a temporary file is left")


def case_train_plot_regression(tmp):
    """Linear regression whose loss falls by orders of magnitude: a log axis, still exact;
    no accuracy panel; a resumed run draws the steps before its checkpoint from the log."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 3)).astype(np.float32)
    t = (x.astype(np.float64) @ [3.0, -4.0, 2.5] + 5).astype(np.float32)
    np.savez(os.path.join(tmp, "d.npz"), x=x, target=t)
    spec = "npz:" + os.path.join(tmp, "d.npz")
    log, ck, plots = os.path.join(tmp, "l.jsonl"), os.path.join(tmp, "c.safetensors"), os.path.join(tmp, "p")
    r = run("train", fixture("linreg"), "--data", spec, "--epochs", "4", "--lr", "0.1", "--log", log,
            "--checkpoint", ck, "--plot-dir", plots)
    if not expect_ok(r, "train linreg"):
        return
    full = read_log(log)
    root = read_svg(os.path.join(plots, "loss.svg"), "linreg")
    if root is not None:
        ps = panels(root)
        expect(len(ps) == 1 and ps[0].y_log, "linreg: want one panel with a log loss axis")
        losses = [r["loss"] for r in full]
        expect(max(losses) / min(losses) > 100, "linreg: the loss fell only from %r to %r" % (max(losses), min(losses)))
        check_loss_chart("linreg", root, full, [], 4, 10)

    # Resume from a checkpoint at step 20 (epoch 2) to epoch 4: the whole curve again.
    os.remove(os.path.join(plots, "loss.svg"))
    r = run("train", fixture("linreg"), "--data", spec, "--epochs", "2", "--lr", "0.1", "--log", log,
            "--checkpoint", ck)
    if not expect_ok(r, "train linreg 2 epochs"):
        return
    r = run("train", fixture("linreg"), "--data", spec, "--epochs", "4", "--resume", ck, "--log", log,
            "--plot-dir", plots)
    if not expect_ok(r, "train linreg --resume"):
        return
    root = read_svg(os.path.join(plots, "loss.svg"), "linreg resumed")
    if root is not None:
        p = panels(root)[0]
        line, _ = p.series("train loss (per step)")
        want = [(r["step"], r["loss"]) for r in read_log(log)]
        expect(len(want) == 40 and line and p.close(line[0], want),
               "resumed: per-step loss drawn %r, want %r" % (line and line[0][:3], want[:3]))
        _, dots = p.series("train loss (epoch mean)")
        expect(dots is not None and [round(d[0]) for d in dots] == [30, 40],
               "resumed: epoch means only for the epochs this run did: %r" % dots)


def case_eval_plots(tmp):
    """Binary classifier: pr_curve.svg with sklearn's curve as steps and its average
    precision in the title, confusion_matrix.svg with NumPy's counts; multi-class: only
    the confusion matrix; regression: no chart."""
    from sklearn.metrics import average_precision_score, precision_recall_curve
    n = 29
    rng = np.random.default_rng(3)
    x, y, spec = binary_data(tmp, n, rng)
    for name, cols in (("classifier_binary", 1), ("classifier_two", 2)):
        plots = os.path.join(tmp, name)
        r = run("eval", fixture(name), "--data", spec, "--plot-dir", plots)
        if not expect_ok(r, "eval " + name):
            continue
        for f in ("pr_curve.svg", "confusion_matrix.svg"):
            expect("  plot      %s/%s" % (plots, f) in r.stdout, "eval %s: no plot line for %s in %r" % (name, f, r.stdout))
        z = classifier_logits(x, cols).astype(np.float64)
        margin = z if cols == 1 else z[:, 1] - z[:, 0]
        ap = average_precision_score(y, margin)
        prec, rec, _ = precision_recall_curve(y, margin)
        root = read_svg(os.path.join(plots, "pr_curve.svg"), "eval " + name)
        if root is not None:
            p = panels(root)[0]
            expect(p.title == "Precision-recall curve (AP = %.4f)" % ap, "eval %s: title %r, AP %r" % (name, p.title, ap))
            line, _ = p.series("model (AP %.4f)" % ap)
            # sklearn's points from recall 0 up, drawn as steps: y_i holds on (r_(i-1), r_i].
            pts = list(zip(rec[::-1], prec[::-1]))
            want = [pts[0]]
            for (r0, _), (r1, p1) in zip(pts, pts[1:]):
                want += [(r0, p1), (r1, p1)]
            expect(line is not None and len(line) == 1 and p.close(line[0], want),
                   "eval %s: PR curve drawn %r, want %r" % (name, line, want))
            rate = y.mean()
            line, _ = p.series("no skill (positive rate %.3f)" % rate)
            expect(line is not None and p.close(line[0], [(0, rate), (1, rate)]), "eval %s: no-skill line %r" % (name, line))
        root = read_svg(os.path.join(plots, "confusion_matrix.svg"), "eval " + name)
        if root is not None:
            pred = (margin > 0).astype(np.int64)
            cm = np.zeros((2, 2), np.int64)
            np.add.at(cm, (y, pred), 1)
            cells = {(int(c.get("data-row")), int(c.get("data-col"))) for c in by_class(root, "rect", "cell")}
            counts = [int(t.text) for t in by_class(root, "text", "count")]
            expect(cells == {(i, j) for i in range(2) for j in range(2)} and counts == cm.ravel().tolist(),
                   "eval %s: confusion cells %r counts %r, want %r" % (name, cells, counts, cm.tolist()))
            expect("accuracy %.4f" % np.mean(pred == y) in by_class(root, "text", "title")[0].text,
                   "eval %s: confusion title" % name)

    # Three classes: the confusion matrix, no PR curve.
    xs, ys = blobs(26, 5)
    np.savez(os.path.join(tmp, "m.npz"), x=xs, label=ys)
    plots = os.path.join(tmp, "multi")
    r = run("eval", fixture("classifier"), "--data", "npz:" + os.path.join(tmp, "m.npz"), "--plot-dir", plots)
    if expect_ok(r, "eval multi-class"):
        expect(sorted(os.listdir(plots)) == ["confusion_matrix.svg"], "multi-class: wrote %r" % os.listdir(plots))
        root = read_svg(os.path.join(plots, "confusion_matrix.svg"), "multi-class")
        if root is not None:
            cm = np.zeros((3, 3), np.int64)
            np.add.at(cm, (ys, classifier_logits(xs, 3).argmax(1)), 1)
            counts = [int(t.text) for t in by_class(root, "text", "count")]
            expect(counts == cm.ravel().tolist(), "multi-class: counts %r, want %r" % (counts, cm.tolist()))

    # Float targets: a regression, nothing to draw, and it says so.
    np.savez(os.path.join(tmp, "r.npz"), x=x, y=rng.standard_normal(n).astype(np.float32))
    plots = os.path.join(tmp, "reg")
    r = run("eval", fixture("classifier_binary"), "--data", "npz:" + os.path.join(tmp, "r.npz"), "--plot-dir", plots)
    if expect_ok(r, "eval regression"):
        expect("plot      none" in r.stdout and os.listdir(plots) == [], "regression: %r, %r" % (r.stdout, os.listdir(plots)))


def case_plot_errors(tmp):
    """A --plot-dir that cannot be made fails before any work, with one clear line."""
    open(os.path.join(tmp, "file"), "w").close()
    x, y = blobs(12, 1)
    np.savez(os.path.join(tmp, "d.npz"), x=x, label=y)
    spec = "npz:" + os.path.join(tmp, "d.npz")
    bad = os.path.join(tmp, "file", "plots")
    log, m = os.path.join(tmp, "l.jsonl"), os.path.join(tmp, "m.json")
    expect_error(run("train", fixture("softmax"), "--data", spec, "--steps", "2", "--log", log, "--plot-dir", bad),
                 "train into a file", "train: cannot create the plot directory '%s'" % bad)
    expect(not os.path.exists(log), "train: ran before failing on --plot-dir")
    expect_error(run("eval", fixture("classifier"), "--data", spec, "--metrics", m, "--plot-dir", bad),
                 "eval into a file", "eval: cannot create the plot directory '%s'" % bad)
    expect(not os.path.exists(m), "eval: ran before failing on --plot-dir")
    expect_error(run("eval", fixture("classifier"), "--data", spec, "--plot-dir", ""),
                 "empty --plot-dir", "--plot-dir needs a directory")
    if os.geteuid() != 0:  # root writes anywhere
        ro = os.path.join(tmp, "ro")
        os.mkdir(ro, 0o555)
        expect_error(run("eval", fixture("classifier"), "--data", spec, "--plot-dir", ro),
                     "read-only --plot-dir", "cannot write into the plot directory")


run_case(globals(), CASE, "dlc-run-plot-test-")
