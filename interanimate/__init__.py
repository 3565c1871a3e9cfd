"""InterAnimate (arXiv 2504.10905), the reference entry of InterHF-Bench.

Stable Video Diffusion with a pose encoder, the Region-aware Interaction System and the ID
Preserver; imports ``interhf_bench`` only.
"""
