#!/usr/bin/env python3
"""A convolutional autoencoder on Fashion-MNIST, trained by dlc from Python: the image is
its own label (mean squared error). Writes under OUT: reconstructions.png (test images
above, their reconstructions below), losses.svg and results.json with the test
reconstruction loss.

    PYTHONPATH=build/python .deps/pyvenv/bin/python examples/autoencoder/autoencoder.py [--epochs 3]
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


class Autoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(),
                                     nn.Conv2d(32, 8, 3, 1, 1))  # the code: 8 x 7 x 7
        self.decoder = nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(8, 32, 3, 1, 1), nn.ReLU(),
                                     nn.ConvTranspose2d(32, 16, 3, 2, 1, output_padding=1), nn.ReLU(),
                                     nn.ConvTranspose2d(16, 1, 3, 2, 1, output_padding=1), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


def main():
    a = example.arguments(__doc__, "autoencoder", epochs=3)
    images, _ = fashion.load("train")
    test_images, _ = fashion.load("t10k")
    torch.manual_seed(0)
    start = time.time()
    s = dlc.load(dlc.from_torch(Autoencoder(), torch.zeros(BATCH, 1, 28, 28), os.path.join(a.out, "autoencoder.so"),
                                train=True, loss="mse", optimizer="adam", lr=2e-3, target=a.target))
    print(f"compiled in {time.time() - start:.1f} s")

    def test_loss():
        return example.batch_mean(len(test_images), BATCH, lambda i: s.eval_step(
            x=test_images[i:i + BATCH], label=test_images[i:i + BATCH])["loss"])

    losses, history = [], []
    initial = test_loss()
    for epoch, batches in example.epochs(len(images), BATCH, a):
        start = time.time()
        for idx in batches:
            losses.append(s.train_step(x=images[idx], label=images[idx]))  # the input is its own label
        history.append(test_loss())
        print(f"epoch {epoch}: {len(batches)} steps in {time.time() - start:.1f} s, train loss "
              f"{np.mean(losses[-len(batches):]):.5f}, test loss {history[-1]:.5f}", flush=True)

    originals = test_images[:BATCH]
    recon = s.infer(x=originals)["output"]
    write_png(os.path.join(a.out, "reconstructions.png"), grid(np.concatenate([originals[:16], recon[:16]]), 16))
    xs = np.arange(1, len(losses) + 1)
    dlc.plot_lines(os.path.join(a.out, "losses.svg"), {"train (per step)": (xs, losses)},
                   title="Convolutional autoencoder on Fashion-MNIST (dlc)", ylabel="mean squared error", log_y=True)
    results = {"steps": len(losses), "test_mse_untrained": initial, "test_mse_per_epoch": history}
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(json.dumps(results))
    if not history[-1] < initial:
        sys.exit("the test reconstruction loss did not fall")


if __name__ == "__main__":
    main()
