"""The models of the PyTorch parity tests (../parity), exported for cuda_compile.py: each
once in eval mode for inference, and once per training case of its parity script in training
mode, with the dlc compile options (loss, optimizer, freeze, ...) that case uses. The models,
their case lists and the export settings come from the parity scripts themselves.

export_all(WORK, PEER) -> [(label, onnx path, dlc compile options)]"""
import os, sys
import numpy as np
import torch

PARITY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "parity")
sys.path.insert(0, PARITY)
import attention_parity, onnx_loss_train, rnn_parity, train_parity
from parity_common import export

# Covered by cuda_compile.py's own MODELS (torch_peer.py's models): no second inference compile.
PEER_MODELS = {"linreg", "mlp", "lenet", "transformer"}
DROPOUT_SHAPE = (4, 64)


def train_options(loss, opt, lr=0.01, wd=0.0, clip=0.0, freeze=None, smoothing=0.0):
    args = ["--train", "--loss", loss, "--optimizer", opt, "--lr", str(lr)]
    if wd:
        args += ["--weight-decay", str(wd)]
    if clip:
        args += ["--clip-grad-norm", str(clip)]
    if freeze:
        args += ["--freeze", freeze]
    if smoothing:
        args += ["--label-smoothing", str(smoothing)]
    return args


def train_parity_models(work, jobs):
    """train_parity.py: every case of parity_cases, and each model once for inference; its
    hand-built dropout graphs (ratio attribute before opset 12, inputs from 12) too."""
    cases = []
    train_parity.parity_cases(lambda *a, **kw: cases.append((a, kw)))
    inferred = set()
    for n, ((name, loss, opt), kw) in enumerate(cases):
        batch = kw.pop("batch", 16)
        net, shape = train_parity.small(name)
        dtype = np.int64 if name in train_parity.TOKENS else np.float32
        x = np.zeros((batch, *shape), dtype)
        if name not in inferred and name not in PEER_MODELS:
            inferred.add(name)
            path = f"{work}/tp_{name}_infer.onnx"
            export(net.eval(), x, path)
            jobs.append((f"{name} infer", path, []))
        path = f"{work}/tp_{name}_train{n}.onnx"
        export(net.train(), x, path, training=True)
        extra = "".join(f" {k}={v}" for k, v in kw.items() if v)
        jobs.append((f"{name} train {loss} {opt}{extra}", path, train_options(loss, opt, **kw)))
    for opset, ratios in ((10, [0.1]), (13, [0.5, 0.5])):
        path = f"{work}/tp_dropout_op{opset}.onnx"
        train_parity.dropout_model(path, opset, ratios, DROPOUT_SHAPE)
        jobs.append((f"dropout_op{opset} infer", path, []))
        jobs.append((f"dropout_op{opset} train mse sgd", path, train_options("mse", "sgd")))


def rnn_parity_models(work, jobs):
    for name in rnn_parity.INFER_NAMES:
        net, shape = rnn_parity.model(name)
        path = f"{work}/rnn_{name}_infer.onnx"
        export(net.eval(), np.zeros(rnn_parity.input_shape(name, 5, shape), np.float32), path)
        jobs.append((f"rnn {name} infer", path, []))
    for name in rnn_parity.TRAIN_NAMES:
        net, shape = rnn_parity.model(name)
        path = f"{work}/rnn_{name}_train.onnx"
        export(net.train(), np.zeros(rnn_parity.input_shape(name, 8, shape), np.float32), path, training=True)
        for opt, lr in rnn_parity.TRAIN_OPTIMIZERS:
            jobs.append((f"rnn {name} train cross_entropy {opt}", path, train_options("cross_entropy", opt, lr)))


def attention_parity_models(work, jobs):
    rng = np.random.default_rng(0)
    for name in attention_parity.NAMES:
        if name in PEER_MODELS:
            continue
        batch = 8 if name == "mha_key_padding" else 5
        net, make = attention_parity.model(name, batch)
        path = f"{work}/att_{name}_infer.onnx"
        export(net.eval(), make(rng, batch), path, fold_constants=False)
        jobs.append((f"{name} infer", path, []))
        net, make = attention_parity.model(name, 8)
        path = f"{work}/att_{name}_train.onnx"
        export(net.train(), make(rng, 8), path, training=True)
        freeze = attention_parity.freeze_buffers(net)
        for opt, lr in (("sgd", 0.1), ("adam", 0.01)):
            jobs.append((f"{name} train cross_entropy {opt}", path, train_options("cross_entropy", opt, lr) + freeze))
        if name == "text_lstm":
            jobs.append((f"{name} train cross_entropy adam clip=0.05", path,
                         train_options("cross_entropy", "adam", 0.01, clip=0.05)))


def onnx_loss_models(work, jobs):
    """onnx_loss_train.py: graphs that end in their own loss node, trained with --loss-output."""
    def add(name, loss, log_probs, expected_op, ignore_index=None, lr=0.1):
        path = f"{work}/loss_{name}.onnx"
        onnx_loss_train.export_with_loss(onnx_loss_train.WithLoss(loss, log_probs), path, expected_op)
        jobs.append((f"{name} infer", path, []))
        jobs.append((f"{name} train --loss-output sgd", path,
                     ["--train", "--loss-output", "loss", "--optimizer", "sgd", "--lr", str(lr)]))
    onnx_loss_train.loss_cases(add)


def export_all(work, peer_path):
    os.makedirs(work, exist_ok=True)
    train_parity.peer = train_parity.load_peer(peer_path)
    jobs = []
    train_parity_models(work, jobs)
    rnn_parity_models(work, jobs)
    attention_parity_models(work, jobs)
    onnx_loss_models(work, jobs)
    return jobs
