"""Rate limits of the sandbox (docs/protocol.md#rate-limits-and-weights).

* REQUEST_WEIGHT: each endpoint's weight counts against a per-IP budget per
  calendar minute (default 1200).
* RAW_REQUESTS: every request counts against a per-IP budget per 5-minute
  window (default 5000).
* ORDERS: new orders count against per-account budgets per second (10) and
  per UTC day (100000); going over is a 429 with -1015 and the order is not
  placed.

Going over an IP budget answers 429 with ``Retry-After`` (seconds to the end
of the window) and -1003.  A client that keeps sending inside that window
collects strikes; at ``ban_after_strikes`` the IP is banned: 418 with
``Retry-After`` for ``ban_seconds`` (default 2 minutes), doubling for each
further ban of the same IP, up to 3 days.  Requests refused with 429/418 are
not counted.

Windows follow the exchange clock, so a test on a fixed clock controls them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jextui.sandbox.params import ApiRejection

__all__ = ["RateLimitSettings", "RateLimiter", "WeightUsage", "OrderUsage"]

MINUTE_MS = 60_000
FIVE_MINUTES_MS = 5 * MINUTE_MS
SECOND_MS = 1000
DAY_MS = 86_400_000
MAX_BAN_SECONDS = 3 * 86_400


@dataclass(frozen=True)
class RateLimitSettings:
    weight_per_minute: int = 1200
    raw_requests_per_5m: int = 5000
    orders_per_second: int = 10
    orders_per_day: int = 100_000
    ban_seconds: int = 120
    ban_after_strikes: int = 3

    def __post_init__(self) -> None:
        for name in (
            "weight_per_minute",
            "raw_requests_per_5m",
            "orders_per_second",
            "orders_per_day",
            "ban_seconds",
            "ban_after_strikes",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")

    def exchange_info(self) -> list[dict[str, Any]]:
        """The ``rateLimits`` list of exchangeInfo, in the spec's order and words."""
        return [
            {
                "rateLimitType": "requestsWeight",
                "interval": "minute",
                "intervalNum": 1,
                "limit": self.weight_per_minute,
            },
            {"rateLimitType": "orders", "interval": "second", "intervalNum": 1, "limit": self.orders_per_second},
            {"rateLimitType": "orders", "interval": "day", "intervalNum": 1, "limit": self.orders_per_day},
            {"rateLimitType": "rawRequests", "interval": "minute", "intervalNum": 5, "limit": self.raw_requests_per_5m},
        ]


@dataclass
class _IpState:
    minute: int = -1
    weight_used: int = 0
    raw_window: int = -1
    raw_count: int = 0
    limited_until_ms: int = 0
    strikes: int = 0
    banned_until_ms: int = 0
    bans: int = 0


@dataclass
class _AccountState:
    second: int = -1
    count_1s: int = 0
    day: int = -1
    count_1d: int = 0


@dataclass(frozen=True)
class WeightUsage:
    used_weight_1m: int

    def headers(self) -> dict[str, str]:
        used = str(self.used_weight_1m)
        return {"X-MBX-USED-WEIGHT-1M": used, "X-MBX-USED-WEIGHT": used}


@dataclass(frozen=True)
class OrderUsage:
    count_1s: int
    count_1d: int

    def headers(self) -> dict[str, str]:
        return {"X-MBX-ORDER-COUNT-1S": str(self.count_1s), "X-MBX-ORDER-COUNT-1D": str(self.count_1d)}


def _retry_after_s(now_ms: int, until_ms: int) -> int:
    return max(1, -(-(until_ms - now_ms) // 1000))


class RateLimiter:
    """Counts weight, requests and orders; refuses what goes over."""

    def __init__(self, settings: RateLimitSettings, now_ms: Callable[[], int]) -> None:
        self.settings = settings
        self._now_ms = now_ms
        self._ips: dict[str, _IpState] = {}
        self._accounts: dict[str, _AccountState] = {}

    # --- per IP -------------------------------------------------------------

    def _ip_state(self, ip: str, now_ms: int) -> _IpState:
        state = self._ips.get(ip)
        if state is None:
            state = self._ips[ip] = _IpState()
        minute = now_ms // MINUTE_MS
        if state.minute != minute:
            state.minute, state.weight_used = minute, 0
        raw_window = now_ms // FIVE_MINUTES_MS
        if state.raw_window != raw_window:
            state.raw_window, state.raw_count = raw_window, 0
        return state

    def used_weight(self, ip: str) -> WeightUsage:
        return WeightUsage(self._ip_state(ip, self._now_ms()).weight_used)

    def admit(self, ip: str, weight: int) -> WeightUsage:
        """Count a request of ``weight`` from ``ip``, or refuse it with 429/418."""
        now_ms = self._now_ms()
        state = self._ip_state(ip, now_ms)
        if now_ms < state.banned_until_ms:
            raise self._banned(state, now_ms)
        if now_ms < state.limited_until_ms:
            state.strikes += 1
            if state.strikes >= self.settings.ban_after_strikes:
                raise self._ban(state, now_ms)
            raise self._limited(state, now_ms, state.limited_until_ms, self._weight_message())
        if state.weight_used + weight > self.settings.weight_per_minute:
            window_end = (state.minute + 1) * MINUTE_MS
            raise self._limit(state, now_ms, window_end, self._weight_message())
        if state.raw_count + 1 > self.settings.raw_requests_per_5m:
            window_end = (state.raw_window + 1) * FIVE_MINUTES_MS
            message = f"Too many requests; current limit is {self.settings.raw_requests_per_5m} requests per 5 minutes."
            raise self._limit(state, now_ms, window_end, message)
        state.weight_used += weight
        state.raw_count += 1
        return WeightUsage(state.weight_used)

    def _weight_message(self) -> str:
        return f"Too many requests; current limit is {self.settings.weight_per_minute} requests per minute."

    def _limit(self, state: _IpState, now_ms: int, until_ms: int, message: str) -> ApiRejection:
        state.limited_until_ms = until_ms
        state.strikes = 0
        return self._limited(state, now_ms, until_ms, message)

    @staticmethod
    def _limited(state: _IpState, now_ms: int, until_ms: int, message: str) -> ApiRejection:
        headers = WeightUsage(state.weight_used).headers()
        headers["Retry-After"] = str(_retry_after_s(now_ms, until_ms))
        return ApiRejection(-1003, message, status=429, headers=headers)

    def _ban(self, state: _IpState, now_ms: int) -> ApiRejection:
        seconds = min(self.settings.ban_seconds * 2**state.bans, MAX_BAN_SECONDS)
        state.bans += 1
        state.banned_until_ms = now_ms + seconds * 1000
        state.limited_until_ms = 0
        state.strikes = 0
        return self._banned(state, now_ms)

    def _banned(self, state: _IpState, now_ms: int) -> ApiRejection:
        headers = WeightUsage(state.weight_used).headers()
        headers["Retry-After"] = str(_retry_after_s(now_ms, state.banned_until_ms))
        message = (
            f"{self._weight_message()[:-1]}; IP banned until {state.banned_until_ms} for sending requests after a 429."
        )
        return ApiRejection(-1003, message, status=418, headers=headers)

    # --- per account --------------------------------------------------------

    def count_order(self, account_id: str) -> OrderUsage:
        """Count one new order of ``account_id``, or refuse it with 429/-1015."""
        now_ms = self._now_ms()
        state = self._accounts.get(account_id)
        if state is None:
            state = self._accounts[account_id] = _AccountState()
        second, day = now_ms // SECOND_MS, now_ms // DAY_MS
        if state.second != second:
            state.second, state.count_1s = second, 0
        if state.day != day:
            state.day, state.count_1d = day, 0
        if state.count_1s + 1 > self.settings.orders_per_second:
            raise self._too_many_orders(
                state, now_ms, (second + 1) * SECOND_MS, self.settings.orders_per_second, "second"
            )
        if state.count_1d + 1 > self.settings.orders_per_day:
            raise self._too_many_orders(state, now_ms, (day + 1) * DAY_MS, self.settings.orders_per_day, "day")
        state.count_1s += 1
        state.count_1d += 1
        return OrderUsage(state.count_1s, state.count_1d)

    @staticmethod
    def _too_many_orders(state: _AccountState, now_ms: int, until_ms: int, limit: int, unit: str) -> ApiRejection:
        headers = OrderUsage(state.count_1s, state.count_1d).headers()
        headers["Retry-After"] = str(_retry_after_s(now_ms, until_ms))
        return ApiRejection(
            -1015, f"Too many new orders; current limit is {limit} orders per {unit}.", status=429, headers=headers
        )
