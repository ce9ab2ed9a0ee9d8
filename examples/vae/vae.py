#!/usr/bin/env python3
"""A convolutional variational autoencoder on Fashion-MNIST, trained by dlc from Python.

The graph computes the negative ELBO itself (Bernoulli reconstruction term from logits plus
the KL divergence of N(mu, sigma^2) from N(0, 1), per image, mean over the batch) and dlc
trains that output (`loss_output`). The reparameterization's noise eps is an input, drawn
in NumPy every step; a third input z is decoded into the third output, so that samples
from the prior come from the same artifact. Writes under OUT: reconstructions.png,
samples.png, losses.svg and results.json with the test ELBO (nats per image).

    PYTHONPATH=build/python .deps/pyvenv/bin/python examples/vae/vae.py [--epochs 3]
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

BATCH = 64
LATENT = 16


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
                                     nn.Flatten(), nn.Linear(64 * 7 * 7, 2 * LATENT))
        self.project = nn.Linear(LATENT, 64 * 7 * 7)
        self.decoder = nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
                                     nn.ConvTranspose2d(32, 1, 4, 2, 1))

    def decode(self, z):
        return self.decoder(self.project(z).reshape(-1, 64, 7, 7))  # logits

    def forward(self, x, eps, z):
        h = self.encoder(x)
        mu, logvar = h[:, :LATENT], h[:, LATENT:]
        logits = self.decode(mu + torch.exp(0.5 * logvar) * eps)
        # -log p(x | z): Bernoulli likelihood from logits, summed over the pixels.
        recon = (nn.functional.softplus(logits) - x * logits).sum((1, 2, 3))
        kl = -0.5 * (1 + logvar - mu * mu - torch.exp(logvar)).sum(1)
        return (recon + kl).mean(), torch.sigmoid(logits), torch.sigmoid(self.decode(z))


def main():
    a = example.arguments(__doc__, "vae", epochs=3)
    images, _ = fashion.load("train")
    test_images, _ = fashion.load("t10k")
    torch.manual_seed(0)
    start = time.time()
    inputs = (torch.zeros(BATCH, 1, 28, 28), torch.zeros(BATCH, LATENT), torch.zeros(BATCH, LATENT))
    s = dlc.load(dlc.from_torch(VAE(), inputs, os.path.join(a.out, "vae.so"),
                                output_names=["loss", "reconstruction", "sample"], train=True, loss_output="loss",
                                optimizer="adam", lr=1e-3, target=a.target))
    print(f"compiled in {time.time() - start:.1f} s")
    rng = np.random.default_rng(0)
    noise = lambda: rng.standard_normal((BATCH, LATENT)).astype(np.float32)
    zeros = np.zeros((BATCH, LATENT), np.float32)

    def test_elbo():
        return -example.batch_mean(len(test_images), BATCH, lambda i: s.eval_step(
            x=test_images[i:i + BATCH], eps=noise(), z=zeros)["loss"])

    losses, history = [], []
    initial = test_elbo()
    for epoch, batches in example.epochs(len(images), BATCH, a):
        start = time.time()
        for idx in batches:
            losses.append(s.train_step(x=images[idx], eps=noise(), z=zeros))
        history.append(test_elbo())
        print(f"epoch {epoch}: {len(batches)} steps in {time.time() - start:.1f} s, train -ELBO "
              f"{np.mean(losses[-len(batches):]):.2f}, test ELBO {history[-1]:.2f} nats", flush=True)

    out = s.infer(x=test_images[:BATCH], eps=zeros, z=noise())  # reconstructions of the mean code
    write_png(os.path.join(a.out, "reconstructions.png"),
              grid(np.concatenate([test_images[:16], out["reconstruction"][:16]]), 16))
    write_png(os.path.join(a.out, "samples.png"), grid(out["sample"], 8))
    xs = np.arange(1, len(losses) + 1)
    dlc.plot_lines(os.path.join(a.out, "losses.svg"), {"train": (xs, losses)},
                   title="Convolutional VAE on Fashion-MNIST (dlc)", ylabel="-ELBO (nats per image)")
    results = {"steps": len(losses), "test_elbo_untrained": initial, "test_elbo_per_epoch": history}
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(json.dumps(results))
    if not history[-1] > initial:
        sys.exit("the test ELBO did not rise")


if __name__ == "__main__":
    main()
