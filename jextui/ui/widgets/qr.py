"""A QR code drawn with half-block characters, readable in any terminal theme.

Each character cell shows two modules stacked (``▀``: the upper one in the
foreground colour, the lower one in the background colour), so a code of N
modules is N columns wide and N/2 rows tall.  The colours are fixed — dark
modules black, light modules white — whatever the terminal's theme, because
scanners expect dark on light; the quiet zone (light border) is part of the
drawing.
"""

from __future__ import annotations

from collections.abc import Sequence

import segno
from rich.style import Style
from rich.text import Text

__all__ = ["QR_DARK", "QR_LIGHT", "QUIET_ZONE", "qr_matrix", "qr_text", "qr_size"]

QR_DARK = "#000000"
QR_LIGHT = "#ffffff"
QUIET_ZONE = 4
"""Modules of light border on every side (the standard's recommendation)."""

_UPPER_HALF = "▀"


def qr_matrix(content: str, border: int = QUIET_ZONE) -> list[list[bool]]:
    """Rows of modules (True = dark), quiet zone included; error correction picked for the smallest code."""
    code = segno.make(content, micro=False, error="l", boost_error=True)
    return [[bool(module) for module in row] for row in code.matrix_iter(scale=1, border=border)]


def qr_size(content: str, border: int = QUIET_ZONE) -> tuple[int, int]:
    """(columns, rows) the drawing of ``content`` takes."""
    matrix = qr_matrix(content, border)
    return len(matrix[0]), (len(matrix) + 1) // 2


def _cell_style(upper_dark: bool, lower_dark: bool) -> Style:
    return Style(color=QR_DARK if upper_dark else QR_LIGHT, bgcolor=QR_DARK if lower_dark else QR_LIGHT)


def qr_text(content: str, border: int = QUIET_ZONE) -> Text:
    """The code as lines of half blocks with explicit black/white colours."""
    return matrix_text(qr_matrix(content, border))


def matrix_text(matrix: Sequence[Sequence[bool]]) -> Text:
    text = Text(no_wrap=True, overflow="crop", end="")
    width = len(matrix[0]) if matrix else 0
    for top in range(0, len(matrix), 2):
        upper = matrix[top]
        lower = matrix[top + 1] if top + 1 < len(matrix) else [False] * width
        if top:
            text.append("\n")
        for column in range(width):
            text.append(_UPPER_HALF, _cell_style(upper[column], lower[column]))
    return text
