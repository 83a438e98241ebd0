"""What the server's used-weight readings tell: its count now, and others' use of the IP.

:class:`ServerWeightView` is the scheduler's record of the server's
``X-MBX-USED-WEIGHT-1M`` readings and of the weight its own requests sent
(times in the worker's clock, milliseconds):

* ``used_now``: the server's count now, the last reading decayed as if the
  window slid, plus what was sent since (the scheduler's budget guard);
* ``external_1m``: the weight other programs on the same IP use, the
  largest of the recent readings less our own requests in the server's
  window.  Readings must be the server's own figures: a count the client
  keeps for answers without the header is none.  A lower reading starts a
  new window only when its request left after the previous reading arrived
  (answers overtake each other under latency), and a new window starts the
  estimate afresh; a 429/418 block that ends makes every earlier reading
  out of date (:meth:`ServerWeightView.forget_readings`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

__all__ = ["ServerWeightView", "EXTERNAL_HOLD_MS", "MINUTE_MS"]

MINUTE_MS = 60_000
#: How long the estimate of other programs' weight is held (peak over a minute).
EXTERNAL_HOLD_MS = 60_000


@dataclass
class ServerWeightView:
    """What the server's used-weight header tells about others on our IP."""

    own_sends: deque[tuple[int, int]] = field(default_factory=deque)  # (sent_ms, weight)
    used_weight: int | None = None
    used_at_ms: int | None = None
    window_reset_ms: int | None = None
    external_samples: deque[tuple[int, int]] = field(default_factory=deque)
    ignore_before_ms: int = 0

    def forget_readings(self, until_ms: int) -> None:
        """A 429/418 block just ended: what the server said before it is out of date.

        The block lasted until the exchange would take requests again, so its
        count then (and any estimate of others' use made from it) no longer
        holds; readings that arrived before ``until_ms`` are not taken again.
        """
        self.used_weight = self.used_at_ms = self.window_reset_ms = None
        self.external_samples.clear()
        self.ignore_before_ms = max(self.ignore_before_ms, until_ms)

    def record_send(self, now_ms: int, weight: int) -> None:
        self.own_sends.append((now_ms, weight))
        self._trim(now_ms)

    def observe(self, used_weight: int, at_ms: int, sent_ms: int | None = None) -> None:
        if self.used_at_ms is not None and at_ms <= self.used_at_ms:
            return  # the reading we have, or an older one
        if at_ms < self.ignore_before_ms:
            return  # read before a block ended: the server's count has moved on since
        if self.used_weight is not None and used_weight < self.used_weight:
            if sent_ms is not None and sent_ms <= self.used_at_ms:  # type: ignore[operator]  # used_at_ms is set whenever used_weight is
                # Its request left before the reading we have arrived: the server
                # may have counted it first (answers overtake each other, e.g.
                # under latency).  A lower count proves no new window then.
                return
            # The server's window moved on: its count restarted after our
            # previous reading.  Our own requests before that are not in it,
            # and what others used in the old window says nothing sure about
            # the new one (a burst that got banned, a program that stopped):
            # the estimate starts again from this window's readings.
            self.window_reset_ms = self.used_at_ms
            self.external_samples.clear()
        self.used_weight, self.used_at_ms = used_weight, at_ms
        own = self.own_weight_between(self._counted_since(at_ms), at_ms)
        self.external_samples.append((at_ms, max(0, used_weight - own)))
        self._trim(at_ms)

    def _counted_since(self, at_ms: int) -> int:
        start = at_ms - MINUTE_MS
        if self.window_reset_ms is not None:
            start = max(start, self.window_reset_ms)
        return start

    def own_weight_between(self, start_ms: int, end_ms: int) -> int:
        return sum(w for t, w in self.own_sends if start_ms < t <= end_ms)

    def external_1m(self, now_ms: int) -> int:
        self._trim(now_ms)
        return max((est for _, est in self.external_samples), default=0)

    def used_now(self, now_ms: int) -> float:
        """The server's count now: the last reading, decayed, plus what we sent since."""
        if self.used_weight is None or self.used_at_ms is None:
            return float(self.own_weight_between(now_ms - MINUTE_MS, now_ms))
        elapsed = max(0, now_ms - self.used_at_ms)
        decayed = self.used_weight * max(0.0, 1.0 - elapsed / MINUTE_MS)
        # Requests sent in the reading's own millisecond may not be in it: count them.
        return decayed + self.own_weight_between(self.used_at_ms - 1, now_ms)

    def _trim(self, now_ms: int) -> None:
        horizon = now_ms - 2 * MINUTE_MS
        while self.own_sends and self.own_sends[0][0] < horizon:
            self.own_sends.popleft()
        while self.external_samples and self.external_samples[0][0] < now_ms - EXTERNAL_HOLD_MS:
            self.external_samples.popleft()
