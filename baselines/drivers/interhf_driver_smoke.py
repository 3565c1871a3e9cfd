"""The drivers' CPU smoke mode: the smallest run-time patches that let official code written for CUDA run
on a CPU with small random weights (``interhf-bench baselines smoke``).

Nothing here changes anything unless the job says ``"smoke": true``. Each patch is named, and each one
applied is printed to stderr, so the smoke log says exactly what differed from a real run. The official
files are never edited. Standard library at import; torch and xformers are imported by the patches.
"""

import contextlib
import sys


def _cuda_device_context():
    """``with torch.cuda.device(device)`` (MimicMotion's, StableAnimator's pipelines) accepts a CPU device."""
    import torch

    original = torch.cuda.device

    def device(target):
        kind = getattr(target, "type", str(target).split(":")[0])
        return original(target) if kind == "cuda" else contextlib.nullcontext()

    torch.cuda.device = device


def _cpu_for_cuda(value):
    """``"cuda"``, ``"cuda:0"`` or a CUDA ``torch.device`` becomes ``"cpu"``; anything else is unchanged."""
    kind = getattr(value, "type", value)
    return "cpu" if isinstance(kind, str) and kind.split(":")[0] == "cuda" else value


def _cuda_to_cpu():
    """Hard-coded ``.to("cuda")`` / ``torch.Generator(device="cuda")`` / ``torch.device("cuda:0")`` go to
    the CPU: modules, tensors and generators alike."""
    import torch

    module_to, tensor_to, generator = torch.nn.Module.to, torch.Tensor.to, torch.Generator

    def to_module(self, *args, **kwargs):
        args = tuple(_cpu_for_cuda(a) for a in args)
        kwargs = {k: _cpu_for_cuda(v) if k == "device" else v for k, v in kwargs.items()}
        return module_to(self, *args, **kwargs)

    def to_tensor(self, *args, **kwargs):
        args = tuple(_cpu_for_cuda(a) for a in args)
        kwargs = {k: _cpu_for_cuda(v) if k == "device" else v for k, v in kwargs.items()}
        return tensor_to(self, *args, **kwargs)

    class Generator(generator):
        def __new__(cls, device="cpu"):
            return generator(_cpu_for_cuda(device))

    torch.nn.Module.to, torch.Tensor.to, torch.Generator = to_module, to_tensor, Generator


def _xformers_attention():
    """``xformers.ops.memory_efficient_attention`` (CUDA kernels only) computed by torch's SDPA on CPU."""
    import torch
    import xformers.ops

    def attention(query, key, value, attn_bias=None, p=0.0, scale=None, op=None):
        heads = query.ndim == 4  # (B, M, H, K) or (B, M, K)
        q, k, v = ((t.transpose(1, 2) if heads else t) for t in (query, key, value))
        mask = attn_bias if isinstance(attn_bias, torch.Tensor) else None
        out = torch.nn.functional.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, dropout_p=p, scale=scale
        )
        return out.transpose(1, 2) if heads else out

    xformers.ops.memory_efficient_attention = attention


def _float32_on_cpu():
    """The driver runs the pipeline in float32: torch 2.1's CPU kernels have no float16 convolution."""


PATCHES = {
    "cuda-device-context": _cuda_device_context,
    "cuda-to-cpu": _cuda_to_cpu,
    "xformers-attention": _xformers_attention,
    "float32-on-cpu": _float32_on_cpu,
}


def smoke_patches(job, *names):
    """Apply the named patches when the job is a smoke run; returns whether it is one."""
    if not job.get("smoke"):
        return False
    for name in names:
        PATCHES[name]()
        print(f"interhf smoke patch: {name} ({PATCHES[name].__doc__.splitlines()[0]})", file=sys.stderr)
    return True
