"""The feed worker against a fake client on a virtual clock (no real waiting)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from support.feed_fakes import FakeClient, FakeClock, symbol_id

from jextui.api.errors import IpBanned, JexError, RateLimited, ServerError
from jextui.api.models import HistoricalTrade, Trade
from jextui.feed import (
    AccountUpdate,
    BookTickersUpdate,
    BookUpdate,
    ExchangeInfoUpdate,
    FeedEvent,
    FeedFailed,
    FeedWorker,
    KlinesUpdate,
    OpenOrdersUpdate,
    PricesUpdate,
    SparklineUpdate,
    StatusUpdate,
    TickersUpdate,
    TradesUpdate,
    depth_limit_for,
)

E = TypeVar("E", bound=FeedEvent)


class Harness:
    def __init__(self, *, signed: bool = False, api_key: bool = False, **worker_args: Any) -> None:
        self.clock = FakeClock()
        self.client = FakeClient(self.clock, api_key=api_key, signed=signed)
        self.events: list[FeedEvent] = []
        worker_args.setdefault("active_symbol", "BTCUSDT")
        worker_args.setdefault("watchlist", ["BTCUSDT", "ETHUSDT"])
        self.worker = FeedWorker(
            self.client, self.sink, now_ms=self.clock.now_ms, sleep=self.clock.sleep, **worker_args
        )
        self.task: asyncio.Task[None] | None = None

    def sink(self, event: FeedEvent) -> None:
        self.events.append(event)

    async def start(self) -> None:
        self.task = asyncio.create_task(self.worker.run())
        await self.advance(0)

    async def advance(self, ms: int) -> None:
        """Let the worker run until the virtual clock has moved ``ms`` on."""
        target = self.clock.now + ms
        for _ in range(10):
            await asyncio.sleep(0)
        spins = 0
        while self.clock.now < target:
            await asyncio.sleep(0)
            spins += 1
            assert spins < 2_000_000, "the worker stopped making progress"
            assert self.task is None or not self.task.done(), "the worker's run() ended"

    async def stop(self) -> None:
        self.worker.stop()
        assert self.task is not None
        await asyncio.wait_for(self.task, timeout=5)

    def of(self, cls: type[E], since: int = 0) -> list[E]:
        return [e for e in self.events[since:] if isinstance(e, cls)]

    def status(self) -> StatusUpdate:
        return self.of(StatusUpdate)[-1]

    def call_names(self, since_ms: int = 0) -> set[str]:
        return {name for t, name, _ in self.client.calls if t >= since_ms}


@pytest.fixture
async def make() -> AsyncIterator[Any]:
    harnesses: list[Harness] = []

    async def factory(**kwargs: Any) -> Harness:
        h = Harness(**kwargs)
        harnesses.append(h)
        await h.start()
        return h

    yield factory
    for h in harnesses:
        if h.task is not None and not h.task.done():
            await h.stop()


# --- data reaches the panes ------------------------------------------------------------


async def test_every_pane_gets_its_data(make: Any) -> None:
    h = await make(signed=True)
    await h.advance(3000)

    book = h.of(BookUpdate)
    assert book and all(e.symbol == "BTCUSDT" for e in book)
    assert book[-1].depth.last_update_id == symbol_id("BTCUSDT")
    assert h.client.called("depth")[0][1] == ("BTCUSDT", 20)  # enough levels for the pane

    trades = h.of(TradesUpdate)[-1]
    assert trades.symbol == "BTCUSDT" and trades.has_side
    assert all(isinstance(t, HistoricalTrade) for t in trades.trades)
    times = [t.time for t in trades.trades]
    assert times == sorted(times, reverse=True)  # newest first

    klines = h.of(KlinesUpdate)[-1]
    assert (klines.symbol, klines.interval) == ("BTCUSDT", "1m")
    assert klines.klines[0].trades == symbol_id("BTCUSDT")

    prices: dict[str, Decimal] = {}
    for e in h.of(PricesUpdate):
        prices.update(e.prices)
    assert set(prices) == {"BTCUSDT", "ETHUSDT"}  # the all-symbol answer, cut to the watchlist
    assert all(isinstance(p, Decimal) for p in prices.values())

    tickers: set[str] = set()
    for e in h.of(TickersUpdate):
        tickers |= set(e.tickers)
    assert tickers == {"BTCUSDT", "ETHUSDT"}
    assert {s for e in h.of(BookTickersUpdate) for s in e.book_tickers} == {"BTCUSDT", "ETHUSDT"}

    sparks = {e.symbol: e for e in h.of(SparklineUpdate)}
    assert set(sparks) == {"BTCUSDT", "ETHUSDT"}
    assert len(sparks["ETHUSDT"].closes) == 24 and sparks["ETHUSDT"].interval == "1h"
    assert all(isinstance(c, Decimal) for c in sparks["ETHUSDT"].closes)

    assert h.of(AccountUpdate)[-1].account.spot_balances[0].asset == "USDT"
    assert h.of(OpenOrdersUpdate)[-1].symbol == "BTCUSDT"
    assert h.of(ExchangeInfoUpdate)

    status = h.status()
    assert status.connection == "online" and status.message == ""
    assert status.clock_offset_ms == 42
    assert status.used_weight_1m is not None and status.used_weight_1m > 0
    assert (status.weight_limit, status.budget) == (1200, 960)
    assert 0 < status.planned_weight_1m <= 960
    assert all(h.state == "ok" for h in status.health.values())


async def test_without_a_key_trades_have_no_side_and_account_panes_say_why(make: Any) -> None:
    h = await make()
    await h.advance(6000)
    names = h.call_names()
    assert "trades" in names and "historical_trades" not in names
    assert "account" not in names and "open_orders" not in names
    trades = h.of(TradesUpdate)[-1]
    assert not trades.has_side and all(isinstance(t, Trade) for t in trades.trades)
    health = h.worker.snapshot_health()
    assert health["account"].state == "disabled"
    assert "API key" in (health["account"].reason or "")
    assert h.status().connection == "online"


async def test_changing_the_depth_rows_changes_the_limit(make: Any) -> None:
    h = await make()
    h.worker.set_book_rows(45)
    await h.advance(1000)
    assert h.client.called("depth")[-1][1] == ("BTCUSDT", 50)
    assert depth_limit_for(3) == 5 and depth_limit_for(61) == 60


# --- symbol switches ----------------------------------------------------------------------


@pytest.mark.parametrize("answers_anyway", [False, True])
async def test_a_symbol_switch_never_shows_the_previous_symbols_data(make: Any, answers_anyway: bool) -> None:
    h = Harness(signed=True)
    gates = {}
    for key in ("depth:BTCUSDT", "historical_trades:BTCUSDT", "klines:BTCUSDT:1m", "open_orders:BTCUSDT"):
        gates[key] = h.client.gate[key] = asyncio.Event()
        if answers_anyway:
            h.client.swallow_cancel.add(key)  # the old answers still come back, late
    await h.start()
    await h.advance(300)
    switch = len(h.events)
    h.worker.set_active_symbol("ethusdt")
    await h.advance(500)
    for gate in gates.values():
        gate.set()
    await h.advance(1500)
    await h.stop()

    after = h.events[switch:]
    symbol_events = [e for e in after if isinstance(e, (BookUpdate, TradesUpdate, KlinesUpdate, OpenOrdersUpdate))]
    assert symbol_events and all(e.symbol == "ETHUSDT" for e in symbol_events)
    assert all(e.depth.last_update_id == symbol_id("ETHUSDT") for e in h.of(BookUpdate, since=switch))
    assert all(k.trades == symbol_id("ETHUSDT") for e in h.of(KlinesUpdate, since=switch) for k in e.klines)
    # nothing for BTCUSDT ever reached the sink, not even after the switch
    assert all(e.symbol == "ETHUSDT" for e in h.of(BookUpdate))


async def test_a_new_kline_interval_drops_the_old_one(make: Any) -> None:
    h = Harness()
    gate = h.client.gate["klines:BTCUSDT:1m"] = asyncio.Event()
    h.client.swallow_cancel.add("klines:BTCUSDT:1m")
    await h.start()
    await h.advance(100)
    h.worker.set_kline_interval("1h")
    await h.advance(100)
    gate.set()
    await h.advance(500)
    await h.stop()
    assert [e.interval for e in h.of(KlinesUpdate)] == ["1h"]


async def test_a_removed_watchlist_symbol_gets_no_more_updates(make: Any) -> None:
    h = Harness(watchlist=["BTCUSDT", "ETHUSDT", "SOLUSDT"])
    gate = h.client.gate["klines:SOLUSDT:1h"] = asyncio.Event()
    h.client.swallow_cancel.add("klines:SOLUSDT:1h")
    await h.start()
    await h.advance(100)
    mark = len(h.events)
    h.worker.set_watchlist(["BTCUSDT", "ETHUSDT"])
    gate.set()
    await h.advance(2000)
    await h.stop()
    assert not [e for e in h.of(SparklineUpdate, since=mark) if e.symbol == "SOLUSDT"]
    assert all(set(e.prices) <= {"BTCUSDT", "ETHUSDT"} for e in h.of(PricesUpdate, since=mark))
    assert h.of(PricesUpdate, since=mark)


# --- failures ---------------------------------------------------------------------------------


def server_error(path: str) -> ServerError:
    return ServerError(code=-1000, msg="internal error", status=500, endpoint=path)


async def test_a_failing_feed_yields_feed_failed_and_the_others_keep_going(make: Any) -> None:
    h = Harness(signed=True)
    h.client.fail["historical_trades"] = server_error("/api/v1/spot/historicalTrades")
    await h.start()
    await h.advance(5000)

    failed = h.of(FeedFailed)
    assert failed and {(f.kind, f.symbol) for f in failed} == {("trades", "BTCUSDT")}
    assert isinstance(failed[0].error, ServerError) and failed[0].hint
    assert len(h.of(BookUpdate)) >= 10  # the book did not wait for trades
    status = h.status()
    assert status.connection == "degraded" and status.message.startswith("trades:")
    assert status.health["trades"].state == "waiting" and status.health["trades"].failing

    del h.client.fail["historical_trades"]
    await h.advance(11_000)  # the backoff is at most 10 s
    assert h.of(TradesUpdate)
    assert h.status().connection == "online"
    await h.stop()


async def test_an_unexpected_exception_is_reported_not_raised(make: Any) -> None:
    h = Harness(signed=True)
    h.client.fail["account"] = RuntimeError("boom")
    await h.start()
    await h.advance(2000)
    failed = [f for f in h.of(FeedFailed) if f.kind == "account"]
    assert failed and isinstance(failed[0].error, JexError) and "boom" in failed[0].message
    assert not h.task.done()  # type: ignore[union-attr]
    assert h.of(BookUpdate)
    await h.stop()


async def test_a_broken_sink_does_not_stop_the_worker(make: Any) -> None:
    h = Harness()
    seen: list[FeedEvent] = []

    def sink(event: FeedEvent) -> None:
        seen.append(event)
        raise ValueError("the UI choked")

    h.worker._sink = sink
    await h.start()
    await h.advance(2000)
    await h.stop()
    assert sum(isinstance(e, BookUpdate) for e in seen) >= 4


async def test_offline_then_stale_when_the_exchange_stops_answering(make: Any) -> None:
    h = await make()
    await h.advance(2000)
    assert h.status().connection == "online"
    h.client.down = True
    await h.advance(3000)
    status = h.status()
    assert status.connection == "offline" and status.message == "connection refused"
    assert status.health["book"].state == "stale"  # older than 3 x 0.4 s
    assert any(f.kind == "book" for f in h.of(FeedFailed))
    h.client.down = False
    await h.advance(11_000)
    assert h.status().connection == "online"
    assert h.status().health["book"].state == "ok"


async def test_a_slow_request_does_not_delay_the_book(make: Any) -> None:
    h = Harness(signed=True)
    for name in ("historical_trades", "klines", "open_orders", "account", "ticker_price"):
        h.client.gate[name] = asyncio.Event()  # never answered
    await h.start()
    await h.advance(4000)
    books = [t for t, name, _ in h.client.calls if name == "depth"]
    assert len(books) >= 9
    gaps = [b - a for a, b in itertools.pairwise(books)]
    assert max(gaps) <= 450
    await h.stop()  # returns although requests are still waiting


# --- rate limits -------------------------------------------------------------------------------


async def test_after_a_429_nothing_is_sent_until_retry_after(make: Any) -> None:
    h = Harness(signed=True)
    blocked: dict[str, int] = {}

    def rate_limit_once(args: tuple[Any, ...]) -> Exception | None:
        if blocked:
            return None
        blocked["at"] = h.clock.now
        h.client.rate.blocked_until_ms = h.clock.now + 30_000
        h.client.rate.block_reason = "429"
        return RateLimited(
            retry_after=30.0, code=-1003, msg="Too many requests", status=429, endpoint="/api/v1/spot/depth"
        )

    await h.start()
    await h.advance(1000)
    h.client.fail["depth"] = rate_limit_once
    await h.advance(1000)
    t429 = blocked["at"]
    mark = len(h.events)
    await h.advance(35_000)
    await h.stop()

    during = [(t, name) for t, name, _ in h.client.calls if t429 < t < t429 + 30_000]
    assert during == []
    assert [t for t, name, _ in h.client.calls if t >= t429 + 30_000]  # it resumed
    limited = [s for s in h.of(StatusUpdate) if s.connection == "rate-limited"]
    assert limited and limited[0].blocked_until_ms == t429 + 30_000
    assert "429" in limited[0].message and "30 s" in limited[0].message
    assert h.status().connection == "online" and h.status().blocked_until_ms is None
    assert any(f.kind == "book" and isinstance(f.error, RateLimited) for f in h.of(FeedFailed))
    assert len(h.events) > mark


async def test_a_418_ban_is_respected_even_without_the_clients_rate_state(make: Any) -> None:
    h = Harness()
    h.client.fail["depth"] = IpBanned(
        retry_after=120.0, code=None, msg="banned", status=418, endpoint="/api/v1/spot/depth"
    )
    await h.start()
    await h.advance(50)
    first = h.client.called("depth")[0][0]
    await h.advance(60_000)
    assert [t for t, _, _ in h.client.calls if first < t < first + 120_000] == []
    status = h.status()
    assert status.connection == "banned" and "418" in status.message
    assert status.blocked_until_ms == first + 120_000
    await h.stop()


async def test_weight_used_by_another_program_slows_the_worker(make: Any) -> None:
    h = Harness(signed=True, watchlist=[f"S{i}USDT" for i in range(20)])
    h.client.external_weight = 500
    await h.start()
    await h.advance(70_000)
    await h.stop()
    start = h.client.calls[0][0] + 10_000
    sent = sum(
        {"historical_trades": 5, "open_orders": 5, "ticker_24hr": 1, "ticker_price": 2, "book_ticker": 2}.get(name, 1)
        for t, name, _ in h.client.calls
        if start <= t < start + 60_000
    )
    assert sent + 500 <= 960
    assert h.worker.plan.external_weight_1m >= 500
    assert "Other programs" in h.status().message


async def test_the_budget_follows_the_weight_limit_from_the_exchange(make: Any) -> None:
    h = await make(weight_share=0.5)
    h.client.rate.weight_limit = 600
    await h.advance(1500)
    status = h.status()
    assert (status.weight_limit, status.budget) == (600, 300)


# --- control ------------------------------------------------------------------------------------


async def test_hidden_panes_are_not_polled_and_come_back_at_once(make: Any) -> None:
    h = Harness(signed=True)
    h.worker.set_visible({"book"})
    await h.start()
    await h.advance(5000)
    assert h.call_names() == {"depth", "sync_time", "exchange_info"}
    shown_at = h.clock.now
    h.worker.set_visible({"book", "trades", "tickers"})
    await h.advance(10)
    assert {"historical_trades", "ticker_24hr"} <= h.call_names(since_ms=shown_at)
    assert h.worker.snapshot_health()["klines"].state == "hidden"
    await h.stop()


async def test_refresh_now_polls_account_and_open_orders_at_once(make: Any) -> None:
    h = await make(signed=True)
    await h.advance(1000)
    before = len(h.client.called("account")), len(h.client.called("open_orders"))
    h.worker.refresh_now("account")
    h.worker.refresh_now("open_orders")
    await h.advance(5)
    after = len(h.client.called("account")), len(h.client.called("open_orders"))
    assert after == (before[0] + 1, before[1] + 1)


async def test_bad_control_values_get_clear_messages(make: Any) -> None:
    h = Harness()
    with pytest.raises(ValueError, match="unknown kline interval '2m'"):
        h.worker.set_kline_interval("2m")
    with pytest.raises(ValueError, match="unknown feed 'bok'"):
        h.worker.set_visible({"bok"})
    with pytest.raises(ValueError, match="unknown feed"):
        h.worker.refresh_now("everything")
    with pytest.raises(ValueError, match="non-empty"):
        h.worker.set_active_symbol(" ")
    with pytest.raises(ValueError, match="'book' must be between"):
        FeedWorker(h.client, h.sink, periods={"book": -1})


async def test_connection_state_starts_connecting_and_a_server_in_trouble_is_degraded(make: Any) -> None:
    h = Harness()
    for name in (
        "depth",
        "trades",
        "klines",
        "ticker_price",
        "ticker_24hr",
        "book_ticker",
        "sync_time",
        "exchange_info",
    ):
        h.client.fail[name] = server_error(f"/{name}")
    await h.start()
    assert h.of(StatusUpdate)[0].connection == "connecting"
    await h.advance(3000)
    status = h.status()
    assert status.connection == "degraded"  # it answers, with errors: not "connecting", not "offline"
    assert "internal error" in status.message
    assert status.health["book"].state == "waiting" and status.health["book"].reason
    await h.stop()


async def test_stop_before_run_starts_makes_run_return_at_once(make: Any) -> None:
    h = Harness()
    h.worker.stop()
    await asyncio.wait_for(h.worker.run(), timeout=5)
    assert h.client.calls == []


# --- the active book beside its diff stream ----------------------------------------


async def test_a_book_push_newer_than_the_last_poll_moves_the_next_poll(make: Any) -> None:
    h = await make(periods={"book": 0.26})
    started = h.clock.now
    await h.advance(100)
    first = [t for t, _ in h.client.called("depth")]
    assert len(first) == 1 and first[0] - started <= 100
    pushed_at = h.clock.now
    h.worker.record_streamed("book", "BTCUSDT", pushed_at)  # a diff arrived now
    h.worker.record_streamed("book", "BTCUSDT", first[0])  # the poll's own answer: no newer, no move
    h.worker.record_streamed("book", "ETHUSDT", pushed_at + 50)  # not the active symbol
    await h.advance(400)
    polls = [t for t, _ in h.client.called("depth")]
    assert polls[1] == pushed_at + 260


async def test_a_clock_reading_with_a_long_round_trip_is_read_again_a_few_times(make: Any) -> None:
    h = await make()
    await h.advance(100)
    assert len(h.client.called("sync_time")) == 1  # a quick reading: the next one a minute later
    h.client.clock.rtt_ms = 2_000  # every reading from now on took 2 s: uncertain by 1 s
    h.worker.refresh_now("server_time")
    await h.advance(1_000)
    assert len(h.client.called("sync_time")) == 1 + 1 + 3  # the forced one, then three more at once
    h.client.clock.rtt_ms = 20
    h.worker.refresh_now("server_time")
    await h.advance(1_000)
    h.client.clock.rtt_ms = 2_000  # a certain reading in between: rereads are allowed again
    h.worker.refresh_now("server_time")
    await h.advance(1_000)
    assert len(h.client.called("sync_time")) == 5 + 1 + 1 + 3
