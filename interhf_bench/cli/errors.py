"""The failure a command reports to its user: printed without a traceback, exit status 1."""

from __future__ import annotations


class CommandError(Exception):
    """A user-facing failure: printed without a traceback, exit status 1."""
