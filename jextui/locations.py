"""Where jextui keeps its files.

The platform's usual user directories (via platformdirs), each overridable by
an environment variable so a test, a second installation or a portable setup
never touches the real home directory:

=================  =======================  ====================================
directory          override                 holds
=================  =======================  ====================================
config             ``JEXTUI_CONFIG_DIR``    ``config.toml``, ``themes/*.toml``
data               ``JEXTUI_DATA_DIR``      ``state.json``, ``journal.sqlite``
log                ``JEXTUI_LOG_DIR``       ``jextui.log`` (rotated)
=================  =======================  ====================================

Nothing here creates a directory; the code that writes a file does, with
:func:`ensure_private_dir`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import msgspec
import platformdirs

__all__ = [
    "APP_NAME",
    "CONFIG_DIR_ENV",
    "DATA_DIR_ENV",
    "LOG_DIR_ENV",
    "Locations",
    "locations",
    "config_file",
    "themes_dir",
    "data_dir",
    "state_file",
    "journal_file",
    "log_dir",
    "log_file",
    "ensure_private_dir",
]

APP_NAME = "jextui"
CONFIG_DIR_ENV = "JEXTUI_CONFIG_DIR"
DATA_DIR_ENV = "JEXTUI_DATA_DIR"
LOG_DIR_ENV = "JEXTUI_LOG_DIR"


class Locations(msgspec.Struct, frozen=True):
    """The three directories jextui uses, and the files inside them."""

    config_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def themes_dir(self) -> Path:
        """User theme files (``*.toml``), next to the config file."""
        return self.config_dir / "themes"

    @property
    def state_file(self) -> Path:
        """Persisted UI state (watchlist, active symbol, interval, theme)."""
        return self.data_dir / "state.json"

    @property
    def journal_file(self) -> Path:
        """The write-ahead order journal (SQLite)."""
        return self.data_dir / "journal.sqlite"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "jextui.log"


def _from_env(env: Mapping[str, str], name: str, default: str) -> Path:
    override = env.get(name, "").strip()
    return Path(override).expanduser() if override else Path(default)


def locations(env: Mapping[str, str] | None = None) -> Locations:
    """Resolve the directories, honouring the ``JEXTUI_*_DIR`` overrides."""
    env = os.environ if env is None else env
    return Locations(
        config_dir=_from_env(env, CONFIG_DIR_ENV, platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        data_dir=_from_env(env, DATA_DIR_ENV, platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        log_dir=_from_env(env, LOG_DIR_ENV, platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def config_file(env: Mapping[str, str] | None = None) -> Path:
    return locations(env).config_file


def themes_dir(env: Mapping[str, str] | None = None) -> Path:
    return locations(env).themes_dir


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    return locations(env).data_dir


def state_file(env: Mapping[str, str] | None = None) -> Path:
    return locations(env).state_file


def journal_file(env: Mapping[str, str] | None = None) -> Path:
    return locations(env).journal_file


def log_dir(env: Mapping[str, str] | None = None) -> Path:
    return locations(env).log_dir


def log_file(env: Mapping[str, str] | None = None) -> Path:
    return locations(env).log_file


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; a new leaf is private (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
