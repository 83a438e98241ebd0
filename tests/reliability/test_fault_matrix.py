"""The fault matrix: the real console against a sandbox with one fault at a time.

For every fault, on virtual time (``fault_harness``, one-second refresh
periods for every pane):

* the console neither crashes nor freezes: during the fault a key still
  opens the help screen and another closes it, and nothing is logged as an
  unexpected error;
* the panes the fault affects are marked within one refresh period — a
  failed refresh as *degraded* (the header names the failing request), data
  older than 3 periods as *STALE* — and a pane never looks fresh while its
  data is older than that;
* once the fault clears, every pane is fresh again within two periods;
* an order placed during the fault through the ticket is neither
  duplicated nor lost: once the exchange answers again and the console has
  looked for the orders whose answer was lost (by itself after an outage,
  else in its periodic pass), the journal and the sandbox engine agree,
  order for order.

Long outages last 12 periods or more, and end just after a failed retry of
the book: the worst moment for a retry back-off that has grown to its cap.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from support.app_harness import wait_until
from support.fault_harness import PANES, PERIOD_MS, Console, PaneMark, make_fault_app

from jextui.ui.feed_bridge import PANE_FEEDS

LONG_OUTAGE_PERIODS = 12
ORDER_PATH = "/api/v1/spot/order"


@pytest.fixture(autouse=True)
def no_unexpected_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Faults are expected: they may be logged as warnings, never as errors of ours."""
    caplog.set_level(logging.INFO)
    yield
    errors = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, "\n".join(errors)


# --- what every fault must show -------------------------------------------------


def degraded_or_stale(mark: PaneMark) -> bool:
    if mark.stale:
        return "STALE" in mark.header
    return mark.degraded is not None and mark.degraded.rstrip("…")[:12] in mark.header


def assert_marks_tell_the_truth(console: Console) -> None:
    """Every pane shows its data's true age; none looks fresh while its data is
    stale (older than 3 x its feed's period, as the feed has it now: a tight
    budget may stretch it) or while its last refresh failed."""
    health = console.app.session.feed_health()
    now = console.clock.now_ms()
    for name in PANES:
        feed = health[PANE_FEEDS[name][0]]
        mark = console.mark(name)
        assert mark.age_ms == feed.age_ms(now), f"{name} shows a wrong age:\n{console.describe()}"
        if feed.is_stale(now):
            assert mark.stale and "STALE" in mark.header, f"{name} is stale:\n{console.describe()}"
        if feed.failing:
            assert degraded_or_stale(mark), f"{name} failed its last refresh:\n{console.describe()}"


async def assert_all_marked_within_one_period(console: Console) -> None:
    await console.step()
    assert_marks_tell_the_truth(console)
    unmarked = console.panes_where(lambda mark: not degraded_or_stale(mark))
    assert not unmarked, f"not marked after one period: {unmarked}\n{console.describe()}"


async def outage(console: Console, periods: int) -> None:
    """Let a fault last ``periods`` periods or more, until the book's retry has just failed;
    the marks stay truthful all along and everything ends up STALE."""
    for step in range(periods + 12):
        await console.step()
        assert_marks_tell_the_truth(console)
        book = console.app.session.feed_health()["book"]
        if step >= periods and book.failing and book.last_error_ms == console.clock.now_ms():
            break
    stale = console.panes_where(lambda mark: mark.stale and "STALE" in mark.header)
    assert stale == list(PANES), console.describe()


async def assert_recovers_within_two_periods(console: Console) -> None:
    for _ in range(2):
        await console.step()
        assert_marks_tell_the_truth(console)
        if all(console.mark(name).fresh for name in PANES):
            assert console.connection not in ("offline", "rate-limited", "banned"), console.describe()
            assert not console.panes.banner.active
            return
    raise AssertionError(f"not recovered two periods after the fault cleared:\n{console.describe()}")


async def assert_orders_agree(console: Console, *, settled_by_the_console: bool = False) -> None:
    """The journal and the exchange agree, once the open questions are settled: by the console
    itself as soon as the exchange answers again after an outage, else by its periodic pass."""
    if settled_by_the_console:
        await console.open_questions_settled_by_the_console()
    else:
        await console.reconcile_open_questions()
    console.assert_journal_matches_exchange()
    assert console.app.is_running and console.app.return_code is None


# --- the matrix ---------------------------------------------------------------------


async def test_twenty_percent_5xx(tmp_path: Path) -> None:
    app = make_fault_app(tmp_path, fault_seed=11)
    async with app.run_test(size=app.size_for_tests) as pilot:
        console = Console(pilot)
        await console.start()
        console.sandbox.set_faults(error_5xx_rate=0.2, phase="random")
        marked: set[str] = set()
        for _ in range(8):
            await console.step()
            assert_marks_tell_the_truth(console)
            marked |= set(console.panes_where(lambda mark: mark.degraded is not None))
        assert marked, "one request in five fails: some pane must have said so"
        await console.keys_answer()
        await console.place_order(console.resting_buy_price())
        for _ in range(3):
            await console.place_order(console.resting_buy_price(ticks_below_bid=110))
        console.sandbox.set_faults(error_5xx_rate=0.0)
        await assert_recovers_within_two_periods(console)
        await assert_orders_agree(console)


async def test_two_seconds_of_latency(tmp_path: Path) -> None:
    """A slow exchange fails nothing: panes are affected once their data is older than the stale rule allows."""
    app = make_fault_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        console = Console(pilot)
        await console.start()
        console.sandbox.set_faults(latency_ms=2000, phase="before")
        await console.jump(PERIOD_MS)  # the refreshes go out and wait for their answers
        assert console.panes_where(lambda mark: mark.age_ms == PERIOD_MS and not mark.stale) == list(PANES), (
            console.describe()
        )
        await console.jump(2 * PERIOD_MS + 1)  # still no answer: the data is now older than 3 periods
        assert console.panes_where(lambda mark: mark.stale and "STALE" in mark.header) == list(PANES), (
            console.describe()
        )
        await console.keys_answer()  # while every request hangs
        ticket = await console.place_order(console.resting_buy_price(), final=False)
        assert ticket.in_flight
        await pilot.press("escape")  # the ticket closes at once; the order is still followed
        await wait_until(pilot, lambda: app.screen is app.main, timeout_s=5, what="the ticket closed")
        await console.keys_answer()  # while the order's answer is on its way
        announced = app.trading.announcer.announced
        await wait_until(
            pilot,
            lambda: any(text.startswith("PLACED") for text in announced),
            timeout_s=10,
            what="the order's outcome announced",
        )
        console.sandbox.set_faults(latency_ms=0)  # the answers still on their way arrive late
        await console.idle()
        assert_marks_tell_the_truth(console)
        await assert_recovers_within_two_periods(console)
        await assert_orders_agree(console)


async def test_dropped_connections(tmp_path: Path) -> None:
    """Every answer is lost after the exchange processed the request (an order reaches the engine)."""
    app = make_fault_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        console = Console(pilot)
        await console.start()
        console.sandbox.set_faults(drop_rate=1.0, phase="after")
        await assert_all_marked_within_one_period(console)
        assert console.connection == "offline"
        await console.keys_answer()
        outcome = await console.ticket_settled(await console.place_order(console.resting_buy_price()))
        assert outcome.startswith("OUTCOME UNKNOWN: not resent")
        await outage(console, LONG_OUTAGE_PERIODS)
        console.sandbox.set_faults(drop_rate=0.0)
        await assert_recovers_within_two_periods(console)
        await assert_orders_agree(console, settled_by_the_console=True)
        assert len(console.exchange_orders()) == 1  # it did reach the engine, and only once


async def test_malformed_json(tmp_path: Path) -> None:
    app = make_fault_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        console = Console(pilot)
        await console.start()
        console.sandbox.set_faults(malformed_rate=1.0)
        await assert_all_marked_within_one_period(console)
        assert console.connection == "degraded"
        await console.keys_answer()
        outcome = await console.ticket_settled(await console.place_order(console.resting_buy_price()))
        assert outcome.startswith("OUTCOME UNKNOWN: not resent")
        await outage(console, LONG_OUTAGE_PERIODS)
        console.sandbox.set_faults(malformed_rate=0.0)
        await assert_recovers_within_two_periods(console)
        await assert_orders_agree(console)
        assert len(console.exchange_orders()) == 1


def spend_the_ip_weight(console: Console, *, keep_going_after_429: int = 0) -> None:
    """Another program on the same IP (loopback) spends the whole weight budget of the minute."""
    url = f"{console.sandbox.base_url}/api/v1/spot/ticker/24hr"  # weight 40 without a symbol
    refused = 0
    with httpx.Client(timeout=10) as neighbour:
        for _ in range(1000):
            status = neighbour.get(url).status_code
            if status in (418, 429):
                refused += 1
                if status == 418 or refused > keep_going_after_429:
                    return
    raise AssertionError("the sandbox never answered 429")


async def blocked_until(console: Console) -> int:
    until = console.panes.status.info.retry_until_ms
    assert until is not None, console.describe()
    return until


async def test_a_429_storm(tmp_path: Path) -> None:
    # The requests of one refresh already on their way when the first 429 comes
    # back are no refusal to back off: only what is sent after it may count.
    app = make_fault_app(tmp_path, ban_after_strikes=20)
    async with app.run_test(size=app.size_for_tests) as pilot:
        console = Console(pilot)
        await console.start()
        limiter = console.sandbox.state.limiter
        normal = limiter.settings
        limiter.settings = replace(normal, weight_per_minute=1)  # every request is refused with a 429
        await console.step()
        limiter.settings = normal  # the storm is over, but the window it set lasts until Retry-After
        # The refreshes refused are marked on their panes; the banner says that nothing is refreshed now.
        assert console.panes.banner.active and "Rate limited" in console.panes.banner.message
        assert console.connection == "rate-limited"
        assert_marks_tell_the_truth(console)
        assert console.panes_where(lambda mark: mark.degraded is not None), console.describe()
        await console.keys_answer()
        outcome = await console.ticket_settled(await console.place_order(console.resting_buy_price()))
        assert outcome.startswith("REFUSED"), outcome
        client = console.app.session.client
        assert client is not None
        sent = client.rate.used_weight_1m
        until = await blocked_until(console)
        for _ in range(3):
            await console.step()
            assert_marks_tell_the_truth(console)
        assert console.panes_where(lambda mark: mark.stale) == list(PANES), console.describe()
        await console.jump(until - PERIOD_MS - console.clock.now_ms())  # the rest of the wait at once
        await console.idle()
        assert_marks_tell_the_truth(console)
        assert client.rate.used_weight_1m == sent, "nothing may be sent before Retry-After"
        await assert_recovers_within_two_periods(console)  # Retry-After has passed: the fault is over
        await assert_orders_agree(console)


async def test_a_418_ban(tmp_path: Path) -> None:
    # The ban outlasts the neighbour's spent minute, so what ends it is the ban's Retry-After.
    app = make_fault_app(tmp_path, weight_per_minute=2_000, ban_seconds=90, ban_after_strikes=2)
    async with app.run_test(size=app.size_for_tests) as pilot:
        console = Console(pilot)
        await console.start()
        spend_the_ip_weight(console, keep_going_after_429=5)  # it keeps sending: the IP is banned
        await console.step()
        assert console.panes.banner.active and "banned" in console.panes.banner.message
        assert console.connection == "banned"
        assert console.panes_where(lambda mark: mark.degraded is not None), console.describe()
        await console.keys_answer()
        outcome = await console.ticket_settled(await console.place_order(console.resting_buy_price()))
        assert outcome.startswith("REFUSED"), outcome
        until = await blocked_until(console)
        assert until - console.clock.now_ms() > 60_000
        for _ in range(3):
            await console.step()
            assert_marks_tell_the_truth(console)
        await console.jump(until - PERIOD_MS - console.clock.now_ms())  # the rest of the ban at once
        await console.idle()
        assert_marks_tell_the_truth(console)
        await assert_recovers_within_two_periods(console)
        await assert_orders_agree(console)


@pytest.mark.parametrize("skew_ms", [10_000, -10_000])
async def test_server_clock_skew(tmp_path: Path, skew_ms: int) -> None:
    """Signed requests are refused with -1021 until the client resyncs: it must, and then nothing is degraded."""
    app = make_fault_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        console = Console(pilot)
        await console.start()
        console.sandbox.set_faults(clock_skew_ms=skew_ms)
        await console.step()
        assert_marks_tell_the_truth(console)
        assert console.panes_where(lambda mark: mark.fresh) == list(PANES), console.describe()
        client = console.app.session.client
        assert client is not None and abs(client.clock.offset_ms - skew_ms) <= 1
        await console.keys_answer()
        outcome = await console.ticket_settled(await console.place_order(console.resting_buy_price()))
        assert outcome.startswith("PLACED"), outcome
        console.sandbox.set_faults(clock_skew_ms=0)
        await assert_recovers_within_two_periods(console)
        assert client.clock.offset_ms == 0
        await assert_orders_agree(console)
        assert len(console.exchange_orders()) == 1  # the -1021 refusal was resent once, not placed twice


async def test_sandbox_stopped_and_restarted(tmp_path: Path) -> None:
    app = make_fault_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        console = Console(pilot)
        await console.start()
        sandbox = console.sandbox
        await asyncio.to_thread(sandbox.stop)
        await assert_all_marked_within_one_period(console)
        assert console.connection == "offline"
        await console.keys_answer()
        outcome = await console.ticket_settled(await console.place_order(console.resting_buy_price()))
        # refused: no connection was made, so the order certainly was not sent (not UNKNOWN)
        refused = f"Not sent: the exchange is unreachable (127.0.0.1:{sandbox.port} refused to connect)"
        assert outcome.startswith(refused), outcome
        await outage(console, LONG_OUTAGE_PERIODS)
        await asyncio.to_thread(sandbox.start)  # the same port, the same exchange state
        await assert_recovers_within_two_periods(console)
        await assert_orders_agree(console, settled_by_the_console=True)
        assert console.exchange_orders() == []  # it never reached the exchange, and was never resent
