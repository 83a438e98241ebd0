"""Themes: the shipped files are valid, readable Textual themes with the
trading colours; user files are loaded, and a broken one is skipped; the
catalogue the configuration uses knows every name without Textual."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.theme import BUILTIN_THEMES, Theme
from textual.widgets import Static

from jextui.config import themes as catalogue
from jextui.ui import themes
from jextui.ui.themes import TRADING_VARIABLES, load_themes

REQUIRED = ("jextui-dark", "jextui-light", "jextui-high-contrast", "jextui-amber")


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    parsed = Color.parse(colour)
    return 0.2126 * channel(parsed.r) + 0.7152 * channel(parsed.g) + 0.0722 * channel(parsed.b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_builtin_themes_are_shipped_and_complete() -> None:
    loaded = load_themes(None)
    for name in (*REQUIRED, themes.MONO_THEME):
        assert name in loaded, f"{name} missing from {themes.builtin_themes_dir()}"
        theme = loaded[name]
        assert isinstance(theme, Theme) and theme.name == name
        for variable in TRADING_VARIABLES:
            Color.parse(theme.variables[variable])  # a real colour, not a default placeholder
    assert loaded["jextui-light"].dark is False and loaded["jextui-dark"].dark is True


def test_builtin_theme_files_set_every_trading_colour_themselves() -> None:
    import tomllib

    for path in themes.builtin_themes_dir().glob("*.toml"):
        variables = tomllib.loads(path.read_text())["variables"]
        assert set(TRADING_VARIABLES) <= set(variables), path.name


@pytest.mark.parametrize("name", [*REQUIRED, "jextui-mono"])
def test_builtin_themes_are_readable(name: str) -> None:
    theme = load_themes(None)[name]
    assert theme.background is not None and theme.foreground is not None
    text_minimum = 7.0 if name == "jextui-high-contrast" else 4.5
    assert contrast(theme.foreground, theme.background) >= text_minimum
    for variable in ("buy", "sell", "up", "down"):
        assert contrast(theme.variables[variable], theme.background) >= text_minimum, variable
    assert contrast(theme.variables["stale"], theme.background) >= 3.0
    # buy and sell must be told apart even by luminance alone (NO_COLOR, amber)
    assert theme.variables["buy"] != theme.variables["sell"]
    if name in ("jextui-amber", "jextui-mono"):
        assert contrast(theme.variables["buy"], theme.variables["sell"]) >= 1.5


class ThemedApp(App[None]):
    CSS = """
    #buy { color: $buy; background: $flash-up; }
    #sell { color: $sell; background: $flash-down; }
    #rest { color: $up; background: $panel; border: solid $down; }
    #stale { color: $stale; }
    """

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return themes.theme_variable_defaults()

    def compose(self) -> ComposeResult:
        yield Static("buy", id="buy")
        yield Static("sell", id="sell")
        yield Static("rest", id="rest")
        yield Static("stale", id="stale")


def _shipped_buy_colour(theme: str) -> str:
    """The $buy colour written in a theme file shipped with jextui (what the trader can read and copy)."""
    path = Path(__file__).resolve().parent.parent / "themes" / f"{theme}.toml"
    return str(tomllib.loads(path.read_text(encoding="utf-8"))["variables"]["buy"])


async def test_every_theme_applies_in_a_running_app() -> None:
    app = ThemedApp()
    async with app.run_test(size=(40, 10)) as pilot:
        for theme in load_themes(None).values():
            app.register_theme(theme)
        # nord is Textual's own dark theme: it lacks $buy and falls back to the default theme's colour
        for name, source in [*((name, name) for name in (*REQUIRED, "jextui-mono")), ("nord", "jextui-dark")]:
            app.theme = name
            await pilot.pause()
            buy = app.query_one("#buy").styles.color
            assert buy == Color.parse(_shipped_buy_colour(source)), name


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_USER_THEME = """
name = "my-green"
dark = true
primary = "#00AA00"
background = "#001100"
[variables]
buy = "#00FF00"
"""


def test_user_themes_load_and_broken_ones_are_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    user = tmp_path / "themes"
    _write(user, "good.toml", GOOD_USER_THEME)
    broken = {
        "syntax.toml": 'primary = "#123456\n',
        "badcolour.toml": 'primary = "not-a-colour"\n',
        "badvariable.toml": 'primary = "#123456"\n[variables]\nsell = "reddish"\n',
        "unknown.toml": 'primary = "#123456"\nbackgroundd = "#000000"\n',
        "noprimary.toml": 'background = "#000000"\n',
        "badname.toml": 'name = "has space"\nprimary = "#123456"\n',
        "binary.toml": "",
    }
    for filename, text in broken.items():
        _write(user, filename, text)
    (user / "binary.toml").write_bytes(b"\xff\xfe\x00")
    with caplog.at_level(logging.WARNING, logger="jextui.ui.themes"):
        loaded = load_themes(user)
    assert "my-green" in loaded and all(name in loaded for name in REQUIRED)
    assert loaded["my-green"].variables["buy"] == "#00FF00"
    assert loaded["my-green"].variables["sell"] == themes.DARK_TRADING_COLOURS["sell"]  # filled in
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) == len(broken)
    for filename in broken:
        assert any(filename in message for message in skipped), filename
    assert any("backgroundd" in message for message in skipped)
    assert any("variables.sell" in message for message in skipped)


def test_user_theme_name_defaults_to_file_name_and_may_replace_a_builtin(tmp_path: Path) -> None:
    user = tmp_path / "themes"
    _write(user, "solar-night.toml", 'primary = "#268BD2"\ndark = false\n')
    _write(user, "mine.toml", 'name = "jextui-amber"\nprimary = "#FF0000"\n')
    loaded = load_themes(user)
    assert loaded["solar-night"].dark is False
    assert loaded["solar-night"].variables["buy"] == themes.LIGHT_TRADING_COLOURS["buy"]
    assert loaded["jextui-amber"].primary == "#FF0000"


def test_missing_user_folder_is_fine(tmp_path: Path) -> None:
    assert set(REQUIRED) <= set(load_themes(tmp_path / "nope"))


def test_builtin_folder_is_found_in_a_wheel_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "jextui"
    _write(package / "themes", "jextui-dark.toml", 'primary = "#123456"\n')
    monkeypatch.setattr(catalogue, "_PACKAGE_DIR", package)
    assert themes.builtin_themes_dir() == package / "themes"
    assert list(load_themes(None)) == ["jextui-dark"]


def test_builtin_folder_is_found_in_a_source_checkout() -> None:
    folder = themes.builtin_themes_dir()
    assert folder.is_dir()
    assert {f"{name}.toml" for name in REQUIRED} <= {p.name for p in folder.iterdir()}


def test_no_color_detection_matches_textual() -> None:
    assert themes.no_color_requested({"NO_COLOR": "1"})
    assert themes.no_color_requested({"NO_COLOR": ""})
    assert not themes.no_color_requested({"TERM": "xterm-256color"})


def test_theme_names_include_textuals_own() -> None:
    names = catalogue.theme_names(None)
    assert "nord" in names and "jextui-amber" in names


def test_catalogue_knows_textuals_own_themes_by_name() -> None:
    assert set(BUILTIN_THEMES) == catalogue.TEXTUAL_THEME_NAMES, "Textual's themes changed: update the list"


def test_catalogue_lists_user_themes_and_leaves_unreadable_ones_out(tmp_path: Path) -> None:
    user = tmp_path / "themes"
    _write(user, "good.toml", GOOD_USER_THEME)
    _write(user, "unknown.toml", 'primary = "#123456"\nbackgroundd = "#000000"\n')
    _write(user, "badname.toml", 'name = "has space"\nprimary = "#123456"\n')
    found = catalogue.theme_catalogue(user)
    assert "my-green" in found.names() and "unknown" not in found.names() and "has space" not in found.names()
    skipped = {str(user / "unknown.toml"), str(user / "badname.toml")}
    assert {message.split(": ")[1] for _, message in found.notes} == skipped


def test_settings_are_resolved_without_importing_textual(tmp_path: Path) -> None:
    """The configuration checks theme names with the catalogue alone: Textual
    is imported by the console, not by the configuration."""
    user = tmp_path / "config" / "themes"
    _write(user, "good.toml", GOOD_USER_THEME)
    (tmp_path / "config" / "config.toml").write_text('theme = "my-green"\n')
    env = {**os.environ, **{f"JEXTUI_{d}_DIR": str(tmp_path / d.lower()) for d in ("CONFIG", "DATA", "LOG")}}
    env.pop("NO_COLOR", None)
    code = (
        "import sys\n"
        "from jextui.config import Overrides, load_settings\n"
        "print(load_settings(Overrides()).theme, load_settings(Overrides(theme='nord')).theme)\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'jextui.ui'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["my-green nord", "[]"]
