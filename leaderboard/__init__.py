"""Leaderboard tables, plots and the static web page, built from results files only."""
