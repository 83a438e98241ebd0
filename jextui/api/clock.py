"""The exchange's clock, estimated from the local one (docs/protocol.md#timestamp-and-recvwindow).

Signed requests need a ``timestamp`` the server accepts: not more than 1 s
ahead of its clock and not older than ``recvWindow``.  :class:`ServerClock`
keeps ``offset_ms = server time - local time``, measured with
``GET /api/v1/time`` and compensated for half the round trip (the server read
its clock, on average, half-way between sending and receiving).
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["ServerClock", "local_time_ms"]


def local_time_ms() -> int:
    """The local wall clock in epoch milliseconds."""
    return time.time_ns() // 1_000_000


class ServerClock:
    """Server-time estimate: the local clock plus a measured offset."""

    __slots__ = ("_time_ms", "offset_ms", "rtt_ms", "synced")

    def __init__(self, time_ms: Callable[[], int] | None = None) -> None:
        self._time_ms = time_ms or local_time_ms
        self.offset_ms = 0
        self.rtt_ms: int | None = None
        self.synced = False

    def local_ms(self) -> int:
        """The local wall clock (the injected one in tests)."""
        return int(self._time_ms())

    def now_ms(self) -> int:
        """The server's time, estimated (local time + offset)."""
        return self.local_ms() + self.offset_ms

    def record_sync(self, sent_ms: int, server_time_ms: int, received_ms: int) -> int:
        """Take one measurement; returns the new offset.

        ``sent_ms`` and ``received_ms`` are local times around the request.
        The server read its clock at about their midpoint.
        """
        rtt = max(0, received_ms - sent_ms)
        midpoint = sent_ms + rtt // 2
        self.offset_ms = server_time_ms - midpoint
        self.rtt_ms = rtt
        self.synced = True
        return self.offset_ms

    def __repr__(self) -> str:
        return f"ServerClock(offset_ms={self.offset_ms}, rtt_ms={self.rtt_ms}, synced={self.synced})"
