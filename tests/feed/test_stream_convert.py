"""Stream payloads turned into the REST-shaped models the feed events carry."""

from __future__ import annotations

from decimal import Decimal

from jextui.api.models import Kline, Ticker24hr
from jextui.api.streams.models import KlineBar, TickerEvent
from jextui.feed.stream_convert import merge_kline, ticker_from_stream

D = Decimal


def event(**changes: object) -> TickerEvent:
    fields: dict[str, object] = dict(
        event_time=5,
        symbol="BTCUSDT",
        price_change=D("-2.5"),
        price_change_percent=D("-1.2"),
        close=D("100.5"),
        high=D(110),
        low=D(90),
        volume=D(7),
        quote_volume=D(700),
        open_time=1,
        close_time=2,
    )
    fields.update(changes)
    return TickerEvent(**fields)  # type: ignore[arg-type]


def rest_ticker() -> Ticker24hr:
    return Ticker24hr(
        symbol="BTCUSDT",
        price_change=D(0),
        price_change_percent=D(0),
        weighted_avg_price=D(99),
        last_price=D(1),
        bid_price=D("100.4"),
        bid_qty=D(3),
        ask_price=D("100.6"),
        ask_qty=D(4),
        open_price=D(1),
        high_price=D(1),
        low_price=D(1),
        volume=D(1),
        quote_volume=D(1),
        open_time=0,
        close_time=0,
    )


def test_a_stream_ticker_keeps_what_it_lacks_from_rest() -> None:
    merged = ticker_from_stream(event(), rest_ticker())
    assert merged == Ticker24hr(
        symbol="BTCUSDT",
        price_change=D("-2.5"),
        price_change_percent=D("-1.2"),
        weighted_avg_price=D(99),
        last_price=D("100.5"),
        bid_price=D("100.4"),
        bid_qty=D(3),
        ask_price=D("100.6"),
        ask_qty=D(4),
        open_price=D(103),
        high_price=D(110),
        low_price=D(90),
        volume=D(7),
        quote_volume=D(700),
        open_time=1,
        close_time=2,
    )


def test_a_stream_ticker_without_rest_has_zeros_where_it_is_silent() -> None:
    merged = ticker_from_stream(event(), None)
    assert (merged.weighted_avg_price, merged.bid_price, merged.bid_qty, merged.ask_price, merged.ask_qty) == (
        D(0),
        D(0),
        D(0),
        D(0),
        D(0),
    )
    assert merged.open_price == D(103) and merged.last_price == D("100.5")


def kline(open_time: int, close: str = "10", *, trades: int = 4) -> Kline:
    return Kline(
        open_time=open_time,
        open=D(9),
        high=D(11),
        low=D(8),
        close=D(close),
        volume=D(2),
        close_time=open_time + 59_999,
        quote_volume=D(20),
        trades=trades,
        taker_buy_base_volume=D(1),
        taker_buy_quote_volume=D(10),
    )


def bar(open_time: int, close: str) -> KlineBar:
    return KlineBar(
        open_time=open_time,
        close_time=open_time + 59_999,
        symbol="BTCUSDT",
        interval="1m",
        open=D(9),
        close=D(close),
        high=D(12),
        low=D(8),
        volume=D(3),
        quote_volume=D(30),
    )


def test_the_current_candle_replaces_its_rest_twin_keeping_counts() -> None:
    history = (kline(-60_000), kline(0), kline(60_000))
    merged = merge_kline(history, bar(60_000, "10.5"), limit=10)
    assert merged is not None and len(merged) == 3 and merged[:2] == history[:2]
    assert merged[2] == Kline(
        open_time=60_000,
        open=D(9),
        high=D(12),
        low=D(8),
        close=D("10.5"),
        volume=D(3),
        close_time=119_999,
        quote_volume=D(30),
        trades=4,
        taker_buy_base_volume=D(1),
        taker_buy_quote_volume=D(10),
    )
    assert merge_kline(merged, bar(60_000, "10.5"), limit=10) is None  # unchanged


def test_a_new_candle_is_appended_and_the_oldest_go() -> None:
    history = (kline(0), kline(60_000))
    merged = merge_kline(history, bar(120_000, "11"), limit=2)
    assert merged is not None and [k.open_time for k in merged] == [60_000, 120_000]
    new = merged[-1]
    assert (new.trades, new.taker_buy_base_volume, new.taker_buy_quote_volume) == (0, D(0), D(0))
    assert merge_kline(history, bar(120_000, "11"), limit=0) == ()
    assert [k.open_time for k in merge_kline(history, bar(120_000, "11"), limit=1) or ()] == [120_000]
    assert [k.open_time for k in merge_kline(history, bar(120_000, "11"), limit=3) or ()] == [0, 60_000, 120_000]


def test_an_older_candle_changes_nothing_and_empty_history_takes_the_bar() -> None:
    assert merge_kline((kline(60_000),), bar(0, "1"), limit=5) is None
    merged = merge_kline((), bar(0, "1"), limit=5)
    assert merged is not None and len(merged) == 1 and merged[0].close == D(1) and merged[0].trades == 0
