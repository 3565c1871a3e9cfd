"""Pretrained weights: registry, hashes, the store, and safe loading of the files."""
