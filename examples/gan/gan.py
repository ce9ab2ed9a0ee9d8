#!/usr/bin/env python3
"""DCGAN on Fashion-MNIST, trained by dlc from Python.

The generator G and the discriminator D are PyTorch modules with PyTorch's initial
weights, exported to ONNX and compiled by dlc into three artifacts:
  d_step.so  loss = mean softplus(-D(x)) + mean softplus(D(G(z))), G frozen (--freeze ^gen.)
  g_step.so  loss = mean softplus(-D(G(z))) (the non-saturating loss), D frozen (^disc.)
  sample.so  G alone, for samples
and the parameters are shared, not copied (Session.bind): d_step reads G from g_step,
g_step reads D from d_step, sample reads G from g_step. Each iteration is one D update on
a real and a generated batch and one G update through D.

Quality: a Fashion-MNIST classifier, trained by dlc here, embeds images (its penultimate
layer); the Frechet distance between the embeddings of generated samples and of test
images, next to the distance of real training images (the floor) and of the samples of
the untrained G. Writes under OUT: samples_epochN.png, losses.svg, quality.json.

    PYTHONPATH=build/python .deps/pyvenv/bin/python examples/gan/gan.py [--epochs 2] [--steps N]
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import dlc  # noqa: E402
import example  # noqa: E402
import fashion  # noqa: E402
from images import grid, write_png  # noqa: E402

Z = 64
BATCH = 64


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(Z, 128, 7, 1, 0, bias=False), nn.BatchNorm2d(128), nn.ReLU(),
            nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
            nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())

    def forward(self, z):
        return self.net(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(128 * 7 * 7, 1))

    def forward(self, x):
        return self.net(x)  # a logit


class DStep(nn.Module):
    def __init__(self, gen, disc):
        super().__init__()
        self.gen, self.disc = gen, disc

    def forward(self, x, z):
        sp = nn.functional.softplus
        return sp(-self.disc(x)).mean() + sp(self.disc(self.gen(z))).mean()


class GStep(nn.Module):
    def __init__(self, gen, disc):
        super().__init__()
        self.gen, self.disc = gen, disc

    def forward(self, z):
        return nn.functional.softplus(-self.disc(self.gen(z))).mean()


class Classifier(nn.Module):
    """LeNet-like; the second output is the embedding the Frechet distance uses."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                      nn.Linear(32 * 5 * 5, 64), nn.ReLU())
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        f = self.features(x)
        return self.head(f), f


def frechet(a, b):
    """Frechet distance between Gaussians fitted to the rows of a and b."""
    mu = a.mean(0) - b.mean(0)
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # tr sqrt(ca cb) = sum sqrt(eig(sqrt(ca) cb sqrt(ca))), all symmetric.
    w, v = np.linalg.eigh(ca)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = np.linalg.eigvalsh(root @ cb @ root)
    return float(mu @ mu + np.trace(ca) + np.trace(cb) - 2 * np.sqrt(np.clip(m, 0, None)).sum())


def train_classifier(out, images, labels, steps, target):
    """Cross-entropy with momentum on [-1, 1] images; returns an embed(images) function."""
    torch.manual_seed(1)
    path = dlc.from_torch(Classifier(), torch.zeros(BATCH, 1, 28, 28), os.path.join(out, "classifier.so"),
                          output_names=["logits", "features"], train=True, loss="cross_entropy",
                          optimizer="momentum", lr=0.05, target=target)
    s = dlc.load(path)
    rng = np.random.default_rng(1)
    for i in range(steps):
        idx = rng.integers(0, len(images), BATCH)
        s.train_step(x=images[idx], label=labels[idx])

    def embed(x):
        feats, logits = [], []
        for i in range(0, len(x) - BATCH + 1, BATCH):
            o = s.infer(x=x[i:i + BATCH])
            feats.append(o["features"])
            logits.append(o["logits"])
        return np.concatenate(feats), np.concatenate(logits)
    return embed


def main():
    a = example.arguments(__doc__, "gan", epochs=2, extra=[
        ("--classifier-steps", int, 1500, "steps of the classifier the quality figure uses")])
    images, labels = fashion.load("train")
    test_images, _ = fashion.load("t10k")
    images, test_images = images * 2 - 1, test_images * 2 - 1  # G's tanh range

    torch.manual_seed(0)
    gen, disc = Generator(), Discriminator()
    start = time.time()
    # (--target cuda stops at bind: CUDA artifacts keep their parameters in device memory,
    # which two artifacts cannot share yet.)
    adam = dict(optimizer="adam", lr=2e-4, beta1=0.5, beta2=0.999, train=True, loss_output="output", target=a.target)
    x0, z0 = torch.zeros(BATCH, 1, 28, 28), torch.zeros(BATCH, Z, 1, 1)
    d_step = dlc.load(dlc.from_torch(DStep(gen, disc), (x0, z0), os.path.join(a.out, "d_step.so"),
                                     freeze=r"^gen\.", **adam))
    g_step = dlc.load(dlc.from_torch(GStep(gen, disc), (z0,), os.path.join(a.out, "g_step.so"),
                                     freeze=r"^disc\.", **adam))
    sample = dlc.load(dlc.from_torch(gen, (z0,), os.path.join(a.out, "sample.so"), target=a.target))
    print(f"compiled d_step, g_step and sample in {time.time() - start:.1f} s")

    # One copy of each network's state: G lives in g_step, D in d_step.
    names = lambda s, prefix: [p.name for p in s.parameters if p.name.startswith(prefix) and "/" not in p.name]
    d_step.bind(g_step, names(d_step, "gen."))
    g_step.bind(d_step, names(g_step, "disc."))
    sample.bind(g_step, {p.name: "gen." + p.name for p in sample.parameters})

    rng = np.random.default_rng(0)
    noise = lambda n: rng.standard_normal((n, Z, 1, 1)).astype(np.float32)
    fixed = noise(BATCH)
    embed = train_classifier(a.out, images, labels, a.classifier_steps, a.target)

    def samples(n):
        return np.concatenate([sample.infer(z=noise(BATCH))["output"] for _ in range(n // BATCH)])

    real_f, real_logits = embed(test_images[:2048])
    untrained_fd = frechet(embed(samples(2048))[0], real_f)
    d_losses, g_losses = [], []
    for epoch, batches in example.epochs(len(images), BATCH, a):
        start = time.time()
        for idx in batches:
            d_losses.append(d_step.train_step(x=images[idx], z=noise(BATCH)))
            g_losses.append(g_step.train_step(z=noise(BATCH)))
        n = len(batches)
        write_png(os.path.join(a.out, f"samples_epoch{epoch}.png"),
                  grid((sample.infer(z=fixed)["output"] + 1) / 2))
        print(f"epoch {epoch}: {n} iterations in {time.time() - start:.1f} s, D loss {np.mean(d_losses[-n:]):.3f}, "
              f"G loss {np.mean(g_losses[-n:]):.3f}", flush=True)

    xs = list(range(1, len(d_losses) + 1))
    smooth = lambda v: np.convolve(v, np.ones(20) / 20, mode="valid") if len(v) >= 20 else np.asarray(v)
    dlc.plot_lines(os.path.join(a.out, "losses.svg"),
                   {"D": (xs[len(xs) - len(smooth(d_losses)):], smooth(d_losses)),
                    "G": (xs[len(xs) - len(smooth(g_losses)):], smooth(g_losses))},
                   title="DCGAN on Fashion-MNIST (dlc)", subtitle="mean of 20 iterations", xlabel="iteration")
    gen_f, gen_logits = embed(samples(2048))
    probs = np.exp(gen_logits - gen_logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    quality = {
        "iterations": len(d_losses),
        "frechet_distance_generated_vs_test": frechet(gen_f, real_f),
        "frechet_distance_untrained_generator_vs_test": untrained_fd,
        "frechet_distance_train_vs_test": frechet(embed(images[:2048])[0], real_f),
        "confidently_classified_fraction": float((probs.max(1) > 0.9).mean()),
        "class_histogram": np.bincount(probs.argmax(1), minlength=10).tolist(),
        "classifier_test_accuracy": float((real_logits.argmax(1) ==
                                           fashion.load("t10k")[1][:len(real_logits)]).mean()),
    }
    with open(os.path.join(a.out, "quality.json"), "w") as f:
        json.dump(quality, f, indent=1)
    print(json.dumps(quality))
    if not quality["frechet_distance_generated_vs_test"] < untrained_fd:
        sys.exit("the generator did not get closer to the data")


if __name__ == "__main__":
    main()
