"""The paper's Table 2 variants as InterAnimate config overrides (docs/interanimate.md#ablation-switches).

Each variant changes exactly one switch of the full model: ``use_ris`` (no latents, no region attention
blocks, no orthogonality loss; masks still amplify the loss), ``use_soft_quant`` (region attention queries
the raw features), ``lambda_ortho`` (the loss term is dropped, still logged), ``use_id`` (no identity
projection, no identity attention).
"""

from __future__ import annotations

from typing import Any

FULL: dict[str, Any] = {"use_ris": True, "use_soft_quant": True, "lambda_ortho": 0.1, "use_id": True}
VARIANTS: dict[str, dict[str, Any]] = {
    "wo-ris": {"use_ris": False},
    "wo-quantize": {"use_soft_quant": False},
    "wo-oloss": {"lambda_ortho": 0.0},
    "wo-id": {"use_id": False},
    "full": {},
}
# Row labels as the paper's Table 2 prints them, in its order.
LABELS: dict[str, str] = {
    "wo-ris": "w/o RIS",
    "wo-quantize": "w/o quantize",
    "wo-oloss": "w/o o-loss",
    "wo-id": "w/o ID",
    "full": "full",
}


def variant_switches(name: str, full: dict[str, Any] | None = None) -> dict[str, Any]:
    """The four switches of variant ``name``, starting from ``full`` (the config's own full model)."""
    if name not in VARIANTS:
        raise ValueError(f"unknown ablation variant {name!r}; choose from {', '.join(VARIANTS)}")
    base = {key: (full or FULL).get(key, FULL[key]) for key in FULL}
    return {**base, **VARIANTS[name]}


def variant_of(config: dict[str, Any]) -> str:
    """Which Table 2 row a model config is; "custom" when more than one switch is off."""
    switches = {key: config.get(key, FULL[key]) for key in FULL}
    ortho = switches["lambda_ortho"] > 0
    if not switches["use_ris"]:  # soft quantization and the orthogonality loss need RIS
        return "wo-ris" if switches["use_id"] else "custom"
    if not switches["use_id"]:
        return "wo-id" if switches["use_soft_quant"] and ortho else "custom"
    if not switches["use_soft_quant"]:
        return "wo-quantize" if ortho else "custom"
    return "full" if ortho else "wo-oloss"
