"""Streams first, polling as the fallback: what hands feeds between the two.

The session runs a :class:`~jextui.feed.streaming.StreamingFeed` beside the
:class:`~jextui.feed.worker.FeedWorker`, both emitting to the same sink.
:class:`StreamHandover` stands between the streaming feed and that sink:

* every :class:`~jextui.feed.stream_events.StreamStatusUpdate` tells the
  worker which feeds to leave to the streams: every stream-fed feed except
  those in ``fallback`` (a feed that is reconnecting for a moment is not
  polled yet; one that is down or has been away for a while is);
* each freshness report (``on_fresh``) becomes the worker's record of that
  feed, so the panes' age and STALE mark follow the exchange's event time;
* every event then goes on to the sink unchanged.

The active book is the exception, chosen by the figures of
``benchmarks/bench_streams.py``: the diff stream pushes once a second, so a
book fed by it alone is staler (p95 about 0.8 s from a change to the screen)
than one polled every 0.4 s (about 0.36 s).  Its snapshot is therefore still
polled, and each polled snapshot goes into the local book
(:meth:`StreamingFeed.offer_snapshot`), which shows whichever is newer: the
book moves with the diffs and with the snapshots, and never goes back.
With streams the poll comes every 0.26 s (``STREAMED_BOOK_PERIOD_S``), counted
from the latest diff (:meth:`FeedScheduler.pushed`): about three polls fall
between two diffs, so no change waits more than about a quarter of a second,
for about 180 weight a minute.

Before the first status report nothing is left to the streams: the worker
polls as it always did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from jextui.feed.events import FeedEvent
from jextui.feed.scheduler import FeedKind
from jextui.feed.stream_events import StreamStatusUpdate

__all__ = ["STREAM_FED_KINDS", "StreamHandover"]

#: The feeds the streams carry instead of polling (the rest are always
#: polled: the active book's snapshot, see above; the watchlist's best
#: bid/ask, sparklines, server time, exchange info).
STREAM_FED_KINDS: frozenset[str] = frozenset(
    kind.value
    for kind in (
        FeedKind.TRADES,
        FeedKind.KLINES,
        FeedKind.TICKERS,
        FeedKind.PRICES,
        FeedKind.OPEN_ORDERS,
        FeedKind.ACCOUNT,
    )
)


class _Worker(Protocol):
    """What the handover needs of the worker (``FeedWorker``)."""

    def set_streamed(self, feed_kinds: frozenset[str], *, live: frozenset[str]) -> None: ...
    def record_streamed(self, kind: str, symbol: str | None, at_ms: int) -> None: ...


class StreamHandover:
    """Between the streaming feed and the sink: tells the worker what not to poll."""

    def __init__(self, worker: _Worker | None, sink: Callable[[FeedEvent], None]) -> None:
        self._worker = worker
        self._sink = sink
        self.latest: StreamStatusUpdate | None = None

    def emit(self, event: FeedEvent) -> None:
        """The streaming feed's sink."""
        if isinstance(event, StreamStatusUpdate):
            self.latest = event
            if self._worker is not None:
                self._worker.set_streamed(STREAM_FED_KINDS - event.fallback, live=event.live)
        self._sink(event)

    def fresh(self, kind: str, symbol: str | None, at_ms: int) -> None:
        """The streaming feed's freshness listener."""
        if self._worker is not None:
            self._worker.record_streamed(kind, symbol, at_ms)
