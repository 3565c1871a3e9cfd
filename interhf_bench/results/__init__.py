"""Typed results files: what a run writes and what the leaderboard reads."""
