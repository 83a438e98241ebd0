"""The order-guard settings: ``fat_finger_passive`` and ``max_slippage_pct``
in the file, the template and ``jextui config check``."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from support.sandbox import root_logging_restored

from jextui.cli import main
from jextui.config import Overrides, config_template, load_config, load_settings


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in ("JEX_API_KEY", "JEX_API_SECRET", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    dirs = {
        "JEXTUI_CONFIG_DIR": tmp_path / "config",
        "JEXTUI_DATA_DIR": tmp_path / "data",
        "JEXTUI_LOG_DIR": tmp_path / "log",
    }
    for name, path in dirs.items():
        monkeypatch.setenv(name, str(path))
    return {name: str(path) for name, path in dirs.items()}


def write_config(env: dict[str, str], text: str) -> Path:
    folder = Path(env["JEXTUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def test_defaults_hint_for_passive_orders_and_half_a_percent_of_slippage(env: dict[str, str]) -> None:
    settings = load_settings(Overrides(), env)
    assert settings.fat_finger_passive == "hint"
    assert settings.max_slippage_pct == Decimal("0.5") and isinstance(settings.max_slippage_pct, Decimal)


def test_values_from_the_file_reach_the_settings(env: dict[str, str]) -> None:
    write_config(env, 'fat_finger_passive = "confirm"\nmax_slippage_pct = 1.25\n')
    settings = load_settings(Overrides(), env)
    assert settings.fat_finger_passive == "confirm" and settings.max_slippage_pct == Decimal("1.25")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('fat_finger_passive = "ask"\n', 'fat_finger_passive: must be "hint" or "confirm", got \'ask\''),
        ("fat_finger_passive = 1\n", "fat_finger_passive: expected a string"),
        ("max_slippage_pct = 0\n", "max_slippage_pct: must be between 0.01 and 50 percent, got 0"),
        ("max_slippage_pct = 75\n", "max_slippage_pct: must be between 0.01 and 50 percent, got 75"),
        ("max_slippage_pct = nan\n", "max_slippage_pct: must be between 0.01 and 50 percent"),
    ],
)
def test_config_check_refuses_bad_values_in_one_line(
    env: dict[str, str], capfd: pytest.CaptureFixture[str], text: str, words: str
) -> None:
    path = write_config(env, text)
    with root_logging_restored():
        assert main(["config", "check"]) == 2
    err = capfd.readouterr().err
    assert err.startswith(f"jextui: {path}: ") and words in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_config_check_shows_both(env: dict[str, str], capfd: pytest.CaptureFixture[str]) -> None:
    write_config(env, 'fat_finger_passive = "confirm"\nmax_slippage_pct = 2\n')
    with root_logging_restored():
        assert main(["config", "check"]) == 0
    out = capfd.readouterr().out
    assert "passive orders: confirm" in out and "max slippage    2 % (marketable orders)" in out


def test_the_template_documents_them_with_their_defaults(env: dict[str, str]) -> None:
    template = config_template()
    assert '# fat_finger_passive = "hint"' in template and "# max_slippage_pct = 0.5" in template
    uncommented = "\n".join(line[2:] if line.startswith("# ") else line for line in template.splitlines())
    config = load_config(write_config(env, uncommented + "\n"))
    assert config.fat_finger_passive == "hint" and config.max_slippage_pct == Decimal("0.5")
