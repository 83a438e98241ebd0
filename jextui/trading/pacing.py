"""A sliding-window budget: at most ``limit`` units in any ``window_s`` seconds.

Sans-IO: the caller passes the time (seconds from any monotonic clock) and
does the waiting.  Used for the weight that order discovery may spend per
minute and for cancels per second.
"""

from __future__ import annotations

from collections import deque

__all__ = ["SlidingWindow"]

_SLACK_S = 1e-9  # sleeping the exact time wait_for returns must be enough, float rounding or not


class SlidingWindow:
    """Counts what was spent in the last ``window_s`` seconds."""

    def __init__(self, limit: int, window_s: float) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if window_s <= 0:
            raise ValueError("window_s must be positive")
        self.limit = limit
        self.window_s = window_s
        self._spent: deque[tuple[float, int]] = deque()

    def _expire(self, now: float) -> None:
        while self._spent and self._spent[0][0] + self.window_s <= now + _SLACK_S:
            self._spent.popleft()

    def used(self, now: float) -> int:
        self._expire(now)
        return sum(amount for _, amount in self._spent)

    def available(self, now: float) -> int:
        return max(0, self.limit - self.used(now))

    def record(self, now: float, amount: int = 1) -> None:
        self._spent.append((now, amount))

    def wait_for(self, now: float, amount: int = 1) -> float:
        """Seconds until ``amount`` more fits in the window (0.0 when it fits now)."""
        if amount > self.limit:
            raise ValueError(f"{amount} can never fit in a window of {self.limit}")
        used = self.used(now)
        if used + amount <= self.limit:
            return 0.0
        excess = used + amount - self.limit
        for when, spent in self._spent:  # the oldest first; together they hold more than excess
            excess -= spent
            if excess <= 0:
                return when + self.window_s - now
        return self._spent[-1][0] + self.window_s - now
