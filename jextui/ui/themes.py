"""Theme files → Textual themes.

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
folder; a user theme may replace a built-in of the same name.  A user theme
that cannot be read or is invalid is skipped with a logged warning.  Trading
variables a user theme leaves out are taken from the default dark or light
theme.

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
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from textual.color import Color
from textual.theme import Theme

if TYPE_CHECKING:
    from textual.app import App

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
    "register_themes",
    "theme_names",
    "theme_variable_defaults",
    "no_color_requested",
]

log = logging.getLogger(__name__)

DEFAULT_THEME = "jextui-dark"
MONO_THEME = "jextui-mono"

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

_THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file and why."""


class _ThemeFile(msgspec.Struct, forbid_unknown_fields=True):
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


def _check_colour(field: str, value: str) -> None:
    try:
        Color.parse(value)
    except Exception as exc:
        raise ThemeFileError(f"{field}: {value!r} is not a colour ({exc})") from None


def _build_theme(spec: _ThemeFile, default_name: str, *, try_colours: bool = True) -> Theme:
    name = spec.name if spec.name is not None else default_name
    if not _THEME_NAME.match(name):
        raise ThemeFileError(f"name: {name!r} is not a valid theme name (letters, digits, '-', '_', '.')")
    for field in ("primary", "secondary", "warning", "error", "success", "accent",
                  "foreground", "background", "surface", "panel", "boost"):  # fmt: skip
        value = getattr(spec, field)
        if value is not None:
            _check_colour(field, value)
    for variable in TRADING_VARIABLES:
        if variable in spec.variables:
            _check_colour(f"variables.{variable}", spec.variables[variable])
    if not 0.0 <= spec.text_alpha <= 1.0:
        raise ThemeFileError("text_alpha: must be between 0 and 1")
    if not 0.0 <= spec.luminosity_spread <= 1.0:
        raise ThemeFileError("luminosity_spread: must be between 0 and 1")
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


def _error_path(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    if " - at `$." in text:
        what, _, where = text.partition(" - at `$.")
        return f"{where.rstrip('`')}: {what}"
    return text


def load_theme_file(path: Path, *, shipped: bool = False) -> Theme:
    """Read one theme file; :class:`ThemeFileError` names the file and the problem.

    A ``shipped`` (built-in) theme is not applied on trial: the test suite
    applies every one, and trying them costs start-up time at every launch.
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
        spec = msgspec.convert(raw, _ThemeFile)
    except msgspec.ValidationError as exc:
        raise ThemeFileError(f"{path}: {_error_path(exc)}") from None
    try:
        return _build_theme(spec, path.stem, try_colours=not shipped)
    except ThemeFileError as exc:
        raise ThemeFileError(f"{path}: {exc}") from None


def _theme_files(folder: Path) -> Iterable[Path]:
    try:
        return sorted(p for p in folder.glob("*.toml") if p.is_file())
    except OSError:
        return []


#: Themes already read, by the files they were read from (path, size, mtime),
#: with what reading them logged: the config check and the app both ask for
#: them at start-up.
_LOADED: dict[tuple[tuple[str, int, int], ...], tuple[dict[str, Theme], list[tuple[int, str]]]] = {}


def _signature(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    signature = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        signature.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(signature)


def load_themes(user_dir: Path | None) -> dict[str, Theme]:
    """Built-in themes plus the user's (``user_dir/*.toml``), by name.

    Never raises for a bad user file: it is skipped and a warning is logged
    (at every call).  Files read before and unchanged since (same size and
    modification time) are not parsed again.
    """
    builtin_files = list(_theme_files(builtin_themes_dir()))
    user_files = list(_theme_files(user_dir)) if user_dir is not None and user_dir.is_dir() else []
    key = (*_signature(builtin_files), ("", 0, 0), *_signature(user_files))
    loaded = _LOADED.get(key)
    if loaded is None:
        loaded = _LOADED[key] = _read_themes(builtin_files, user_files)
    themes, notes = loaded
    for level, message in notes:
        log.log(level, "%s", message)
    return dict(themes)


def _read_themes(builtin_files: Iterable[Path], user_files: Iterable[Path]) -> tuple[dict[str, Theme], list[tuple[int, str]]]:
    """The themes in these files, and what to log about them."""
    themes: dict[str, Theme] = {}
    notes: list[tuple[int, str]] = []
    for path in builtin_files:
        try:
            theme = load_theme_file(path, shipped=True)
        except ThemeFileError as exc:  # a packaging mistake: say so, keep going
            notes.append((logging.ERROR, f"built-in theme skipped: {exc}"))
            continue
        themes[theme.name] = theme
    for path in user_files:
        try:
            theme = load_theme_file(path)
        except ThemeFileError as exc:
            notes.append((logging.WARNING, f"theme file skipped: {exc}"))
            continue
        if theme.name in themes:
            notes.append((logging.INFO, f"user theme {theme.name} ({path}) replaces the built-in one"))
        themes[theme.name] = theme
    return themes, notes


def register_themes(app: App[object], user_dir: Path | None, chosen: str) -> None:
    """Make every theme (built-in and the user's) available to ``app``, and use ``chosen`` if known."""
    for theme in load_themes(user_dir).values():
        app.register_theme(theme)
    if chosen in app.available_themes:
        app.theme = chosen


def theme_names(user_dir: Path | None) -> list[str]:
    """Every theme name the console accepts: ours, the user's and Textual's own."""
    from textual.theme import BUILTIN_THEMES

    return sorted({*load_themes(user_dir), *BUILTIN_THEMES})
