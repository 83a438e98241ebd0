"""How fresh each feed's data is: last success, last error, period, staleness.

:class:`HealthTracker` is the mutable record the worker keeps;
:class:`FeedHealth` is the immutable snapshot it hands to the UI (in
``StatusUpdate.health`` and ``FeedWorker.snapshot_health()``).  Data is
*stale* when it is older than 3 x the feed's desired period (the one the
trader configured), whatever the reason it is late: a fault, a ban, or
periods stretched to fit the weight budget.  The pane must then say so
instead of showing it as fresh; the status bar says why it is late.
"""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["STALE_AFTER_PERIODS", "FeedState", "FeedHealth", "HealthTracker"]

#: Data older than this many desired periods is stale.
STALE_AFTER_PERIODS = 3

FeedState = Literal["ok", "stale", "failing", "waiting", "hidden", "disabled"]
"""Summary of a feed, most telling first:

* ``disabled``: not polled because it cannot be (no credentials, no symbol,
  empty watchlist); ``reason`` says why.
* ``hidden``: its pane is not on screen, so it is not polled.
* ``waiting``: polled, no data yet (``reason`` holds the last error if the
  first attempts failed).
* ``stale``: the data is older than 3 x the desired period.
* ``failing``: the latest attempt failed but the data is still fresh enough.
* ``ok``: fresh data, latest attempt succeeded.
"""


class FeedHealth(msgspec.Struct, frozen=True):
    """One feed's freshness at ``checked_ms`` (times in epoch milliseconds)."""

    kind: str
    state: FeedState
    symbol: str | None  # the symbol of the latest data (None: not symbol-specific)
    last_success_ms: int | None
    last_error: str | None  # text of the most recent failure, kept after recovery
    last_error_ms: int | None
    consecutive_failures: int
    desired_period_ms: int
    effective_period_ms: int  # after stretching for the weight budget
    checked_ms: int
    reason: str | None = None  # why disabled/hidden, or the error while failing

    def age_ms(self, now_ms: int | None = None) -> int | None:
        """Age of the data at ``now_ms`` (default: when checked); None before any data."""
        if self.last_success_ms is None:
            return None
        return max(0, (self.checked_ms if now_ms is None else now_ms) - self.last_success_ms)

    def is_stale(self, now_ms: int | None = None) -> bool:
        """True when the data is older than 3 x the desired period (however long the effective one is)."""
        age = self.age_ms(now_ms)
        return age is not None and age > STALE_AFTER_PERIODS * self.desired_period_ms

    @property
    def stale(self) -> bool:
        return self.is_stale()

    @property
    def failing(self) -> bool:
        return self.consecutive_failures > 0


class _Record:
    __slots__ = ("symbol", "last_success_ms", "last_error", "last_error_ms", "failures")

    def __init__(self) -> None:
        self.symbol: str | None = None
        self.last_success_ms: int | None = None
        self.last_error: str | None = None
        self.last_error_ms: int | None = None
        self.failures = 0


class HealthTracker:
    """The worker's running record of successes and failures per feed."""

    def __init__(self) -> None:
        self._records: dict[str, _Record] = {}

    def _record(self, kind: str) -> _Record:
        return self._records.setdefault(str(kind), _Record())

    def record_success(self, kind: str, symbol: str | None, at_ms: int) -> None:
        record = self._record(kind)
        record.symbol = symbol
        record.last_success_ms = at_ms
        record.failures = 0

    def record_failure(self, kind: str, error_text: str, at_ms: int) -> None:
        record = self._record(kind)
        record.last_error = error_text
        record.last_error_ms = at_ms
        record.failures += 1

    def forget(self, kind: str) -> None:
        """The feed's data no longer applies (e.g. the active symbol changed)."""
        self._records.pop(str(kind), None)

    def last_success_ms(self, kind: str) -> int | None:
        record = self._records.get(str(kind))
        return record.last_success_ms if record else None

    def snapshot(
        self,
        kind: str,
        *,
        now_ms: int,
        desired_period_ms: int,
        effective_period_ms: int,
        inactive_reason: str | None = None,
    ) -> FeedHealth:
        """The feed's health now; ``inactive_reason`` is "hidden" or why it is disabled."""
        record = self._records.get(str(kind)) or _Record()
        health = FeedHealth(
            kind=str(kind),
            state="ok",
            symbol=record.symbol,
            last_success_ms=record.last_success_ms,
            last_error=record.last_error,
            last_error_ms=record.last_error_ms,
            consecutive_failures=record.failures,
            desired_period_ms=desired_period_ms,
            effective_period_ms=effective_period_ms,
            checked_ms=now_ms,
        )
        state, reason = _state_of(health, inactive_reason)
        return msgspec.structs.replace(health, state=state, reason=reason)


def _state_of(health: FeedHealth, inactive_reason: str | None) -> tuple[FeedState, str | None]:
    failing_reason = health.last_error if health.failing else None
    if inactive_reason == "hidden":
        return "hidden", None
    if inactive_reason is not None:
        return "disabled", inactive_reason
    if health.last_success_ms is None:
        return "waiting", failing_reason
    if health.is_stale():
        return "stale", failing_reason
    if health.failing:
        return "failing", failing_reason
    return "ok", None
