"""A local order book kept from a REST snapshot plus the diff depth stream.

Pure (no I/O): the caller feeds it diffs and snapshots and asks it what to
do.  The recipe:

1. Subscribe to ``<symbol>@spotDepth`` first; diffs that arrive before a
   snapshot are buffered (up to ``buffer_limit``).
2. Take a REST depth snapshot (``lastUpdateId``) and hand it to
   :meth:`LocalBook.apply_snapshot`: buffered diffs whose version is not
   newer than the snapshot are dropped, the rest applied in order.
3. Every later diff newer than the book's version is applied; a quantity of
   zero removes the level; a diff not newer is dropped.

Versions are not consecutive, so a lost diff cannot be seen from the version
alone.  The book therefore asks for a new snapshot (:attr:`needs_snapshot`)
when it has evidence of a gap: it crossed (best bid at or above best ask);
a diff moved the version on without carrying any level (every change of
version changes some level, and a diff lists every level touched since the
previous one, so the changes went missing); a diff named the previous
version and it did not match; or a snapshot at the book's own version
disagreed with it.  The caller also calls
:meth:`invalidate` on every reconnect and on a stall (:class:`StallWatch`).
A newer snapshot is always taken over, so polling snapshots heals any gap
that went unseen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Protocol

from jextui.api.models import Depth, DepthLevel

__all__ = [
    "Applied",
    "LevelLike",
    "LocalBook",
    "Resync",
    "StallWatch",
]


class LevelLike(Protocol):
    @property
    def price(self) -> Decimal: ...
    @property
    def qty(self) -> Decimal: ...


class Applied(Enum):
    """What a diff did."""

    BUFFERED = "buffered"  # no snapshot yet: kept for replay
    APPLIED = "applied"
    STALE = "stale"  # not newer than the book: dropped
    GAP = "gap"  # evidence of a lost diff: the book waits for a new snapshot


class Resync(Enum):
    """Why the book wants a new snapshot."""

    NONE = "none"
    START = "start"  # never synced yet
    CROSSED = "crossed"
    VERSION_GAP = "version gap"
    MISMATCH = "snapshot mismatch"
    INVALIDATED = "invalidated"  # reconnect, stall, or the caller's decision


@dataclass(frozen=True, slots=True)
class _Diff:
    version: int
    bids: tuple[tuple[Decimal, Decimal], ...]
    asks: tuple[tuple[Decimal, Decimal], ...]
    prev_version: int | None
    received_ms: int


def _levels(levels: Iterable[LevelLike]) -> tuple[tuple[Decimal, Decimal], ...]:
    return tuple((lv.price, lv.qty) for lv in levels)


class LocalBook:
    """One symbol's book.  ``buffer_limit`` bounds the diffs kept while waiting
    for a snapshot (when exceeded, the oldest go and the snapshot must be newer
    than what was dropped)."""

    def __init__(self, symbol: str, *, buffer_limit: int = 1000, empty_advance_is_gap: bool = True) -> None:
        if buffer_limit < 1:
            raise ValueError("buffer_limit must be at least 1")
        self.symbol = symbol
        self.buffer_limit = buffer_limit
        self.empty_advance_is_gap = empty_advance_is_gap
        self._bids: dict[Decimal, Decimal] = {}
        self._asks: dict[Decimal, Decimal] = {}
        self._buffer: list[_Diff] = []
        self._dropped_up_to: int | None = None  # highest version dropped from a full buffer
        self.version: int | None = None
        self.synced = False
        self.resync_reason = Resync.START
        self.updated_ms: int | None = None  # receipt time of what last changed the book
        self.gaps = 0  # gaps seen since creation
        self.snapshots = 0  # snapshots taken over

    @property
    def needs_snapshot(self) -> bool:
        return not self.synced

    # --- input -------------------------------------------------------------------------

    def apply_diff(
        self,
        version: int,
        bids: Iterable[LevelLike],
        asks: Iterable[LevelLike],
        received_ms: int,
        *,
        prev_version: int | None = None,
    ) -> Applied:
        """One diff (``version`` = the book's version after it).  ``prev_version``,
        when the stream gives it, is the version the diff applies on top of."""
        diff = _Diff(version, _levels(bids), _levels(asks), prev_version, received_ms)
        if not self.synced:
            self._keep(diff)
            return Applied.BUFFERED
        assert self.version is not None
        if diff.version <= self.version:
            return Applied.STALE
        if diff.prev_version is not None and diff.prev_version != self.version:
            self._lose_sync(Resync.VERSION_GAP)
            self._keep(diff)
            return Applied.GAP
        if self._empty_advance(diff):
            self._lose_sync(Resync.VERSION_GAP)
            return Applied.GAP
        self._apply(diff)
        if self._crossed():
            self._lose_sync(Resync.CROSSED)
            return Applied.GAP
        return Applied.APPLIED

    def apply_snapshot(self, depth: Depth, received_ms: int) -> bool:
        """Take over a REST snapshot if it is usable; False when it is older
        than the book (or than diffs already dropped) and was ignored."""
        snapshot_version = depth.last_update_id
        if self.synced and self.version is not None:
            if snapshot_version < self.version:
                return False
            if snapshot_version == self.version:
                if self._matches(depth):
                    self.updated_ms = received_ms
                    return True
                self.gaps += 1
        elif self._dropped_up_to is not None and snapshot_version < self._dropped_up_to:
            return False  # diffs between it and the buffer were lost: wait for a newer one
        self._bids = {lv.price: lv.qty for lv in depth.bids if lv.qty > 0}
        self._asks = {lv.price: lv.qty for lv in depth.asks if lv.qty > 0}
        self.version = snapshot_version
        self.synced = True
        self.resync_reason = Resync.NONE
        self.updated_ms = received_ms
        self.snapshots += 1
        pending, self._buffer = self._buffer, []
        for diff in pending:
            if diff.version <= self.version:
                continue
            if diff.prev_version is not None and diff.prev_version > self.version:
                self._lose_sync(Resync.VERSION_GAP)  # a diff between them was lost
                self._keep(diff)
                return True
            if self._empty_advance(diff):
                self._lose_sync(Resync.VERSION_GAP)
                return True
            self._apply(diff)
        if self._crossed():
            self._lose_sync(Resync.CROSSED)
        return True

    def invalidate(self, reason: Resync = Resync.INVALIDATED) -> None:
        """Stop trusting the book (a reconnect or a stall): diffs are buffered
        again until the next snapshot.  What it holds stays readable."""
        if self.synced:
            self.synced = False
            self.resync_reason = reason
            self._buffer = []
            self._dropped_up_to = None

    # --- output ------------------------------------------------------------------------

    def bids(self, limit: int | None = None) -> list[tuple[Decimal, Decimal]]:
        """Bid levels, best (highest) first."""
        return sorted(self._bids.items(), reverse=True)[:limit]  # prices are unique keys

    def asks(self, limit: int | None = None) -> list[tuple[Decimal, Decimal]]:
        """Ask levels, best (lowest) first."""
        return sorted(self._asks.items())[:limit]

    def best_bid(self) -> Decimal | None:
        return max(self._bids) if self._bids else None

    def best_ask(self) -> Decimal | None:
        return min(self._asks) if self._asks else None

    def depth(self, limit: int | None = None) -> Depth:
        """The book as a REST-shaped :class:`Depth` (``last_update_id`` = version)."""
        return Depth(
            last_update_id=self.version if self.version is not None else 0,
            bids=[DepthLevel(p, q) for p, q in self.bids(limit)],
            asks=[DepthLevel(p, q) for p, q in self.asks(limit)],
        )

    # --- internals ---------------------------------------------------------------------

    def _keep(self, diff: _Diff) -> None:
        self._buffer.append(diff)
        if len(self._buffer) > self.buffer_limit:
            dropped = self._buffer.pop(0)
            self._dropped_up_to = dropped.version

    def _apply(self, diff: _Diff) -> None:
        _update(self._bids, diff.bids)
        _update(self._asks, diff.asks)
        self.version = diff.version
        self.updated_ms = diff.received_ms

    def _empty_advance(self, diff: _Diff) -> bool:
        return self.empty_advance_is_gap and not diff.bids and not diff.asks

    def _crossed(self) -> bool:
        bid, ask = self.best_bid(), self.best_ask()
        return bid is not None and ask is not None and bid >= ask

    def _lose_sync(self, reason: Resync) -> None:
        self.gaps += 1
        self.synced = False
        self.resync_reason = reason
        self._buffer = []
        self._dropped_up_to = None

    def _matches(self, depth: Depth) -> bool:
        bids = {lv.price: lv.qty for lv in depth.bids if lv.qty > 0}
        asks = {lv.price: lv.qty for lv in depth.asks if lv.qty > 0}
        return _same_top(self._bids, bids, reverse=True) and _same_top(self._asks, asks, reverse=False)


def _update(side: dict[Decimal, Decimal], levels: Sequence[tuple[Decimal, Decimal]]) -> None:
    for price, qty in levels:
        if qty > 0:
            side[price] = qty
        else:
            side.pop(price, None)


def _same_top(ours: dict[Decimal, Decimal], theirs: dict[Decimal, Decimal], *, reverse: bool) -> bool:
    """Whether the snapshot's levels equal ours as deep as the snapshot goes
    (a snapshot is limited in depth: what lies beyond its last level is unknown)."""
    if not theirs:
        return not ours
    prices = sorted(theirs, reverse=reverse)
    edge = prices[-1]
    inside = {p: q for p, q in ours.items() if (p >= edge if reverse else p <= edge)}
    return inside == theirs


class StallWatch:
    """Says when a stream that should push every ``cadence_ms`` has been silent
    for ``cadences`` cadences (counted from the start, or the last push)."""

    def __init__(self, cadence_ms: int, *, cadences: int = 3) -> None:
        if cadence_ms <= 0 or cadences <= 0:
            raise ValueError("cadence_ms and cadences must be positive")
        self.cadence_ms = cadence_ms
        self.cadences = cadences
        self.last_ms: int | None = None

    @property
    def limit_ms(self) -> int:
        return self.cadence_ms * self.cadences

    def start(self, now_ms: int) -> None:
        """Begin watching (at a (re)connect): silence counts from now."""
        self.last_ms = now_ms

    def seen(self, now_ms: int) -> None:
        """Something arrived."""
        self.last_ms = now_ms if self.last_ms is None else max(self.last_ms, now_ms)

    def stalled(self, now_ms: int) -> bool:
        return self.last_ms is not None and now_ms - self.last_ms > self.limit_ms

    def deadline_ms(self) -> int | None:
        """When it will count as stalled if nothing arrives."""
        return None if self.last_ms is None else self.last_ms + self.limit_ms
