"""Order discovery against the sandbox: every open order found, within the weight allowance."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from support.open_orders import cancel, fill_part, resting_order, synthetic

from jextui.api import JexClient
from jextui.trading.account_orders import AccountOrders, DiscoveryState
from jextui.trading.order_discovery import (
    ACCOUNT_WEIGHT,
    OPEN_ORDERS_WEIGHT,
    OrderDiscovery,
    journal_symbols,
)

EVERY_SYMBOL = 108  # 8 listed + 100 synthetic


@pytest.fixture
def big_sandbox(make_sandbox: Callable[..., Any]) -> Any:
    return make_sandbox(extra_symbols=100)


@pytest.fixture
async def client(big_sandbox: Any) -> AsyncIterator[JexClient]:
    async with JexClient(big_sandbox.base_url, big_sandbox.api_key, big_sandbox.api_secret) as jex:
        yield jex


def open_ids(server: Any) -> set[int]:
    def collect(exchange: Any) -> set[int]:
        engine = exchange.engine
        return {o.order_id for s in engine.symbols for o in engine.open_orders("demo", s)}

    return server.call(collect)


async def test_orders_placed_by_plain_rest_on_unwatched_symbols_are_found(
    big_sandbox: Any, client: JexClient, signed_request: Any
) -> None:
    placed = []
    for symbol, side, qty, price in (
        ("ETHUSDT", "BUY", "0.5", "3000.00"),
        ("LTCBTC", "SELL", "3.00", "0.001400"),
        ("SYM007USDT", "SELL", "2", "9000"),
    ):
        answer = signed_request(
            big_sandbox,
            "POST",
            "/api/v1/spot/order",
            {"symbol": symbol, "side": side, "type": "LIMIT", "timeInForce": "GTC", "quantity": qty, "price": price},
            where="body",
        )
        assert answer.status_code == 200, answer.text
        placed.append(int(answer.json()["orderId"]))
    book = AccountOrders(watched_symbols=["BTCUSDT", "JEXUSDT"])
    report = await OrderDiscovery(client, book).discover()
    assert report.explained and report.stopped_by == "explained"
    assert sorted(o.order_id for o in book.orders) == sorted(placed)
    assert book.title("BTCUSDT") == "3 open · 0 on BTCUSDT"
    assert book.unwatched_symbols_with_orders() == ["ETHUSDT", "LTCBTC", "SYM007USDT"]
    assert book.rows("LTCBTC")[0].symbol == "LTCBTC"
    # exchangeInfo, the account, and only symbols that could hold an order
    assert report.weight == 1 + ACCOUNT_WEIGHT * report.account_reads + OPEN_ORDERS_WEIGHT * len(report.asked)
    # the two certain symbols at once, the watched ones, then ETHUSDT: the first USDT symbol listed
    assert report.asked == ["LTCBTC", "SYM007USDT", "BTCUSDT", "JEXUSDT", "ETHUSDT"]
    assert report.account_reads == 2 and report.weight == 28


async def test_nothing_locked_costs_one_account_read_and_says_no_open_orders(client: JexClient) -> None:
    info = await client.exchange_info()
    from jextui.trading.account_orders import symbol_assets_from_info

    book = AccountOrders(symbol_assets_from_info(info.spot_symbols))
    report = await OrderDiscovery(client, book).discover()
    assert (report.weight, report.asked, report.account_reads) == (ACCOUNT_WEIGHT, [], 1)
    assert book.can_say_no_orders and book.title("BTCUSDT") == "no open orders"


async def test_twenty_symbols_cost_a_fraction_of_asking_every_symbol(big_sandbox: Any, client: JexClient) -> None:
    journal_orders = [resting_order(big_sandbox, synthetic(n), "BUY") for n in range(1, 11)]  # placed here
    elsewhere = [resting_order(big_sandbox, synthetic(n), "SELL") for n in range(50, 60)]  # placed elsewhere
    journal = [type("Entry", (), {"symbol": o.symbol})() for o in reversed(journal_orders)]
    book = AccountOrders(journal_symbols=journal_symbols(journal), watched_symbols=["BTCUSDT", "ETHUSDT"])
    report = await OrderDiscovery(client, book).discover()
    assert report.explained
    assert {o.order_id for o in book.orders} == {o.order_id for o in journal_orders + elsewhere}
    assert sorted(report.asked) == sorted(o.symbol for o in journal_orders + elsewhere)  # not one call wasted
    every_symbol = ACCOUNT_WEIGHT + OPEN_ORDERS_WEIGHT * EVERY_SYMBOL
    assert report.weight == 1 + ACCOUNT_WEIGHT + OPEN_ORDERS_WEIGHT * 20 == 102
    assert every_symbol == 541 and report.weight * 5 < every_symbol


async def test_three_hundred_orders_over_twenty_symbols_within_the_start_allowance(
    big_sandbox: Any, client: JexClient
) -> None:
    placed = []
    for n in range(21, 41):
        for i in range(8):
            placed.append(resting_order(big_sandbox, synthetic(n), "BUY", ticks_away=5 + i))
        for i in range(7):
            placed.append(resting_order(big_sandbox, synthetic(n), "SELL", ticks_away=5 + i))
    assert len(placed) == 300
    book = AccountOrders(watched_symbols=["BTCUSDT"])
    report = await OrderDiscovery(client, book).discover(allowance=120)
    assert report.explained and report.weight <= 120
    assert len(book) == 300 and {o.order_id for o in book.orders} == {o.order_id for o in placed}
    assert sum(book.counts().values()) == 300 and len(book.counts()) == 20
    assert book.title(synthetic(21)) == f"300 open · 15 on {synthetic(21)}"


async def test_unexplained_funds_are_reported_when_the_allowance_runs_out_then_found_in_the_background(
    big_sandbox: Any, client: JexClient
) -> None:
    hidden = resting_order(big_sandbox, synthetic(99), "BUY")  # USDT only: among the last candidates
    book = AccountOrders(symbols=None, watched_symbols=["BTCUSDT", "ETHUSDT"])
    clock = FakeTime()
    discovery = OrderDiscovery(client, book, monotonic=clock.monotonic, sleep=clock.sleep)
    allowance = 1 + 2 * ACCOUNT_WEIGHT + 3 * OPEN_ORDERS_WEIGHT
    report = await discovery.discover(allowance=allowance)
    # the two watched symbols, an account read before guessing, then one guess
    assert report.stopped_by == "allowance" and report.weight == allowance == 18
    assert report.account_reads == 2 and report.asked[:2] == ["BTCUSDT", "ETHUSDT"] and len(report.asked) == 3
    assert book.state is DiscoveryState.SEARCHING and not book.explained
    lock = hidden.price * hidden.orig_qty
    assert book.unexplained() == {"USDT": lock}
    assert book.unexplained_lines() == [f"{lock.normalize():f} USDT locked, not in any order found yet"]
    assert not book.can_say_no_orders
    assert book.title("BTCUSDT") == "0 open · 0 on BTCUSDT · more may exist: locked funds unexplained"
    final = await discovery.keep_looking(weight_per_minute=60)
    assert final.explained and [o.order_id for o in book.orders] == [hidden.order_id]
    assert clock.slept and all(wait > 0 for wait in clock.slept)  # it waited for the minute's budget
    assert discovery.weight_spent <= allowance + 60 * (len(clock.slept) + 1)


async def test_an_order_filled_or_cancelled_while_discovery_runs_is_neither_doubled_nor_lost(
    big_sandbox: Any, client: JexClient
) -> None:
    doomed = resting_order(big_sandbox, synthetic(11), "SELL")  # cancelled before its symbol is asked
    pushed_cancel = resting_order(big_sandbox, synthetic(12), "SELL")  # cancelled while its list is in flight
    partly = resting_order(big_sandbox, synthetic(13), "SELL", ticks_away=-1, lots=2)  # partly filled in flight
    steady = resting_order(big_sandbox, synthetic(14), "BUY")
    book = AccountOrders(journal_symbols=[synthetic(12), synthetic(13), synthetic(14), synthetic(11)])
    late: list[Any] = []
    raced: set[str] = set()

    class Racing:
        """The real client, with the exchange changing while each list is in flight."""

        def __init__(self, inner: JexClient) -> None:
            self.inner, self.rate, self.clock = inner, inner.rate, inner.clock

        async def exchange_info(self) -> Any:
            return await self.inner.exchange_info()

        async def account(self) -> Any:
            return await self.inner.account()

        async def open_orders(self, symbol: str, **kwargs: Any) -> Any:
            answer = await self.inner.open_orders(symbol, **kwargs)
            first_time = symbol not in raced
            raced.add(symbol)
            if symbol == synthetic(12) and first_time:
                cancel(big_sandbox, doomed)
                book.apply_update(await self.inner.cancel_order(symbol, pushed_cancel.order_id))  # the push
            if symbol == synthetic(13) and first_time:
                fill_part(big_sandbox, partly, partly.orig_qty / 2)
                book.apply_update(await self.inner.get_order(symbol, partly.order_id))  # the push
                late.append(resting_order(big_sandbox, synthetic(13), "BUY"))
                book.apply_update(await self.inner.get_order(symbol, late[0].order_id))  # the push
            return answer  # as it was before the changes

    report = await OrderDiscovery(Racing(client), book, concurrency=1).discover()
    assert report.explained, book.unexplained_lines()
    assert report.account_reads == 2  # the first read still counted the cancelled orders
    ids = [o.order_id for o in book.orders]
    assert len(ids) == len(set(ids))
    assert set(ids) == {partly.order_id, steady.order_id, late[0].order_id} == open_ids(big_sandbox)
    assert book.get(partly.order_id).executed_qty == partly.orig_qty / 2  # type: ignore[union-attr]


async def test_refresh_asks_only_the_symbols_that_hold_orders(big_sandbox: Any, client: JexClient) -> None:
    orders = [resting_order(big_sandbox, synthetic(n), "SELL") for n in (3, 4, 5)]
    book = AccountOrders()
    discovery = OrderDiscovery(client, book)
    assert (await discovery.discover()).explained
    cancel(big_sandbox, orders[0])
    report = await discovery.refresh()
    assert report.explained and report.account_reads == 1
    assert sorted(report.asked) == [synthetic(3), synthetic(4), synthetic(5)]
    assert report.weight == ACCOUNT_WEIGHT + 3 * OPEN_ORDERS_WEIGHT
    assert book.holding_symbols() == [synthetic(4), synthetic(5)]
    again = await discovery.refresh()
    assert sorted(again.asked) == [synthetic(4), synthetic(5)] and again.explained


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
