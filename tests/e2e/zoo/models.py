"""The model zoo: networks as users write them in PyTorch, at small widths so that the whole
zoo trains on 2 cores in minutes. Each entry says how it is fed, what it is trained on and
with which optimizers; zoo_check.py compares dlc with PyTorch on it, export.py writes its
ONNX files.

Every model takes float or int64 inputs named like its forward's arguments and returns one
output `y` (the VAE returns `loss` and `recon`, its loss computed inside the graph). The
optimizers rotate across the zoo so that all seven, every loss and gradient clipping appear:
each model trains with momentum SGD, AdamW with weight decay and one more."""
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Opt:
    name: str  # sgd momentum nesterov adam adamw rmsprop adagrad
    lr: float
    wd: float = 0.0
    clip: float = 0.0


@dataclass
class Spec:
    build: Callable[[], nn.Module]
    # rng, batch -> {input name: array}, in the forward's argument order
    inputs: Callable[[np.random.Generator, int], Dict[str, np.ndarray]]
    loss: str  # mse l1 bce bce_logits cross_entropy nll, or "output" (--loss-output loss)
    optimizers: List[Opt]
    smoothing: float = 0.0
    reconstruct: bool = False  # the label is the input x
    batch: int = 8  # the training batch
    outputs: Tuple[str, ...] = ("y",)
    note: str = ""


def floats(*shape):
    return lambda rng, b: {"x": rng.standard_normal((b, *shape)).astype(np.float32)}


def images(*shape):  # in [-1, 1], as a Tanh generator produces
    return lambda rng, b: {"x": np.tanh(rng.standard_normal((b, *shape))).astype(np.float32)}


def tokens(vocab, seq):
    return lambda rng, b: {"x": rng.integers(0, vocab, (b, seq)).astype(np.int64)}


# ---- convolutional networks ------------------------------------------------------------

def conv_bn(cin, cout, k=3, stride=1, groups=1, act=nn.ReLU):
    """Conv (no bias: a batch norm follows, its exact gradient would be 0) -> BN -> act."""
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, act()) if act else nn.Sequential(*layers)


class BasicBlock(nn.Module):
    """ResNet-18's block: two 3x3 conv + BN, identity or 1x1 conv + BN shortcut."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(conv_bn(cin, cout, 3, stride), conv_bn(cout, cout, 3, 1, act=None))
        self.short = (nn.Sequential() if stride == 1 and cin == cout else
                      nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)))

    def forward(self, x):
        return F.relu(self.body(x) + self.short(x))


class ResNet18(nn.Module):
    """The CIFAR layout: 3x3 stem, four stages of two blocks, global pool, linear head."""

    def __init__(self, width=4, classes=10):
        super().__init__()
        w = [width, 2 * width, 4 * width, 8 * width]
        self.stem = conv_bn(3, w[0])
        blocks, cin = [], w[0]
        for i, c in enumerate(w):
            blocks += [BasicBlock(cin, c, 1 if i == 0 else 2), BasicBlock(c, c, 1)]
            cin = c
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(cin, classes)

    def forward(self, x):
        return self.head(torch.flatten(F.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1), 1))


def vgg11_bn(classes=10):
    """VGG-11 (configuration A) with batch norm, widths divided by 16."""
    cfg, layers, cin = [4, "M", 8, "M", 16, 16, "M", 32, 32, "M", 32, 32, "M"], [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(2))
        else:
            layers.append(conv_bn(cin, v))
            cin = v
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(32, 32), nn.ReLU(), nn.Dropout(0.0), nn.Linear(32, classes))


class InvertedResidual(nn.Module):
    """MobileNetV2: 1x1 expansion, depthwise 3x3, linear 1x1 bottleneck; residual at stride 1."""

    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = [conv_bn(cin, hidden, 1, act=nn.ReLU6)] if expand != 1 else []
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden, act=nn.ReLU6), conv_bn(hidden, cout, 1, act=None)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class MobileNetV2(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        # (expansion, channels, repeats, stride), torchvision's table at 1/4 width and 4 stages
        table, cin, layers = [(1, 4, 1, 1), (6, 8, 2, 2), (6, 8, 2, 2), (6, 16, 2, 2)], 8, []
        for t, c, n, s in table:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        self.features = nn.Sequential(conv_bn(3, 8, 3, 2, act=nn.ReLU6), *layers, conv_bn(cin, 32, 1, act=nn.ReLU6))
        self.head = nn.Sequential(nn.Dropout(0.0), nn.Linear(32, classes))

    def forward(self, x):
        return self.head(self.features(x).mean([2, 3]))


class Generator(nn.Module):
    """DCGAN: z -> Linear -> reshape -> (ConvTranspose2d + BN + ReLU) x 2 -> ConvTranspose2d -> Tanh."""

    def __init__(self, nz=8, ngf=8):
        super().__init__()
        self.ngf = ngf
        self.fc = nn.Linear(nz, 2 * ngf * 4 * 4)
        self.net = nn.Sequential(
            nn.BatchNorm2d(2 * ngf), nn.ReLU(),
            nn.ConvTranspose2d(2 * ngf, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(),
            nn.ConvTranspose2d(ngf, 1, 4, 2, 1), nn.Tanh())

    def forward(self, x):
        return self.net(self.fc(x).reshape(-1, 2 * self.ngf, 4, 4))


def discriminator(ndf=8):
    """DCGAN: strided conv + LeakyReLU, strided conv + BN + LeakyReLU, linear, Sigmoid."""
    return nn.Sequential(
        nn.Conv2d(1, ndf, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(ndf, 2 * ndf, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * ndf), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(2 * ndf * 4 * 4, 1), nn.Sigmoid())


def conv_autoencoder():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, 2, 1), nn.ReLU(), nn.Conv2d(8, 16, 3, 2, 1), nn.ReLU(),
        nn.ConvTranspose2d(16, 8, 3, 2, 1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(8, 1, 3, 2, 1, output_padding=1), nn.Tanh())


class ConvVAE(nn.Module):
    """Encoder to mean and log-variance heads, z = mu + exp(logvar / 2) * eps with eps an input
    (the noise drawn by the caller per step), decoder; loss = reconstruction MSE (summed per
    image) + KL(q(z|x) || N(0, 1)), averaged over the batch."""

    def __init__(self, nz=4):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 8, 3, 2, 1), nn.ReLU(), nn.Conv2d(8, 16, 3, 2, 1), nn.ReLU(), nn.Flatten())
        self.mu, self.logvar = nn.Linear(16 * 4 * 4, nz), nn.Linear(16 * 4 * 4, nz)
        self.dec_fc = nn.Linear(nz, 16 * 4 * 4)
        self.dec = nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(16, 8, 4, 2, 1), nn.ReLU(),
                                 nn.ConvTranspose2d(8, 1, 4, 2, 1), nn.Tanh())

    def forward(self, x, eps):
        h = self.enc(x)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * eps
        recon = self.dec(self.dec_fc(z).reshape(-1, 16, 4, 4))
        rec = ((recon - x) ** 2).sum([1, 2, 3]).mean()
        kl = (-0.5 * (1 + logvar - mu * mu - logvar.exp()).sum(1)).mean()
        return rec + kl, recon


class UNet(nn.Module):
    """Two levels down (conv + BN + ReLU, max pool), a bottleneck, up by nearest upsampling
    on one level and ConvTranspose2d on the other, skip concatenations; per-pixel logits."""

    def __init__(self, c=4):
        super().__init__()
        block = lambda i, o: nn.Sequential(conv_bn(i, o), conv_bn(o, o))
        self.d1, self.d2, self.mid = block(1, c), block(c, 2 * c), block(2 * c, 4 * c)
        self.up2 = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(4 * c, 2 * c, 1))
        self.u2 = block(4 * c, 2 * c)
        self.up1 = nn.ConvTranspose2d(2 * c, c, 2, 2)
        self.u1 = block(2 * c, c)
        self.out = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        s1 = self.d1(x)
        s2 = self.d2(F.max_pool2d(s1, 2))
        m = self.mid(F.max_pool2d(s2, 2))
        u2 = self.u2(torch.cat([self.up2(m), s2], 1))
        return self.out(self.u1(torch.cat([self.up1(u2), s1], 1)))


# ---- sequence models -------------------------------------------------------------------

SEQ, D_MODEL = 6, 16


class Encoder(nn.Module):
    """nn.TransformerEncoder over features, with a final LayerNorm, a key padding mask input
    (True = padding) and a masked mean pool before the linear head."""

    def __init__(self, layers, norm_first, activation, log_probs=False):
        super().__init__()
        layer = nn.TransformerEncoderLayer(D_MODEL, 4, 32, dropout=0.0, activation=activation, batch_first=True,
                                           norm_first=norm_first)
        self.enc = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(D_MODEL), enable_nested_tensor=False)
        self.head = nn.Linear(D_MODEL, 5)
        self.log_probs = log_probs

    def forward(self, x, mask):
        h = self.enc(x, src_key_padding_mask=mask)
        keep = (~mask).unsqueeze(-1).to(h.dtype)
        y = self.head((h * keep).sum(1) / keep.sum(1))
        return F.log_softmax(y, -1) if self.log_probs else y


def padded_features(rng, b):
    """x and a key padding mask that pads each sequence's last 0..SEQ-2 positions."""
    lengths = rng.integers(2, SEQ + 1, b)
    return {"x": rng.standard_normal((b, SEQ, D_MODEL)).astype(np.float32),
            "mask": np.arange(SEQ)[None, :] >= lengths[:, None]}


VOCAB = 24


class GPT(nn.Module):
    """A GPT-style block over token ids: token embedding + learned positions, pre-norm causal
    self-attention (the additive -inf mask is a buffer, as users register it) and MLP, final
    LayerNorm, and a head tied to the embedding. Per-token logits flattened to [B*T, V]."""

    def __init__(self, d=D_MODEL):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, d)
        self.pos = nn.Parameter(torch.randn(1, SEQ, d) * 0.1)
        self.ln1, self.ln2, self.ln_f = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.att = nn.MultiheadAttention(d, 4, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.register_buffer("causal", torch.triu(torch.full((SEQ, SEQ), float("-inf")), 1))

    def forward(self, x):
        h = self.tok(x) + self.pos
        a = self.ln1(h)
        h = h + self.att(a, a, a, attn_mask=self.causal, need_weights=False)[0]
        h = h + self.mlp(self.ln2(h))
        return (self.ln_f(h) @ self.tok.weight.t()).reshape(-1, VOCAB)


class Tagger(nn.Module):
    """Token ids -> embedding -> 2-layer bidirectional LSTM -> per-step tag logits [B*T, tags]."""

    def __init__(self, tags=5):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 8)
        self.rnn = nn.LSTM(8, 12, num_layers=2, bidirectional=True, batch_first=True)
        self.out = nn.Linear(24, tags)
        self.tags = tags

    def forward(self, x):
        return self.out(self.rnn(self.emb(x))[0]).reshape(-1, self.tags)


class GRULM(nn.Module):
    """A 2-layer GRU language model: next-token logits [B*T, V]."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 12)
        self.rnn = nn.GRU(12, 16, num_layers=2, batch_first=True)
        self.out = nn.Linear(16, VOCAB)

    def forward(self, x):
        return self.out(self.rnn(self.emb(x))[0]).reshape(-1, VOCAB)


def vae_inputs(rng, b):
    return {"x": np.tanh(rng.standard_normal((b, 1, 16, 16))).astype(np.float32),
            "eps": rng.standard_normal((b, 4)).astype(np.float32)}


ZOO: Dict[str, Spec] = {
    "resnet18": Spec(ResNet18, floats(3, 16, 16), "cross_entropy",
                     [Opt("momentum", 3e-3, 5e-4), Opt("adamw", 2e-3, 0.01), Opt("nesterov", 5e-3, 5e-4)]),
    "vgg11_bn": Spec(vgg11_bn, floats(3, 32, 32), "cross_entropy",
                     [Opt("momentum", 0.05), Opt("adamw", 1e-3, 0.05), Opt("nesterov", 0.02)], smoothing=0.1),
    "mobilenet_v2": Spec(MobileNetV2, floats(3, 32, 32), "cross_entropy",
                         [Opt("momentum", 5e-4, 4e-5), Opt("adamw", 2e-3, 0.01), Opt("adagrad", 1e-3, clip=1.0)]),
    "dcgan_generator": Spec(Generator, lambda rng, b: {"x": rng.standard_normal((b, 8)).astype(np.float32)}, "l1",
                            [Opt("momentum", 0.02), Opt("adamw", 2e-3, 0.01), Opt("adam", 2e-4)]),
    "dcgan_discriminator": Spec(discriminator, images(1, 16, 16), "bce",
                                [Opt("momentum", 0.02), Opt("adamw", 2e-3, 0.01), Opt("sgd", 0.05)]),
    "conv_autoencoder": Spec(conv_autoencoder, images(1, 16, 16), "mse",
                             [Opt("momentum", 0.05), Opt("adamw", 2e-3, 0.01), Opt("rmsprop", 1e-3)],
                             reconstruct=True),
    "conv_vae": Spec(ConvVAE, vae_inputs, "output",
                     [Opt("momentum", 1e-3), Opt("adamw", 2e-3, 0.01), Opt("adam", 1e-3, clip=5.0)],
                     outputs=("loss", "recon")),
    "unet": Spec(UNet, floats(1, 16, 16), "bce_logits",
                 [Opt("momentum", 0.05), Opt("adamw", 2e-3, 0.01), Opt("nesterov", 0.05, clip=0.05)]),
    "transformer2_postnorm_relu": Spec(lambda: Encoder(2, False, "relu"), padded_features, "cross_entropy",
                                       [Opt("momentum", 0.05), Opt("adamw", 5e-3, 0.01), Opt("adagrad", 0.05)]),
    "transformer4_prenorm_gelu": Spec(lambda: Encoder(4, True, "gelu", log_probs=True), padded_features, "nll",
                                      [Opt("momentum", 0.05), Opt("adamw", 5e-3, 0.01), Opt("rmsprop", 1e-3, clip=1.0)]),
    "gpt_causal": Spec(GPT, tokens(VOCAB, SEQ), "cross_entropy",
                       [Opt("momentum", 0.1), Opt("adamw", 5e-3, 0.01), Opt("adam", 3e-3, clip=1.0)]),
    "bilstm_tagger": Spec(Tagger, tokens(VOCAB, SEQ), "cross_entropy",
                          [Opt("momentum", 0.1), Opt("adamw", 5e-3, 0.01), Opt("nesterov", 0.1)]),
    "gru_lm": Spec(GRULM, tokens(VOCAB, SEQ), "cross_entropy",
                   [Opt("momentum", 0.1), Opt("adamw", 5e-3, 0.01), Opt("rmsprop", 2e-3)], smoothing=0.1),
}


def build(name):
    """The model with PyTorch's initial weights for seed 0."""
    torch.manual_seed(0)
    return ZOO[name].build()
