"""The configuration file: schema, loading, validation, permission check,
profile resolution and the ``jextui config init`` template.

``config.toml`` (see :mod:`jextui.locations`) is read with the standard TOML
parser and validated with msgspec Structs.  Every problem becomes a
:class:`ConfigError` whose message names the file, the key (dotted path) and
what is wrong, e.g. ``/home/me/.config/jextui/config.toml: refresh.book: must
be between 0.2 and 60 seconds, got 0.05``.  Nothing else escapes
:func:`load_config` or :func:`load_settings`.

:func:`load_settings` turns the file, the command line and the environment
into a fully resolved :class:`Settings` for the console:

* ``--demo``, or no profile selected and no ``JEX_API_KEY`` / ``--base-url``
  → demo mode on the in-process sandbox.
* The profile is ``--profile NAME``, else ``default_profile``, else the only
  profile if exactly one is defined.  A profile without ``api_key`` is fine
  (market data only).
* ``JEX_API_KEY`` / ``JEX_API_SECRET`` override the key / secret of the
  selected profile (each on its own).  With no profile they connect to
  ``--base-url`` (profile name ``"default"``).
* Watchlist: ``--symbols``, else the persisted UI state, else the config
  file, else :data:`DEFAULT_WATCHLIST`.  Theme: ``--theme``, else
  ``jextui-mono`` when NO_COLOR is set, else the persisted state, else the
  config file, else ``jextui-dark``.

``weight_share`` is a ``float`` (a fraction of a rate limit, not money);
``fat_finger_pct`` is a ``Decimal`` (it is compared with prices).
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import math
import os
import re
import stat
import tomllib
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from jextui.api.secret import Secret
from jextui.locations import Locations, ensure_private_dir, locations
from jextui.logs import LOG_LEVELS
from jextui.state import load_state

__all__ = [
    "DEFAULT_WATCHLIST",
    "DEFAULT_LOG_LEVEL",
    "DEMO_PROFILE",
    "ENV_PROFILE",
    "ENV_API_KEY",
    "ENV_API_SECRET",
    "REFRESH_LIMITS",
    "ConfigError",
    "RefreshPeriods",
    "Profile",
    "Config",
    "Settings",
    "load_config",
    "load_settings",
    "config_template",
    "write_config_template",
    "parse_symbols",
    "validate_base_url",
    "mask_key",
]

log = logging.getLogger(__name__)

DEFAULT_WATCHLIST: tuple[str, ...] = (
    "BTCUSDT", "ETHUSDT", "DASHUSDT", "LTCBTC", "ETHBTC", "JEXBTC", "JEXUSDT", "BNBBTC",
)  # fmt: skip
DEFAULT_LOG_LEVEL = "INFO"
DEMO_PROFILE = "demo"
ENV_PROFILE = "default"  # the name shown when credentials/URL come from env/CLI only
ENV_API_KEY = "JEX_API_KEY"
ENV_API_SECRET = "JEX_API_SECRET"
MAX_WATCHLIST = 200

_SYMBOL = re.compile(r"^[A-Z0-9]{2,30}$")
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ConfigError(Exception):
    """A configuration problem, worded for the user (file, key, what is wrong)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------
# Schema


class RefreshPeriods(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Refresh periods the user chose, in seconds, per feed; ``None`` = not set.

    The feed (``jextui.feed``) owns the default plan, which is computed to
    stay within the weight budget with 1 to 20 watched symbols; these only
    override it.  The names are the feed kinds, and :meth:`as_mapping` (only
    the periods set) is what ``FeedWorker(periods=...)`` takes.  The feed may
    still stretch a period when the budget requires it.
    """

    book: float | None = None
    trades: float | None = None
    klines: float | None = None
    open_orders: float | None = None
    account: float | None = None
    prices: float | None = None
    book_tickers: float | None = None
    tickers: float | None = None
    sparklines: float | None = None

    def as_mapping(self) -> dict[str, float]:
        """``{feed kind: seconds}`` for the periods the user set."""
        values = ((name, getattr(self, name)) for name in self.__struct_fields__)
        return {name: value for name, value in values if value is not None}


# Allowed range (seconds) per feed: fast enough to be useful, never so fast
# that one feed alone eats the weight budget, never so slow it is useless.
REFRESH_LIMITS: Mapping[str, tuple[float, float]] = {
    "book": (0.2, 60.0),
    "trades": (0.2, 60.0),
    "klines": (1.0, 600.0),
    "open_orders": (1.0, 600.0),
    "account": (1.0, 600.0),
    "prices": (0.5, 600.0),
    "book_tickers": (0.5, 600.0),
    "tickers": (1.0, 600.0),
    "sparklines": (5.0, 3600.0),
}


def _secret_hook(kind: type, value: Any) -> Any:
    if kind is Secret:
        if not isinstance(value, str):
            raise ValueError("expected a string")
        return Secret(value)
    raise NotImplementedError


class Profile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One ``[profiles.NAME]`` table."""

    base_url: str
    api_key: str | None = None
    api_secret: Secret | None = None
    api_secret_env: str | None = None
    allow_insecure_http: bool = False

    def __repr__(self) -> str:
        return (
            f"Profile(base_url={self.base_url!r}, api_key={mask_key(self.api_key)!r}, "
            f"api_secret={self.api_secret!r}, api_secret_env={self.api_secret_env!r}, "
            f"allow_insecure_http={self.allow_insecure_http!r})"
        )


class _ConfigFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    default_profile: str | None = None
    theme: str | None = None
    watchlist: list[str] | None = None
    confirm_orders: bool = True
    bell: bool = False
    fat_finger_pct: Decimal = Decimal(5)
    weight_share: float = 0.8
    refresh: RefreshPeriods = RefreshPeriods()
    profiles: dict[str, Any] = {}


@dataclass(frozen=True)
class Config:
    """The validated content of the config file (defaults where absent)."""

    path: Path
    default_profile: str | None = None
    theme: str | None = None
    watchlist: tuple[str, ...] | None = None
    confirm_orders: bool = True
    bell: bool = False
    fat_finger_pct: Decimal = Decimal(5)
    weight_share: float = 0.8
    refresh: RefreshPeriods = RefreshPeriods()
    profiles: Mapping[str, Profile] = field(default_factory=dict)


# --------------------------------------------------------------------------
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


def _error(path: Path, key: str, what: str) -> ConfigError:
    return ConfigError(f"{path}: {key}: {what}" if key else f"{path}: {what}")


# --------------------------------------------------------------------------
# Loading


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
    return any(
        isinstance(p, dict) and ("api_key" in p or "api_secret" in p) for p in profiles.values()
    )


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
    if isinstance(value, Decimal):
        finite = value.is_finite()
    else:
        finite = math.isfinite(value)
    if not finite or not low <= value <= high:
        raise _error(path, key, f"must be between {low:g} and {high:g}{unit}, got {value}")


def _validate_symbols(path: Path, key: str, symbols: list[str]) -> tuple[str, ...]:
    for index, symbol in enumerate(symbols):
        if not _SYMBOL.match(symbol):
            raise _error(path, f"{key}[{index}]", f"{symbol!r} is not a symbol (upper-case letters and digits, e.g. BTCUSDT)")
    if len(symbols) > MAX_WATCHLIST:
        raise _error(path, key, f"at most {MAX_WATCHLIST} symbols, got {len(symbols)}")
    return tuple(dict.fromkeys(symbols))


def validate_base_url(url: str) -> str:
    """``url`` without a trailing slash; ``ValueError`` says what is wrong.

    The messages never repeat the URL (it might hold a password).
    """
    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise ValueError(f"not a valid URL ({exc})") from None
    if "@" in parts.netloc:
        raise ValueError("must not contain a user name or password; put the key in api_key")
    if parts.scheme not in ("http", "https"):
        raise ValueError("must start with https:// (or http://), e.g. https://jex.example.com")
    if not parts.hostname:
        raise ValueError("has no host name, e.g. https://jex.example.com")
    if parts.query or parts.fragment:
        raise ValueError("must not contain a query (?) or fragment (#)")
    if any(ch.isspace() for ch in url):
        raise ValueError("must not contain spaces")
    return url.rstrip("/")


def is_loopback_url(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _load_profile(path: Path, name: str, raw: Any) -> Profile:
    key = f"profiles.{name}"
    if not _PROFILE_NAME.match(name):
        raise _error(path, key, "a profile name may use only letters, digits, '-' and '_' (at most 40)")
    if not isinstance(raw, dict):
        raise _error(path, key, f"expected a table ([profiles.{name}]), got {_words(type(raw).__name__)}")
    try:
        profile = msgspec.convert(raw, Profile, dec_hook=_secret_hook)
    except msgspec.ValidationError as exc:
        raise _error(path, *_validation_message(exc, key, {key: Profile})) from None
    try:
        validate_base_url(profile.base_url)
    except ValueError as exc:
        raise _error(path, f"{key}.base_url", str(exc)) from None
    if profile.api_key is not None and not profile.api_key.strip():
        raise _error(path, f"{key}.api_key", "is empty: remove the line or fill it in")
    if profile.api_secret is not None and not profile.api_secret.reveal().strip():
        raise _error(path, f"{key}.api_secret", "is empty: remove the line or fill it in")
    if profile.api_secret is not None and profile.api_secret_env is not None:
        raise _error(path, f"{key}.api_secret_env", "set either api_secret or api_secret_env, not both")
    if profile.api_secret_env is not None and not _ENV_NAME.match(profile.api_secret_env):
        raise _error(path, f"{key}.api_secret_env", f"{profile.api_secret_env!r} is not an environment variable name")
    return profile


def load_config(path: Path) -> Config:
    """Read and validate ``path``; a missing file gives the defaults.

    Raises :class:`ConfigError` only.
    """
    raw, status = _read_toml(path)
    if status is not None:
        check_permissions(path, status, holds_credentials=_raw_holds_credentials(raw))
    try:
        doc = msgspec.convert(raw, _ConfigFile)
    except msgspec.ValidationError as exc:
        raise _error(path, *_validation_message(exc, "", {"": _ConfigFile, "refresh": RefreshPeriods})) from None
    for name, seconds in doc.refresh.as_mapping().items():
        low, high = REFRESH_LIMITS[name]
        _check_range(path, f"refresh.{name}", seconds, low, high, " seconds")
    _check_range(path, "fat_finger_pct", doc.fat_finger_pct, 0.1, 100, " percent")
    if not (math.isfinite(doc.weight_share) and 0 < doc.weight_share <= 1):
        raise _error(path, "weight_share", f"must be more than 0 and at most 1, got {doc.weight_share}")
    watchlist = _validate_symbols(path, "watchlist", doc.watchlist) if doc.watchlist is not None else None
    if doc.theme is not None and not doc.theme.strip():
        raise _error(path, "theme", "is empty")
    profiles = {name: _load_profile(path, name, value) for name, value in doc.profiles.items()}
    if doc.default_profile is not None and doc.default_profile not in profiles:
        raise _error(path, "default_profile", f"no profile named {doc.default_profile!r}; {_known_profiles(profiles)}")
    return Config(
        path=path,
        default_profile=doc.default_profile,
        theme=doc.theme,
        watchlist=watchlist or None,
        confirm_orders=doc.confirm_orders,
        bell=doc.bell,
        fat_finger_pct=doc.fat_finger_pct,
        weight_share=doc.weight_share,
        refresh=doc.refresh,
        profiles=profiles,
    )


def _known_profiles(profiles: Mapping[str, Profile]) -> str:
    if not profiles:
        return "no profile is defined (add a [profiles.NAME] table)"
    return "known profiles: " + ", ".join(sorted(profiles))


# --------------------------------------------------------------------------
# Settings


def mask_key(key: str | None) -> str | None:
    """An API key as it may appear on screen or in a repr: first 4 chars + …"""
    if key is None:
        return None
    return key[:4] + "…" if len(key) > 8 else "…"


@dataclass(frozen=True)
class Settings:
    """Everything the console needs, fully resolved.  Secrets stay masked."""

    profile_name: str  # "demo" in demo mode
    demo: bool  # True: run on an in-process sandbox
    base_url: str | None  # None in demo mode (the sandbox decides)
    api_key: str | None
    api_secret: Secret | None
    allow_insecure_http: bool
    watchlist: tuple[str, ...]
    theme: str
    refresh: RefreshPeriods
    weight_share: float  # fraction of the per-minute weight limit, 0 < x <= 1
    confirm_orders: bool
    bell: bool
    fat_finger_pct: Decimal
    config_path: Path
    log_path: Path
    data_dir: Path
    log_level: str
    themes_dir: Path  # user theme files: pass to jextui.ui.themes.load_themes
    state_path: Path  # persisted UI state: jextui.state.load_state / update_state
    journal_path: Path  # the order journal (SQLite)

    @property
    def has_credentials(self) -> bool:
        return self.api_key is not None and self.api_secret is not None

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={mask_key(value) if name == 'api_key' else value!r}"
            for name, value in self.__dict__.items()
        )
        return f"Settings({fields})"


def _arg(args: argparse.Namespace, name: str) -> Any:
    return getattr(args, name, None)


def parse_symbols(text: str) -> tuple[str, ...]:
    """``"BTCUSDT, ethusdt"`` → ``("BTCUSDT", "ETHUSDT")``; ``ValueError`` if bad.

    Lower case is accepted and upper-cased; duplicates are dropped.
    """
    symbols = [part.strip().upper() for part in text.split(",") if part.strip()]
    if not symbols:
        raise ValueError("no symbol given (e.g. --symbols BTCUSDT,ETHUSDT)")
    for symbol in symbols:
        if not _SYMBOL.match(symbol):
            raise ValueError(f"{symbol!r} is not a symbol (letters and digits only, e.g. BTCUSDT)")
    if len(symbols) > MAX_WATCHLIST:
        raise ValueError(f"at most {MAX_WATCHLIST} symbols")
    return tuple(dict.fromkeys(symbols))


def _pick_profile(config: Config, requested: str | None) -> str | None:
    if requested is not None:
        if requested not in config.profiles:
            raise ConfigError(
                f"--profile {requested!r}: no such profile in {config.path}; {_known_profiles(config.profiles)}"
            )
        return requested
    if config.default_profile is not None:
        return config.default_profile
    if len(config.profiles) == 1:
        return next(iter(config.profiles))
    if len(config.profiles) > 1:
        raise ConfigError(
            f"{config.path}: default_profile: not set and there are {len(config.profiles)} profiles "
            f"({', '.join(sorted(config.profiles))}); set default_profile or pass --profile NAME"
        )
    return None


@dataclass(frozen=True)
class _Connection:
    profile_name: str
    demo: bool
    base_url: str | None
    api_key: str | None
    api_secret: Secret | None
    allow_insecure_http: bool


_DEMO = _Connection(DEMO_PROFILE, True, None, None, None, False)


def _env_value(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _profile_secret(config: Config, name: str, profile: Profile, env: Mapping[str, str]) -> Secret | None:
    if profile.api_secret is not None:
        return profile.api_secret
    if profile.api_secret_env is None:
        return None
    value = _env_value(env, profile.api_secret_env)
    if value is None:
        raise _error(
            config.path,
            f"profiles.{name}.api_secret_env",
            f"the environment variable {profile.api_secret_env} is not set (or empty)",
        )
    return Secret(value)


def _resolve_connection(config: Config, args: argparse.Namespace, env: Mapping[str, str]) -> _Connection:
    cli_url = _arg(args, "base_url")
    if _arg(args, "demo"):
        if cli_url or _arg(args, "profile"):
            raise ConfigError("--demo runs on the built-in sandbox: it cannot be combined with --base-url or --profile")
        return _DEMO
    name = _pick_profile(config, _arg(args, "profile"))
    env_key = _env_value(env, ENV_API_KEY)
    env_secret = _env_value(env, ENV_API_SECRET)
    if name is None and env_key is None and env_secret is None and not cli_url:
        return _DEMO
    profile = config.profiles[name] if name is not None else None
    if cli_url:
        try:
            base_url = validate_base_url(cli_url)
        except ValueError as exc:
            raise ConfigError(f"--base-url: {exc}") from None
    elif profile is not None:
        base_url = validate_base_url(profile.base_url)
    else:
        raise ConfigError(
            f"{ENV_API_KEY}/{ENV_API_SECRET} are set but there is no exchange to connect to: "
            f"pass --base-url URL or add a profile to {config.path} (jextui config init writes a template)"
        )
    api_key = env_key or (profile.api_key if profile else None)
    if env_secret is not None:
        api_secret: Secret | None = Secret(env_secret)
    elif profile is not None and name is not None:
        api_secret = _profile_secret(config, name, profile, env)
    else:
        api_secret = None
    if api_secret is not None and api_key is None:
        where = f"profile {name!r}" if name else "the environment"
        raise ConfigError(f"an API secret is configured ({where}) but no API key: set api_key or {ENV_API_KEY}")
    insecure_ok = profile.allow_insecure_http if profile is not None else False
    if api_key is not None and base_url.startswith("http://") and not is_loopback_url(base_url) and not insecure_ok:
        where = f"{config.path}: profiles.{name}.base_url" if name and not cli_url else "--base-url"
        raise ConfigError(
            f"{where}: {base_url} is plain http to a non-local host, which would send your API key "
            "in clear text; use https, or set allow_insecure_http = true in the profile"
        )
    return _Connection(name or ENV_PROFILE, False, base_url, api_key, api_secret, insecure_ok)


def _resolve_theme(config: Config, args: argparse.Namespace, env: Mapping[str, str], state_theme: str | None, themes_dir: Path) -> str:
    from jextui.ui.themes import DEFAULT_THEME, MONO_THEME, no_color_requested, theme_names

    known = theme_names(themes_dir)
    requested = _arg(args, "theme")
    if requested is not None:
        if requested not in known:
            raise ConfigError(f"--theme {requested}: no such theme; available: {', '.join(known)}")
        return str(requested)
    if config.theme is not None and config.theme not in known:
        raise _error(config.path, "theme", f"no theme named {config.theme!r}; available: {', '.join(known)}")
    if no_color_requested(env):
        return MONO_THEME
    if state_theme is not None:
        if state_theme in known:
            return state_theme
        log.warning("saved theme %r no longer exists; using the configured one", state_theme)
    return config.theme or DEFAULT_THEME


def _resolve_watchlist(config: Config, args: argparse.Namespace, state_watchlist: tuple[str, ...] | None) -> tuple[str, ...]:
    cli_symbols = _arg(args, "symbols")
    if cli_symbols is not None:
        if isinstance(cli_symbols, (list, tuple)):
            cli_symbols = ",".join(cli_symbols)
        try:
            return parse_symbols(str(cli_symbols))
        except ValueError as exc:
            raise ConfigError(f"--symbols: {exc}") from None
    return state_watchlist or config.watchlist or DEFAULT_WATCHLIST


def _resolve_log_level(args: argparse.Namespace) -> str:
    level = str(_arg(args, "log_level") or DEFAULT_LOG_LEVEL).upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"--log-level {level}: use one of {', '.join(LOG_LEVELS)}")
    return level


def load_settings(args: argparse.Namespace, env: Mapping[str, str] = os.environ) -> Settings:
    """Resolve the console's settings; raises :class:`ConfigError` only.

    ``args`` needs none of its attributes: missing ones count as not given
    (``profile``, ``base_url``, ``symbols``, ``theme``, ``demo``, ``log_level``).
    """
    locs: Locations = locations(env)
    config = load_config(locs.config_file)
    log_level = _resolve_log_level(args)
    connection = _resolve_connection(config, args, env)
    state = load_state(locs.state_file)
    return Settings(
        profile_name=connection.profile_name,
        demo=connection.demo,
        base_url=connection.base_url,
        api_key=connection.api_key,
        api_secret=connection.api_secret,
        allow_insecure_http=connection.allow_insecure_http,
        watchlist=_resolve_watchlist(config, args, state.watchlist),
        theme=_resolve_theme(config, args, env, state.theme, locs.themes_dir),
        refresh=config.refresh,
        weight_share=config.weight_share,
        confirm_orders=config.confirm_orders,
        bell=config.bell,
        fat_finger_pct=config.fat_finger_pct,
        config_path=locs.config_file,
        log_path=locs.log_file,
        data_dir=locs.data_dir,
        log_level=log_level,
        themes_dir=locs.themes_dir,
        state_path=locs.state_file,
        journal_path=locs.journal_file,
    )


# --------------------------------------------------------------------------
# Template


_TEMPLATE = '''\
## jextui configuration (TOML).
##
## Every setting is optional: the values shown are the defaults. To change
## one, remove the "# " in front of its line. Lines starting with "##" are
## explanations. `jextui config path` prints where this file lives.
##
## With no profile selected and no JEX_API_KEY in the environment, jextui
## runs in demo mode on its built-in sandbox exchange (as does `jextui --demo`).

## Profile to use when --profile is not given (a name from [profiles] below).
## Not needed when there is only one profile.
# default_profile = "main"

## Colour theme: jextui-dark, jextui-light, jextui-high-contrast,
## jextui-amber, jextui-mono, one of Textual's themes (e.g. nord), or your own
## file in the themes/ folder next to this file (copy a built-in one to start).
## When NO_COLOR is set, jextui-mono is used unless --theme is given.
# theme = "jextui-dark"

## Watched symbols. The watchlist and theme you change inside the console are
## remembered (state.json in the data folder) and win over the values here;
## --symbols wins over both. Delete state.json to return to these.
# watchlist = ["BTCUSDT", "ETHUSDT", "DASHUSDT", "LTCBTC", "ETHBTC", "JEXBTC", "JEXUSDT", "BNBBTC"]

## Ask for confirmation before an order is sent.
# confirm_orders = true

## Ring the terminal bell when an order fills.
# bell = false

## An order price further than this many percent from the last price needs a
## second, explicit confirmation (0.1 - 100).
# fat_finger_pct = 5

## Share of the exchange's per-minute request-weight limit jextui may use
## (more than 0, at most 1). Other programs on the same IP count too.
# weight_share = 0.8

## How often each feed is polled, in seconds. Leave these out to use the
## built-in plan, which stays within the weight budget with 1 to 20 watched
## symbols (the values below were its defaults when this file was written).
## The console still stretches a period when the budget requires it; data
## older than 3 periods is shown as stale.
# [refresh]
# book = 0.4           # order book of the active symbol (0.2 - 60)
# trades = 1.0         # recent trades of the active symbol (0.2 - 60)
# klines = 5.0         # candles of the active symbol (1 - 600)
# open_orders = 5.0    # open orders of the active symbol (1 - 600)
# account = 5.0        # balances (1 - 600)
# prices = 1.0         # watchlist last prices (0.5 - 600)
# book_tickers = 2.0   # watchlist best bid/ask, for the grid view (0.5 - 600)
# tickers = 10.0       # watchlist 24 h change and volume (1 - 600)
# sparklines = 60.0    # watchlist sparklines (5 - 3600)

## Connection profiles, one [profiles.NAME] table each.
##   base_url             the exchange's REST address (https://...)
##   api_key              your API key; leave it out for market data only
##   api_secret           your API secret. If you write it here, this file
##                        must be readable by you alone (chmod 600), or
##                        jextui refuses it. Better: api_secret_env.
##   api_secret_env       name of an environment variable holding the secret
##   allow_insecure_http  allow plain http to a non-local host (this sends
##                        the API key in clear text); default false
## JEX_API_KEY and JEX_API_SECRET in the environment override the selected
## profile's key and secret.
# [profiles.main]
# base_url = "https://jex.example.com"
# api_key = "your-api-key"
# api_secret_env = "JEX_MAIN_SECRET"
# allow_insecure_http = false

## A sandbox started separately, e.g. `jextui sandbox --port 8765` (it prints
## its URL and a demo key pair).
# [profiles.local]
# base_url = "http://127.0.0.1:8765"
'''


def config_template() -> str:
    """The commented template ``jextui config init`` writes."""
    return _TEMPLATE


def write_config_template(path: Path, *, force: bool = False) -> None:
    """Write the template with mode 0600; refuse to overwrite unless ``force``."""
    if path.exists() and not force:
        raise ConfigError(f"{path}: already exists; not overwritten (use --force to replace it)")
    try:
        ensure_private_dir(path.parent)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        fd = os.open(path, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(_TEMPLATE)
        os.chmod(path, 0o600)  # an existing file keeps its old mode through O_TRUNC
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write it: {exc.strerror or exc}") from None
