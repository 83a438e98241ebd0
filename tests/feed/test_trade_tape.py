"""Stream trades merged with the REST backfill by trade id."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jextui.api.models import HistoricalTrade, OrderId
from jextui.api.streams.models import TradeEvent
from jextui.feed.trade_tape import TradeTape, from_stream


def streamed(trade_id: int, *, maker: bool = False) -> TradeEvent:
    return TradeEvent(
        event_time=trade_id * 10 + 5,
        symbol="BTCUSDT",
        trade_id=trade_id,
        price=Decimal(f"100.{trade_id % 100:02d}"),
        qty=Decimal("0.5"),
        trade_time=trade_id * 10,
        buyer_maker=maker,
    )


def rest(trade_id: int) -> HistoricalTrade:
    return from_stream(streamed(trade_id))


def ids(tape: TradeTape) -> list[int]:
    return [int(t.id) for t in tape.newest_first()]


def test_stream_trade_becomes_a_historical_trade() -> None:
    trade = from_stream(streamed(7, maker=True))
    assert trade == HistoricalTrade(
        id=OrderId(7), price=Decimal("100.07"), qty=Decimal("0.5"), time=70, buyer_maker=True
    )


def test_backfill_and_stream_overlap_without_duplicates() -> None:
    tape = TradeTape("BTCUSDT", limit=10)
    assert tape.add_stream([streamed(5), streamed(6)], 100)
    assert not tape.backfilled
    assert tape.add_backfill([rest(i) for i in range(1, 7)], 200)
    assert tape.backfilled and tape.updated_ms == 200
    assert ids(tape) == [6, 5, 4, 3, 2, 1] and len(tape) == 6
    assert not tape.add_stream([streamed(6)], 300)  # a repeat changes nothing
    assert tape.updated_ms == 200
    assert tape.gaps() == [] and tape.newest_id() == 6


def test_the_tape_keeps_the_newest_limit_trades() -> None:
    tape = TradeTape("X", limit=3)
    tape.add_stream([streamed(i) for i in (1, 2, 3, 4, 5)], 1)
    assert ids(tape) == [5, 4, 3]
    assert not tape.add_backfill([rest(2)], 2)  # too old for a full tape
    assert tape.add_stream([streamed(6)], 3)
    assert ids(tape) == [6, 5, 4]


def test_a_trade_older_than_a_tape_that_is_not_full_is_kept() -> None:
    tape = TradeTape("X", limit=3)
    tape.add_stream([streamed(9)], 1)
    assert tape.add_backfill([rest(8)], 2)
    assert ids(tape) == [9, 8]


def test_gaps_name_the_missing_ids_newest_first() -> None:
    tape = TradeTape("X", limit=20)
    tape.add_stream([streamed(i) for i in (1, 2, 5, 6, 10)], 1)
    assert tape.gaps() == [(7, 9), (3, 4)]
    tape.add_backfill([rest(i) for i in (3, 4, 7, 8, 9)], 2)
    assert tape.gaps() == [] and ids(tape) == list(range(10, 0, -1))


def test_reset_and_empty_tape() -> None:
    tape = TradeTape("X")
    assert tape.newest_first() == () and tape.newest_id() is None and tape.gaps() == []
    assert tape.limit == 60
    tape.add_backfill([], 5)
    assert tape.backfilled and tape.updated_ms is None
    tape.reset()
    assert not tape.backfilled
    with pytest.raises(ValueError):
        TradeTape("X", limit=0)
    assert TradeTape("X", limit=1).limit == 1


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 200), st.integers(1, 30), st.integers(0, 40), st.data())
def test_any_interleaving_of_stream_and_backfill_gives_the_newest_trades_once(
    total: int, limit: int, overlap: int, data: st.DataObject
) -> None:
    """Trades 1..total happen; the stream saw the last ones (from ``start``),
    the backfill the ones before plus an overlap, possibly in pieces and
    repeated: the tape is the newest ``limit`` ids, each once, newest first."""
    start = data.draw(st.integers(1, total))
    stream_ids = list(range(start, total + 1))
    backfill_ids = list(range(max(1, start - 60), min(total, start + overlap) + 1))
    pieces = [("s", i) for i in stream_ids] + [("r", i) for i in backfill_ids]
    order = data.draw(st.permutations(pieces))
    repeats = data.draw(st.lists(st.sampled_from(pieces), max_size=10))
    tape = TradeTape("X", limit=limit)
    for source, trade_id in [*order, *repeats]:
        if source == "s":
            tape.add_stream([streamed(trade_id)], trade_id)
        else:
            tape.add_backfill([rest(trade_id)], trade_id)
    expected = list(range(total, 0, -1))[:limit]
    expected = [i for i in expected if i >= max(1, start - 60)]
    assert ids(tape) == expected
    assert tape.gaps() == []


def test_flags_and_messages_exactly() -> None:
    tape = TradeTape("ETHBTC", limit=2)
    assert tape.symbol == "ETHBTC" and tape.backfilled is False
    assert tape.add_stream([streamed(1)], 77) is True and tape.updated_ms == 77
    assert tape.add_stream([streamed(1)], 78) is False and tape.add_backfill([rest(1)], 79) is False
    assert tape.backfilled is True
    tape.reset()
    assert tape.backfilled is False
    with pytest.raises(ValueError, match=r"^limit must be at least 1$"):
        TradeTape("X", limit=-1)


def test_a_repeat_inside_a_batch_does_not_stop_the_rest() -> None:
    tape = TradeTape("X", limit=10)
    tape.add_stream([streamed(1)], 1)
    assert tape.add_stream([streamed(1), streamed(2), streamed(3)], 2)
    assert ids(tape) == [3, 2, 1]


def test_a_single_missing_id_is_a_gap_and_neighbours_are_not() -> None:
    tape = TradeTape("X", limit=10)
    tape.add_stream([streamed(i) for i in (4, 5, 7)], 1)
    assert tape.gaps() == [(6, 6)]


def test_a_full_tape_ignores_older_trades_without_changing() -> None:
    tape = TradeTape("X", limit=2)
    tape.add_stream([streamed(5), streamed(6)], 1)
    assert tape.add_backfill([rest(4), rest(3)], 2) is False and tape.updated_ms == 1
    assert ids(tape) == [6, 5]
