"""The API client drives every endpoint against a real sandbox on a loopback port."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from support.sandbox import shared_http

from jextui.api import (
    ApiError,
    AuthError,
    ConnectionFailed,
    InsufficientBalance,
    InvalidSymbol,
    JexClient,
    OrderRejected,
    RateLimited,
    ServerError,
    UnknownOrder,
)
from jextui.api.models import KLINE_INTERVALS
from jextui.sandbox.clock import FixedClock


@pytest.fixture
async def client(sandbox: Any) -> AsyncIterator[JexClient]:
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as jex:
        yield jex


async def test_general_and_market_data(client: JexClient) -> None:
    await client.ping()
    assert await client.server_time() > 1_500_000_000_000
    info = await client.exchange_info()
    assert {"BTCUSDT", "ETHUSDT", "DASHUSDT", "LTCBTC", "ETHBTC", "JEXBTC", "JEXUSDT", "BNBBTC"} <= {
        symbol.symbol for symbol in info.spot_symbols
    }
    assert info.contract_symbols and info.option_symbols
    assert client.rate.weight_limit == 1200
    depth = await client.depth("BTCUSDT", limit=10)
    assert len(depth.bids) == len(depth.asks) == 10
    assert depth.bids[0].price < depth.asks[0].price
    trades = await client.trades("BTCUSDT", limit=20)
    assert len(trades) == 20 and trades[0].time <= trades[-1].time
    recent = await client.historical_trades("BTCUSDT", limit=5)
    older = await client.historical_trades("BTCUSDT", limit=3, from_id=recent[0].id - 10)
    assert [trade.id for trade in older] == [recent[0].id - 10, recent[0].id - 9, recent[0].id - 8]
    for interval in KLINE_INTERVALS:
        klines = await client.klines("BTCUSDT", interval, limit=5)
        assert len(klines) == 5, interval
        assert all(k.low <= k.open <= k.high and k.low <= k.close <= k.high for k in klines)
    (latest,) = await client.klines("BTCUSDT", "1m", limit=1)
    window = await client.klines(
        "BTCUSDT", "1m", start_time=latest.open_time - 10 * 60_000, end_time=latest.open_time - 5 * 60_000
    )
    assert [k.open_time for k in window] == [latest.open_time - m * 60_000 for m in range(10, 4, -1)]
    assert (await client.avg_price("BTCUSDT")).price > 0
    one = await client.ticker_24hr("BTCUSDT")
    assert one.symbol == "BTCUSDT" and one.high_price >= one.low_price
    assert len(await client.ticker_24hr()) == len(info.spot_symbols)
    assert (await client.ticker_price("ETHBTC")).price > 0
    assert {t.symbol for t in await client.ticker_price()} == {s.symbol for s in info.spot_symbols}
    book = await client.book_ticker("LTCBTC")
    assert book.bid_price < book.ask_price
    assert len(await client.book_ticker()) == len(info.spot_symbols)


async def test_orders_round_trip(client: JexClient) -> None:
    book = await client.book_ticker("ETHUSDT")
    low = book.bid_price - Decimal("50")
    ack = await client.new_order("ETHUSDT", "BUY", Decimal("0.01"), low)
    assert ack.order_id > 0
    await client.test_order("ETHUSDT", "BUY", Decimal("0.01"), low)
    result = await client.new_order(
        "ETHUSDT", "BUY", Decimal("0.01"), book.ask_price, resp_type="RESULT", time_in_force="IOC"
    )
    assert result.status == "FILLED" and result.executed_qty == Decimal("0.01")
    order = await client.get_order("ETHUSDT", ack.order_id)
    assert (order.order_id, order.status, order.price) == (ack.order_id, "NEW", low)
    assert [o.order_id for o in await client.open_orders("ETHUSDT")] == [ack.order_id]
    canceled = await client.cancel_order("ETHUSDT", ack.order_id)
    assert canceled.status == "CANCELED"
    assert await client.open_orders("ETHUSDT") == []
    history = await client.history_orders("ETHUSDT")
    assert {(o.order_id, o.status) for o in history} == {(ack.order_id, "CANCELED"), (result.order_id, "FILLED")}
    assert [o.order_id for o in await client.history_orders("ETHUSDT", order_id=result.order_id)] == [result.order_id]


async def test_account_and_wallet(client: JexClient) -> None:
    account = await client.account()
    balances = {b.asset: b for b in account.spot_balances}
    assert balances["USDT"].free > 0 and balances["BTC"].locked == 0
    details = await client.asset_detail()
    assert "BTC" in details
    address = await client.deposit_address("BTC")
    assert address.asset == "BTC" and address.success and address.address
    deposits = await client.deposit_history()
    assert deposits and all(d.insert_time <= later.insert_time for d, later in itertools.pairwise(deposits))
    confirmed = await client.deposit_history(status=1)
    assert confirmed and all(d.status == 1 for d in confirmed)
    assert len(confirmed) == sum(1 for d in deposits if d.status == 1)  # the filter drops only the others
    in_btc = await client.deposit_history(asset="BTC")
    assert in_btc and all(d.asset == "BTC" for d in in_btc)
    assert len(in_btc) == sum(1 for d in deposits if d.asset == "BTC")
    withdrawals = await client.withdraw_history()
    assert withdrawals.success and {w.status for w in withdrawals.withdraw_record_list} <= set(range(7))
    fees = await client.trade_fee()
    assert {fee.symbol for fee in fees} >= {"BTCUSDT", "JEXBTC"}
    (one,) = await client.trade_fee("BTCUSDT")
    assert one.maker >= 0 and one.taker >= one.maker


async def test_user_stream(client: JexClient) -> None:
    listen_key = await client.start_user_stream()
    assert listen_key and await client.start_user_stream() == listen_key  # one open stream per account
    await client.keepalive_user_stream(listen_key)
    await client.close_user_stream(listen_key)
    with pytest.raises(ApiError) as closed:
        await client.keepalive_user_stream(listen_key)
    assert closed.value.code == -1125  # the key is gone
    assert await client.start_user_stream() != listen_key


async def test_errors_map_to_the_client_hierarchy(client: JexClient, sandbox: Any) -> None:
    with pytest.raises(InvalidSymbol):
        await client.depth("NOPE")
    with pytest.raises(InsufficientBalance):
        await client.new_order("BTCUSDT", "BUY", Decimal("9000"), Decimal("999999.99"))
    with pytest.raises(OrderRejected) as rejected:
        await client.new_order("BTCUSDT", "BUY", Decimal("0.01"), Decimal("2000000.00"))
    assert rejected.value.code == -9000
    with pytest.raises(UnknownOrder):
        await client.get_order("BTCUSDT", 99_999_999)
    async with JexClient(sandbox.base_url, sandbox.api_key, "W" * 64) as wrong:
        with pytest.raises(AuthError):
            await wrong.account()


async def test_clock_offset_is_learned_from_a_skewed_server(make_sandbox: Any) -> None:
    server = make_sandbox(clock_skew_ms=30_000)
    async with JexClient(server.base_url, server.api_key, server.api_secret) as jex:
        await jex.sync_time()
        assert 29_000 < jex.clock.offset_ms < 31_000
        assert (await jex.account()).spot_balances  # signed with the server's time: accepted


async def test_client_recovers_when_the_server_clock_jumps(make_sandbox: Any) -> None:
    clock = FixedClock(1_600_000_000_000)
    server = make_sandbox(clock=clock)
    async with JexClient(server.base_url, server.api_key, server.api_secret, time_ms=lambda: 1_600_000_000_000) as jex:
        await jex.sync_time()
        server.set_faults(clock_skew_ms=120_000)  # after the sync: the next signed request is 2 minutes old
        assert (await jex.account()).spot_balances  # -1021, re-sync, resent once, accepted
        assert 119_000 <= jex.clock.offset_ms <= 121_000
        server.set_faults(clock_skew_ms=-120_000)  # now the client is ahead of the server
        assert (await jex.account()).spot_balances
        assert -121_000 <= jex.clock.offset_ms <= -119_000


async def test_rate_limit_is_reported_and_respected(make_sandbox: Any) -> None:
    server = make_sandbox(weight_per_minute=3, ban_after_strikes=2)
    async with JexClient(server.base_url) as jex:
        for _ in range(3):
            await jex.ping()
        with pytest.raises(RateLimited) as limited:
            await jex.ping()
        assert limited.value.retry_after > 0
        with pytest.raises(RateLimited):
            await jex.ping()  # refused locally: nothing sent, so no strike and no ban
    assert shared_http().get(f"{server.base_url}/api/v1/ping").status_code == 429  # limited, not banned


@pytest.mark.parametrize("fault", ["fault_5xx_rate", "fault_drop_rate"])
async def test_order_fault_after_the_engine_is_an_unknown_outcome(make_sandbox: Any, fault: str) -> None:
    server = make_sandbox(fault_phase="after", fault_paths=("/api/v1/spot/order",), **{fault: 1.0})
    async with JexClient(server.base_url, server.api_key, server.api_secret) as jex:
        with pytest.raises((ServerError, ConnectionFailed)) as unknown:
            await jex.new_order("BTCUSDT", "BUY", Decimal("0.01"), Decimal("1000.00"))
        assert unknown.value.outcome_unknown
        server.set_faults(error_5xx_rate=0.0, drop_rate=0.0)
        (placed,) = await jex.open_orders("BTCUSDT")  # it did reach the engine
        assert placed.price == Decimal("1000.00")
