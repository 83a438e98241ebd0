"""What each endpoint costs, and what the exchange says about our usage.

* :data:`ENDPOINTS` — every endpoint of the spec (and the user-data-stream
  endpoints of docs/protocol.md#listen-keys): HTTP method, path, the credentials it
  needs and its request weight.  :data:`WEIGHTS` is the same as a plain
  ``{name: weight}`` table; :func:`weight_of` accounts for the tickers being
  dearer without a symbol (24hr 40, price 2, bookTicker 2).
* :func:`parse_rate_headers` reads ``X-MBX-USED-WEIGHT-1M`` (or the legacy
  ``X-MBX-USED-WEIGHT``) and ``X-MBX-ORDER-COUNT-1S`` / ``-1D``.
* :class:`RequestEvent` describes one request (for the status bar and logs).
* :class:`RateState` holds the budget (limits from ``exchangeInfo.rateLimits``)
  and the ban after a 429/418: while it lasts, nothing is sent.

All ``*_ms`` times in this module are local wall-clock epoch milliseconds.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterable, Mapping
from enum import Enum

import msgspec

from .models import RateLimit

__all__ = [
    "Security",
    "Endpoint",
    "ENDPOINTS",
    "WEIGHTS",
    "weight_of",
    "RateHeaders",
    "parse_rate_headers",
    "parse_retry_after",
    "DEFAULT_WEIGHT_LIMIT",
    "DEFAULT_RETRY_AFTER_429_S",
    "DEFAULT_RETRY_AFTER_418_S",
    "RateState",
    "RequestEvent",
]

DEFAULT_WEIGHT_LIMIT = 1200
DEFAULT_ORDER_LIMIT_1S = 10
DEFAULT_ORDER_LIMIT_1D = 100_000
DEFAULT_RAW_REQUEST_LIMIT = 5000
DEFAULT_RAW_REQUEST_INTERVAL_S = 300
# Used when a 429/418 arrives without a usable Retry-After header.
DEFAULT_RETRY_AFTER_429_S = 60.0
DEFAULT_RETRY_AFTER_418_S = 120.0
_MIN_RETRY_AFTER_S = 1.0
# The longest ban the exchange documents (docs/protocol.md#429-and-418): a longer
# Retry-After (garbled, or absurd) must not silence the client for ever.
MAX_RETRY_AFTER_S = 3 * 86_400.0
_WEIGHT_WINDOW_MS = 60_000


class Security(Enum):
    """What an endpoint needs (docs/protocol.md#signing)."""

    NONE = "NONE"
    API_KEY = "API_KEY"  # MARKET_DATA and USER_STREAM: the key header only
    SIGNED = "SIGNED"  # TRADE and USER_DATA: key header + timestamp + signature


class Endpoint(msgspec.Struct, frozen=True):
    name: str  # the JexClient method name
    method: str
    path: str
    security: Security
    weight: int
    weight_without_symbol: int | None = None  # tickers asked for every symbol
    is_order: bool = False  # places an order: never retried, outcome may be unknown


def _ep(
    name: str,
    method: str,
    path: str,
    security: Security = Security.NONE,
    weight: int = 1,
    weight_without_symbol: int | None = None,
    is_order: bool = False,
) -> Endpoint:
    return Endpoint(name, method, path, security, weight, weight_without_symbol, is_order)


_S = Security.SIGNED
_K = Security.API_KEY

ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        _ep("ping", "GET", "/api/v1/ping"),
        _ep("server_time", "GET", "/api/v1/time"),
        _ep("exchange_info", "GET", "/api/v1/exchangeInfo"),
        _ep("depth", "GET", "/api/v1/spot/depth"),
        _ep("trades", "GET", "/api/v1/spot/trades"),
        _ep("historical_trades", "GET", "/api/v1/spot/historicalTrades", _K, 5),
        _ep("klines", "GET", "/api/v1/spot/klines"),
        _ep("avg_price", "GET", "/api/v1/spot/avgPrice"),
        _ep("ticker_24hr", "GET", "/api/v1/spot/ticker/24hr", weight_without_symbol=40),
        _ep("ticker_price", "GET", "/api/v1/spot/ticker/price", weight_without_symbol=2),
        _ep("book_ticker", "GET", "/api/v1/spot/ticker/bookTicker", weight_without_symbol=2),
        _ep("new_order", "POST", "/api/v1/spot/order", _S, is_order=True),
        _ep("test_order", "POST", "/api/v1/spot/order/test", _S),
        _ep("get_order", "GET", "/api/v1/spot/order", _S),
        _ep("cancel_order", "DELETE", "/api/v1/spot/order", _S),
        _ep("open_orders", "GET", "/api/v1/spot/openOrders", _S, 5),
        _ep("account", "GET", "/api/v1/account", _S),
        _ep("history_orders", "GET", "/api/v1/spot/historyOrders", _S, 5),
        _ep("asset_detail", "GET", "/wapi/v1/assetDetail", _S),
        _ep("deposit_address", "GET", "/wapi/v1/depositAddress", _S),
        _ep("deposit_history", "GET", "/wapi/v1/depositHistory", _S, 5),
        _ep("trade_fee", "GET", "/wapi/v1/tradeFee", _S),
        _ep("withdraw_history", "GET", "/wapi/v1/withdrawHistory", _S, 5),
        _ep("start_user_stream", "POST", "/api/v1/userDataStream", _K),
        _ep("keepalive_user_stream", "PUT", "/api/v1/userDataStream", _K),
        _ep("close_user_stream", "DELETE", "/api/v1/userDataStream", _K),
    )
}

# name -> weight with a symbol (the common case); see weight_of for the tickers.
WEIGHTS: dict[str, int] = {name: e.weight for name, e in ENDPOINTS.items()}

# A path (with or without "METHOD ") also names an endpoint.  Paths shared by
# several methods (spot/order, userDataStream) all weigh the same.
_BY_PATH: dict[str, Endpoint] = {}
for _e in ENDPOINTS.values():
    _BY_PATH.setdefault(_e.path, _e)
    _BY_PATH[f"{_e.method} {_e.path}"] = _e


def endpoint_named(endpoint: str) -> Endpoint:
    """The endpoint for a method name (``"depth"``), a path or ``"GET /path"``."""
    found = ENDPOINTS.get(endpoint) or _BY_PATH.get(endpoint)
    if found is None:
        raise ValueError(f"unknown endpoint {endpoint!r}; expected one of: {', '.join(ENDPOINTS)}")
    return found


def weight_of(endpoint: str, symbol: str | None = None) -> int:
    """Request weight of ``endpoint`` (a method name or path) for one call.

    Only the tickers depend on ``symbol``: without one they return every
    symbol and cost more.
    """
    found = endpoint_named(endpoint)
    if symbol is None and found.weight_without_symbol is not None:
        return found.weight_without_symbol
    return found.weight


class RequestEvent(msgspec.Struct, frozen=True):
    """What happened to one HTTP request (for the status bar and logs).

    Holds no parameters, key, secret or signature: only the path.
    """

    method: str
    path: str
    status: int | None  # None when no HTTP answer arrived
    latency_ms: int
    weight: int
    used_weight_1m: int | None
    error: str | None  # short text, None on success
    is_order: bool


# --- response headers ---------------------------------------------------------


class RateHeaders(msgspec.Struct, frozen=True):
    used_weight_1m: int | None = None
    order_count_1s: int | None = None
    order_count_1d: int | None = None


def _header_int(headers: Mapping[str, str], *names: str) -> int | None:
    for name in names:
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            value = int(raw.strip())
        except ValueError:
            continue
        if value >= 0:
            return value
    return None


def parse_rate_headers(headers: Mapping[str, str]) -> RateHeaders:
    """The usage counters of a response (``headers`` must match names case-insensitively,
    as ``httpx.Headers`` does; a plain dict must use the exact names)."""
    return RateHeaders(
        used_weight_1m=_header_int(headers, "X-MBX-USED-WEIGHT-1M", "X-MBX-USED-WEIGHT"),
        order_count_1s=_header_int(headers, "X-MBX-ORDER-COUNT-1S"),
        order_count_1d=_header_int(headers, "X-MBX-ORDER-COUNT-1D"),
    )


def parse_retry_after(value: str | None, *, now_ms: int, default_s: float) -> float:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP date).

    Missing or unreadable: ``default_s``.  Never less than one second, so a
    ``Retry-After: 0`` does not turn into a hammering loop, and never more than
    the longest ban the exchange documents (3 days).
    """
    if value is None or not value.strip():
        return default_s
    text = value.strip()
    seconds: float | None
    try:
        seconds = float(text)
    except ValueError:
        seconds = _seconds_until_http_date(text, now_ms)
    if seconds is None:
        return default_s
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return default_s
    return min(MAX_RETRY_AFTER_S, max(_MIN_RETRY_AFTER_S, seconds))


def _seconds_until_http_date(text: str, now_ms: int) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return when.timestamp() - now_ms / 1000


# --- the budget and the ban -----------------------------------------------------


class RateState:
    """Request budget and ban state, shared by every call of one client.

    ``used_weight_1m`` comes from the server's header when it sends one; if
    it does not, the client counts the weights it spent itself (for the
    status bar).  The server's own readings are also kept apart, untouched by
    that local count: ``server_weight_1m``, read at ``server_weight_at_ms``
    from the answer to a request sent at ``server_weight_sent_ms``.  Planning
    must use only those: an answer without the header (a 5xx from a proxy, a
    fault) adds to the local count, and reading that sum as the server's
    figure made the next real, lower header look like a new window, with all
    our recent weight then taken for another program's.
    ``blocked_until_ms`` / ``block_reason`` ("429" or "418") are set after a
    rate-limit answer; until then the client sends nothing.
    """

    def __init__(self) -> None:
        self.used_weight_1m = 0
        self.weight_limit = DEFAULT_WEIGHT_LIMIT
        self.order_count_1s: int | None = None
        self.order_count_1d: int | None = None
        self.order_limit_1s = DEFAULT_ORDER_LIMIT_1S
        self.order_limit_1d = DEFAULT_ORDER_LIMIT_1D
        self.raw_request_limit = DEFAULT_RAW_REQUEST_LIMIT
        self.raw_request_interval_s = DEFAULT_RAW_REQUEST_INTERVAL_S
        self.blocked_until_ms: int | None = None
        self.block_reason: str | None = None
        self.block_code: int | None = None
        self.block_msg = ""
        self.last_update_ms: int | None = None
        self.weight_from_server = False  # True once a weight header was seen
        self.server_weight_1m: int | None = None
        self.server_weight_at_ms: int | None = None
        self.server_weight_sent_ms: int | None = None
        self._weight_expires_ms: int | None = None

    # budget ---------------------------------------------------------------

    @property
    def remaining(self) -> int:
        """Weight left in the current minute (as last reported)."""
        return max(0, self.weight_limit - self.used_weight_1m)

    def used_weight_at(self, now_ms: int) -> int:
        """Used weight, or 0 once a whole minute has passed since it was counted."""
        if self._weight_expires_ms is None or now_ms >= self._weight_expires_ms:
            return 0
        return self.used_weight_1m

    def remaining_at(self, now_ms: int) -> int:
        return max(0, self.weight_limit - self.used_weight_at(now_ms))

    def record_response(self, headers: RateHeaders, *, weight: int, now_ms: int, sent_ms: int | None = None) -> None:
        """Update the counters from one answer (any status); ``sent_ms``: when its request left."""
        if headers.used_weight_1m is not None:
            self.used_weight_1m = headers.used_weight_1m
            self._weight_expires_ms = now_ms + _WEIGHT_WINDOW_MS
            self.weight_from_server = True
            self.server_weight_1m = headers.used_weight_1m
            self.server_weight_at_ms = now_ms
            self.server_weight_sent_ms = now_ms if sent_ms is None else min(sent_ms, now_ms)
        elif self._weight_expires_ms is None or now_ms >= self._weight_expires_ms:
            self.used_weight_1m = weight
            self._weight_expires_ms = now_ms + _WEIGHT_WINDOW_MS
        else:
            self.used_weight_1m += weight
        if headers.order_count_1s is not None:
            self.order_count_1s = headers.order_count_1s
        if headers.order_count_1d is not None:
            self.order_count_1d = headers.order_count_1d
        self.last_update_ms = now_ms

    def apply_rate_limits(self, limits: Iterable[RateLimit]) -> None:
        """Take the limits announced in ``exchangeInfo.rateLimits``."""
        for limit in limits:
            kind = limit.rate_limit_type.lower()
            span = (limit.interval.lower(), limit.interval_num)
            if kind == "requestsweight" and span == ("minute", 1):
                self.weight_limit = limit.limit
            elif kind == "orders" and span == ("second", 1):
                self.order_limit_1s = limit.limit
            elif kind == "orders" and span == ("day", 1):
                self.order_limit_1d = limit.limit
            elif kind == "rawrequests":
                self.raw_request_limit = limit.limit
                self.raw_request_interval_s = _interval_seconds(limit.interval, limit.interval_num)

    # ban ------------------------------------------------------------------

    def block(self, reason: str, seconds: float, *, now_ms: int, code: int | None, msg: str) -> None:
        """Stop sending for ``seconds`` (a longer ban already running is kept)."""
        until = now_ms + int(seconds * 1000)
        if self.blocked_until_ms is not None and self.blocked_until_ms > until:
            return
        self.blocked_until_ms = until
        self.block_reason = reason
        self.block_code = code
        self.block_msg = msg

    def is_blocked(self, now_ms: int) -> bool:
        if self.blocked_until_ms is None:
            return False
        if now_ms >= self.blocked_until_ms:
            self.blocked_until_ms = None
            self.block_reason = None
            self.block_code = None
            self.block_msg = ""
            return False
        return True

    def retry_after_s(self, now_ms: int) -> float:
        """Seconds until requests may be sent again (0.0 when not blocked)."""
        if self.blocked_until_ms is None:
            return 0.0
        return max(0.0, (self.blocked_until_ms - now_ms) / 1000)

    def __repr__(self) -> str:
        return (
            f"RateState(used_weight_1m={self.used_weight_1m}, "
            f"weight_limit={self.weight_limit}, order_count_1s={self.order_count_1s}, "
            f"order_count_1d={self.order_count_1d}, blocked_until_ms={self.blocked_until_ms}, "
            f"block_reason={self.block_reason!r})"
        )


_INTERVAL_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def _interval_seconds(interval: str, count: int) -> int:
    return _INTERVAL_SECONDS.get(interval.lower(), 60) * max(1, count)
