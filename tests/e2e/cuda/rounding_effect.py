#!/usr/bin/python3
"""How far PyTorch's own SGD updates move when Linear's matmul operands (forward and
backward) are rounded to tf32 (round to nearest, ties away) or bf16: the scale of the
deviation that gpu_parity.py's tensor-core training cases may show against float32, and
what their parameter tolerances (PRECISION_RTOL) are set from. Same models, batches and
steps as gpu_parity.py make. CPU only.

    rounding_effect.py PEER_SCRIPT"""
import sys, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
peer = {"__name__": "peer"}; exec(open(sys.argv[1]).read(), peer)
def rnd(x, p):
    if p == "bf16": return x.to(torch.bfloat16).float()
    b = x.contiguous().view(torch.int32); return ((b + 0x1000) & ~0x1fff).view(torch.float32)
class Lin(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, p):
        ctx.save_for_backward(x, w); ctx.p = p
        return rnd(x, p) @ rnd(w, p).t()
    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors; p = ctx.p
        gx = rnd(g, p) @ rnd(w, p)
        gw = rnd(g.reshape(-1, g.shape[-1]), p).t() @ rnd(x.reshape(-1, x.shape[-1]), p)
        return gx, gw, None
orig = F.linear
def run(name, p):
    torch.manual_seed(0)
    F.linear = orig if p == "fp32" else (lambda x, w, b=None: Lin.apply(x, w, p) + (0 if b is None else b))
    torch.nn.modules.linear.F.linear = F.linear
    model = peer["build"](name).train(); shape = peer["MODELS"][name][1]
    rng = np.random.default_rng(7)
    x = rng.standard_normal((64, *shape)).astype(np.float32)
    xs = rng.standard_normal((5, 64, *shape)).astype(np.float32); ts = rng.integers(0, 10, (5, 64))
    init = {k: v.detach().clone() for k, v in model.named_parameters()}
    opt = torch.optim.SGD(model.parameters(), 0.05); lf = nn.CrossEntropyLoss()
    for s in range(5):
        opt.zero_grad(); lf(model(torch.from_numpy(xs[s])), torch.from_numpy(ts[s])).backward(); opt.step()
    return {k: (v.detach() - init[k]).double() for k, v in model.named_parameters()}
for name in ["mlp", "lenet", "transformer"]:
    ref = run(name, "fp32")
    for p in ["tf32", "bf16"]:
        got = run(name, p)
        errs = {k: float((got[k] - ref[k]).norm() / ref[k].norm().clamp_min(1e-30)) for k in ref}
        w = max(errs, key=errs.get)
        print(f"{name} {p}: worst update error {errs[w]:.3g} ({w})")
