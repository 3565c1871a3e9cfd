"""Adapters for the six published baselines of the InterAnimate paper's Table 1.

Disco, AnimateAnyone, MagicAnimate, MimicMotion, DisPose and StableAnimator each get one module
here; they import ``interhf_bench`` only and reach the CLI through the adapter registry. Each method's
environment requirements (``envs/``) and driver script (``drivers/``) are package data, located by
:mod:`baselines.packaged`; the drivers run in the official projects' environments and are never imported.
"""
