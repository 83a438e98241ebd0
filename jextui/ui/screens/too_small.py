"""Shown instead of the console while the terminal is smaller than it can draw.

Below :data:`MIN_WIDTH` x :data:`MIN_HEIGHT` the panes would be slivers:
this screen says the terminal's size and what is needed, and goes away by
itself when the terminal is made large enough (whatever was on screen, a
ticket included, comes back as it was).  The quit-from-anywhere key (ctrl+c
unless the config remaps it) quits from here as from anywhere, and the screen
names it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

__all__ = ["MIN_HEIGHT", "MIN_WIDTH", "TooSmallScreen", "is_too_small", "too_small_text"]

MIN_WIDTH = 80
MIN_HEIGHT = 24


def is_too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


def too_small_text(width: int, height: int, quit_key: str = "ctrl+c") -> str:
    return f"terminal too small: {width}×{height}, needs {MIN_WIDTH}×{MIN_HEIGHT}\n({quit_key} quits)"


class TooSmallScreen(Screen[None]):
    """The terminal's size and the size needed, centred."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen > Static { width: auto; height: auto; text-align: center; }
    """

    def __init__(self, width: int, height: int, quit_key: str = "ctrl+c") -> None:
        super().__init__(id="too-small")
        self._quit_key = quit_key
        self._message = Static(too_small_text(width, height, quit_key), markup=False)

    def compose(self) -> ComposeResult:
        yield self._message

    def show_size(self, width: int, height: int) -> None:
        self._message.update(too_small_text(width, height, self._quit_key))
