"""The ``jextui`` command line: flags, subcommands, exit codes, and no
traceback on the terminal whatever happens."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.sandbox import root_logging_restored

from jextui import __version__
from jextui.cli import main
from jextui.config import DEFAULT_WATCHLIST, Settings
from jextui.secret import Secret

SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"


def recorder(into: list[Any]) -> Callable[[Any], int]:
    """A stand-in entry point: remembers what it was called with and exits with 0."""

    def run(argument: Any) -> int:
        into.append(argument)
        return 0

    return run


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temporary config/data/log folders; the real home is never touched."""
    for name in ("JEX_API_KEY", "JEX_API_SECRET", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, sub in (("JEXTUI_CONFIG_DIR", "config"), ("JEXTUI_DATA_DIR", "data"), ("JEXTUI_LOG_DIR", "log")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    with root_logging_restored():
        yield tmp_path


def fake_module(monkeypatch: pytest.MonkeyPatch, name: str, **attributes: object) -> None:
    module = types.ModuleType(name)
    for attribute, value in attributes.items():
        setattr(module, attribute, value)
    monkeypatch.setitem(sys.modules, name, module)


def fake_app(monkeypatch: pytest.MonkeyPatch, run: Callable[[Settings], int]) -> None:
    fake_module(monkeypatch, "jextui.ui.app", run_console=run)


def write_config(home: Path, text: str) -> Path:
    path = home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)
    return path


# --------------------------------------------------------------------------
# --version, --help, usage errors


def test_version(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"jextui {__version__}"


def test_help_lists_every_option_and_subcommand(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for word in (
        "--profile",
        "--base-url",
        "--symbols",
        "--theme",
        "--demo",
        "--log-level",
        "--version",
        "sandbox",
        "config",
        "journal",
        "JEX_API_KEY",
        "NO_COLOR",
        "demo mode",
    ):
        assert word in out, word


def test_usage_error_exits_2(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--log-level", "LOUD"]) == 2
    assert main(["--no-such-flag"]) == 2
    err = capsys.readouterr().err
    assert "jextui: error: argument --log-level" in err and "unrecognized arguments: --no-such-flag" in err


def test_version_does_not_import_the_heavy_parts() -> None:
    code = (
        "import sys; from jextui.cli import main; rc = main(['--version']); "
        "heavy = [m for m in ('textual', 'httpx', 'jextui.config', 'jextui.ui.app') if m in sys.modules]; "
        "print(rc, heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().endswith("0 []"), result.stdout


# --------------------------------------------------------------------------
# config path / init / check


def test_config_path(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "path"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(home / "config" / "config.toml")
    assert "config init" in captured.err  # says it does not exist yet


def test_config_init_then_refuse_then_force(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = home / "config" / "config.toml"
    assert main(["config", "init"]) == 0
    assert path.stat().st_mode & 0o777 == 0o600
    assert str(path) in capsys.readouterr().out
    path.write_text("bell = true\n")
    assert main(["config", "init"]) == 2
    assert "--force" in capsys.readouterr().err
    assert path.read_text() == "bell = true\n"
    assert main(["config", "init", "--force"]) == 0
    assert path.read_text().startswith("## jextui configuration")


def test_config_without_action_is_a_usage_error(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config"]) == 2
    assert main(["config", "frobnicate"]) == 2


def test_config_check_shows_the_resolution_without_secrets(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(
        home, f"[profiles.main]\nbase_url = 'https://jex.example.com'\napi_key = '{KEY}'\napi_secret = '{SECRET}'\n"
    )
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert "https://jex.example.com" in out and "main" in out and KEY[:4] + "…" in out
    assert KEY not in out and SECRET not in out


def test_config_check_reports_errors_with_exit_2(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(home, "weight_share = 0\n")
    assert main(["config", "check"]) == 2
    assert "weight_share: must be more than 0" in capsys.readouterr().err


# --------------------------------------------------------------------------
# the console


def test_console_starts_with_resolved_settings_and_a_log(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Settings] = []
    fake_app(monkeypatch, recorder(seen))
    assert main(["--symbols", "ethbtc,BTCUSDT", "--theme", "jextui-amber", "--log-level", "debug"]) == 0
    (settings,) = seen
    assert settings.demo and settings.watchlist == ("ETHBTC", "BTCUSDT") and settings.theme == "jextui-amber"
    assert settings.log_level == "DEBUG"
    log_text = (home / "log" / "jextui.log").read_text()
    assert "starting: profile=demo demo=True" in log_text


def test_console_exit_code_is_the_apps(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_app(monkeypatch, lambda settings: 3)
    assert main(["--demo"]) == 3


def test_console_with_environment_credentials(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Settings] = []
    fake_app(monkeypatch, recorder(seen))
    monkeypatch.setenv("JEX_API_KEY", KEY)
    monkeypatch.setenv("JEX_API_SECRET", SECRET)
    assert main(["--base-url", "https://jex.example.com"]) == 0
    assert seen[0].api_key == KEY and seen[0].api_secret == Secret(SECRET) and not seen[0].demo
    assert seen[0].watchlist == DEFAULT_WATCHLIST


def test_unexpected_error_is_one_line_and_the_traceback_goes_to_the_log(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def crash(settings: Settings) -> int:
        raise RuntimeError(
            f"signature mismatch for {settings.api_secret.reveal() if settings.api_secret else ''}\nsecond line"
        )

    fake_app(monkeypatch, crash)
    monkeypatch.setenv("JEX_API_KEY", KEY)
    monkeypatch.setenv("JEX_API_SECRET", SECRET)
    assert main(["--base-url", "https://jex.example.com"]) == 1
    err = capfd.readouterr().err
    log_path = home / "log" / "jextui.log"
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("jextui: unexpected error (RuntimeError: signature mismatch for *** second line)")
    assert f"details in {log_path}" in err
    log_text = log_path.read_text()
    assert "Traceback (most recent call last)" in log_text and "in crash" in log_text
    assert SECRET not in err and SECRET not in log_text and KEY not in log_text


def test_unexpected_error_before_logging_is_set_up(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def broken(argv: list[str]) -> int:
        raise OSError("disk on fire")

    fake_module(monkeypatch, "jextui.sandbox.cli", main=broken)
    assert main(["sandbox", "--port", "1"]) == 1
    err = capfd.readouterr().err
    assert "unexpected error (OSError: disk on fire)" in err and "Traceback" not in err
    assert "Traceback" in (home / "log" / "jextui.log").read_text()


def test_interrupt_exits_quietly(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def interrupted(settings: Settings) -> int:
        raise KeyboardInterrupt

    fake_app(monkeypatch, interrupted)
    assert main([]) == 130
    assert "Traceback" not in capfd.readouterr().err


def test_missing_console_module_is_explained(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "jextui.ui.app", None)  # makes the import fail
    assert main(["--demo"]) == 1
    assert "the console is not available" in capsys.readouterr().err


def test_log_folder_that_cannot_be_created_is_a_warning_not_a_crash(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = home / "blocker"
    blocker.write_text("a file, not a folder")
    monkeypatch.setenv("JEXTUI_LOG_DIR", str(blocker / "log"))
    fake_app(monkeypatch, lambda settings: 0)
    assert main([]) == 0
    assert "cannot write the log file" in capsys.readouterr().err


# --------------------------------------------------------------------------
# subcommands owned by other modules


def test_journal_is_dispatched_with_its_arguments(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    fake_module(monkeypatch, "jextui.trading.journal_cli", main=recorder(calls))
    assert main(["journal", "--csv", "out.csv", "--limit", "5"]) == 0
    assert calls == [["--csv", "out.csv", "--limit", "5"]]


def test_journal_missing_is_explained(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "jextui.trading.journal_cli", None)
    assert main(["journal"]) == 1
    assert "order journal command is not available" in capsys.readouterr().err


def test_sandbox_is_dispatched(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    fake_module(monkeypatch, "jextui.sandbox.cli", main=recorder(calls))
    assert main(["sandbox", "--quiet"]) == 0
    assert calls == [["--quiet"]]


def test_entry_point_runs_as_a_module(home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jextui", "config", "path"], capture_output=True, text=True, env=dict(os.environ)
    )
    assert result.returncode == 0 and result.stdout.strip() == str(home / "config" / "config.toml")


# --------------------------------------------------------------------------
# the demo sandbox's process: started first when demo mode is certain


class _ChildRecord:
    """A stand-in for the sandbox child: records its start and its close."""

    def __init__(self, events: list[str]) -> None:
        self.events = events
        events.append("child started")

    def close(self) -> None:
        self.events.append("child closed")


def _record_child_and_config(monkeypatch: pytest.MonkeyPatch, events: list[str]) -> None:
    import jextui.config
    from jextui.sandbox.child import SandboxChild

    monkeypatch.setattr(SandboxChild, "start", classmethod(lambda cls, env=None: _ChildRecord(events)))
    real_load = jextui.config.load_settings

    def load(*args: Any, **kwargs: Any) -> Settings:
        events.append("config read")
        return real_load(*args, **kwargs)

    monkeypatch.setattr(jextui.config, "load_settings", load)


@pytest.mark.parametrize(
    "argv",
    [pytest.param(["--demo"], id="--demo"), pytest.param([], id="first start: no config, no key")],
)
def test_a_certain_demo_starts_its_sandbox_before_the_config_is_read(
    home: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    events: list[str] = []
    _record_child_and_config(monkeypatch, events)
    seen: list[Settings] = []
    fake_app(monkeypatch, recorder(seen))
    assert main(argv) == 0
    assert events == ["child started", "config read", "child closed"]
    assert isinstance(seen[0].sandbox_child, _ChildRecord)


def test_with_a_config_file_the_sandbox_starts_once_it_says_demo(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(home, 'watchlist = ["BTCUSDT"]\n')  # no profile: demo, but only the config can say so
    events: list[str] = []
    _record_child_and_config(monkeypatch, events)
    fake_app(monkeypatch, lambda settings: 0)
    assert main([]) == 0
    assert events == ["config read", "child started", "child closed"]


def test_no_sandbox_starts_for_a_real_exchange(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    _record_child_and_config(monkeypatch, events)
    monkeypatch.setenv("JEX_API_KEY", KEY)
    monkeypatch.setenv("JEX_API_SECRET", SECRET)
    fake_app(monkeypatch, lambda settings: 0)
    assert main(["--base-url", "https://jex.example.com"]) == 0
    assert events == ["config read"]


def test_a_sandbox_started_early_is_closed_when_the_config_is_refused(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events: list[str] = []
    _record_child_and_config(monkeypatch, events)
    fake_app(monkeypatch, lambda settings: pytest.fail("the console must not start"))
    assert main(["--demo", "--profile", "live"]) == 2
    assert "--demo runs on the built-in sandbox" in capsys.readouterr().err
    assert events == ["child started", "config read", "child closed"]


def test_a_sandbox_started_early_is_closed_when_the_console_fails(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    _record_child_and_config(monkeypatch, events)

    def crash(settings: Settings) -> int:
        raise RuntimeError("boom")

    fake_app(monkeypatch, crash)
    assert main(["--demo"]) == 1
    assert events == ["child started", "config read", "child closed"]
