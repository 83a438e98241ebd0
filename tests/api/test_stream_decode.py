"""Stream payloads decode into typed Structs: Decimal money, int ms, names by stream."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support import stream_payloads as p

from jextui.api.errors import JexError
from jextui.api.streams import (
    ALL_MINI_TICKERS,
    ALL_TICKERS,
    JEX_STREAM_URL,
    AccountSpotInfo,
    DiffDepthEvent,
    ExecSpotReport,
    KlineEvent,
    MiniTickerEvent,
    PartialDepthEvent,
    StreamDecodeError,
    TickerEvent,
    TradeEvent,
    chunk_streams,
    combined_url,
    decode_combined,
    decode_market,
    decode_user,
    default_stream_url,
    diff_depth_stream,
    kline_stream,
    mini_ticker_stream,
    partial_depth_stream,
    raw_url,
    stream_url_from_rest,
    ticker_stream,
    trade_stream,
)
from jextui.api.streams.names import payload_type


def test_trades_decode_as_a_list_with_exact_values() -> None:
    trades = decode_market("btcusdt@spotTrade", p.TRADES)
    assert isinstance(trades, list) and len(trades) == 2
    first = trades[0]
    assert isinstance(first, TradeEvent)
    assert first.trade_id == 501
    assert first.price == Decimal("43010.50") and str(first.price) == "43010.50"
    assert first.qty == Decimal("0.0120")
    assert first.event_time == 1765100000100 and first.trade_time == 1765100000090
    assert isinstance(first, TradeEvent) and isinstance(trades[1], TradeEvent)
    assert first.buyer_maker is True and trades[1].buyer_maker is False
    assert first.symbol == "BTCUSDT"


def test_kline_mini_ticker_and_ticker() -> None:
    kline = decode_market("ethusdt@spotKline_1m", p.KLINE)
    assert isinstance(kline, KlineEvent)
    assert kline.bar.interval == "1m" and kline.bar.open_time == 1765099980000
    assert kline.bar.close_time == 1765100039999
    assert (kline.bar.open, kline.bar.high, kline.bar.low, kline.bar.close) == (
        Decimal("2250.10"),
        Decimal("2252.00"),
        Decimal("2249.90"),
        Decimal("2251.35"),
    )
    assert kline.bar.volume == Decimal("13.5") and kline.bar.quote_volume == Decimal("30390.12")
    mini = decode_market("ltcbtc@spotMiniTicker", p.MINI_TICKER)
    assert isinstance(mini, MiniTickerEvent)
    assert (mini.open, mini.close, mini.high, mini.low) == (
        Decimal("0.00120"),
        Decimal("0.00123"),
        Decimal("0.00130"),
        Decimal("0.00119"),
    )
    ticker = decode_market("btcusdt@spotTicker", p.TICKER)
    assert isinstance(ticker, TickerEvent)
    assert ticker.price_change == Decimal("-120.50")
    assert ticker.price_change_percent == Decimal("-0.279")
    assert ticker.close == Decimal("43010.50")
    assert (ticker.open_time, ticker.close_time) == (1765013601000, 1765100001000)


def test_arrays_decode_by_their_stream_name() -> None:
    minis = decode_market(ALL_MINI_TICKERS, b"[" + p.MINI_TICKER + b"]")
    assert [type(m) for m in minis] == [MiniTickerEvent]  # type: ignore[union-attr]
    tickers = decode_market(ALL_TICKERS, b"[" + p.TICKER + b"," + p.TICKER + b"]")
    assert [t.symbol for t in tickers] == ["BTCUSDT", "BTCUSDT"]  # type: ignore[union-attr]
    assert decode_market(ALL_TICKERS, b"[]") == []


def test_depth_streams() -> None:
    partial = decode_market("btcusdt@spotDepth10", p.PARTIAL_DEPTH)
    assert isinstance(partial, PartialDepthEvent)
    assert [(lv.price, lv.qty) for lv in partial.bids] == [
        (Decimal("43010.00"), Decimal("0.500")),
        (Decimal("43009.50"), Decimal("1.2")),
    ]
    diff = decode_market("btcusdt@spotDepth", p.DIFF_DEPTH)
    assert isinstance(diff, DiffDepthEvent)
    assert diff.version == 90817 and diff.event_time is None
    assert diff.bids[1].qty == 0 and diff.asks[0].price == Decimal("43011.00")


def test_a_depth_level_with_a_trailing_element_still_decodes() -> None:
    diff = decode_market("btcusdt@spotDepth", b'{"s":"X","v":1,"b":[["1","2",[]]],"a":[]}')
    assert isinstance(diff, DiffDepthEvent) and diff.bids[0].qty == Decimal("2")


def test_combined_wrapper() -> None:
    stream, payload = decode_combined(p.combined("btcusdt@spotDepth", p.DIFF_DEPTH))
    assert stream == "btcusdt@spotDepth" and isinstance(payload, DiffDepthEvent)


def test_user_events_by_tag() -> None:
    report = decode_user(p.EXEC_REPORT)
    assert isinstance(report, ExecSpotReport)
    assert report.order_id == 77001 and isinstance(report.order_id, int)
    assert report.side == "BUY" and report.status == "PARTIALLY_FILLED"
    assert report.qty == Decimal("0.100") and report.price == Decimal("43000.00")
    assert report.filled_qty == Decimal("0.040") and report.filled_quote == Decimal("1720.0000")
    assert report.event_time == 1765100002000 and report.order_time == 1765100000000
    info = decode_user(p.ACCOUNT_INFO)
    assert isinstance(info, AccountSpotInfo)
    assert info.event_time == 1765100002001 and info.update_time == 1765100002001
    assert info.maker_fee == Decimal("0.001") and info.taker_fee == Decimal("0.002")
    usdt = info.balances[1]
    assert (usdt.asset, usdt.free, usdt.locked) == ("USDT", Decimal("8280.0000"), Decimal("2580.0000"))
    assert usdt.can_trade and not usdt.can_withdraw and usdt.can_deposit


def test_numeric_order_id_is_accepted_too() -> None:
    report = decode_user(p.EXEC_REPORT.replace(b'"i":"77001"', b'"i":77001'))
    assert isinstance(report, ExecSpotReport) and report.order_id == 77001


def test_unknown_user_event_type_is_skipped_not_an_error() -> None:
    assert decode_user(b'{"e":"somethingNew","E":1}') is None


@pytest.mark.parametrize(
    ("stream", "frame"),
    [
        ("btcusdt@spotTrade", b'{"e":"spotTrade"}'),  # an object where a list belongs
        ("btcusdt@spotTicker", p.TICKER.replace(b'"c":"43010.50"', b'"c":"lots"')),
        ("btcusdt@spotDepth", b"not json"),
        ("btcusdt@spotKline_1m", p.KLINE.replace(b'"t":1765099980000,', b"")),
        ("nobody@unknownStream", b"{}"),
    ],
)
def test_bad_market_frames_raise_a_typed_error_naming_the_stream(stream: str, frame: bytes) -> None:
    with pytest.raises(StreamDecodeError) as info:
        decode_market(stream, frame)
    assert isinstance(info.value, JexError)
    assert stream in str(info.value)


def test_bad_user_frames() -> None:
    with pytest.raises(StreamDecodeError):
        decode_user(b"{")
    with pytest.raises(StreamDecodeError):
        decode_user(p.EXEC_REPORT.replace(b'"z":"0.040"', b'"z":true'))
    with pytest.raises(StreamDecodeError):
        decode_combined(b'{"data":{}}')


def test_stream_names() -> None:
    assert trade_stream("BTCUSDT") == "btcusdt@spotTrade"
    assert kline_stream("EthUsdt", "15m") == "ethusdt@spotKline_15m"
    assert mini_ticker_stream("LTCBTC") == "ltcbtc@spotMiniTicker"
    assert ticker_stream("LTCBTC") == "ltcbtc@spotTicker"
    assert partial_depth_stream("BTCUSDT", 20) == "btcusdt@spotDepth20"
    assert diff_depth_stream("BTCUSDT") == "btcusdt@spotDepth"
    for bad in (
        lambda: kline_stream("BTCUSDT", "1M"),
        lambda: partial_depth_stream("BTCUSDT", 50),
        lambda: trade_stream("BTC/USDT"),
        lambda: trade_stream(""),
    ):
        with pytest.raises(ValueError):
            bad()


def test_payload_type_covers_every_stream_kind() -> None:
    assert payload_type("btcusdt@spotDepth5") is PartialDepthEvent
    assert payload_type("btcusdt@spotDepth20") is PartialDepthEvent
    with pytest.raises(ValueError):
        payload_type("btcusdt@spotDepth50")


@pytest.mark.parametrize(
    ("rest", "stream"),
    [
        ("http://127.0.0.1:8765", "ws://127.0.0.1:8765"),
        ("https://api.example.org/", "wss://api.example.org"),
        ("HTTP://localhost:80/prefix/", "ws://localhost:80/prefix"),
        ("https://[::1]:9000", "wss://[::1]:9000"),
    ],
)
def test_stream_url_from_rest(rest: str, stream: str) -> None:
    assert stream_url_from_rest(rest) == stream


@pytest.mark.parametrize("bad", ["ftp://x", "127.0.0.1:80", "", "http://", "ws://h:1", "wss://h"])
def test_stream_url_from_a_bad_rest_address(bad: str) -> None:
    with pytest.raises(ValueError, match=r"^the REST address must be an http:// or https:// URL$"):
        stream_url_from_rest(bad)


def test_default_stream_url() -> None:
    assert default_stream_url("http://127.0.0.1:8765") == "ws://127.0.0.1:8765"
    assert default_stream_url("https://localhost:8443") == "wss://localhost:8443"
    assert default_stream_url("https://api.jex.com") == JEX_STREAM_URL
    assert default_stream_url("http://10.0.0.5:8765", sandbox=True) == "ws://10.0.0.5:8765"


def test_addresses_and_chunks() -> None:
    assert raw_url("ws://h:1/", "btcusdt@spotTrade") == "ws://h:1/ws/btcusdt@spotTrade"
    assert combined_url("ws://h:1", ["a@spotTrade", "!spotTicker@arr"]) == (
        "ws://h:1/stream?streams=a@spotTrade/!spotTicker@arr"
    )
    with pytest.raises(ValueError):
        combined_url("ws://h:1", [])
    with pytest.raises(ValueError):
        combined_url("ws://h:1", [f"s{i}@spotTrade" for i in range(11)])
    assert combined_url("ws://h", [f"s{i}@spotTrade" for i in range(10)]).count("/s") == 10
    names = [f"s{i}@spotTrade" for i in range(23)] + ["s0@spotTrade"]
    chunks = chunk_streams(names)
    assert [len(c) for c in chunks] == [10, 10, 3]
    assert [n for c in chunks for n in c] == names[:23]
    assert chunk_streams([]) == []


def test_decode_errors_say_where_and_what() -> None:
    with pytest.raises(StreamDecodeError) as info:
        decode_market("btcusdt@spotTicker", p.TICKER.replace(b'"c":"43010.50"', b'"c":"lots"'))
    assert info.value.stream == "btcusdt@spotTicker" and "$.c" in info.value.detail
    assert str(info.value) == f"btcusdt@spotTicker: unexpected message: {info.value.detail}"
    with pytest.raises(StreamDecodeError) as info:
        decode_market("btcusdt@spotDepth", b"{")
    assert info.value.detail.startswith("not JSON (") and len(info.value.detail) > len("not JSON ()")
    with pytest.raises(StreamDecodeError) as info:
        decode_market("x@nothing", b"{}")
    assert info.value.stream == "x@nothing" and info.value.detail == "not a market stream: 'x@nothing'"
    with pytest.raises(StreamDecodeError) as info:
        decode_combined(b'{"data":{}}')
    assert info.value.stream == "combined stream" and "stream" in info.value.detail
    with pytest.raises(StreamDecodeError) as info:
        decode_user(p.EXEC_REPORT.replace(b'"z":"0.040"', b'"z":true'))
    assert info.value.stream == "user data stream" and "$.z" in info.value.detail
    with pytest.raises(StreamDecodeError) as info:
        decode_user(b'{"e":')
    assert info.value.stream == "user data stream" and info.value.detail.startswith("not JSON (")


def test_an_event_type_of_the_wrong_kind_is_an_error_not_skipped() -> None:
    with pytest.raises(StreamDecodeError):
        decode_user(b'{"e":5,"E":1}')


def test_name_errors_say_what_was_wrong() -> None:
    with pytest.raises(ValueError, match=r"^not a symbol: 'BTC/USDT'$"):
        trade_stream("BTC/USDT")
    with pytest.raises(ValueError, match=r"^unknown kline interval '1M'$"):
        kline_stream("BTCUSDT", "1M")
    with pytest.raises(ValueError, match=r"^partial depth has 5, 10 or 20 levels, not 50$"):
        partial_depth_stream("BTCUSDT", 50)
    with pytest.raises(ValueError, match=r"^a combined connection needs at least one stream$"):
        combined_url("ws://h", [])
    with pytest.raises(ValueError, match=r"^at most 10 streams per connection, not 11$"):
        combined_url("ws://h", [f"s{i}@spotTrade" for i in range(11)])
    with pytest.raises(ValueError, match=r"^not a market stream: 'x'$"):
        payload_type("x")
    assert combined_url("ws://h/", ["a@spotTrade"]) == "ws://h/stream?streams=a@spotTrade"
