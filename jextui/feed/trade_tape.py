"""The recent trades of one symbol: stream trades merged with a REST backfill.

Pure (no I/O).  Trades are keyed by trade id, so a trade seen both in the
stream and in the backfill is kept once.  A symbol's trade ids run
consecutively, so a hole between two kept ids is a gap: :meth:`TradeTape.gaps`
names the missing ids for the caller to fetch (``historicalTrades`` with
``fromId``).  The backfill must be requested after the stream is live:
then every trade is in one or the other.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from jextui.api.models import HistoricalTrade, OrderId
from jextui.api.streams.models import TradeEvent

__all__ = ["StreamTradeLike", "TradeTape"]


class StreamTradeLike(Protocol):
    @property
    def trade_id(self) -> int: ...
    @property
    def price(self) -> Decimal: ...
    @property
    def qty(self) -> Decimal: ...
    @property
    def trade_time(self) -> int: ...
    @property
    def buyer_maker(self) -> bool: ...


def from_stream(trade: StreamTradeLike | TradeEvent) -> HistoricalTrade:
    return HistoricalTrade(
        id=OrderId(trade.trade_id),
        price=trade.price,
        qty=trade.qty,
        time=trade.trade_time,
        buyer_maker=trade.buyer_maker,
    )


class TradeTape:
    """The newest ``limit`` trades of a symbol, by trade id."""

    def __init__(self, symbol: str, *, limit: int = 60) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.symbol = symbol
        self.limit = limit
        self._trades: dict[int, HistoricalTrade] = {}
        self.updated_ms: int | None = None
        self.backfilled = False

    def __len__(self) -> int:
        return len(self._trades)

    def add_stream(self, trades: Iterable[StreamTradeLike], received_ms: int) -> bool:
        """Trades from the stream; True when the tape changed."""
        return self._add((from_stream(t) for t in trades), received_ms)

    def add_backfill(self, trades: Iterable[HistoricalTrade], received_ms: int) -> bool:
        """Trades from REST (``historicalTrades``); True when the tape changed."""
        self.backfilled = True
        return self._add(trades, received_ms)

    def reset(self) -> None:
        """Forget the backfill state (after a reconnect the caller backfills
        again; what is held stays and is merged with the new trades)."""
        self.backfilled = False

    def _add(self, trades: Iterable[HistoricalTrade], received_ms: int) -> bool:
        before = set(self._trades)
        for trade in trades:
            self._trades.setdefault(int(trade.id), trade)
        for key in sorted(self._trades)[: max(0, len(self._trades) - self.limit)]:
            del self._trades[key]  # too old to show: beyond the newest ``limit``
        changed = set(self._trades) != before
        if changed:
            self.updated_ms = received_ms
        return changed

    def newest_first(self) -> tuple[HistoricalTrade, ...]:
        """The trades in display order: newest (highest id) first."""
        return tuple(self._trades[k] for k in sorted(self._trades, reverse=True))

    def newest_id(self) -> int | None:
        return max(self._trades) if self._trades else None

    def gaps(self) -> list[tuple[int, int]]:
        """Missing id ranges ``(first, last)`` inclusive between kept trades,
        newest first."""
        ids = sorted(self._trades, reverse=True)
        return [(low + 1, high - 1) for high, low in itertools.pairwise(ids) if high - low > 1]
