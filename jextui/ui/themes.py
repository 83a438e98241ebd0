"""Theme files → Textual themes.

:mod:`jextui.config.themes` (the catalogue, without Textual) finds and reads
the theme files; this module turns each into a Textual ``Theme``, checks its
colours the way Textual applies them (the app registers them).  A
user theme that cannot be used is skipped with a logged warning.  Trading
variables a user theme leaves out are taken from the default dark or light
theme.
"""

from __future__ import annotations

import logging
from pathlib import Path

from textual.color import Color
from textual.theme import Theme

from jextui.config.themes import (
    DARK_TRADING_COLOURS,
    DEFAULT_THEME,
    LIGHT_TRADING_COLOURS,
    MONO_THEME,
    TRADING_VARIABLES,
    ThemeCatalogue,
    ThemeEntry,
    ThemeFileError,
    ThemeSpec,
    builtin_themes_dir,
    no_color_requested,
    read_theme_spec,
    theme_catalogue,
    theme_names,
    theme_variable_defaults,
)

__all__ = [
    "DEFAULT_THEME",
    "MONO_THEME",
    "TRADING_VARIABLES",
    "DARK_TRADING_COLOURS",
    "LIGHT_TRADING_COLOURS",
    "ThemeFileError",
    "builtin_themes_dir",
    "load_theme_file",
    "load_themes",
    "theme_names",
    "theme_variable_defaults",
    "no_color_requested",
]

log = logging.getLogger(__name__)


def _check_colour(field: str, value: str) -> None:
    try:
        Color.parse(value)
    except Exception as exc:
        raise ThemeFileError(f"{field}: {value!r} is not a colour ({exc})") from None


def _build_theme(name: str, spec: ThemeSpec, *, try_colours: bool = True) -> Theme:
    for field, value in spec.colours().items():
        _check_colour(field, value)
    variables = {**theme_variable_defaults(spec.dark), **spec.variables}
    theme = Theme(
        name=name,
        primary=spec.primary,
        secondary=spec.secondary,
        warning=spec.warning,
        error=spec.error,
        success=spec.success,
        accent=spec.accent,
        foreground=spec.foreground,
        background=spec.background,
        surface=spec.surface,
        panel=spec.panel,
        boost=spec.boost,
        dark=spec.dark,
        luminosity_spread=spec.luminosity_spread,
        text_alpha=spec.text_alpha,
        variables=variables,
    )
    if try_colours:
        try:
            theme.to_color_system().generate()  # what Textual does when the theme is applied
        except Exception as exc:
            raise ThemeFileError(f"Textual cannot use it: {exc}") from None
    return theme


def _theme_of(entry: ThemeEntry) -> Theme:
    """A shipped (built-in) theme is not applied on trial: the test suite
    applies every one, and trying them costs start-up time at every launch."""
    try:
        return _build_theme(entry.name, entry.spec, try_colours=not entry.shipped)
    except ThemeFileError as exc:
        raise ThemeFileError(f"{entry.path}: {exc}") from None


def load_theme_file(path: Path, *, shipped: bool = False) -> Theme:
    """Read one theme file; :class:`ThemeFileError` names the file and the problem."""
    name, spec = read_theme_spec(path)
    return _theme_of(ThemeEntry(name, path, spec, shipped))


#: Themes already built, by the catalogue they were built from, with what
#: building them logged: the config check and the app both ask at start-up.
_BUILT: dict[ThemeCatalogue, tuple[dict[str, Theme], list[tuple[int, str]]]] = {}


def load_themes(user_dir: Path | None) -> dict[str, Theme]:
    """Built-in themes plus the user's (``user_dir/*.toml``), by name.

    Never raises for a bad user file: it is skipped and a warning is logged
    (at every call).  Files read before and unchanged since (same size and
    modification time) are not parsed again.
    """
    catalogue = theme_catalogue(user_dir)
    built = _BUILT.get(catalogue)
    if built is None:
        built = _BUILT[catalogue] = _build_themes(catalogue.entries)
    themes, notes = built
    for level, message in (*catalogue.notes, *notes):
        log.log(level, "%s", message)
    return dict(themes)


def _build_themes(entries: tuple[ThemeEntry, ...]) -> tuple[dict[str, Theme], list[tuple[int, str]]]:
    """The Textual themes of these entries, and what to log about them."""
    themes: dict[str, Theme] = {}
    notes: list[tuple[int, str]] = []
    for entry in entries:
        try:
            theme = _theme_of(entry)
        except ThemeFileError as exc:
            kind = "built-in theme skipped" if entry.shipped else "theme file skipped"
            notes.append((logging.ERROR if entry.shipped else logging.WARNING, f"{kind}: {exc}"))
            continue
        if not entry.shipped and theme.name in themes:
            notes.append((logging.INFO, f"user theme {theme.name} ({entry.path}) replaces the built-in one"))
        themes[theme.name] = theme
    return themes, notes
