"""Checking third-party submissions before their numbers are trusted."""
