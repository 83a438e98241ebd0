"""The sandbox's market streams over a real WebSocket: paths, payload shapes, cadences, refusals."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal
from typing import Any

import pytest
from support.streams import closed_with, collect, connect, place, receive, receive_until

DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


def _is_decimal(value: Any) -> bool:
    return isinstance(value, str) and DECIMAL.match(value) is not None


def _levels_ok(levels: Any) -> bool:
    return isinstance(levels, list) and all(
        isinstance(level, list) and len(level) == 2 and all(_is_decimal(part) for part in level) for level in levels
    )


async def _cross(server: Any) -> Decimal:
    """One trade on BTCUSDT, the book's levels left as they were: a sell joins the best ask, then a buy of
    the same size at that price takes the level's first order; the trade's quantity."""
    ask_price, ask_qty = server.call(lambda ex: ex.engine.best_bid_ask("BTCUSDT"))[1]
    qty = min(ask_qty, Decimal("0.001"))
    place(server, "SELL", ask_price, qty)
    place(server, "BUY", ask_price, qty)
    return qty


# --- shapes ---------------------------------------------------------------------------------


async def test_trade_stream_pushes_an_array_of_the_new_trades(sandbox: Any) -> None:
    async with connect(sandbox, "/ws/btcusdt@spotTrade") as ws:
        await _cross(sandbox)
        await _cross(sandbox)
        expected = sandbox.call(lambda ex: ex.market.live_trades("BTCUSDT"))
        trades = await receive(ws)
        while len(trades) < len(expected):  # the fills may straddle a push
            trades += await receive(ws)
    assert isinstance(trades, list) and len(expected) >= 2
    assert [(t["t"], Decimal(t["p"]), Decimal(t["q"]), t["T"]) for t in trades] == [
        (record.id, record.price, record.qty, record.time) for record in expected
    ]
    now = sandbox.clock.now_ms()
    for trade in trades:
        assert set(trade) == {"e", "E", "s", "t", "p", "q", "T", "m"}
        assert (trade["e"], trade["s"]) == ("spotTrade", "BTCUSDT")
        assert isinstance(trade["t"], int) and _is_decimal(trade["p"]) and _is_decimal(trade["q"])
        assert trade["m"] is False  # a taker buy: the buyer is not the maker
        assert now - 10_000 < trade["E"] <= now and trade["T"] <= trade["E"]


async def test_kline_stream_pushes_the_current_candle_in_either_interval_spelling(sandbox: Any) -> None:
    async with connect(sandbox, "/stream?streams=btcusdt@spotKline_1m/btcusdt@spotKline_1H") as ws:
        await _cross(sandbox)
        seen: dict[str, Any] = {}
        while len(seen) < 2:
            message = await receive(ws)
            seen[message["stream"]] = message["data"]
    minute = seen["btcusdt@spotKline_1m"]
    assert set(minute) == {"e", "E", "s", "k"} and minute["e"] == "spotKline" and minute["s"] == "BTCUSDT"
    assert set(minute["k"]) == {"t", "T", "s", "i", "o", "c", "h", "l", "v", "q"}
    assert minute["k"]["i"] == "1m" and seen["btcusdt@spotKline_1H"]["k"]["i"] == "1h"
    k = minute["k"]
    assert k["T"] - k["t"] == 60_000 - 1 and k["t"] <= minute["E"] <= k["T"]
    assert all(_is_decimal(k[name]) for name in "ohlcvq")
    rest = sandbox.call(lambda ex: ex.market.klines("BTCUSDT", "1m", limit=1))[-1]
    assert (k["t"], Decimal(k["c"]), Decimal(k["v"])) == (rest.open_time, rest.close, rest.volume)


async def test_ticker_streams_and_arrays(make_sandbox: Any) -> None:
    server = make_sandbox(simulate=True, tick_ms=50)
    names = "btcusdt@spotMiniTicker/btcusdt@spotTicker/!spotMiniTicker@arr/!spotTicker@arr"
    async with connect(server, f"/stream?streams={names}") as ws:
        seen: dict[str, Any] = {}
        while len(seen) < 4:
            message = await receive(ws)
            seen[message["stream"]] = message["data"]
    mini, full = seen["btcusdt@spotMiniTicker"], seen["btcusdt@spotTicker"]
    assert set(mini) == {"e", "E", "s", "c", "h", "o", "l", "v", "q"} and mini["e"] == "24hrSpotMiniTicker"
    assert set(full) == {"e", "E", "s", "p", "P", "c", "h", "l", "v", "q", "O", "C"} and full["e"] == "24hrSpotTicker"
    assert all(_is_decimal(mini[name]) for name in "chiolvq".replace("i", ""))
    assert all(_is_decimal(full[name]) for name in "pPchlvq")
    assert full["C"] - full["O"] >= 24 * 3_600_000 - 60_000 and full["s"] == "BTCUSDT"
    for name, event in (("!spotMiniTicker@arr", "24hrSpotMiniTicker"), ("!spotTicker@arr", "24hrSpotTicker")):
        array = seen[name]
        assert isinstance(array, list) and array and {item["e"] for item in array} == {event}
        assert len({item["s"] for item in array}) == len(array)  # one entry per symbol


async def test_ticker_arrays_list_only_the_symbols_that_changed(sandbox: Any) -> None:
    async with connect(sandbox, "/ws/!spotMiniTicker@arr") as ws:
        first = await receive(ws)
        assert len(first) == 8  # at first every symbol is news
        await _cross(sandbox)
        second = await receive_until(ws, lambda array: True)
    assert [item["s"] for item in second] == ["BTCUSDT"]


async def test_partial_depth_streams_push_the_top_levels(sandbox: Any) -> None:
    async with connect(sandbox, "/stream?streams=btcusdt@spotDepth5/btcusdt@spotDepth20/ethusdt@spotDepth10") as ws:
        seen: dict[str, Any] = {}
        while len(seen) < 3:
            message = await receive(ws)
            seen[message["stream"]] = message["data"]
    for name, levels in (("btcusdt@spotDepth5", 5), ("btcusdt@spotDepth20", 20), ("ethusdt@spotDepth10", 10)):
        data = seen[name]
        assert set(data) == {"bids", "asks"} and _levels_ok(data["bids"]) and _levels_ok(data["asks"])
        assert len(data["bids"]) == len(data["asks"]) == levels
    top = seen["btcusdt@spotDepth5"]
    _version, bids, asks = sandbox.call(lambda ex: ex.engine.depth("BTCUSDT", 5))
    assert [(Decimal(p), Decimal(q)) for p, q in top["bids"]] == bids
    assert [(Decimal(p), Decimal(q)) for p, q in top["asks"]] == asks


async def test_diff_depth_stream_reports_changed_levels_with_the_book_version(sandbox: Any) -> None:
    async with connect(sandbox, "/ws/btcusdt@spotDepth") as ws:
        quiet = await receive(ws)  # nothing changed: an empty diff still comes every second
        order = place(sandbox, "BUY", "1000.00", "0.5")
        diff = await receive_until(ws, lambda d: d["b"] or d["a"])
    assert set(quiet) == {"e", "s", "v", "b", "a"} and quiet["e"] == "spotDepthUpdate" and quiet["s"] == "BTCUSDT"
    assert (quiet["b"], quiet["a"]) == ([], [])
    assert diff["b"] == [["1000.00", "0.500000"]] and diff["a"] == []
    assert diff["v"] == sandbox.call(lambda ex: ex.engine.last_update_id("BTCUSDT")) > quiet["v"]
    assert order.status == "NEW"


async def test_combined_stream_wraps_each_payload(sandbox: Any) -> None:
    async with connect(sandbox, "/stream?streams=btcusdt@spotDepth5") as ws:
        message = await receive(ws)
    assert set(message) == {"stream", "data"} and message["stream"] == "btcusdt@spotDepth5"


# --- cadences -------------------------------------------------------------------------------


async def test_trades_come_every_100_ms_and_the_rest_every_second(sandbox: Any) -> None:
    names = "btcusdt@spotTrade/btcusdt@spotDepth/btcusdt@spotKline_1m/btcusdt@spotDepth5"
    async with connect(sandbox, f"/stream?streams={names}") as ws:
        stop = asyncio.Event()

        async def trade_often() -> None:
            while not stop.is_set():
                await _cross(sandbox)
                await asyncio.sleep(0.02)

        trader = asyncio.create_task(trade_often())
        try:
            messages = await collect(ws, 3.0)
        finally:
            stop.set()
            await trader
    counts: dict[str, int] = {}
    for message in messages:
        counts[message["stream"]] = counts.get(message["stream"], 0) + 1
    # generous bounds: about 30 trade pushes and 3 of each other stream in 3 seconds
    assert 8 <= counts["btcusdt@spotTrade"] <= 32
    for name in ("btcusdt@spotDepth", "btcusdt@spotKline_1m", "btcusdt@spotDepth5"):
        assert 1 <= counts[name] <= 4, (name, counts)
    trades = [trade for m in messages if m["stream"] == "btcusdt@spotTrade" for trade in m["data"]]
    ids = [trade["t"] for trade in trades]
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # every trade once, in order


async def test_no_trade_push_without_trades(sandbox: Any) -> None:
    async with connect(sandbox, "/ws/btcusdt@spotTrade") as ws:
        assert await collect(ws, 0.6) == [] and ws.protocol.close_rcvd is None


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, reason",
    [
        (
            "/stream?streams="
            + "/".join(
                f"btcusdt@spotKline_{i}" for i in ("1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d")
            ),
            "too many streams: 11",
        ),
        ("/ws/btcusdt@spotNothing", "unknown stream 'btcusdt@spotNothing'"),
        ("/ws/BTCUSDT@spotTrade", "lowercase"),
        ("/ws/xxxyyy@spotTrade", "no symbol XXXYYY"),
        ("/ws/btcusdt@spotKline_2w", "kline interval"),
        ("/ws/btcusdt@spotDepth7", "5, 10 or 20"),
        ("/ws/notAListenKey", "unknown stream or listenKey"),
        ("/stream?streams=", "no stream given"),
        ("/stream?streams=btcusdt@spotTrade/eth@spotTrade", "no symbol ETH"),
    ],
)
async def test_refusals_close_with_1008_and_a_reason(sandbox: Any, path: str, reason: str) -> None:
    async with connect(sandbox, path) as ws:
        code, text = await closed_with(ws)
    assert code == 1008 and reason in text


async def test_ten_streams_are_accepted(sandbox: Any) -> None:
    names = "/".join(f"btcusdt@spotKline_{i}" for i in ("1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h"))
    async with connect(sandbox, f"/stream?streams={names}") as ws:
        messages = await collect(ws, 1.5)
    assert len({m["stream"] for m in messages}) == 10
