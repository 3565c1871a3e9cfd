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


def _cuda_method_to_cpu():
    """``.cuda()`` on modules, tensors and loaded storages stays on the CPU (DisPose's CMP and flow code,
    MagicAnimate's and DisCo's pipelines); ``torch.cuda.synchronize`` does nothing."""
    import torch

    def stay(self, *args, **kwargs):
        return self

    torch.nn.Module.cuda = torch.Tensor.cuda = torch.UntypedStorage.cuda = torch.TypedStorage.cuda = stay
    torch.cuda.synchronize = lambda device=None: None


def _xformers_attention():
    """``xformers.ops.memory_efficient_attention`` (CUDA kernels only) computed by torch's SDPA on CPU."""
    import torch
    import xformers.ops

    def attention(query, key, value, attn_bias=None, p=0.0, scale=None, op=None):
        heads = query.ndim == 4  # (B, M, H, K) or (B, M, K)
        q, k, v = ((t.transpose(1, 2) if heads else t) for t in (query, key, value))
        mask = attn_bias if isinstance(attn_bias, torch.Tensor) else None
        scaled = {} if scale is None else {"scale": scale}  # torch 2.0's SDPA has no scale argument
        out = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p, **scaled)
        return out.transpose(1, 2) if heads else out

    xformers.ops.memory_efficient_attention = attention


def _xformers_enable_on_cpu():
    """``enable_xformers_memory_efficient_attention``'s check (CUDA available, a test call on CUDA tensors)
    passes on the CPU: during that call only, CUDA reads as available and its test tensors are made on
    the CPU (the attention itself is the xformers-attention patch's)."""
    import torch
    from diffusers.models.modeling_utils import ModelMixin

    original = ModelMixin.enable_xformers_memory_efficient_attention

    def enable(self, *args, **kwargs):
        is_available, randn = torch.cuda.is_available, torch.randn

        def cpu_randn(*shape, **options):
            return randn(*shape, **{**options, "device": _cpu_for_cuda(options.get("device", "cpu"))})

        torch.cuda.is_available, torch.randn = (lambda: True), cpu_randn
        try:
            return original(self, *args, **kwargs)
        finally:
            torch.cuda.is_available, torch.randn = is_available, randn

    ModelMixin.enable_xformers_memory_efficient_attention = enable


def _float16_modules_as_float32():
    """Modules cast to float16 stay float32 (MagicAnimate's ``main``): torch 2.1's CPU kernels have no
    float16 convolution."""
    import torch

    module_to = torch.nn.Module.to

    def to(self, *args, **kwargs):
        args = tuple(torch.float32 if a is torch.float16 else a for a in args)
        if kwargs.get("dtype") is torch.float16:
            kwargs["dtype"] = torch.float32
        return module_to(self, *args, **kwargs)

    torch.nn.Module.to = to


def _process_group_on_cpu():
    """DisCo's one-process NCCL group runs on gloo (NCCL is CUDA only): ``torch.cuda.set_device`` does
    nothing and DistributedDataParallel wraps the CPU model without device ids."""
    import torch
    import torch.distributed as dist

    init, parallel = dist.init_process_group, torch.nn.parallel.DistributedDataParallel

    def init_process_group(backend=None, *args, **kwargs):
        return init("gloo" if backend == "nccl" else backend, *args, **kwargs)

    class CpuDistributedDataParallel(parallel):
        def __init__(self, module, device_ids=None, output_device=None, **kwargs):
            super().__init__(module, **kwargs)

    dist.init_process_group, torch.cuda.set_device = init_process_group, (lambda device: None)
    torch.nn.parallel.DistributedDataParallel = CpuDistributedDataParallel


def _geglu_contiguous():
    """The in-place GEGLU's output (MimicMotion's ``patch_geglu_inplace``: half of its projection, a
    strided view) is made contiguous, values unchanged: torch's CPU float16 matmul on a strided input
    falls to oneDNN's reference kernel, over a thousand times slower."""
    import diffusers.models.activations

    geglu = diffusers.models.activations.GEGLU
    forward = geglu.forward

    def contiguous_forward(self, *args, **kwargs):
        return forward(self, *args, **kwargs).contiguous()

    geglu.forward = contiguous_forward


def _float32_on_cpu():
    """The driver runs the pipeline in float32: torch 2.1's CPU kernels have no float16 convolution."""


PATCHES = {
    "cuda-device-context": _cuda_device_context,
    "cuda-to-cpu": _cuda_to_cpu,
    "cuda-method-to-cpu": _cuda_method_to_cpu,
    "xformers-attention": _xformers_attention,
    "xformers-enable-on-cpu": _xformers_enable_on_cpu,
    "float16-modules-as-float32": _float16_modules_as_float32,
    "process-group-on-cpu": _process_group_on_cpu,
    "geglu-contiguous": _geglu_contiguous,
    "float32-on-cpu": _float32_on_cpu,
}


def smoke_patches(job, *names):
    """Apply the named patches when the job is a smoke run; returns whether it is one."""
    if not job.get("smoke"):
        return False
    for name in names:
        PATCHES[name]()
        print(f"interhf smoke patch: {name} ({' '.join(PATCHES[name].__doc__.split())})", file=sys.stderr)
    return True
