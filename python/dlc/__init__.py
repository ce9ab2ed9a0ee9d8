"""dlc: compile an ONNX model ahead of time, then train it and serve it from Python.

>>> import dlc, numpy as np
>>> path = dlc.compile("mlp.onnx", "mlp.so", train=True, loss="cross_entropy",
...                    optimizer="adam", lr=1e-3)
>>> s = dlc.load(path)
>>> for x, y in batches:               # NumPy arrays of the compiled batch shape
...     loss = s.train_step(x=x, label=y)
>>> probs = s.infer(x=x)["y"]
>>> s.save("mlp.safetensors")

The compiler is the `dlc` executable shipped in the package (bin/dlc), run in its own
process: its protobuf and LLVM never meet PyTorch's or ONNX's in this one. The runtime is
libdlcrt, the same as `dlc-run`'s: checkpoints are interchangeable.
"""
from __future__ import annotations

import inspect
import os
import subprocess
import tempfile
from typing import Any, Mapping, Optional, Sequence, Union

from ._dlc import Session, TensorSpec, abi_version, get_num_threads, plot_lines, set_num_threads

__all__ = ["compile", "from_torch", "load", "Session", "TensorSpec", "CompileError",
           "set_num_threads", "get_num_threads", "abi_version", "plot_lines"]
__version__ = "0.1.0"

# The keyword of dlc.compile -> the option of `dlc compile` (its value follows it).
_VALUE_OPTIONS = {
    "target": "--target", "cuda_arch": "--cuda-arch", "precision": "--precision",
    "emit": "--emit", "loss": "--loss", "label_smoothing": "--label-smoothing",
    "loss_output": "--loss-output", "label": "--label", "optimizer": "--optimizer",
    "lr": "--lr", "momentum": "--momentum", "weight_decay": "--weight-decay",
    "clip_grad_norm": "--clip-grad-norm", "beta1": "--beta1", "beta2": "--beta2",
    "eps": "--eps", "freeze": "--freeze", "grad_bucket_mb": "--grad-bucket-mb",
}
_PRINTED_STAGES = ("graph", "kernel", "linalg", "llvm", "ptx")
_COMPILER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "dlc")


class CompileError(RuntimeError):
    """The model did not compile; the message is the compiler's diagnostic (node, op, reason)."""


def _compile(args):
    """Runs `dlc compile ARGS...`; returns what it printed (the stage of --emit)."""
    if not os.access(_COMPILER, os.X_OK):
        raise CompileError(f"this dlc package has no compiler ({_COMPILER} is missing): it was "
                           "built for serving only; compile on a machine with the full package")
    p = subprocess.run([_COMPILER, "compile", *args], capture_output=True, text=True)
    message = "\n".join(line[5:] if line.startswith("dlc: ") else line
                        for line in p.stderr.strip().splitlines())
    if p.returncode == 2:  # the arguments: an option or a value the compiler does not take
        raise ValueError(message.removeprefix("error: "))
    if p.returncode != 0:
        if p.returncode < 0:
            message += f"\n(the compiler was killed by signal {-p.returncode})"
        raise CompileError(message.removeprefix("error: "))
    return p.stdout


def _model_path(model, scratch):
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    if hasattr(model, "SerializeToString"):  # onnx.ModelProto
        model = model.SerializeToString()
    if isinstance(model, (bytes, bytearray, memoryview)):
        path = os.path.join(scratch, "model.onnx")
        with open(path, "wb") as f:
            f.write(model)
        return path
    raise TypeError(f"model must be a path, an onnx.ModelProto or bytes, not {type(model).__name__}")


PathType = Union[str, "os.PathLike[str]"]


def compile(model: Union[PathType, bytes, Any], output: Optional[PathType] = None, *, train: bool = False,
            loss: Optional[str] = None, label: Optional[str] = None, loss_output: Optional[str] = None,
            label_smoothing: Optional[float] = None, optimizer: Optional[str] = None,
            lr: Optional[float] = None, momentum: Optional[float] = None,
            weight_decay: Optional[float] = None, clip_grad_norm: Optional[float] = None,
            beta1: Optional[float] = None, beta2: Optional[float] = None, eps: Optional[float] = None,
            freeze: Optional[str] = None, grad_bucket_mb: Optional[float] = None,
            sync_batchnorm: bool = False, target: str = "cpu", cuda_arch: Optional[str] = None,
            precision: Optional[str] = None, opt_level: int = 2,
            input_shapes: Optional[Mapping[str, Sequence[int]]] = None,
            emit: Optional[str] = None) -> str:
    """Compiles an ONNX model to an artifact and returns the artifact's path.

    `model` is a path, an `onnx.ModelProto` or the model's bytes. Without `output` the
    artifact is written to a new temporary directory (nothing existing is overwritten).
    Every keyword is the `dlc compile` option of that name (`weight_decay` is
    --weight-decay, `opt_level=3` is -O3, `input_shapes={"x": (1, 3, 32, 32)}` is
    --input-shape x=1x3x32x32); see `dlc compile --help`. With `emit` set to a printing
    stage ("graph", "kernel", "linalg", "llvm", "ptx") it returns that stage's text.
    `grad_bucket_mb` and `sync_batchnorm` shape data-parallel training under mpirun
    (`mpirun -np N dlc-run train`; see the README).

    >>> dlc.compile("lenet.onnx", "lenet.so", train=True, loss="cross_entropy",
    ...             optimizer="momentum", lr=0.05, weight_decay=5e-4)
    'lenet.so'

    Raises CompileError with the compiler's diagnostic (the node, the op and the reason),
    ValueError for an option the compiler does not accept.
    """
    values = dict(target=target, cuda_arch=cuda_arch, precision=precision, emit=emit, loss=loss,
                  label_smoothing=label_smoothing, loss_output=loss_output, label=label,
                  optimizer=optimizer, lr=lr, momentum=momentum, weight_decay=weight_decay,
                  clip_grad_norm=clip_grad_norm, beta1=beta1, beta2=beta2, eps=eps, freeze=freeze,
                  grad_bucket_mb=grad_bucket_mb)
    if not isinstance(opt_level, int) or isinstance(opt_level, bool):
        raise TypeError(f"opt_level must be an int 0-3, not {opt_level!r}")
    prints = emit in _PRINTED_STAGES
    if output is None and not prints:
        output = os.path.join(tempfile.mkdtemp(prefix="dlc-"), "model.o" if emit == "obj" else "model.so")
    with tempfile.TemporaryDirectory(prefix="dlc-model-") as scratch:
        args = [_model_path(model, scratch)]
        if output is not None:
            args += ["-o", os.fspath(output)]
        if train:
            args.append("--train")
        if sync_batchnorm:
            args.append("--sync-batchnorm")
        args.append(f"-O{opt_level}")
        for name, shape in (input_shapes or {}).items():
            args += ["--input-shape", f"{name}=" + "x".join(str(int(d)) for d in shape)]
        for key, value in values.items():
            if value is not None and not (key == "target" and value == "cpu"):
                args += [_VALUE_OPTIONS[key], repr(float(value)) if isinstance(value, float) else str(value)]
        printed = _compile(args)
    return printed if prints else os.fspath(output)


def load(path: PathType, threads: Optional[int] = None) -> Session:
    """Loads a compiled artifact; returns a Session.

    `threads` sets the process-wide pool the kernels share (None: leave it, by default
    one thread per core).

    >>> s = dlc.load("lenet.so", threads=2)
    >>> s.inputs
    [TensorSpec(name='x', shape=(64, 1, 28, 28), dtype='float32')]
    """
    return Session(os.fspath(path), threads)


def from_torch(module: Any, example_inputs: Any, output: Optional[PathType] = None, *,
               input_names: Optional[Sequence[str]] = None, output_names: Optional[Sequence[str]] = None,
               opset_version: int = 17, **compile_options: Any) -> str:
    """Exports a torch.nn.Module with torch.onnx.export and compiles it (dlc.compile's keywords).

    Input names default to the parameter names of `module.forward`, the first output is
    "output". Every tensor of the module's state becomes a parameter of the artifact under
    its state_dict name (batch norm's running statistics too), so checkpoints and
    Session.bind reach all of it: the module is exported in training mode, and the
    artifact's infer computes what the module computes in eval mode (running statistics,
    no dropout), train_step what it computes in training mode.

    >>> path = dlc.from_torch(net, torch.zeros(64, 1, 28, 28), train=True, lr=0.05)
    """
    try:
        import torch
    except ImportError:
        raise ImportError("dlc.from_torch needs PyTorch, which is not installed here; export the "
                          "model with torch.onnx.export elsewhere and pass the file to "
                          "dlc.compile") from None
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    example_inputs = tuple(example_inputs)
    if input_names is None:
        params = [p.name for p in inspect.signature(module.forward).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        input_names = params[:len(example_inputs)]
        if len(input_names) < len(example_inputs):
            input_names = [f"input{i}" for i in range(len(example_inputs))]
    # In training mode and unfolded, so that every tensor of the module's state is a named
    # parameter of the artifact (an eval-mode export fuses batch norm into the conv and
    # turns running statistics into anonymous constants): checkpoints restore it,
    # Session.bind shares it. dlc's infer entry runs batch norm on the running statistics
    # and dropout as the identity, as the module in eval mode; dlc folds what it can.
    kw = dict(input_names=list(input_names), output_names=list(output_names or ["output"]),
              opset_version=opset_version, do_constant_folding=False,
              training=torch.onnx.TrainingMode.TRAINING)
    # Exporting runs the forward pass once; in training mode that moves batch norm's running
    # statistics. The module keeps its state and the artifact starts from it.
    state = {k: v.detach().clone() for k, v in module.state_dict().items()} if hasattr(module, "state_dict") else {}
    with tempfile.TemporaryDirectory(prefix="dlc-export-") as d:
        path = os.path.join(d, "model.onnx")
        try:
            torch.onnx.export(module, example_inputs, path, **kw)
        finally:
            if state:
                module.load_state_dict(state)
        _restore_initializers(path, state)
        return compile(path, output, **compile_options)


def _restore_initializers(path, state):
    """Writes the values of `state` ({name: tensor}) over the initializers of that name
    whose export changed them (with onnx installed; otherwise a warning says so)."""
    import numpy as np
    changed = []
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:
        onnx = None
    if onnx is None:
        import warnings
        warnings.warn("dlc.from_torch: without the onnx package the artifact starts from the batch-norm "
                      "statistics the export's forward pass moved")
        return
    model = onnx.load(path)
    for init in model.graph.initializer:
        value = state.get(init.name)
        if value is None:
            continue
        want = value.cpu().numpy()
        if want.shape == tuple(init.dims) and not np.array_equal(numpy_helper.to_array(init), want):
            init.CopyFrom(numpy_helper.from_array(want.astype(numpy_helper.to_array(init).dtype), init.name))
            changed.append(init.name)
    if changed:
        onnx.save(model, path)
