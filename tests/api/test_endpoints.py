"""Every endpoint method against the spec's example responses.

Each test checks what a caller gets back (typed, Decimal, int ids) and what
the client sent: method, path, where the parameters went, and the headers.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from support import spec_json as fx
from support.api_fake import KEY, SECRET, FakeClock, FakeExchange, Sent, split_signature

from jextui.api import (
    Account,
    BookTicker,
    CancelResult,
    ExchangeInfo,
    JexClient,
    Order,
    OrderAck,
    OrderResult,
    PriceTicker,
    Ticker24hr,
)
from jextui.api.signing import verify

FORM = "application/x-www-form-urlencoded"


def assert_unsigned(sent: Sent, *, with_key: bool) -> None:
    assert "signature" not in sent.raw_query + sent.raw_body
    assert "timestamp" not in sent.raw_query + sent.raw_body
    if with_key:
        assert sent.headers["X-JEX-APIKEY"] == KEY
    else:
        assert "X-JEX-APIKEY" not in sent.headers


def assert_signed(sent: Sent, clock: FakeClock, *, in_body: bool) -> dict[str, str]:
    """Checks key header, timestamp, recvWindow and signature; returns the params."""
    assert sent.headers["X-JEX-APIKEY"] == KEY
    message, signature = split_signature(sent)
    assert verify(SECRET, message, signature)
    params = dict(sent.body if in_body else sent.query)
    assert params["timestamp"] == str(clock.now)
    assert params["recvWindow"] == "5000"
    if in_body:
        assert sent.raw_query == ""
        assert sent.headers["Content-Type"] == FORM
    else:
        assert sent.raw_body == ""
    return params


# --- general ------------------------------------------------------------------


async def test_ping(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/ping", fx.PING)
    await client.ping()
    sent = exchange.last
    assert (sent.method, sent.path, sent.raw_query, sent.raw_body) == ("GET", "/api/v1/ping", "", "")
    assert_unsigned(sent, with_key=False)  # a public endpoint does not get the key


async def test_server_time(public_client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/time", fx.SERVER_TIME)
    assert await public_client.server_time() == 1499827319595


async def test_exchange_info_golden(public_client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/exchangeInfo", fx.EXCHANGE_INFO)
    info = await public_client.exchange_info()
    assert isinstance(info, ExchangeInfo)
    assert info.timezone == "UTC" and info.server_time == 1551270414646
    spot = info.spot_symbols[0]
    assert (spot.symbol, spot.base_asset, spot.quote_asset) == ("DASHUSDT", "DASH", "USDT")
    assert (spot.base_asset_precision, spot.quote_precision) == (4, 2)
    assert spot.order_types == ["LIMIT"]
    assert spot.filters[0].filter_type == "PRICE_FILTER"
    assert spot.filters[0].max_price == D("100000")
    assert spot.filters[1].min_qty == D("1.00000000")
    assert info.contract_symbols[0].filters[0].min_price == D("0.00000001")
    assert info.option_symbols[0].base_asset == "月BTC看涨0226"
    assert [r.limit for r in info.rate_limits] == [1200, 10, 100000, 5000]
    assert public_client.rate.raw_request_interval_s == 300


async def test_exchange_info_sets_the_rate_limits(public_client: JexClient, exchange: FakeExchange) -> None:
    exchange.on(
        "GET",
        "/api/v1/exchangeInfo",
        {
            "timezone": "UTC",
            "serverTime": 1,
            "rateLimits": [
                {"rateLimitType": "requestsWeight", "interval": "minute", "intervalNum": 1, "limit": 600},
                {"rateLimitType": "orders", "interval": "second", "intervalNum": 1, "limit": 5},
                {"rateLimitType": "orders", "interval": "day", "intervalNum": 1, "limit": 2000},
            ],
        },
        headers={"X-MBX-USED-WEIGHT-1M": "100"},
    )
    await public_client.exchange_info()
    rate = public_client.rate
    assert (rate.weight_limit, rate.order_limit_1s, rate.order_limit_1d) == (600, 5, 2000)
    assert rate.remaining == 500


# --- market data --------------------------------------------------------------------


async def test_depth(public_client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/spot/depth", fx.DEPTH)
    book = await public_client.depth("JEXBTC", limit=5)
    assert book.last_update_id == 1027024
    assert (book.bids[0].price, book.bids[0].qty) == (D("4.00000000"), D("431.00000000"))
    assert (book.asks[0].price, book.asks[0].qty) == (D("4.00000200"), D("12.00000000"))
    assert exchange.last.query == [("symbol", "JEXBTC"), ("limit", "5")]
    assert_unsigned(exchange.last, with_key=False)


async def test_depth_without_limit_sends_only_the_symbol(public_client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/spot/depth", fx.DEPTH)
    await public_client.depth("JEXBTC")
    assert exchange.last.raw_query == "symbol=JEXBTC"


async def test_trades(public_client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/spot/trades", fx.TRADES)
    trades = await public_client.trades("ETHUSDT", limit=3)
    assert [t.qty for t in trades] == [D("0.001"), D("0.0004"), D("0.0011")]
    assert trades[2].price == D("81.24") and trades[0].time == 0
    assert exchange.last.query == [("symbol", "ETHUSDT"), ("limit", "3")]


async def test_historical_trades_sends_the_key_but_no_signature(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/spot/historicalTrades", fx.HISTORICAL_TRADES)
    trades = await client.historical_trades("JEXBTC", limit=2, from_id=3400)
    assert [t.id for t in trades] == [3489, 3488]  # strings on the wire
    assert isinstance(trades[0].id, int)
    assert trades[0].price == D("0.00001457") and trades[0].qty == D("6")
    assert [t.buyer_maker for t in trades] == [False, True]
    assert exchange.last.query == [("symbol", "JEXBTC"), ("limit", "2"), ("fromId", "3400")]
    assert_unsigned(exchange.last, with_key=True)
    assert exchange.requests_to("/api/v1/time") == []  # no clock sync needed


async def test_klines(public_client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/spot/klines", fx.KLINES)
    [k] = await public_client.klines("JEXBTC", "1h", start_time=1499040000000, end_time=1499644799999, limit=1)
    assert (k.open_time, k.close_time, k.trades) == (1499040000000, 1499644799999, 308)
    assert (k.open, k.high, k.low, k.close) == (D("0.01634790"), D("0.80000000"), D("0.01575800"), D("0.01577100"))
    assert k.volume == D("148976.11427815") and k.quote_volume == D("2434.19055334")
    assert k.taker_buy_base_volume == D("1756.87402397")
    assert k.taker_buy_quote_volume == D("28.46694368")
    assert exchange.last.query == [
        ("symbol", "JEXBTC"),
        ("interval", "1h"),
        ("startTime", "1499040000000"),
        ("endTime", "1499644799999"),
        ("limit", "1"),
    ]


async def test_avg_price(public_client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/spot/avgPrice", fx.AVG_PRICE)
    avg = await public_client.avg_price("JEXBTC")
    assert (avg.mins, avg.price) == (5, D("9.35751834"))
    assert exchange.last.raw_query == "symbol=JEXBTC"


@pytest.mark.parametrize(
    ("method", "path", "one", "all_", "model"),
    [
        ("ticker_24hr", "/api/v1/spot/ticker/24hr", fx.TICKER_24HR, fx.TICKER_24HR_ALL, Ticker24hr),
        ("ticker_price", "/api/v1/spot/ticker/price", fx.TICKER_PRICE, fx.TICKER_PRICE_ALL, PriceTicker),
        ("book_ticker", "/api/v1/spot/ticker/bookTicker", fx.BOOK_TICKER, fx.BOOK_TICKER_ALL, BookTicker),
    ],
)
async def test_tickers_for_one_symbol_and_for_all(
    public_client: JexClient,
    exchange: FakeExchange,
    method: str,
    path: str,
    one: str,
    all_: str,
    model: type,
) -> None:
    exchange.on("GET", path, one)
    single = await getattr(public_client, method)("LTCBTC")
    assert isinstance(single, model)
    assert exchange.last.raw_query == "symbol=LTCBTC"

    exchange.routes.clear()
    exchange.on("GET", path, all_)
    many = await getattr(public_client, method)()
    assert isinstance(many, list) and all(isinstance(t, model) for t in many)
    assert exchange.last.raw_query == ""


async def test_ticker_values(public_client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/spot/ticker/24hr", fx.TICKER_24HR)
    t = await public_client.ticker_24hr("BNBBTC")
    assert (t.last_price, t.price_change_percent, t.weighted_avg_price) == (D("3"), D("50"), D("1.88"))
    assert (t.open_time, t.close_time) == (1551174049782, 1551173957144)
    exchange.on("GET", "/api/v1/spot/ticker/price", fx.TICKER_PRICE_ALL)
    prices = await public_client.ticker_price()
    assert {p.symbol: p.price for p in prices} == {"LTCBTC": D("4.000002"), "ETHBTC": D("0.079466")}
    exchange.on("GET", "/api/v1/spot/ticker/bookTicker", fx.BOOK_TICKER_ALL)
    books = await public_client.book_ticker()
    assert books[1].ask_price == D("100000") and books[1].bid_qty == D("9")


# --- orders ----------------------------------------------------------------------------


async def test_new_order_ack(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("POST", "/api/v1/spot/order", fx.ORDER_ACK)
    ack = await client.new_order("JEXBTC", "BUY", D("1"), D("0.00001464"))
    assert isinstance(ack, OrderAck)
    assert (ack.symbol, ack.order_id, ack.transact_time) == ("JEXBTC", 28, 1507725176595)
    sent = exchange.last
    assert (sent.method, sent.path) == ("POST", "/api/v1/spot/order")
    params = assert_signed(sent, clock, in_body=True)
    assert [k for k, _ in sent.body] == [
        "symbol",
        "side",
        "type",
        "timeInForce",
        "quantity",
        "price",
        "recvWindow",
        "timestamp",
        "signature",
    ]
    assert params["price"] == "0.00001464" and params["quantity"] == "1"
    assert params["type"] == "LIMIT" and params["timeInForce"] == "GTC"
    assert "newOrderRespType" not in params  # ACK is the server's default


async def test_new_order_result(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("POST", "/api/v1/spot/order", fx.ORDER_RESULT)
    result = await client.new_order("JEXBTC", "SELL", D("1"), D("0.00001464"), time_in_force="IOC", resp_type="RESULT")
    assert isinstance(result, OrderResult)
    assert result.order_id == 2208 and result.status == "NEW"
    assert (result.price, result.orig_qty, result.executed_qty) == (D("0.00001464"), D("1"), D("0"))
    assert result.cummulative_quote_qty == D("0") and result.side == "BUY"
    params = assert_signed(exchange.last, clock, in_body=True)
    assert params["newOrderRespType"] == "RESULT"
    assert params["side"] == "SELL" and params["timeInForce"] == "IOC"


async def test_new_order_without_time_in_force(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("POST", "/api/v1/spot/order", fx.ORDER_ACK)
    await client.new_order("JEXBTC", "buy", D("2"), D("3"), time_in_force=None)
    assert "timeInForce" not in exchange.last.body_dict
    assert exchange.last.body_dict["side"] == "BUY"


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        (D("1.10"), "1.10"),  # kept exactly as given
        (D("1E-8"), "0.00000001"),  # never exponent notation
        (D("1.5E+3"), "1500"),
        (7, "7"),
        ("0.25", "0.25"),
    ],
)
async def test_order_decimals_are_sent_as_plain_text(
    client: JexClient, exchange: FakeExchange, given: object, sent: str
) -> None:
    exchange.on("POST", "/api/v1/spot/order", fx.ORDER_ACK)
    await client.new_order("JEXBTC", "BUY", given, given)  # type: ignore[call-overload]
    assert exchange.last.body_dict["quantity"] == sent
    assert exchange.last.body_dict["price"] == sent


async def test_per_call_recv_window(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("POST", "/api/v1/spot/order", fx.ORDER_ACK)
    await client.new_order("JEXBTC", "BUY", D("1"), D("1"), recv_window=20000)
    assert exchange.last.body_dict["recvWindow"] == "20000"


async def test_test_order(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("POST", "/api/v1/spot/order/test", fx.TEST_ORDER)
    await client.test_order("JEXBTC", "BUY", D("1"), D("0.1"), resp_type="RESULT")
    params = assert_signed(exchange.last, clock, in_body=True)
    assert params["symbol"] == "JEXBTC" and params["price"] == "0.1"
    assert exchange.last.path == "/api/v1/spot/order/test"


async def test_get_order(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("GET", "/api/v1/spot/order", fx.GET_ORDER)
    order = await client.get_order("JEXBTC", 2208)
    assert isinstance(order, Order)
    assert order.order_id == 2208 and isinstance(order.order_id, int)  # "2208" on the wire
    assert (order.status, order.executed_qty, order.working) == ("FILLED", D("1"), True)
    assert (order.time, order.update_time) == (1551184037000, 1551184037000)
    params = assert_signed(exchange.last, clock, in_body=False)
    assert (params["symbol"], params["orderId"]) == ("JEXBTC", "2208")


async def test_cancel_order_sends_its_params_in_the_query(
    client: JexClient, exchange: FakeExchange, clock: FakeClock
) -> None:
    exchange.on("DELETE", "/api/v1/spot/order", fx.CANCEL_ORDER)
    cancelled = await client.cancel_order("JEXBTC", 75)
    assert isinstance(cancelled, CancelResult)
    assert (cancelled.order_id, cancelled.status, cancelled.orig_qty) == (75, "CANCELED", D("4"))
    assert exchange.last.method == "DELETE"
    params = assert_signed(exchange.last, clock, in_body=False)
    assert params["orderId"] == "75"


async def test_open_orders(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("GET", "/api/v1/spot/openOrders", fx.OPEN_ORDERS)
    [order] = await client.open_orders("JEXBTC", order_id=70, start_time=1, end_time=2, limit=10)
    assert order.order_id == 76 and order.orig_qty == D("5") and order.status == "NEW"
    params = assert_signed(exchange.last, clock, in_body=False)
    assert [k for k, _ in exchange.last.query][:5] == ["symbol", "orderId", "startTime", "endTime", "limit"]
    assert params["orderId"] == "70" and params["limit"] == "10"


async def test_history_orders(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("GET", "/api/v1/spot/historyOrders", fx.HISTORY_ORDERS)
    [order] = await client.history_orders("JEXBTC")
    assert order.order_id == 15 and order.cummulative_quote_qty == D("0.0000447")
    params = assert_signed(exchange.last, clock, in_body=False)
    assert set(params) == {"symbol", "recvWindow", "timestamp", "signature"}


# --- account and wallet -----------------------------------------------------------------


async def test_account(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("GET", "/api/v1/account", fx.ACCOUNT)
    account = await client.account()
    assert isinstance(account, Account)
    assert account.update_time == 1523093528000
    [btc] = account.spot_balances
    assert (btc.asset, btc.free, btc.locked) == ("BTC", D("999616.1363"), D("0.7219"))
    assert (btc.can_deposit, btc.can_trade, btc.can_withdraw) == (True, True, False)
    assert account.contract_balances[0].free == D("8144.0412")
    assert account.option_balances[0].asset == "BCXBTC01"
    params = assert_signed(exchange.last, clock, in_body=False)
    assert set(params) == {"recvWindow", "timestamp", "signature"}


async def test_asset_detail(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("GET", "/wapi/v1/assetDetail", fx.ASSET_DETAIL)
    assets = await client.asset_detail()
    assert set(assets) == {"ADC", "ATT"}
    assert assets["ATT"].min_withdraw_amount == D("10")  # a JSON number on the wire
    assert assets["ATT"].withdraw_fee == "[0.01]"
    assert assets["ADC"].deposit_status is True and assets["ADC"].withdraw_status is False
    assert_signed(exchange.last, clock, in_body=False)


async def test_deposit_address(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("GET", "/wapi/v1/depositAddress", fx.DEPOSIT_ADDRESS)
    address = await client.deposit_address("BTC")
    assert (address.address, address.asset, address.success) == ("chongzhidizhichongzhidizhi", "BTC", True)
    assert assert_signed(exchange.last, clock, in_body=False)["asset"] == "BTC"


async def test_deposit_history(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("GET", "/wapi/v1/depositHistory", fx.DEPOSIT_HISTORY)
    deposits = await client.deposit_history(asset="BTC", status=1, start_time=5, end_time=6)
    assert len(deposits) == 2
    assert deposits[0].amount == D("1") and deposits[0].status == 2
    assert deposits[1].tx_id == "gjrglkel4mrioqnfmkcmxcmkllfemfkmfmseme"
    params = assert_signed(exchange.last, clock, in_body=False)
    assert (params["asset"], params["status"], params["startTime"], params["endTime"]) == ("BTC", "1", "5", "6")


async def test_trade_fee_is_exact(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("GET", "/wapi/v1/tradeFee", fx.TRADE_FEE)
    fees = await client.trade_fee()
    assert [(f.symbol, f.maker, f.taker) for f in fees] == [
        ("DASHUSDT", D("-0.001"), D("-0.001")),
        ("BTCUSDT", D("-0.1"), D("-0.1")),
    ]
    assert "symbol" not in assert_signed(exchange.last, clock, in_body=False)
    await client.trade_fee("BTCUSDT")
    assert exchange.last.query_dict["symbol"] == "BTCUSDT"


async def test_withdraw_history(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("GET", "/wapi/v1/withdrawHistory", fx.WITHDRAW_HISTORY)
    history = await client.withdraw_history(asset="BTC", status=4)
    assert history.success is True
    assert [w.id for w in history.withdraw_record_list] == ["20F13F5291908F81", "AAEAAECD5F890E47"]
    assert history.withdraw_record_list[1].apply_time == 1551340680000
    assert history.withdraw_record_list[0].amount == D("1")
    params = assert_signed(exchange.last, clock, in_body=False)
    assert (params["asset"], params["status"]) == ("BTC", "4")


# --- user data stream ------------------------------------------------------------------


async def test_user_stream_lifecycle(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("POST", "/api/v1/userDataStream", fx.LISTEN_KEY)
    exchange.on("PUT", "/api/v1/userDataStream", "{}")
    exchange.on("DELETE", "/api/v1/userDataStream", "{}")
    key = await client.start_user_stream()
    assert key.startswith("pqia91ma") and len(key) == 64
    start = exchange.last
    assert start.method == "POST" and start.raw_body == "" and start.raw_query == ""
    assert_unsigned(start, with_key=True)

    await client.keepalive_user_stream(key)
    assert exchange.last.method == "PUT" and exchange.last.body == [("listenKey", key)]
    assert exchange.last.headers["Content-Type"] == FORM
    assert_unsigned(exchange.last, with_key=True)

    await client.close_user_stream(key)
    assert exchange.last.method == "DELETE" and exchange.last.query == [("listenKey", key)]
    assert_unsigned(exchange.last, with_key=True)
    assert exchange.requests_to("/api/v1/time") == []


async def test_base_url_with_a_path_prefix(exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("GET", "/jex/api/v1/ping", "{}")
    async with JexClient("https://gateway.test/jex/", transport=exchange.transport(), time_ms=clock) as jex:
        await jex.ping()
        assert jex.base_url == "https://gateway.test/jex"
    assert exchange.last.path == "/jex/api/v1/ping"
