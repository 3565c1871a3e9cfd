"""File input and output: videos, hashes and atomic writes."""
