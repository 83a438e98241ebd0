"""Market streams over as many combined connections as they need.

:class:`MarketStreams` keeps the wanted stream names open (at most ten per
connection), decodes every frame into its typed payload and hands it to
``on_event(stream, payload, received_ms)``.  Each connection reports its
:class:`~jextui.api.streams.connection.StreamStatus` through
``on_status(streams, status)``.  Nothing here raises into the consumer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable

from jextui.api.clock import local_time_ms
from jextui.api.streams.connection import (
    DEFAULT_MAX_LIFETIME_S,
    Backoff,
    StreamConnection,
    StreamStatus,
)
from jextui.api.streams.errors import StreamDecodeError, StreamError
from jextui.api.streams.models import MarketPayload
from jextui.api.streams.names import chunk_streams, combined_url, decode_combined

__all__ = ["MarketStreams", "OnMarketEvent", "OnMarketStatus"]

logger = logging.getLogger("jextui.streams")

OnMarketEvent = Callable[[str, MarketPayload, int], None]
OnMarketStatus = Callable[[tuple[str, ...], StreamStatus], None]


class MarketStreams:
    """Keeps ``set_streams``' names open on ``base_url`` (a ws:// or wss:// address).

    ``stall_after_s`` applies to every connection: give it only when each
    connection carries a stream that pushes on a fixed cadence (klines,
    tickers, partial depth).  The other keywords go to each
    :class:`StreamConnection`.
    """

    def __init__(
        self,
        base_url: str,
        on_event: OnMarketEvent,
        on_status: OnMarketStatus,
        *,
        stall_after_s: float | None = None,
        backoff: Backoff | None = None,
        max_lifetime_s: float = DEFAULT_MAX_LIFETIME_S,
        now_ms: Callable[[], int] = local_time_ms,
    ) -> None:
        self.base_url = base_url
        self._on_event = on_event
        self._on_status = on_status
        self._stall_after_s = stall_after_s
        self._backoff = backoff
        self._max_lifetime_s = max_lifetime_s
        self._now = now_ms
        self._connections: dict[tuple[str, ...], StreamConnection] = {}
        self._tasks: dict[tuple[str, ...], asyncio.Task[None]] = {}
        self._retired: set[asyncio.Task[None]] = set()
        self._wanted: list[tuple[str, ...]] = []
        self._changed = asyncio.Event()
        self._stopping = False
        self.decode_errors = 0

    # --- control -------------------------------------------------------------------

    @property
    def streams(self) -> tuple[str, ...]:
        return tuple(name for chunk in self._wanted for name in chunk)

    def set_streams(self, names: Iterable[str]) -> None:
        """Stream exactly these names from now on (connections whose group of
        names is unchanged stay open)."""
        self._wanted = chunk_streams(names)
        self._changed.set()

    def restart(self, stream: str, error: StreamError | None = None) -> bool:
        """Reopen the connection carrying ``stream`` (e.g. after a gap); False
        when no open connection carries it."""
        for chunk, connection in self._connections.items():
            if stream in chunk:
                connection.restart(error)
                return True
        return False

    def status_of(self, stream: str) -> StreamStatus | None:
        for chunk, connection in self._connections.items():
            if stream in chunk:
                return connection.status
        return None

    def statuses(self) -> dict[tuple[str, ...], StreamStatus]:
        return {chunk: c.status for chunk, c in self._connections.items()}

    def stop(self) -> None:
        self._stopping = True
        self._changed.set()

    # --- running -------------------------------------------------------------------

    async def run(self) -> None:
        """Keep the wanted connections open until :meth:`stop`."""
        try:
            while not self._stopping:
                self._changed.clear()
                self._reconcile()
                await self._changed.wait()
        finally:
            await self._close_all()

    def _reconcile(self) -> None:
        wanted = set(self._wanted)
        for chunk in [c for c in self._connections if c not in wanted]:
            self._connections.pop(chunk).stop()
            retired = self._tasks.pop(chunk, None)
            if retired is not None:
                self._retired.add(retired)
                retired.add_done_callback(self._retired.discard)
        for chunk in self._wanted:
            if chunk not in self._connections:
                self._start(chunk)

    def _start(self, chunk: tuple[str, ...]) -> None:
        url = combined_url(self.base_url, chunk)

        async def open_url() -> str:
            return url

        def on_status(status: StreamStatus) -> None:
            if self._connections.get(chunk) is connection or status.state == "stopped":
                self._on_status(chunk, status)

        connection = StreamConnection(
            open_url,
            self._frame_handler(chunk),
            on_status,
            label=f"market streams ({len(chunk)})",
            backoff=self._backoff,
            max_lifetime_s=self._max_lifetime_s,
            stall_after_s=self._stall_after_s,
            now_ms=self._now,
        )
        self._connections[chunk] = connection
        task = asyncio.create_task(connection.run(), name=f"streams:{chunk[0]}")
        self._tasks[chunk] = task

    def _frame_handler(self, chunk: tuple[str, ...]) -> Callable[[bytes, int], None]:
        names = frozenset(chunk)

        def handle(frame: bytes, received_ms: int) -> None:
            try:
                stream, payload = decode_combined(frame)
            except StreamDecodeError as exc:
                self.decode_errors += 1
                if self.decode_errors == 1 or self.decode_errors % 100 == 0:
                    logger.warning("%s (%d so far)", exc.message, self.decode_errors)
                return
            if stream in names:
                self._on_event(stream, payload, received_ms)

        return handle

    async def _close_all(self) -> None:
        for connection in self._connections.values():
            connection.stop()
        tasks = [*self._tasks.values(), *self._retired]
        self._connections.clear()
        self._tasks.clear()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, timeout=3.0)
