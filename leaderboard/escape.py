"""Escaping untrusted text (method names and metadata from submissions) for each output format."""

from __future__ import annotations

import html
import re

_LATEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_PATTERN = re.compile("|".join(re.escape(char) for char in _LATEX))


def one_line(text: str) -> str:
    """Control characters and line breaks become spaces: a name must not break a table row."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def markdown(text: str) -> str:
    """Text for a markdown table cell: HTML-escaped (markdown renders HTML), pipes and markup disarmed.

    Quotes stay as they are: with ``<`` and ``>`` escaped no tag or attribute can form, and an entity
    such as ``&#x27;`` would show as text once its ``#`` is escaped.
    """
    escaped = html.escape(one_line(text), quote=False)
    return re.sub(r"([\\`*_\[\]|#!])", r"\\\1", escaped)


def latex(text: str) -> str:
    return _LATEX_PATTERN.sub(lambda match: _LATEX[match.group()], one_line(text))


def csv_cell(text: str) -> str:
    """Spreadsheet programs run cells that start with = + - @ as formulas; prefix those with a quote."""
    text = one_line(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
