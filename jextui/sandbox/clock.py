"""Clocks for the sandbox exchange.

Every piece of the exchange core reads time only through a :class:`Clock`
(milliseconds since the epoch), so tests and snapshots can pin it with a
:class:`FixedClock` while the server uses the :class:`SystemClock`.
"""

from __future__ import annotations

import time
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "SystemClock", "FixedClock"]


@runtime_checkable
class Clock(Protocol):
    """A source of the current time in integer milliseconds."""

    def now_ms(self) -> int: ...


class SystemClock:
    """Wall-clock time, optionally skewed (fault injection: a server clock that is off).

    ``skew_ms`` may be changed at any moment; positive values put the server
    ahead of real time.
    """

    def __init__(self, skew_ms: int = 0) -> None:
        self.skew_ms = int(skew_ms)

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000 + self.skew_ms

    def __repr__(self) -> str:
        return f"SystemClock(skew_ms={self.skew_ms})"


class FixedClock:
    """A clock that only moves when told to (tests, deterministic runs)."""

    def __init__(self, now_ms: int = 1_499_827_319_559) -> None:
        self._now_ms = int(now_ms)

    def now_ms(self) -> int:
        return self._now_ms

    def set(self, now_ms: int) -> None:
        """Jump to ``now_ms``."""
        self._now_ms = int(now_ms)

    def advance(self, ms: int) -> int:
        """Move forward by ``ms`` milliseconds and return the new time."""
        self._now_ms += int(ms)
        return self._now_ms

    def __repr__(self) -> str:
        return f"FixedClock(now_ms={self._now_ms})"
