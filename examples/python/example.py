"""What the Fashion-MNIST example scripts share: their command line, their output folder
and the order of their batches."""
import argparse
import math
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def arguments(doc, name, epochs, extra=()):
    """--epochs (default `epochs`), --steps (0: all epochs), --out (out/NAME, created),
    --target (cpu or cuda) and `extra` flags as (flag, type, default, help); returns the parsed arguments."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=epochs)
    p.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: all epochs)")
    p.add_argument("--out", default=os.path.join(ROOT, "out", name))
    p.add_argument("--target", default="cpu", choices=["cpu", "cuda"], help="where the artifacts run")
    for flag, kind, default, text in extra:
        p.add_argument(flag, type=kind, default=default, help=text)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    return a


def epochs(samples, batch, args, seed=0):
    """The run's batches, epoch by epoch: yields (epoch number, [index array per step]),
    each epoch a seeded permutation cut into full batches; args.steps steps when set,
    else args.epochs epochs."""
    rng = np.random.default_rng(seed)
    per_epoch = samples // batch
    total = args.steps or args.epochs * per_epoch
    done, epoch = 0, 0
    while done < total:
        order = rng.permutation(samples)
        n = min(per_epoch, total - done)
        epoch += 1
        yield epoch, [order[i * batch:(i + 1) * batch] for i in range(n)]
        done += n


def total_steps(samples, batch, args):
    return args.steps or args.epochs * (samples // batch)


def batch_mean(samples, batch, fn):
    """The mean of fn(start) over the full batches [start, start + batch) of `samples`
    (a test set's loss or accuracy through an entry point of fixed batch size)."""
    return float(np.mean([fn(i) for i in range(0, samples // batch * batch, batch)]))


def cosine_lr(base, step, total):
    """The cosine schedule: base * (1 + cos(pi * step / total)) / 2, as dlc-run's cosine."""
    return base * 0.5 * (1 + math.cos(math.pi * step / total))
