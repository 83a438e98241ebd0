"""Fallback values of the theme variables the panes' CSS uses.

Theme files define ``buy``, ``sell``, ``up``, ``down``, ``stale``, ``flash-up``
and ``flash-down``; a theme that does not (e.g. one of Textual's built-in
themes picked from the command palette) falls back to these, so the CSS
always parses.  The app returns them from ``App.get_theme_variable_defaults``.
"""

from __future__ import annotations

__all__ = ["THEME_VARIABLE_DEFAULTS", "THEME_VARIABLES"]

THEME_VARIABLE_DEFAULTS: dict[str, str] = {
    "buy": "#2ebd85",
    "sell": "#f6465d",
    "up": "#2ebd85",
    "down": "#f6465d",
    "stale": "#e3a33b",
    "flash-up": "#1e5b45",
    "flash-down": "#6e2632",
}

THEME_VARIABLES: tuple[str, ...] = tuple(THEME_VARIABLE_DEFAULTS)
"""The names of the variables every jextui theme should define."""
