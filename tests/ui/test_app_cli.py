"""Starting the console from the command line: config errors are one line, good settings reach the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from jextui import cli
from jextui.ui import app as app_module


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("CONFIG", "DATA", "LOG"):
        monkeypatch.setenv(f"JEXTUI_{name}_DIR", str(tmp_path / name.lower()))
    for name in ("JEX_API_KEY", "JEX_API_SECRET", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "config").mkdir()
    return tmp_path


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[app_module.JexApp]:
    """Record the apps the console would run instead of taking over the terminal."""
    apps: list[app_module.JexApp] = []

    def fake_run(self: app_module.JexApp, *args: object, **kwargs: object) -> None:
        apps.append(self)

    monkeypatch.setattr(app_module.JexApp, "run", fake_run)
    return apps


def test_a_bad_config_file_is_one_precise_line_and_exit_2(
    dirs: Path, started: list[app_module.JexApp], capsys: pytest.CaptureFixture[str]
) -> None:
    config = dirs / "config" / "config.toml"
    config.write_text('theme = "jextui-dark"\nwatchlist = "BTCUSDT"\n')
    code = cli.main([])
    err = capsys.readouterr().err
    assert code == 2 and not started
    assert str(config) in err and "watchlist" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_an_unknown_theme_is_refused_before_the_console_starts(
    dirs: Path, started: list[app_module.JexApp], capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["--theme", "no-such-theme"])
    err = capsys.readouterr().err
    assert code == 2 and not started
    assert "no-such-theme" in err and "jextui-light" in err


def test_good_options_reach_the_console(dirs: Path, started: list[app_module.JexApp]) -> None:
    code = cli.main(["--demo", "--symbols", "ethusdt,ltcbtc", "--theme", "jextui-amber"])
    assert code == 0 and len(started) == 1
    app = started[0]
    assert app.settings.demo and app.watchlist == ("ETHUSDT", "LTCBTC")
    assert app.active_symbol == "ETHUSDT"
    assert app.theme == "jextui-amber"
