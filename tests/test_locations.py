"""Where jextui keeps its files: platformdirs defaults and the overrides."""

from __future__ import annotations

import stat
from pathlib import Path

import platformdirs

from jextui import locations as loc


def test_overrides_move_every_file(tmp_path: Path) -> None:
    env = {
        "JEXTUI_CONFIG_DIR": str(tmp_path / "c"),
        "JEXTUI_DATA_DIR": str(tmp_path / "d"),
        "JEXTUI_LOG_DIR": str(tmp_path / "l"),
    }
    where = loc.locations(env)
    assert where.config_file == tmp_path / "c" / "config.toml"
    assert where.themes_dir == tmp_path / "c" / "themes"
    assert where.state_file == tmp_path / "d" / "state.json"
    assert where.journal_file == tmp_path / "d" / "journal.sqlite"
    assert where.log_file == tmp_path / "l" / "jextui.log"
    assert loc.config_file(env) == where.config_file
    assert loc.journal_file(env) == where.journal_file
    assert loc.log_file(env) == where.log_file


def test_defaults_are_the_platform_user_directories() -> None:
    where = loc.locations({})
    assert where.config_dir == Path(platformdirs.user_config_dir("jextui", appauthor=False))
    assert where.data_dir == Path(platformdirs.user_data_dir("jextui", appauthor=False))
    assert where.log_dir == Path(platformdirs.user_log_dir("jextui", appauthor=False))
    assert where.config_file.name == "config.toml"


def test_blank_override_is_ignored_and_tilde_expanded() -> None:
    where = loc.locations({"JEXTUI_CONFIG_DIR": "  ", "JEXTUI_DATA_DIR": "~/jx-data"})
    assert where.config_dir == Path(platformdirs.user_config_dir("jextui", appauthor=False))
    assert where.data_dir == Path.home() / "jx-data"


def test_nothing_is_created_by_resolving(tmp_path: Path) -> None:
    loc.locations({"JEXTUI_CONFIG_DIR": str(tmp_path / "c")})
    assert not (tmp_path / "c").exists()


def test_ensure_private_dir_creates_owner_only_folder(tmp_path: Path) -> None:
    target = loc.ensure_private_dir(tmp_path / "a" / "b")
    assert target.is_dir()
    assert stat.S_IMODE(target.stat().st_mode) & 0o077 == 0
    loc.ensure_private_dir(target)  # existing: fine
