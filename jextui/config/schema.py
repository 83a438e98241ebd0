"""What the configuration holds: the file's schema, the resolved
:class:`Settings`, and the rules for the values a user types (symbols, base
URLs).

``weight_share`` is a ``float`` (a fraction of a rate limit, not money);
``fat_finger_pct`` and ``max_slippage_pct`` are ``Decimal`` (they are
compared with prices).  ``fat_finger_passive`` is ``"hint"`` (a passive
order far from the last price only gets a hint) or ``"confirm"`` (it needs a
second confirmation, as every far price once did).
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from jextui.secret import Secret

if TYPE_CHECKING:
    from jextui.alerts.model import Alert

__all__ = [
    "DEFAULT_WATCHLIST",
    "DEFAULT_LOG_LEVEL",
    "DEMO_PROFILE",
    "ENV_PROFILE",
    "ENV_API_KEY",
    "ENV_API_SECRET",
    "MAX_WATCHLIST",
    "FAT_FINGER_PASSIVE_CHOICES",
    "REFRESH_LIMITS",
    "SYMBOL_PATTERN",
    "ConfigError",
    "RefreshPeriods",
    "Profile",
    "ConfigFile",
    "Config",
    "Settings",
    "parse_symbols",
    "validate_base_url",
    "is_loopback_url",
    "mask_key",
]

DEFAULT_WATCHLIST: tuple[str, ...] = (
    "BTCUSDT", "ETHUSDT", "DASHUSDT", "LTCBTC", "ETHBTC", "JEXBTC", "JEXUSDT", "BNBBTC",
)  # fmt: skip  # the eight sandbox symbols, on one line
DEFAULT_LOG_LEVEL = "INFO"
DEMO_PROFILE = "demo"
ENV_PROFILE = "default"  # the name shown when credentials/URL come from env/CLI only
ENV_API_KEY = "JEX_API_KEY"
ENV_API_SECRET = "JEX_API_SECRET"
MAX_WATCHLIST = 200
FAT_FINGER_PASSIVE_CHOICES: tuple[str, ...] = ("hint", "confirm")

#: A symbol as the exchange spells it: upper-case letters and digits.
SYMBOL_PATTERN = re.compile(r"^[A-Z0-9]{2,30}$")


class ConfigError(Exception):
    """A configuration problem, worded for the user (file, key, what is wrong)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


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


def mask_key(key: str | None) -> str | None:
    """An API key as it may appear on screen or in a repr: first 4 chars + …"""
    if key is None:
        return None
    return key[:4] + "…" if len(key) > 8 else "…"


class Profile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One ``[profiles.NAME]`` table."""

    base_url: str
    api_key: str | None = None
    api_secret: Secret | None = None
    api_secret_env: str | None = None
    allow_insecure_http: bool = False
    stream_url: str | None = None  # None: derived from base_url (see effective_stream_url)
    streams: bool = True  # False: everything is polled over REST

    def __repr__(self) -> str:
        return (
            f"Profile(base_url={self.base_url!r}, api_key={mask_key(self.api_key)!r}, "
            f"api_secret={self.api_secret!r}, api_secret_env={self.api_secret_env!r}, "
            f"allow_insecure_http={self.allow_insecure_http!r}, "
            f"stream_url={self.stream_url!r}, streams={self.streams!r})"
        )


class ConfigFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The top level of ``config.toml`` as written (profiles are checked one by one)."""

    default_profile: str | None = None
    theme: str | None = None
    watchlist: list[str] | None = None
    confirm_orders: bool = True
    bell: bool = False
    fat_finger_pct: Decimal = Decimal(5)
    fat_finger_passive: str = "hint"  # one of FAT_FINGER_PASSIVE_CHOICES (checked on load)
    max_slippage_pct: Decimal = Decimal("0.5")
    weight_share: float = 0.8
    refresh: RefreshPeriods = RefreshPeriods()
    profiles: dict[str, Any] = {}
    alerts: Any = []  # [[alerts]] tables, checked one by one by jextui.alerts.parse_alerts_leniently
    alert_fills: bool = True
    valuation_asset: str = "USDT"
    keys: dict[str, Any] = {}  # [keys]: action id -> keys, checked by jextui.ui.keymap_user (never fatal)


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
    fat_finger_passive: str = "hint"
    max_slippage_pct: Decimal = Decimal("0.5")
    weight_share: float = 0.8
    refresh: RefreshPeriods = field(default_factory=RefreshPeriods)
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    alerts: tuple[Alert, ...] = ()
    alert_fills: bool = True
    valuation_asset: str = "USDT"
    alert_problems: tuple[str, ...] = ()  # bad [[alerts]] tables, left out (one message each)
    keys: Mapping[str, Any] = field(default_factory=dict)


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
    # keyword-only with defaults, so callers that predate them keep working
    fat_finger_passive: str = field(default="hint", kw_only=True)  # "hint" or "confirm"
    max_slippage_pct: Decimal = field(default=Decimal("0.5"), kw_only=True)  # the marketable order's cap
    # The stream address as configured (None: derived from the REST address by
    # effective_stream_url); streams False: every feed is polled over REST.
    stream_url: str | None = field(default=None, kw_only=True)
    streams: bool = field(default=True, kw_only=True)
    config_path: Path
    log_path: Path
    data_dir: Path
    log_level: str
    themes_dir: Path  # user theme files: see jextui.config.themes
    state_path: Path  # persisted UI state: jextui.config.state.load_state / update_state
    journal_path: Path  # the order journal (SQLite)
    alerts: tuple[Alert, ...] = ()  # from the config file; the console's own: jextui.alerts.AlertStore
    alert_fills: bool = True  # notify fills of the account's own orders
    alert_problems: tuple[str, ...] = ()  # bad [[alerts]] tables left out: said at start and by config check
    valuation_asset: str = "USDT"  # the portfolio's valuation asset
    # The [keys] table as written (action id -> keys); the console checks it at start
    # (jextui.ui.keymap_user), and what is wrong there keeps its default keys.
    keys: Mapping[str, Any] = field(default_factory=dict, kw_only=True)
    # Demo mode: the sandbox already starting in its own process (a
    # jextui.sandbox.child.SandboxChild, started by the command line); None: in-process.
    sandbox_child: Any = field(default=None, compare=False)

    @property
    def has_credentials(self) -> bool:
        return self.api_key is not None and self.api_secret is not None

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={mask_key(value) if name == 'api_key' else value!r}" for name, value in self.__dict__.items()
        )
        return f"Settings({fields})"


def parse_symbols(text: str) -> tuple[str, ...]:
    """``"BTCUSDT, ethusdt"`` → ``("BTCUSDT", "ETHUSDT")``; ``ValueError`` if bad.

    Lower case is accepted and upper-cased; duplicates are dropped.
    """
    symbols = [part.strip().upper() for part in text.split(",") if part.strip()]
    if not symbols:
        raise ValueError("no symbol given (e.g. --symbols BTCUSDT,ETHUSDT)")
    for symbol in symbols:
        if not SYMBOL_PATTERN.match(symbol):
            raise ValueError(f"{symbol!r} is not a symbol (letters and digits only, e.g. BTCUSDT)")
    if len(symbols) > MAX_WATCHLIST:
        raise ValueError(f"at most {MAX_WATCHLIST} symbols")
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


def validate_stream_url(url: str, *, allow_insecure: bool = False) -> str:
    """``url`` (a ws:// or wss:// address) without a trailing slash; ``ValueError`` says what is wrong.

    Plain ``ws://`` is refused for a host that is not this machine unless
    ``allow_insecure`` (the account stream's key travels in its path).  The
    messages never repeat the URL.
    """
    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise ValueError(f"not a valid URL ({exc})") from None
    if parts.scheme not in ("ws", "wss"):
        raise ValueError("must start with wss:// (or ws://), e.g. wss://stream.jex.example.com")
    if "@" in parts.netloc:
        raise ValueError("must not contain a user name or password")
    if not parts.hostname:
        raise ValueError("has no host name, e.g. wss://stream.jex.example.com")
    if parts.query or parts.fragment:
        raise ValueError("must not contain a query (?) or fragment (#)")
    if any(ch.isspace() for ch in url):
        raise ValueError("must not contain spaces")
    if parts.scheme == "ws" and not is_loopback_url(url) and not allow_insecure:
        raise ValueError(
            "is plain ws:// to a non-local host; use wss://, or set allow_insecure_http = true in the profile"
        )
    return url.rstrip("/")


def effective_stream_url(settings: Settings, rest_url: str) -> str | None:
    """The stream address the console uses with REST address ``rest_url``; None with streams off.

    A configured ``stream_url`` wins; otherwise the REST host for a sandbox or
    loopback address (demo mode included), the exchange's stream host else.
    """
    if not settings.streams:
        return None
    if settings.stream_url is not None:
        return settings.stream_url
    from jextui.api.streams.names import default_stream_url  # not at start-up: it loads the stream models

    return default_stream_url(rest_url, sandbox=settings.demo)


def is_loopback_url(url: str) -> bool:
    """True when ``url``'s host is this machine (``localhost`` or a loopback address)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
