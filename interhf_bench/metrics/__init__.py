"""Metrics: DisCo-compatible frame and video metrics and the networks they run."""
