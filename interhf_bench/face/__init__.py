"""Face detection and ArcFace identity embeddings (insightface)."""
