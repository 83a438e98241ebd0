"""Discovery's budget and failure paths, on a scripted client (cases the sandbox cannot script)."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest

from jextui.api.errors import (
    AuthError,
    ConnectionFailed,
    InvalidSymbol,
    IpBanned,
    JexError,
    RateLimited,
    ServerError,
)
from jextui.api.limits import RateHeaders, RateState
from jextui.api.models import Order, OrderId, Side
from jextui.trading.account_orders import AccountOrders, DiscoveryState, SymbolAssets
from jextui.trading.order_discovery import (
    DEFAULT_START_ALLOWANCE,
    DiscoveryReport,
    OrderDiscovery,
    journal_symbols,
)

SYMBOLS = [
    ("AUSDT", "A", "USDT"),
    ("BUSDT", "B", "USDT"),
    ("CUSDT", "C", "USDT"),
    ("DUSDT", "D", "USDT"),
    ("EUSDT", "E", "USDT"),
    ("FUSDT", "F", "USDT"),
]


def order(order_id: int, symbol: str, side: Side = "BUY", price: str = "10", qty: str = "1") -> Order:
    return Order(
        symbol=symbol,
        order_id=OrderId(order_id),
        price=D(price),
        orig_qty=D(qty),
        executed_qty=D(0),
        cummulative_quote_qty=D(0),
        status="NEW",
        time_in_force="GTC",
        type="LIMIT",
        side=side,
        time=1,
        update_time=1,
    )


class Clock:
    def __init__(self) -> None:
        self.ms = 1_700_000_000_000

    def local_ms(self) -> int:
        return self.ms


class Scripted:
    """An exchange in memory; ``errors[symbol]`` is raised for that symbol's list (once per entry)."""

    def __init__(self, orders: list[Order], *, locked: dict[str, D] | None = None) -> None:
        self.orders = orders
        self.extra_locked = locked or {}
        self.errors: dict[str, list[Exception]] = {}
        self.account_error: Exception | None = None
        self.info_error: Exception | None = None
        self.delays: dict[str, int] = {}  # extra turns of the event loop before answering
        self.locked_drift = D(0)  # added to every asset's locked amount at each account read
        self.calls: list[str] = []
        self.rate = RateState()
        self.clock = Clock()
        self.in_flight = 0
        self.most_in_flight = 0

    def _spend(self, weight: int) -> None:
        self.rate.record_response(RateHeaders(), weight=weight, now_ms=self.clock.ms)

    async def exchange_info(self) -> Any:
        self._spend(1)
        self.calls.append("exchange_info")
        if self.info_error is not None:
            raise self.info_error
        return SimpleNamespace(
            spot_symbols=[SimpleNamespace(symbol=s, base_asset=b, quote_asset=q) for s, b, q in SYMBOLS]
        )

    async def account(self) -> Any:
        self._spend(1)
        self.calls.append("account")
        if self.account_error is not None:
            raise self.account_error
        locked: dict[str, D] = {asset: amount + self.locked_drift for asset, amount in self.extra_locked.items()}
        assets = {s: (b, q) for s, b, q in SYMBOLS}
        for o in self.orders:
            base, quote = assets[o.symbol]
            asset, amount = (quote, o.price * o.orig_qty) if o.side == "BUY" else (base, o.orig_qty)
            locked[asset] = locked.get(asset, D(0)) + amount
        return SimpleNamespace(spot_balances=[SimpleNamespace(asset=a, locked=v) for a, v in locked.items()])

    async def open_orders(self, symbol: str, *, order_id: int | None = None, limit: int | None = None) -> list[Order]:
        self._spend(5)
        self.calls.append(f"open_orders {symbol} {order_id} {limit}")
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        for _ in range(1 + self.delays.get(symbol, 0)):
            await asyncio.sleep(0)
        self.in_flight -= 1
        pending = self.errors.get(symbol)
        if pending:
            raise pending.pop(0)
        mine = sorted((o for o in self.orders if o.symbol == symbol), key=lambda o: o.order_id)
        if order_id is not None:
            mine = [o for o in mine if o.order_id >= order_id]
        return mine[: limit or 500]


def assets_book(**kwargs: Any) -> AccountOrders:
    return AccountOrders({s: SymbolAssets(b, q) for s, b, q in SYMBOLS}, **kwargs)


def lists(client: Scripted) -> list[str]:
    return [call.split()[1] for call in client.calls if call.startswith("open_orders")]


def err(cls: Any, code: int = -1, msg: str = "boom") -> JexError:  # cls: an error class (constructors differ)
    if cls in (RateLimited, IpBanned):
        return cls(retry_after=30.0, code=code, msg=msg, status=429, endpoint="/api/v1/spot/openOrders")
    if cls is ConnectionFailed:
        return cls("connection refused", endpoint="/api/v1/spot/openOrders")
    return cls(code=code, msg=msg, status=400, endpoint="/api/v1/spot/openOrders")


async def test_exchange_info_is_read_once_when_the_book_has_no_symbols() -> None:
    client = Scripted([order(1, "CUSDT", "SELL")])
    book = AccountOrders()
    discovery = OrderDiscovery(client, book)
    report = await discovery.discover()
    assert client.calls == ["exchange_info", "account", "open_orders CUSDT None 500"]
    assert report.weight == 7 and discovery.weight_spent == 7 and report.explained
    again = await discovery.discover()
    assert client.calls[3:] == ["account"] and again.weight == 1 and discovery.weight_spent == 8


async def test_certain_symbols_are_asked_together_up_to_the_concurrency() -> None:
    client = Scripted([order(i, s, "SELL") for i, s in enumerate(["AUSDT", "BUSDT", "CUSDT", "DUSDT", "EUSDT"])])
    report = await OrderDiscovery(client, assets_book(), concurrency=2).discover()
    assert report.explained and client.most_in_flight == 2
    assert sorted(lists(client)) == ["AUSDT", "BUSDT", "CUSDT", "DUSDT", "EUSDT"]
    client = Scripted([order(1, "AUSDT"), order(2, "CUSDT")])  # USDT only: nothing certain, one at a time
    report = await OrderDiscovery(client, assets_book(), concurrency=4).discover()
    assert report.explained and client.most_in_flight == 1 and lists(client) == ["AUSDT", "BUSDT", "CUSDT"]


async def test_a_full_page_is_followed_by_the_next_one() -> None:
    client = Scripted([order(i, "AUSDT", "SELL", qty="0.001") for i in range(1, 1202)])
    book = assets_book()
    report = await OrderDiscovery(client, book).discover()
    assert report.explained and len(book) == 1201
    assert client.calls[1:] == ["open_orders AUSDT None 500", "open_orders AUSDT 501 500", "open_orders AUSDT 1001 500"]
    assert report.weight == 1 + 3 * 5 and report.asked == ["AUSDT"] * 3


async def test_the_allowance_is_never_overspent_and_the_gap_is_said() -> None:
    client = Scripted([order(1, "FUSDT", price="12.5")])
    book = assets_book()
    report = await OrderDiscovery(client, book).discover(allowance=12)
    assert report.weight == 11 and report.stopped_by == "allowance"  # one more list would pass 12
    assert report.account_reads == 1 and lists(client) == ["AUSDT", "BUSDT"]
    assert book.unexplained_lines() == ["12.5 USDT locked, not in any order found yet"]
    assert book.state is DiscoveryState.SEARCHING
    tiny = await OrderDiscovery(client, assets_book()).discover(allowance=0)
    assert (tiny.weight, tiny.stopped_by, tiny.account_reads) == (0, "allowance", 0)


async def test_the_clients_own_budget_is_respected() -> None:
    client = Scripted([order(1, "FUSDT")])
    client.rate.record_response(
        RateHeaders(used_weight_1m=950, order_count_1s=None, order_count_1d=None), weight=1, now_ms=client.clock.ms
    )
    discovery = OrderDiscovery(client, assets_book(), weight_share=0.8)
    assert discovery.client_headroom() == 10
    report = await discovery.discover()
    assert report.stopped_by == "allowance" and report.weight == 6  # the account and one list fit in 960
    client.clock.ms += 60_000  # a minute later the budget is back
    assert discovery.client_headroom() == 960


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match=r"^concurrency must be at least 1$"):
        OrderDiscovery(Scripted([]), assets_book(), concurrency=0)
    with pytest.raises(ValueError, match=r"^weight_share must be in \(0, 1\]$"):
        OrderDiscovery(Scripted([]), assets_book(), weight_share=0)
    with pytest.raises(ValueError, match="weight_share"):
        OrderDiscovery(Scripted([]), assets_book(), weight_share=1.5)
    OrderDiscovery(Scripted([]), assets_book(), weight_share=1.0, concurrency=1)


async def test_an_unlisted_journal_symbol_is_tried_once_and_noted() -> None:
    client = Scripted([], locked={"USDT": D(5)})  # locked by an order on a symbol no longer listed
    client.errors["GONEUSDT"] = [err(InvalidSymbol, -1121, "Invalid symbol.")]
    book = assets_book(journal_symbols=["GONEUSDT"])
    report = await OrderDiscovery(client, book).discover()
    assert report.stopped_by == "exhausted" and not report.explained
    assert lists(client) == ["AUSDT", "BUSDT", "CUSDT", "DUSDT", "EUSDT", "FUSDT", "GONEUSDT"]
    assert report.account_reads == 2  # at the start and once the plan ran dry (it had not changed)
    assert report.errors and report.errors[0].startswith("GONEUSDT: ")
    assert book.failed_symbols == {"GONEUSDT": report.errors[-1].removeprefix("GONEUSDT: ")}
    assert book.unexplained_lines() == ["5 USDT locked, not in any order found yet"]


@pytest.mark.parametrize("cls", [RateLimited, IpBanned, AuthError])
async def test_being_told_to_wait_or_refused_stops_the_pass(cls: type) -> None:
    client = Scripted([order(1, "AUSDT"), order(2, "BUSDT")])
    client.errors["AUSDT"] = [err(cls)]
    report = await OrderDiscovery(client, assets_book()).discover()
    assert report.stopped_by == ("error" if cls is AuthError else "rate limit")
    assert lists(client) == ["AUSDT"] and report.errors == [f"AUSDT: {client_error_text(cls)}"]


def client_error_text(cls: type, code: int = -1, msg: str = "boom") -> str:
    return err(cls, code, msg).message


async def test_a_failed_list_is_skipped_for_this_pass_and_others_are_asked() -> None:
    client = Scripted([order(1, "AUSDT"), order(2, "BUSDT")])
    client.errors["AUSDT"] = [err(ServerError, -1000, "down")]
    book = assets_book()
    report = await OrderDiscovery(client, book).discover()
    assert report.stopped_by == "exhausted" and [o.order_id for o in book.orders] == [2]
    assert lists(client) == ["AUSDT", "BUSDT", "CUSDT", "DUSDT", "EUSDT", "FUSDT"]
    assert report.errors == ["AUSDT: " + client_error_text(ServerError, -1000, "down")]
    report = await OrderDiscovery(client, book).discover()  # the next pass tries it again
    assert report.explained and {o.order_id for o in book.orders} == {1, 2}


async def test_an_account_failure_stops_the_pass() -> None:
    client = Scripted([order(1, "AUSDT")])
    client.account_error = err(ServerError, -1000, "down")
    book = assets_book()
    report = await OrderDiscovery(client, book).discover()
    assert report.stopped_by == "error" and report.account_reads == 1 and lists(client) == []
    assert report.errors[0].startswith("account: ")
    assert book.state is DiscoveryState.NOT_STARTED and not book.can_say_no_orders


async def test_an_exchange_info_failure_stops_the_pass_without_a_traceback() -> None:
    client = Scripted([order(1, "AUSDT")])
    client.info_error = err(ConnectionFailed)
    book = AccountOrders()
    report = await OrderDiscovery(client, book).discover()
    assert (report.stopped_by, report.weight, report.account_reads) == ("error", 1, 0)
    assert report.errors == ["exchange info: connection refused"] and client.calls == ["exchange_info"]
    assert book.symbol_names == [] and book.state is DiscoveryState.NOT_STARTED


async def test_the_account_is_read_again_before_guessing_and_every_few_guesses() -> None:
    client = Scripted([order(1, "FUSDT")])
    book = assets_book(watched_symbols=["EUSDT"])
    report = await OrderDiscovery(client, book, account_every=2).discover()
    assert report.explained
    reads = [i for i, call in enumerate(client.calls) if call == "account"]
    assert [c.split()[1] if c != "account" else c for c in client.calls] == [
        "account",
        "EUSDT",
        "account",
        "AUSDT",
        "BUSDT",
        "account",
        "CUSDT",
        "DUSDT",
        "FUSDT",
    ]  # F: certain
    assert len(reads) == report.account_reads == 3


async def test_an_order_that_closed_unseen_is_rechecked_and_dropped() -> None:
    first, second = order(1, "AUSDT", "SELL"), order(2, "BUSDT", "SELL")
    client = Scripted([first, second])
    book = assets_book()
    discovery = OrderDiscovery(client, book)
    assert (await discovery.discover()).explained
    client.orders.remove(first)  # filled, and nobody told us
    report = await discovery.discover()
    assert report.explained and [o.order_id for o in book.orders] == [2]
    assert report.asked == ["AUSDT"] and report.account_reads == 1


async def test_refresh_asks_the_holding_symbols_then_keeps_looking() -> None:
    client = Scripted([order(1, "AUSDT", "SELL")])
    book = assets_book()
    discovery = OrderDiscovery(client, book)
    await discovery.discover()
    client.orders.append(order(2, "DUSDT", "SELL"))
    report = await discovery.refresh()
    assert report.asked == ["AUSDT", "DUSDT"] and report.explained
    assert report.weight == 1 + 10


async def test_keep_looking_waits_for_the_minute_budget_and_stops_when_explained() -> None:
    client = Scripted([order(1, "FUSDT")])
    client.errors["FUSDT"] = [err(ConnectionFailed)] * 3
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds
        client.clock.ms += int(seconds * 1000)

    book = assets_book()
    discovery = OrderDiscovery(client, book, monotonic=lambda: now[0], sleep=sleep)
    report = await discovery.keep_looking(weight_per_minute=20)
    assert report.explained and book.get(1) is not None
    assert slept and discovery.weight_spent <= 20 * (1 + sum(1 for s in slept if s >= 5))
    already = await discovery.keep_looking()
    assert already.explained and already.weight == 0


async def test_keep_looking_stops_after_max_passes() -> None:
    client = Scripted([], locked={"USDT": D(1)})
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds
        client.clock.ms += int(seconds * 1000)

    discovery = OrderDiscovery(client, assets_book(), monotonic=lambda: now[0], sleep=sleep)
    report = await discovery.keep_looking(weight_per_minute=600, max_passes=2)
    assert report.stopped_by == "exhausted" and not report.explained
    assert client.calls.count("account") == 4  # each pass: at the start and when the plan ran dry
    assert lists(client) == ["AUSDT", "BUSDT", "CUSDT", "DUSDT", "EUSDT", "FUSDT"] * 2  # the second: a new round


async def test_keep_looking_backs_off_when_rate_limited_and_when_the_client_is_busy() -> None:
    client = Scripted([order(1, "AUSDT", "SELL")])
    client.errors["AUSDT"] = [err(RateLimited)]
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds
        client.clock.ms += int(seconds * 1000)

    client.rate.block("429", 30.0, now_ms=client.clock.ms, code=-1003, msg="slow down")
    discovery = OrderDiscovery(client, assets_book(), monotonic=lambda: now[0], sleep=sleep)
    report = await discovery.keep_looking(weight_per_minute=100)
    assert report.explained and slept[0] == 30.0
    busy = Scripted([order(1, "AUSDT", "SELL")])
    busy.rate.record_response(
        RateHeaders(used_weight_1m=958, order_count_1s=None, order_count_1d=None),
        weight=1,
        now_ms=busy.clock.ms - 20_000,
    )
    slept.clear()

    async def sleep_busy(seconds: float) -> None:
        slept.append(seconds)
        busy.clock.ms += int(seconds * 1000)

    busy.clock.ms = (busy.clock.ms // 60_000) * 60_000 + 15_000
    report = await OrderDiscovery(busy, assets_book(), sleep=sleep_busy).keep_looking()
    assert report.explained and slept == [45.0]


async def test_a_failing_listener_does_not_stop_discovery_and_a_good_one_is_told() -> None:
    client = Scripted([order(1, "AUSDT", "SELL")])
    told: list[int] = []

    def broken() -> None:
        raise RuntimeError("listener bug")

    report = await OrderDiscovery(client, assets_book(), on_change=broken).discover()
    assert report.explained
    book = assets_book()
    report = await OrderDiscovery(client, book, on_change=lambda: told.append(len(book))).discover()
    assert told == [0, 1]


def test_journal_symbols_and_the_report() -> None:
    entries = [SimpleNamespace(symbol=s) for s in ("BUSDT", "AUSDT", "BUSDT", "CUSDT")]
    assert journal_symbols(entries) == ["BUSDT", "AUSDT", "CUSDT"]
    assert DiscoveryReport(DiscoveryState.EXPLAINED).explained
    assert not DiscoveryReport(DiscoveryState.SEARCHING).explained
    assert DEFAULT_START_ALLOWANCE == 120


class FakeTime:
    """Monotonic seconds and the client's clock, both moved by ``sleep``."""

    def __init__(self, client: Scripted) -> None:
        self.client = client
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        self.client.clock.ms += int(seconds * 1000)


def calls_in_short(client: Scripted) -> list[str]:
    return [call if call == "account" else call.split()[1] for call in client.calls]


async def test_a_background_pass_carries_on_where_the_last_one_stopped() -> None:
    client = Scripted([order(1, "CUSDT"), order(2, "FUSDT")])
    time = FakeTime(client)
    book = assets_book()
    discovery = OrderDiscovery(client, book, monotonic=time.monotonic, sleep=time.sleep)
    report = await discovery.keep_looking(weight_per_minute=20)
    assert report.explained and report.stopped_by == "explained"
    # 16 weight in the first minute (one more list would pass 20), then the rest a minute later
    assert time.slept == [60.0]
    assert calls_in_short(client) == ["account", "AUSDT", "BUSDT", "CUSDT", "account", "DUSDT", "EUSDT", "FUSDT"]
    assert discovery.weight_spent == 32


async def test_refresh_carries_on_where_discovery_stopped() -> None:
    client = Scripted([order(1, "CUSDT"), order(2, "FUSDT")])
    book = assets_book()
    discovery = OrderDiscovery(client, book)
    first = await discovery.discover(allowance=16)
    assert first.asked == ["AUSDT", "BUSDT", "CUSDT"] and first.stopped_by == "allowance"
    report = await discovery.refresh()
    assert report.asked == ["CUSDT", "DUSDT", "EUSDT", "FUSDT"] and report.explained


async def test_keep_looking_with_no_pass_allowed_reports_the_books_state() -> None:
    book = assets_book()
    report = await OrderDiscovery(Scripted([]), book).keep_looking(max_passes=0)
    assert report.state is DiscoveryState.NOT_STARTED and report.weight == 0 and report.stopped_by == ""


async def test_keep_looking_runs_when_the_headroom_is_exactly_enough() -> None:
    client = Scripted([order(1, "AUSDT", "SELL")])
    client.rate.record_response(
        RateHeaders(used_weight_1m=954, order_count_1s=None, order_count_1d=None), weight=1, now_ms=client.clock.ms
    )
    time = FakeTime(client)
    discovery = OrderDiscovery(client, assets_book(), monotonic=time.monotonic, sleep=time.sleep)
    report = await discovery.keep_looking()
    assert report.explained and time.slept == [] and discovery.weight_spent == 6


async def test_keep_looking_waits_a_second_after_an_unexplained_rate_limit_and_five_after_an_error() -> None:
    client = Scripted([order(1, "AUSDT", "SELL")])
    client.errors["AUSDT"] = [err(RateLimited)]  # the client's own ban is not set: no Retry-After known
    time = FakeTime(client)
    report = await OrderDiscovery(client, assets_book(), monotonic=time.monotonic, sleep=time.sleep).keep_looking()
    assert report.explained and time.slept[0] == 1.0
    client = Scripted([order(1, "AUSDT", "SELL")])
    time = FakeTime(client)
    failing = [err(ServerError, -1000, "down")]

    async def account_once_failing() -> Any:
        if failing:
            raise failing.pop()
        return await Scripted.account(client)

    client.account = account_once_failing  # type: ignore[method-assign]
    report = await OrderDiscovery(client, assets_book(), monotonic=time.monotonic, sleep=time.sleep).keep_looking()
    assert report.explained and time.slept[0] == 5.0


async def test_a_stop_is_logged_with_what_failed(caplog: pytest.LogCaptureFixture) -> None:
    client = Scripted([order(1, "AUSDT")])
    client.errors["AUSDT"] = [err(RateLimited, -1003, "too many")]
    with caplog.at_level("WARNING", logger="jextui.trading.discovery"):
        await OrderDiscovery(client, assets_book()).discover()
    assert [r.getMessage() for r in caplog.records] == [
        f"order discovery stopped (AUSDT): {err(RateLimited, -1003, 'too many').message}"
    ]


async def test_only_needed_symbols_are_asked_together() -> None:
    # three symbols certain to hold orders, then guesses: the guesses are not sent with them
    client = Scripted(
        [order(1, "AUSDT", "SELL"), order(2, "BUSDT", "SELL"), order(3, "CUSDT", "SELL"), order(4, "FUSDT")]
    )
    report = await OrderDiscovery(client, assets_book(), concurrency=4).discover()
    assert report.explained and client.most_in_flight == 3
    assert report.asked[:3] == ["AUSDT", "BUSDT", "CUSDT"]


async def test_discover_starts_a_new_round_even_when_nothing_changed() -> None:
    client = Scripted([order(1, "CUSDT"), order(2, "FUSDT")])
    discovery = OrderDiscovery(client, assets_book())
    first = await discovery.discover(allowance=16)
    assert first.asked == ["AUSDT", "BUSDT", "CUSDT"]
    second = await discovery.discover(allowance=16)
    assert second.asked == ["AUSDT", "BUSDT", "CUSDT"]  # from the top again, unlike refresh


async def test_when_the_account_moves_the_candidates_are_asked_once_more_then_it_stops() -> None:
    client = Scripted([], locked={"F": D(1)})  # an order only FUSDT could hold, never found
    client.locked_drift = D(0)

    async def drifting() -> Any:
        answer = await Scripted.account(client)
        client.locked_drift += D(1)  # every read shows a different amount
        return answer

    client.account = drifting  # type: ignore[method-assign]
    report = await OrderDiscovery(client, assets_book()).discover()
    assert report.stopped_by == "exhausted" and report.account_reads == 2
    assert lists(client) == ["FUSDT", "FUSDT"]


async def test_a_pass_stopped_by_one_list_still_takes_in_the_others_of_its_batch() -> None:
    client = Scripted([order(1, "AUSDT", "SELL"), order(2, "BUSDT", "SELL")])
    client.errors["AUSDT"] = [err(RateLimited)]
    client.delays["BUSDT"] = 5  # answers after AUSDT has failed
    book = assets_book()
    report = await OrderDiscovery(client, book).discover()
    assert report.stopped_by == "rate limit"
    assert [o.order_id for o in book.orders] == [2]  # already in the book when discover returns


async def test_a_holding_symbol_that_fails_in_a_refresh_is_not_asked_again_in_that_pass() -> None:
    orders = [order(i, s, "SELL") for i, s in enumerate(["AUSDT", "BUSDT", "CUSDT", "DUSDT", "EUSDT"], start=1)]
    client = Scripted(orders)
    book = assets_book()
    discovery = OrderDiscovery(client, book, concurrency=2)
    assert (await discovery.discover()).explained
    client.orders.remove(orders[0])
    client.errors["AUSDT"] = [err(ConnectionFailed)]
    report = await discovery.refresh()
    assert report.asked == ["AUSDT", "BUSDT", "CUSDT", "DUSDT", "EUSDT"]  # AUSDT once, though still short
    assert report.stopped_by == "exhausted"


async def test_failures_and_listener_errors_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    client = Scripted([order(1, "AUSDT", "SELL")])
    client.errors["AUSDT"] = [err(ConnectionFailed)]

    def broken() -> None:
        raise RuntimeError("listener bug")

    with caplog.at_level("WARNING", logger="jextui.trading.discovery"):
        await OrderDiscovery(client, assets_book(), on_change=broken).discover()
    messages = [r.getMessage() for r in caplog.records]
    assert "open orders of AUSDT: connection refused" in messages
    assert "order discovery listener failed: RuntimeError" in messages
