"""Pretrained weights: registry, hashes, safe loading and format conversion."""
