"""Reading the config file: trust checks, TOML, validation → :class:`Config`.

``config.toml`` (see :mod:`jextui.locations`) is read with the standard TOML
parser and validated with msgspec Structs.  Every problem becomes a
:class:`ConfigError` whose message names the file, the key (dotted path) and
what is wrong, e.g. ``/home/me/.config/jextui/config.toml: refresh.book: must
be between 0.2 and 60 seconds, got 0.05``.  Nothing else escapes
:func:`load_config`.

Whoever can write the file decides where the credentials are sent
(``base_url``), so, as ssh does with its own files, :func:`check_permissions`
refuses a file or folder that another user owns or can write, and a file
holding credentials that others can read.
"""

from __future__ import annotations

import math
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from jextui.config.schema import (
    FAT_FINGER_PASSIVE_CHOICES,
    MAX_WATCHLIST,
    REFRESH_LIMITS,
    SYMBOL_PATTERN,
    Config,
    ConfigError,
    ConfigFile,
    Profile,
    RefreshPeriods,
    validate_base_url,
    validate_stream_url,
)
from jextui.secret import Secret

__all__ = ["load_config", "check_permissions", "file_error", "known_profiles_text"]

_PROFILE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ASSET_NAME = re.compile(r"^[A-Z0-9]{2,20}$")


def _secret_hook(kind: type, value: Any) -> Any:
    if kind is Secret:
        if not isinstance(value, str):
            raise ValueError("expected a string")
        return Secret(value)
    raise NotImplementedError


# Error wording

_TYPE_WORDS = {
    "float": "a number",
    "int": "a whole number",
    "decimal": "a number",
    "str": "a string",
    "bool": "true or false",
    "array": "a list",
    "object": "a table",
    "null": "nothing",
    "datetime": "a date-time",
    "date": "a date",
    "time": "a time",
}


def _words(type_name: str) -> str:
    return _TYPE_WORDS.get(type_name, type_name)


def _fields_of(struct_type: type[msgspec.Struct]) -> str:
    return ", ".join(struct_type.__struct_fields__)


def _validation_message(
    exc: msgspec.ValidationError, prefix: str, tables: Mapping[str, type[msgspec.Struct]]
) -> tuple[str, str]:
    """``(dotted key, what is wrong)`` from a msgspec validation error.

    ``tables`` maps a dotted key to the Struct of that table, to list the
    known keys when an unknown one is found.
    """
    text = str(exc)
    what, sep, where = text.partition(" - at `")
    path = where.rstrip("`") if sep else "$"
    key = ".".join(part for part in (prefix, path[1:].lstrip(".")) if part)
    if m := re.fullmatch(r"Object contains unknown field `(.+)`", what):
        table = tables.get(key)
        hint = f"; known keys here: {_fields_of(table)}" if table is not None else ""
        return ".".join(p for p in (key, m.group(1)) if p), f"unknown key{hint}"
    if m := re.fullmatch(r"Object missing required field `(.+)`", what):
        return ".".join(p for p in (key, m.group(1)) if p), "missing (this key is required)"
    if m := re.fullmatch(r"Expected `(.+?)`, got `(.+?)`", what):
        expected = " or ".join(_words(t) for t in m.group(1).split(" | ") if t != "null")
        return key, f"expected {expected}, got {_words(m.group(2))}"
    return key, (what[0].lower() + what[1:]) if what else "invalid value"


def file_error(path: Path, key: str, what: str) -> ConfigError:
    """A :class:`ConfigError` naming the file, the key (if any) and what is wrong."""
    return ConfigError(f"{path}: {key}: {what}" if key else f"{path}: {what}")


# Reading and trust


def _read_toml(path: Path) -> tuple[dict[str, Any], os.stat_result | None]:
    """The parsed file and its status (read from the open file); ``({}, None)`` if missing."""
    try:
        with path.open("rb") as handle:
            status = os.fstat(handle.fileno())
            data = handle.read()
    except FileNotFoundError:
        return {}, None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        return tomllib.loads(text), status
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None


def _raw_holds_credentials(raw: Mapping[str, Any]) -> bool:
    profiles = raw.get("profiles")
    if not isinstance(profiles, dict):
        return False
    return any(isinstance(p, dict) and ("api_key" in p or "api_secret" in p) for p in profiles.values())


def _user_name(uid: int) -> str:
    try:
        import pwd  # POSIX only, as are the checks that use it

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError, OSError):
        return str(uid)


def _check_owner(path: Path, status: os.stat_result, what: str) -> None:
    me = os.getuid()
    if status.st_uid not in (me, 0):
        raise ConfigError(
            f"{path}: {what} is owned by user {_user_name(status.st_uid)}, not by you or root, so "
            f"another user controls it; refusing to use it. Fix with: chown {_user_name(me)} {path}"
        )


def _check_not_writable_by_others(path: Path, status: os.stat_result, what: str) -> None:
    mode = stat.S_IMODE(status.st_mode)
    if not mode & 0o022:
        return
    if stat.S_ISDIR(status.st_mode) and mode & stat.S_ISVTX:
        return  # sticky (as /tmp): others cannot replace a file they do not own
    raise ConfigError(
        f"{path}: {what} is writable by group or others (mode {mode:04o}), so another user could "
        f"change where your credentials are sent; refusing to use it. Fix with: chmod go-w {path}"
    )


def _folders_of(path: Path) -> list[Path]:
    """The folder holding ``path``, and the one holding its target if it is a link."""
    folders = [path.parent]
    try:
        real = path.resolve().parent
    except (OSError, RuntimeError):
        return folders
    if real != path.parent:
        folders.append(real)
    return folders


def check_permissions(path: Path, status: os.stat_result | None = None, *, holds_credentials: bool = True) -> None:
    """Refuse a config file that another user could have written, as ssh does.

    The file and its folder must be owned by the user or by root and must not
    be writable by group or others (a sticky folder such as ``/tmp`` is
    allowed: others cannot replace a file they do not own there).  A file
    holding credentials must also not be readable by group or others.
    ``status`` is the file's status taken from the open file, when known.
    """
    if os.name == "nt":  # POSIX owners and modes mean nothing there
        return
    try:
        status = status or path.stat()
    except OSError:
        return
    _check_owner(path, status, "the config file")
    mode = stat.S_IMODE(status.st_mode)
    if holds_credentials and mode & 0o077:  # chmod 600 also mends a writable file
        raise ConfigError(
            f"{path}: holds API credentials but is readable by group or others "
            f"(mode {mode:04o}); refusing to use it. Fix with: chmod 600 {path}"
        )
    _check_not_writable_by_others(path, status, "the config file")
    for folder in _folders_of(path):
        try:
            folder_status = folder.stat()
        except OSError:
            continue
        _check_owner(folder, folder_status, "the config file's folder")
        _check_not_writable_by_others(folder, folder_status, "the config file's folder")


def _check_range(path: Path, key: str, value: float | Decimal, low: float, high: float, unit: str = "") -> None:
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite or not low <= value <= high:
        raise file_error(path, key, f"must be between {low:g} and {high:g}{unit}, got {value}")


def _validate_symbols(path: Path, key: str, symbols: list[str]) -> tuple[str, ...]:
    for index, symbol in enumerate(symbols):
        if not SYMBOL_PATTERN.match(symbol):
            raise file_error(
                path, f"{key}[{index}]", f"{symbol!r} is not a symbol (upper-case letters and digits, e.g. BTCUSDT)"
            )
    if len(symbols) > MAX_WATCHLIST:
        raise file_error(path, key, f"at most {MAX_WATCHLIST} symbols, got {len(symbols)}")
    return tuple(dict.fromkeys(symbols))


def _load_profile(path: Path, name: str, raw: Any) -> Profile:
    key = f"profiles.{name}"
    if not _PROFILE_NAME.match(name):
        raise file_error(path, key, "a profile name may use only letters, digits, '-' and '_' (at most 40)")
    if not isinstance(raw, dict):
        raise file_error(path, key, f"expected a table ([profiles.{name}]), got {_words(type(raw).__name__)}")
    try:
        profile = msgspec.convert(raw, Profile, dec_hook=_secret_hook)
    except msgspec.ValidationError as exc:
        raise file_error(path, *_validation_message(exc, key, {key: Profile})) from None
    try:
        validate_base_url(profile.base_url)
    except ValueError as exc:
        raise file_error(path, f"{key}.base_url", str(exc)) from None
    if profile.stream_url is not None:
        try:
            validate_stream_url(profile.stream_url, allow_insecure=profile.allow_insecure_http)
        except ValueError as exc:
            raise file_error(path, f"{key}.stream_url", str(exc)) from None
    if profile.api_key is not None and not profile.api_key.strip():
        raise file_error(path, f"{key}.api_key", "is empty: remove the line or fill it in")
    if profile.api_secret is not None and not profile.api_secret.reveal().strip():
        raise file_error(path, f"{key}.api_secret", "is empty: remove the line or fill it in")
    if profile.api_secret is not None and profile.api_secret_env is not None:
        raise file_error(path, f"{key}.api_secret_env", "set either api_secret or api_secret_env, not both")
    if profile.api_secret_env is not None and not _ENV_NAME.match(profile.api_secret_env):
        raise file_error(
            path, f"{key}.api_secret_env", f"{profile.api_secret_env!r} is not an environment variable name"
        )
    return profile


def load_config(path: Path) -> Config:
    """Read and validate ``path``; a missing file gives the defaults.

    Raises :class:`ConfigError` only.
    """
    raw, status = _read_toml(path)
    if status is not None:
        check_permissions(path, status, holds_credentials=_raw_holds_credentials(raw))
    try:
        doc = msgspec.convert(raw, ConfigFile)
    except msgspec.ValidationError as exc:
        raise file_error(path, *_validation_message(exc, "", {"": ConfigFile, "refresh": RefreshPeriods})) from None
    for name, seconds in doc.refresh.as_mapping().items():
        low, high = REFRESH_LIMITS[name]
        _check_range(path, f"refresh.{name}", seconds, low, high, " seconds")
    _check_range(path, "fat_finger_pct", doc.fat_finger_pct, 0.1, 100, " percent")
    _check_range(path, "max_slippage_pct", doc.max_slippage_pct, 0.01, 50, " percent")
    if doc.fat_finger_passive not in FAT_FINGER_PASSIVE_CHOICES:
        choices = " or ".join(f'"{choice}"' for choice in FAT_FINGER_PASSIVE_CHOICES)
        raise file_error(path, "fat_finger_passive", f"must be {choices}, got {doc.fat_finger_passive!r}")
    if not (math.isfinite(doc.weight_share) and 0 < doc.weight_share <= 1):
        raise file_error(path, "weight_share", f"must be more than 0 and at most 1, got {doc.weight_share}")
    watchlist = _validate_symbols(path, "watchlist", doc.watchlist) if doc.watchlist is not None else None
    if doc.theme is not None and not doc.theme.strip():
        raise file_error(path, "theme", "is empty")
    profiles = {name: _load_profile(path, name, value) for name, value in doc.profiles.items()}
    alerts, alert_problems = _load_alerts(path, doc.alerts)
    if not _ASSET_NAME.match(doc.valuation_asset):
        raise file_error(path, "valuation_asset", f"{doc.valuation_asset!r} is not an asset (e.g. USDT or BTC)")
    if doc.default_profile is not None and doc.default_profile not in profiles:
        raise file_error(
            path, "default_profile", f"no profile named {doc.default_profile!r}; {known_profiles_text(profiles)}"
        )
    return Config(
        path=path,
        default_profile=doc.default_profile,
        theme=doc.theme,
        watchlist=watchlist,  # () when the file says watchlist = []: an empty list is kept
        confirm_orders=doc.confirm_orders,
        bell=doc.bell,
        fat_finger_pct=doc.fat_finger_pct,
        weight_share=doc.weight_share,
        fat_finger_passive=doc.fat_finger_passive,
        max_slippage_pct=doc.max_slippage_pct,
        refresh=doc.refresh,
        profiles=profiles,
        alerts=alerts,
        alert_problems=alert_problems,
        alert_fills=doc.alert_fills,
        valuation_asset=doc.valuation_asset,
        keys=doc.keys,
    )


def _load_alerts(path: Path, tables: Any) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    """The good alerts and one message per bad table: a bad alert costs only itself."""
    if isinstance(tables, list) and not tables:  # none configured (the usual case): nothing to load
        return (), ()
    from jextui.alerts.model import parse_alerts_leniently

    alerts, problems = parse_alerts_leniently(tables)
    return alerts, tuple(f"{path}: {problem}" for problem in problems)


def known_profiles_text(profiles: Mapping[str, Profile]) -> str:
    if not profiles:
        return "no profile is defined (add a [profiles.NAME] table)"
    return "known profiles: " + ", ".join(sorted(profiles))
