"""Adapters for the six published baselines of the InterAnimate paper's Table 1.

Disco, AnimateAnyone, MagicAnimate, MimicMotion, DisPose and StableAnimator each get one module
here; they import ``interhf_bench`` only and reach the CLI through the adapter registry.
"""
