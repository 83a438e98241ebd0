"""The theme catalogue: which themes exist, by name, read from their files.

A theme is a small TOML file::

    name = "my-theme"          # optional: defaults to the file name without .toml
    dark = true
    primary = "#3B8EEA"        # Textual's base colours: primary (required),
    background = "#0F1419"     # secondary, warning, error, success, accent,
    ...                        # foreground, background, surface, panel, boost
    [variables]
    buy = "#2BC48A"            # the trading colours, used in CSS as $buy, $sell,
    sell = "#F2555A"           # $up, $down, $stale, $flash-up, $flash-down;
    ...                        # any other Textual variable may be set too

The built-in themes ship in the package (``jextui/themes`` in a wheel, the
repository's ``themes/`` folder in a source checkout or editable install).
User themes are the ``*.toml`` files in the config directory's ``themes/``
folder; a user theme may replace a built-in of the same name.

This module reads and checks the files (TOML, keys, name, ranges) and knows
every theme name the console accepts, without Textual: the configuration
checks a theme name with it.  Turning a :class:`ThemeSpec` into a Textual
theme, which also checks its colours, is :mod:`jextui.ui.themes`.

NO_COLOR: Textual (8.x, ``App.__init__``) already checks the ``NO_COLOR``
environment variable and, when it is present, passes every frame through its
monochrome filter.  That filter turns colours into greys of the same
luminance, which could leave a buy and a sell looking alike, so when
:func:`no_color_requested` is true the console starts with the ``jextui-mono``
theme, whose trading colours differ clearly in brightness (unless the user
picked a theme on the command line).
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

__all__ = [
    "DEFAULT_THEME",
    "MONO_THEME",
    "TRADING_VARIABLES",
    "DARK_TRADING_COLOURS",
    "LIGHT_TRADING_COLOURS",
    "TEXTUAL_THEME_NAMES",
    "ThemeFileError",
    "ThemeSpec",
    "ThemeCatalogue",
    "ThemeEntry",
    "builtin_themes_dir",
    "read_theme_spec",
    "theme_catalogue",
    "theme_names",
    "theme_variable_defaults",
    "no_color_requested",
]


DEFAULT_THEME = "jextui-dark"
MONO_THEME = "jextui-mono"

#: Textual's base colours, as a theme file names them.
BASE_COLOURS: tuple[str, ...] = (
    "primary", "secondary", "warning", "error", "success", "accent",
    "foreground", "background", "surface", "panel", "boost",
)  # fmt: skip  # one list of names, kept compact

TRADING_VARIABLES: tuple[str, ...] = ("buy", "sell", "up", "down", "stale", "flash-up", "flash-down")

DARK_TRADING_COLOURS: Mapping[str, str] = {
    "buy": "#2BC48A",
    "sell": "#F2555A",
    "up": "#2BC48A",
    "down": "#F2555A",
    "stale": "#8A95A3",
    "flash-up": "#1C5A43",
    "flash-down": "#6E2A2E",
}
LIGHT_TRADING_COLOURS: Mapping[str, str] = {
    "buy": "#17753A",
    "sell": "#C4232D",
    "up": "#17753A",
    "down": "#C4232D",
    "stale": "#6A737D",
    "flash-up": "#C8EFD4",
    "flash-down": "#FFD7D5",
}

#: Textual's own themes (Textual 8), which the console offers too.  A test
#: holds this list against ``textual.theme.BUILTIN_THEMES``, so that a new
#: Textual release that adds or drops one is noticed.
TEXTUAL_THEME_NAMES: frozenset[str] = frozenset({
    "ansi-dark", "ansi-light", "atom-one-dark", "atom-one-light", "catppuccin-frappe",
    "catppuccin-latte", "catppuccin-macchiato", "catppuccin-mocha", "dracula", "flexoki",
    "gruvbox", "monokai", "nord", "rose-pine", "rose-pine-dawn", "rose-pine-moon",
    "solarized-dark", "solarized-light", "textual-dark", "textual-light", "tokyo-night",
})  # fmt: skip  # one list of names, kept compact

_THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file and why."""


class ThemeSpec(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The content of one theme file (colours as written, not yet checked)."""

    primary: str
    name: str | None = None
    dark: bool = True
    secondary: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    accent: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    boost: str | None = None
    luminosity_spread: float = 0.15
    text_alpha: float = 0.95
    variables: dict[str, str] = {}

    def colours(self) -> dict[str, str]:
        """Every colour the file sets, by key (``variables.buy`` for a trading colour)."""
        found = {field: value for field in BASE_COLOURS if (value := getattr(self, field)) is not None}
        found.update({f"variables.{v}": self.variables[v] for v in TRADING_VARIABLES if v in self.variables})
        return found


def builtin_themes_dir() -> Path:
    """The folder of the shipped theme files (wheel or source checkout)."""
    installed = _PACKAGE_DIR / "themes"  # wheel: force-included as jextui/themes
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "themes"  # source checkout / editable install


def theme_variable_defaults(dark: bool = True) -> dict[str, str]:
    """Fallback values for the trading variables, for themes that lack them.

    The app returns these from ``App.get_theme_variable_defaults`` so that
    Textual's own themes (which know nothing of ``$buy``) still work.
    """
    return dict(DARK_TRADING_COLOURS if dark else LIGHT_TRADING_COLOURS)


def no_color_requested(env: Mapping[str, str]) -> bool:
    """True when ``NO_COLOR`` is set, exactly as Textual decides it.

    (The NO_COLOR convention asks for a non-empty value, but Textual turns
    monochrome on whenever the variable is present, so the theme choice
    follows the same rule to match what is rendered.)
    """
    return "NO_COLOR" in env


def _error_path(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    if " - at `$." in text:
        what, _, where = text.partition(" - at `$.")
        return f"{where.rstrip('`')}: {what}"
    return text


def _check_spec(spec: ThemeSpec, name: str) -> None:
    if not _THEME_NAME.match(name):
        raise ThemeFileError(f"name: {name!r} is not a valid theme name (letters, digits, '-', '_', '.')")
    if not 0.0 <= spec.text_alpha <= 1.0:
        raise ThemeFileError("text_alpha: must be between 0 and 1")
    if not 0.0 <= spec.luminosity_spread <= 1.0:
        raise ThemeFileError("luminosity_spread: must be between 0 and 1")


def read_theme_spec(path: Path) -> tuple[str, ThemeSpec]:
    """The name and content of one theme file.

    :class:`ThemeFileError` names the file and the problem.  The colours are
    not checked here (that takes Textual): see :mod:`jextui.ui.themes`.
    """
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise ThemeFileError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ThemeFileError(f"{path}: not UTF-8 text") from None
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ThemeFileError(f"{path}: not valid TOML: {exc}") from None
    try:
        spec = msgspec.convert(raw, ThemeSpec)
    except msgspec.ValidationError as exc:
        raise ThemeFileError(f"{path}: {_error_path(exc)}") from None
    name = spec.name if spec.name is not None else path.stem
    try:
        _check_spec(spec, name)
    except ThemeFileError as exc:
        raise ThemeFileError(f"{path}: {exc}") from None
    return name, spec


def _theme_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.glob("*.toml") if p.is_file())
    except OSError:
        return []


class ThemeEntry(NamedTuple):
    """One readable theme file."""

    name: str
    path: Path
    spec: ThemeSpec
    shipped: bool  # a built-in theme (its colours are checked by the test suite)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per set of files
class ThemeCatalogue:
    """The themes found in the built-in and user folders.

    ``entries`` are in reading order, built-in files first: a later entry
    replaces an earlier one of the same name.  ``notes`` are the
    ``(log level, message)`` pairs about files that were skipped.
    """

    entries: tuple[ThemeEntry, ...]
    notes: tuple[tuple[int, str], ...]

    def names(self) -> list[str]:
        """Every theme name the console accepts: these and Textual's own."""
        return sorted({*(entry.name for entry in self.entries), *TEXTUAL_THEME_NAMES})


def _signature(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    signature = []
    for path in paths:
        try:
            status = path.stat()
        except OSError:
            continue
        signature.append((str(path), status.st_size, status.st_mtime_ns))
    return tuple(signature)


#: Catalogues already read, by the files they were read from (path, size,
#: mtime): the configuration and the app both ask for one at start-up.
_READ: dict[tuple[tuple[str, int, int], ...], ThemeCatalogue] = {}


def theme_catalogue(user_dir: Path | None) -> ThemeCatalogue:
    """The built-in themes and the user's (``user_dir/*.toml``).

    Never raises for a bad file: it is left out, with a note.  Files read
    before and unchanged since (same size and modification time) are not
    parsed again.
    """
    builtin_files = _theme_files(builtin_themes_dir())
    user_files = _theme_files(user_dir) if user_dir is not None and user_dir.is_dir() else []
    key = (*_signature(builtin_files), ("", 0, 0), *_signature(user_files))
    catalogue = _READ.get(key)
    if catalogue is None:
        catalogue = _READ[key] = _read_catalogue(builtin_files, user_files)
    return catalogue


def _read_catalogue(builtin_files: Iterable[Path], user_files: Iterable[Path]) -> ThemeCatalogue:
    entries: list[ThemeEntry] = []
    notes: list[tuple[int, str]] = []
    for shipped, files in ((True, builtin_files), (False, user_files)):
        for path in files:
            try:
                name, spec = read_theme_spec(path)
            except ThemeFileError as exc:
                if shipped:  # a packaging mistake: say so, keep going
                    notes.append((logging.ERROR, f"built-in theme skipped: {exc}"))
                else:
                    notes.append((logging.WARNING, f"theme file skipped: {exc}"))
                continue
            entries.append(ThemeEntry(name, path, spec, shipped))
    return ThemeCatalogue(tuple(entries), tuple(notes))


def theme_names(user_dir: Path | None) -> list[str]:
    """Every theme name the console accepts: ours, the user's and Textual's own."""
    return theme_catalogue(user_dir).names()
