"""Weights, usage headers, the budget from exchangeInfo, and the ban after 429/418."""

from __future__ import annotations

import inspect
from decimal import Decimal as D

import httpx
import pytest
from support import spec_json as fx
from support.api_fake import BASE, KEY, SECRET, FakeClock, FakeExchange

from jextui.api import ENDPOINTS, IpBanned, JexClient, RateLimited, RequestEvent, weight_of
from jextui.api.limits import RateHeaders, RateState, parse_rate_headers, parse_retry_after

METHODS = [
    "ping",
    "server_time",
    "exchange_info",
    "depth",
    "trades",
    "historical_trades",
    "klines",
    "avg_price",
    "ticker_24hr",
    "ticker_price",
    "book_ticker",
    "new_order",
    "test_order",
    "get_order",
    "cancel_order",
    "open_orders",
    "account",
    "history_orders",
    "asset_detail",
    "deposit_address",
    "deposit_history",
    "trade_fee",
    "withdraw_history",
    "start_user_stream",
    "keepalive_user_stream",
    "close_user_stream",
]


def test_every_endpoint_of_the_issue_is_a_coroutine_method_with_a_weight() -> None:
    assert sorted(ENDPOINTS) == sorted(METHODS)
    for name in METHODS:
        assert inspect.iscoroutinefunction(getattr(JexClient, name)), name


@pytest.mark.parametrize(
    ("endpoint", "symbol", "weight"),
    [
        ("depth", "JEXBTC", 1),
        ("historical_trades", "JEXBTC", 5),
        ("ticker_24hr", "JEXBTC", 1),
        ("ticker_24hr", None, 40),
        ("ticker_price", "JEXBTC", 1),
        ("ticker_price", None, 2),
        ("book_ticker", "JEXBTC", 1),
        ("book_ticker", None, 2),
        ("open_orders", "JEXBTC", 5),
        ("history_orders", "JEXBTC", 5),
        ("deposit_history", None, 5),
        ("withdraw_history", None, 5),
        ("new_order", "JEXBTC", 1),
        ("account", None, 1),
        ("start_user_stream", None, 1),
        ("/api/v1/spot/openOrders", "JEXBTC", 5),
        ("GET /api/v1/spot/ticker/24hr", None, 40),
        ("/api/v1/spot/ticker/bookTicker", "X", 1),
    ],
)
def test_weights_from_the_spec(endpoint: str, symbol: str | None, weight: int) -> None:
    assert weight_of(endpoint, symbol) == weight
    assert JexClient.weight_of(endpoint, symbol) == weight


def test_unknown_endpoint_weight_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown endpoint"):
        weight_of("/api/v3/order")


# --- headers ---------------------------------------------------------------------


def test_parse_rate_headers() -> None:
    headers = httpx.Headers({"x-mbx-used-weight-1m": "57", "X-MBX-ORDER-COUNT-1S": "3", "X-MBX-ORDER-COUNT-1D": "120"})
    assert parse_rate_headers(headers) == RateHeaders(57, 3, 120)


def test_legacy_weight_header_and_preference_for_the_1m_one() -> None:
    assert parse_rate_headers(httpx.Headers({"X-MBX-USED-WEIGHT": "9"})).used_weight_1m == 9
    both = httpx.Headers({"X-MBX-USED-WEIGHT": "9", "X-MBX-USED-WEIGHT-1M": "11"})
    assert parse_rate_headers(both).used_weight_1m == 11


def test_garbage_headers_are_ignored() -> None:
    headers = httpx.Headers({"X-MBX-USED-WEIGHT-1M": "lots", "X-MBX-ORDER-COUNT-1S": "-4"})
    assert parse_rate_headers(headers) == RateHeaders(None, None, None)


async def test_usage_headers_update_the_rate_state_and_events(exchange: FakeExchange, clock: FakeClock) -> None:
    events: list[RequestEvent] = []
    exchange.on(
        "POST",
        "/api/v1/spot/order",
        fx.ORDER_ACK,
        headers={"X-MBX-USED-WEIGHT-1M": "17", "X-MBX-ORDER-COUNT-1S": "2", "X-MBX-ORDER-COUNT-1D": "40"},
    )
    async with JexClient(
        BASE, KEY, SECRET, transport=exchange.transport(), time_ms=clock, on_event=events.append
    ) as jex:
        await jex.new_order("JEXBTC", "BUY", D("1"), D("1"))
        rate = jex.rate
        assert (rate.used_weight_1m, rate.remaining) == (17, 1183)
        assert (rate.order_count_1s, rate.order_count_1d) == (2, 40)
        assert rate.last_update_ms == clock.now
    order_event = events[-1]
    assert (order_event.method, order_event.path, order_event.status) == ("POST", "/api/v1/spot/order", 200)
    assert (order_event.weight, order_event.used_weight_1m, order_event.is_order) == (1, 17, True)
    assert order_event.error is None and order_event.latency_ms >= 0
    assert events[0].path == "/api/v1/time"  # the automatic clock sync is reported too


async def test_without_headers_the_client_counts_its_own_weight(
    public_client: JexClient, exchange: FakeExchange, clock: FakeClock
) -> None:
    exchange.on("GET", "/api/v1/spot/ticker/24hr", fx.TICKER_24HR_ALL)
    await public_client.ticker_24hr()
    await public_client.ticker_24hr()
    assert public_client.rate.used_weight_1m == 80
    assert public_client.rate.remaining_at(clock.now) == 1120
    clock.advance(60_000)
    assert public_client.rate.used_weight_at(clock.now) == 0
    await public_client.ticker_24hr()
    assert public_client.rate.used_weight_1m == 40


# --- Retry-After ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30", 30.0),
        ("2.5", 2.5),
        (None, 60.0),
        ("", 60.0),
        ("soon", 60.0),
        ("0", 1.0),
        ("Thu, 01 Jan 1970 00:02:00 GMT", 60.0),  # an HTTP date, 60 s after "now"
    ],
)
def test_parse_retry_after(value: str | None, seconds: float) -> None:
    assert parse_retry_after(value, now_ms=60_000, default_s=60.0) == seconds


# --- the ban ---------------------------------------------------------------------


async def test_after_a_429_nothing_is_sent_until_retry_after(
    client: JexClient, exchange: FakeExchange, clock: FakeClock
) -> None:
    too_many = {"code": -1003, "msg": "Too many requests; current limit is 1200 requests per minute."}
    exchange.on("GET", "/api/v1/spot/depth", too_many, status=429, headers={"Retry-After": "30"})
    exchange.on("GET", "/api/v1/spot/depth", fx.DEPTH)
    with pytest.raises(RateLimited) as first:
        await client.depth("JEXBTC")
    assert first.value.retry_after == 30.0 and first.value.status == 429
    assert client.rate.block_reason == "429"
    assert client.rate.blocked_until_ms == clock.now + 30_000
    sent_before = len(exchange.sent)

    clock.advance(10_000)
    for call in (
        client.depth("JEXBTC"),
        client.ping(),
        client.account(),
        client.new_order("JEXBTC", "BUY", D("1"), D("1")),
    ):
        with pytest.raises(RateLimited) as later:
            await call
        assert later.value.retry_after == 20.0
        assert "not sent" in str(later.value)
    assert len(exchange.sent) == sent_before  # fail fast: nothing reached the exchange
    assert client.rate.retry_after_s(clock.now) == 20.0

    clock.advance(20_000)
    book = await client.depth("JEXBTC")
    assert book.last_update_id == 1027024
    assert client.rate.blocked_until_ms is None and client.rate.block_reason is None


async def test_after_a_418_calls_fail_with_ip_banned(
    public_client: JexClient, exchange: FakeExchange, clock: FakeClock
) -> None:
    exchange.on("GET", "/api/v1/ping", {"code": -1003, "msg": "banned"}, status=418, headers={"Retry-After": "600"})
    with pytest.raises(IpBanned) as caught:
        await public_client.ping()
    assert caught.value.retry_after == 600.0
    clock.advance(599_000)
    with pytest.raises(IpBanned) as again:
        await public_client.server_time()
    assert again.value.retry_after == 1.0
    assert len(exchange.sent) == 1


@pytest.mark.parametrize(("status", "cls", "default_s"), [(429, RateLimited, 60.0), (418, IpBanned, 120.0)])
async def test_missing_retry_after_uses_a_default(
    public_client: JexClient,
    exchange: FakeExchange,
    clock: FakeClock,
    status: int,
    cls: type[RateLimited | IpBanned],
    default_s: float,
) -> None:
    exchange.on("GET", "/api/v1/ping", "", status=status)
    with pytest.raises(cls) as caught:
        await public_client.ping()
    assert caught.value.retry_after == default_s
    assert public_client.rate.retry_after_s(clock.now) == default_s


def test_a_shorter_block_does_not_shorten_a_ban() -> None:
    rate = RateState()
    rate.block("418", 120, now_ms=0, code=None, msg="")
    rate.block("429", 30, now_ms=1000, code=None, msg="")
    assert (rate.block_reason, rate.blocked_until_ms) == ("418", 120_000)
    assert rate.is_blocked(119_999) and not rate.is_blocked(120_000)
