"""Small random Stable Diffusion 1.5 parts for the CPU smoke test: the UNet config at SD1.5's four levels
and widths (official code hard-codes them: DisPose's point adapter and DIFT features, MagicAnimate's
reference attention), a small VAE, a one-layer CLIP text encoder and a byte-level CLIP tokenizer.

Shared by the DisPose and MagicAnimate weight scripts, copied beside them; it runs in the method's
environment (diffusers, transformers, torch). The tokenizer has every byte as a token and no merges: a
valid CLIP BPE tokenizer, written here because the real vocabulary is a download.
"""

import json
from pathlib import Path

from diffusers import AutoencoderKL
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

CROSS_ATTENTION = 32  # the text encoder's width = the UNet's cross-attention width
SD15_UNET = {  # SD1.5's layout at one layer per block and a narrow cross-attention
    "sample_size": 64, "in_channels": 4, "out_channels": 4, "layers_per_block": 1,
    "block_out_channels": [320, 640, 1280, 1280], "attention_head_dim": 8,
    "down_block_types": ["CrossAttnDownBlock2D"] * 3 + ["DownBlock2D"],
    "up_block_types": ["UpBlock2D"] + ["CrossAttnUpBlock2D"] * 3,
    "cross_attention_dim": CROSS_ATTENTION,
}  # fmt: skip
PUBLISHED_UNET_KEYS = (  # SD1.5's unet/config.json on the hub (written by diffusers 0.6.0): no later keys
    "_class_name", "_diffusers_version", "act_fn", "attention_head_dim", "block_out_channels",
    "center_input_sample", "cross_attention_dim", "down_block_types", "downsample_padding",
    "flip_sin_to_cos", "freq_shift", "in_channels", "layers_per_block", "mid_block_scale_factor", "norm_eps",
    "norm_num_groups", "out_channels", "sample_size", "up_block_types",
)  # fmt: skip


def keep_published_unet_keys(folder):
    """``folder/config.json`` reduced to the keys SD1.5's published UNet config has: code written against
    it reads absent keys as its own defaults (MagicAnimate's 3D UNet and its ``mid_block_type``)."""
    path = Path(folder) / "config.json"
    config = json.loads(path.read_text())
    path.write_text(json.dumps({k: v for k, v in config.items() if k in PUBLISHED_UNET_KEYS}, indent=2))


def byte_symbols():
    """CLIP's (GPT-2's) printable stand-in for each of the 256 bytes."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), 256)]
    extra = iter(range(256, 512))
    return [chr(b) if b in printable else chr(next(extra)) for b in range(256)]


def write_tokenizer(folder):
    """A CLIP tokenizer whose tokens are single bytes, with and without the end-of-word mark."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    symbols = byte_symbols()
    tokens = symbols + [s + "</w>" for s in symbols] + ["<|startoftext|>", "<|endoftext|>"]
    (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(tokens)}, ensure_ascii=False))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = CLIPTokenizer(
        str(folder / "vocab.json"), str(folder / "merges.txt"), pad_token="<|endoftext|>", model_max_length=77
    )
    tokenizer.save_pretrained(folder)
    return tokenizer


def text_encoder(tokenizer):
    """A one-layer CLIP text encoder over ``tokenizer``'s vocabulary, 77 positions as SD1.5's."""
    return CLIPTextModel(CLIPTextConfig(
        vocab_size=len(tokenizer), hidden_size=CROSS_ATTENTION, intermediate_size=37, num_hidden_layers=1,
        num_attention_heads=2, max_position_embeddings=77, projection_dim=CROSS_ATTENTION,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    ))  # fmt: skip


def vae():
    """An SD VAE of 32 channels per level that still downsamples by 8, with 4 latent channels."""
    return AutoencoderKL(
        block_out_channels=[32] * 4, down_block_types=["DownEncoderBlock2D"] * 4,
        up_block_types=["UpDecoderBlock2D"] * 4, layers_per_block=1,
    )  # fmt: skip
