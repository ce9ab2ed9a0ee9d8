"""Parity with PyTorch through the Python API: a CNN and a transformer encoder, inference
and 20 train steps against torch.optim on the same batches; dlc.from_torch."""
import copy
import sys

import numpy as np
import pytest
import torch
import torch.nn as nn

import dlc
from conftest import export, relerr

STEPS = 20


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(6, 12, 3), nn.ReLU(), nn.AvgPool2d(2))
        self.head = nn.Linear(12 * 3 * 3, 10)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, activation="gelu", batch_first=True)
        self.head = nn.Linear(16, 5)

    def forward(self, x):
        return self.head(self.enc(x).mean(1))


CASES = {
    # name: (module, input shape, classes, dlc optimizer keywords, torch optimizer)
    "cnn": (CNN, (16, 1, 16, 16), 10, dict(optimizer="momentum", lr=0.05, momentum=0.9, weight_decay=1e-3),
            lambda p: torch.optim.SGD(p, 0.05, momentum=0.9, weight_decay=1e-3)),
    "transformer": (Encoder, (8, 6, 16), 5, dict(optimizer="adam", lr=1e-3),
                    lambda p: torch.optim.Adam(p, 1e-3)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_inference_and_training_match_pytorch(name, tmp_path):
    make, shape, classes, opt, torch_opt = CASES[name]
    torch.manual_seed(0)
    net = make()
    rng = np.random.default_rng(1)
    x0 = rng.standard_normal(shape).astype(np.float32)

    infer = dlc.load(dlc.compile(export(copy.deepcopy(net).eval(), torch.from_numpy(x0), str(tmp_path / "i.onnx")),
                                 tmp_path / "i.so"))
    with torch.no_grad():
        ref = net.eval()(torch.from_numpy(x0)).numpy()
    assert relerr(infer.infer(x=x0)["y"], ref) < 1e-4

    net.train()
    s = dlc.load(dlc.compile(export(copy.deepcopy(net), torch.from_numpy(x0), str(tmp_path / "t.onnx"), training=True),
                             tmp_path / "t.so", train=True, loss="cross_entropy", **opt))
    optimizer = torch_opt(net.parameters())
    for step in range(STEPS):
        x = rng.standard_normal(shape).astype(np.float32)
        y = rng.integers(0, classes, shape[0]).astype(np.int64)
        loss = s.train_step(x=x, label=y)
        optimizer.zero_grad()
        ref_loss = nn.functional.cross_entropy(net(torch.from_numpy(x)), torch.from_numpy(y))
        ref_loss.backward()
        optimizer.step()
        assert loss == pytest.approx(ref_loss.item(), rel=1e-4), f"step {step}"
    for pname, p in net.named_parameters():
        got, ref = s.params[pname], p.detach().numpy()
        if pname.endswith("in_proj_bias"):
            # The key bias has no gradient (softmax ignores a shift of every key's score for a
            # query) but rounding noise, which Adam scales to full steps: compare q and v.
            d = ref.shape[0] // 3
            got, ref = np.concatenate([got[:d], got[2 * d:]]), np.concatenate([ref[:d], ref[2 * d:]])
        assert relerr(got, ref) < 1e-3, pname


def test_from_torch(tmp_path):
    torch.manual_seed(0)

    class TwoInputs(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 2)

        def forward(self, image, bias):
            return self.fc(image) + bias

    net = TwoInputs()
    a, b = torch.randn(4, 3), torch.randn(4, 2)
    s = dlc.load(dlc.from_torch(net, (a, b), tmp_path / "two.so"))
    assert [t.name for t in s.inputs] == ["image", "bias"] and [t.name for t in s.outputs] == ["output"]
    with torch.no_grad():
        assert relerr(s.infer(image=a.numpy(), bias=b.numpy())["output"], net(a, b).numpy()) < 1e-6
    trained = dlc.load(dlc.from_torch(nn.Linear(3, 2), torch.randn(4, 3), train=True, loss="mse"))
    assert [t.name for t in trained.signature("train_step")[0]] == ["input", "label"]


def test_from_torch_keeps_the_whole_state_as_parameters(tmp_path):
    """An inference artifact of a module with batch norm has its running statistics as
    parameters (PyTorch's export folds them into constants), so a trained state binds."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Dropout(0.5)).eval()
    net[1].running_mean.uniform_(-1, 1)
    net[1].running_var.uniform_(0.5, 2)
    x = torch.randn(2, 1, 6, 6)
    s = dlc.load(dlc.from_torch(net, x, tmp_path / "bn.so"))
    assert {"1.running_mean", "1.running_var"} <= {p.name for p in s.parameters}
    s.params["1.running_mean"][...] = 0.5
    net[1].running_mean.fill_(0.5)
    with torch.no_grad():
        assert relerr(s.infer(input=x.numpy())["output"], net(x).numpy()) < 1e-5


def test_from_torch_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(ImportError, match="needs PyTorch"):
        dlc.from_torch(object(), ())


def test_a_layer_applied_twice_updates_its_running_statistics_twice(tmp_path):
    """A GAN's discriminator sees a real and a generated batch in one step: PyTorch updates
    the batch norm's running statistics once per call, the second from the first."""
    torch.manual_seed(0)

    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.bn = nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3)

        def forward(self, x, x2):
            return self.bn(self.conv(x)).pow(2).mean() + self.bn(self.conv(x2)).mean()

    net = Twice()
    rng = np.random.default_rng(0)
    x, x2 = (rng.standard_normal((4, 2, 6, 6)).astype(np.float32) for _ in range(2))
    s = dlc.load(dlc.from_torch(net, (torch.from_numpy(x), torch.from_numpy(x2)), tmp_path / "t.so",
                                train=True, loss_output="output", optimizer="sgd", lr=0.1))
    # The export's own forward pass moved neither the module's statistics nor the artifact's.
    assert not net.bn.running_mean.any()
    assert not s.params["bn.running_mean"].any()
    loss = s.train_step(x=x, x2=x2)
    ref = net.train()(torch.from_numpy(x), torch.from_numpy(x2))
    assert loss == pytest.approx(ref.item(), rel=1e-5)
    for stat in ("running_mean", "running_var"):
        assert relerr(s.params[f"bn.{stat}"], getattr(net.bn, stat).numpy()) < 1e-5, stat
