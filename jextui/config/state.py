"""The small UI state kept between runs: watchlist, active symbol, kline
interval, theme and the order ticket's last size per symbol and side, as
``state.json`` in the data directory; and how it merges with the command
line and the config file.

Writes are atomic (a temporary file in the same folder, flushed to disk, then
renamed over the old one), so a crash or a second instance never leaves half
a file.  A missing file is an empty state; a file that cannot be read or
does not validate is ignored with a logged warning (never a crash) and is
replaced at the next save.  Every field is optional: ``None`` means "not
chosen yet", and the caller falls back to the config file or the defaults.

Precedence (:func:`merged_watchlist`, :func:`merged_theme`): the command
line, then (theme only) ``jextui-mono`` when NO_COLOR is set, then the saved
state, then the config file, then the defaults.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import msgspec

from jextui.config.schema import (
    DEFAULT_WATCHLIST,
    SYMBOL_PATTERN,
    Config,
    ConfigError,
    parse_symbols,
)
from jextui.config.themes import (
    DEFAULT_THEME,
    MONO_THEME,
    no_color_requested,
    theme_names,
)
from jextui.kline_intervals import KLINE_INTERVALS
from jextui.locations import ensure_private_dir

__all__ = [
    "STATE_VERSION",
    "UiState",
    "load_state",
    "save_state",
    "update_state",
    "merged_watchlist",
    "merged_theme",
]

log = logging.getLogger(__name__)

STATE_VERSION = 1


class UiState(msgspec.Struct, frozen=True, kw_only=True):
    """What the user last had on screen.  Unknown keys in the file are ignored."""

    version: int = STATE_VERSION
    watchlist: tuple[str, ...] | None = None
    active_symbol: str | None = None
    kline_interval: str | None = None
    theme: str | None = None
    # The ticket's last size text per "SYMBOL:SIDE" (jextui.trading.sizing.LastSizes
    # reads it and leaves out anything malformed).
    last_sizes: dict[str, str] | None = None

    def __post_init__(self) -> None:
        for symbol in (*(self.watchlist or ()), *([self.active_symbol] if self.active_symbol else [])):
            if not SYMBOL_PATTERN.match(symbol):
                raise ValueError(f"{symbol!r} is not a symbol")
        if self.kline_interval is not None and self.kline_interval not in KLINE_INTERVALS:
            raise ValueError(f"{self.kline_interval!r} is not a kline interval")


def load_state(path: Path) -> UiState:
    """The saved state, or an empty one if missing, unreadable or invalid."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return UiState()
    except OSError as exc:
        log.warning("UI state %s ignored: cannot read it: %s", path, exc)
        return UiState()
    try:
        return msgspec.json.decode(data, type=UiState)
    except (msgspec.DecodeError, ValueError) as exc:
        log.warning("UI state %s ignored: it is not valid (%s); it will be rewritten", path, exc)
        return UiState()


def save_state(path: Path, state: UiState) -> bool:
    """Write ``state`` atomically; ``False`` (and a logged warning) on failure."""
    tmp_name: str | None = None
    try:
        ensure_private_dir(path.parent)
        fd, tmp_name = tempfile.mkstemp(prefix=".state-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(msgspec.json.format(msgspec.json.encode(state), indent=2) + b"\n")
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
        return True
    except OSError as exc:
        log.warning("UI state not saved to %s: %s", path, exc)
        return False
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def update_state(path: Path, **changes: object) -> UiState:
    """Load, change some fields, save; returns the new state.

    E.g. ``update_state(path, watchlist=("BTCUSDT", "ETHUSDT"))``.  Invalid
    values raise ``ValueError`` before anything is written.
    """
    current = load_state(path)
    fields = {name: getattr(current, name) for name in current.__struct_fields__}
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValueError(f"unknown state field(s): {', '.join(sorted(unknown))}")
    fields.update(changes)
    if fields.get("watchlist") is not None:
        fields["watchlist"] = tuple(fields["watchlist"])
    new_state = UiState(**fields)
    save_state(path, new_state)
    return new_state


def merged_watchlist(symbols: str | None, saved: UiState, config: Config) -> tuple[str, ...]:
    """``symbols`` (``--symbols``, comma-separated), else the saved watchlist,
    else the config file's, else :data:`DEFAULT_WATCHLIST`.

    An empty list, saved (every symbol removed in the console) or in the
    config file (``watchlist = []``), is a choice and stays empty; only a
    list never given falls through to the next source."""
    if symbols is not None:
        try:
            return parse_symbols(symbols)
        except ValueError as exc:
            raise ConfigError(f"--symbols: {exc}") from None
    for chosen in (saved.watchlist, config.watchlist):
        if chosen is not None:
            return chosen
    return DEFAULT_WATCHLIST


def merged_theme(
    requested: str | None, saved: UiState, config: Config, env: Mapping[str, str], themes_dir: Path
) -> str:
    """``requested`` (``--theme``), else ``jextui-mono`` under NO_COLOR, else the
    saved theme if it still exists, else the config file's, else the default.

    An unknown theme on the command line or in the config file is a
    :class:`ConfigError`; a saved one that no longer exists is passed over.
    """
    known = theme_names(themes_dir)
    if requested is not None:
        if requested not in known:
            raise ConfigError(f"--theme {requested}: no such theme; available: {', '.join(known)}")
        return requested
    if config.theme is not None and config.theme not in known:
        raise ConfigError(f"{config.path}: theme: no theme named {config.theme!r}; available: {', '.join(known)}")
    if no_color_requested(env):
        return MONO_THEME
    if saved.theme is not None:
        if saved.theme in known:
            return saved.theme
        log.warning("saved theme %r no longer exists; using the configured one", saved.theme)
    return config.theme or DEFAULT_THEME
