"""After a fault clears, every pane's feed is refreshed within two of its periods.

Found by the fault matrix; here on the feed alone, on virtual time:

* after a long outage (every request fails: the exchange is down, drops the
  connection, or answers 5xx) the feeds' retry back-off has grown to its cap,
  yet the exchange is probed as often as the fastest pane wants data, and the
  first answer brings every feed back at once;
* a retry planned while the budget was stretched by another program's burst
  follows the plan once the burst is forgotten (a 418 ban must not leave
  panes waiting two minutes after it ends);
* an answer that is not valid JSON (cut short, garbled by a proxy) is a
  passing fault, retried like a 5xx, not like a wrong shape (60 s);
* backing off still means sending less during an outage than in normal times.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from support.feed_fakes import FakeClient, FakeClock

from jextui.api.errors import ConnectionFailed, DecodeError
from jextui.feed import FeedWorker
from jextui.feed.scheduler import PANE_KINDS, FeedKind, FeedScheduler, Request

T0 = 1_700_000_000_000
PERIODS = {
    "book": 1.0,
    "trades": 1.0,
    "klines": 2.0,
    "open_orders": 5.0,
    "account": 5.0,
    "prices": 1.0,
    "book_tickers": 2.0,
    "tickers": 10.0,
    "sparklines": 60.0,
}
STEP_MS = 50


def make_scheduler(weight_limit: int = 1200) -> FeedScheduler:
    scheduler = FeedScheduler(PERIODS, weight_limit=weight_limit)
    scheduler.set_credentials(api_key=True, signed=True)
    scheduler.set_active_symbol("BTCUSDT")
    scheduler.set_watchlist(["BTCUSDT", "ETHUSDT", "LTCBTC"])
    return scheduler


Outcome = Callable[[Request, int], bool]


def simulate(scheduler: FeedScheduler, start: int, end: int, ok: Outcome) -> list[tuple[int, Request, bool]]:
    """Run the scheduler from ``start`` to ``end`` in 50 ms steps; every request answers at once."""
    log = []
    now = start
    while now < end:
        for request in scheduler.due(now):
            answered = ok(request, now)
            scheduler.finished(request, now, ok=answered)
            log.append((now, request, answered))
        now += STEP_MS
    return log


def active_pane_kinds(scheduler: FeedScheduler) -> list[FeedKind]:
    return [kind for kind in FeedKind if kind in PANE_KINDS and scheduler.is_active(kind)]


def test_after_a_long_outage_every_feed_is_back_within_two_periods() -> None:
    # The worst moment for the exchange to come back: just after a retry of the book.
    down_until_40s = simulate(make_scheduler(), T0, T0 + 40_000, lambda request, now: now < T0 + 1000)
    back_at = max(now for now, request, _ in down_until_40s if request.kind is FeedKind.BOOK) + STEP_MS
    scheduler = make_scheduler()
    log = simulate(scheduler, T0, back_at + 125_000, lambda request, now: now < T0 + 1000 or now >= back_at)
    for kind in active_pane_kinds(scheduler):
        first = min(now for now, request, answered in log if request.kind is kind and answered and now >= back_at)
        period_ms = PERIODS[kind.value] * 1000
        assert first - back_at <= 2 * period_ms, f"{kind.value} came back {first - back_at} ms after the exchange"


def test_an_outage_still_sends_much_less_than_normal_times() -> None:
    normal = simulate(make_scheduler(), T0, T0 + 60_000, lambda request, now: True)
    down = simulate(make_scheduler(), T0, T0 + 60_000, lambda request, now: now < T0 + 1000)
    assert len(down) < len(normal) / 2, (len(down), len(normal))


def test_a_retry_planned_under_a_stretched_budget_follows_the_plan_once_it_relaxes() -> None:
    scheduler = make_scheduler(weight_limit=2000)
    simulate(scheduler, T0, T0 + 2000, lambda request, now: True)
    sent = scheduler.due(T0 + 2000)
    assert {request.kind for request in sent} >= {FeedKind.BOOK, FeedKind.TRADES, FeedKind.KLINES}
    # The first answer says another program on the IP spent the minute's weight
    # and the IP is banned: every request of this round failed with a 418.
    ban_ends = T0 + 90_000
    scheduler.observe_rate(
        used_weight_1m=1990, at_ms=T0 + 2000, weight_limit=2000, blocked_until_ms=ban_ends, block_reason="418"
    )
    assert scheduler.plan(T0 + 2000).feed("klines").stretched  # type: ignore[union-attr]
    for request in sent:
        scheduler.finished(request, T0 + 2000, ok=False)
    log = simulate(scheduler, T0 + 2000, T0 + 130_000, lambda request, now: True)
    assert all(now >= ban_ends for now, _, _ in log)
    for kind in (FeedKind.BOOK, FeedKind.TRADES, FeedKind.KLINES):
        first = min(now for now, request, _ in log if request.kind is kind)
        assert first - ban_ends <= 2 * PERIODS[kind.value] * 1000, f"{kind.value} waited {first - ban_ends} ms"


async def depth_calls_after_repair(error: Exception) -> list[int]:
    """The feed worker on a fake exchange whose depth answers fail with ``error`` for
    5 s, then are fine: when (ms after the repair) the book was asked for again."""
    clock = FakeClock(T0)
    client = FakeClient(clock, api_key=True, signed=True)
    client.fail["depth"] = error
    worker = FeedWorker(
        client,
        lambda event: None,
        periods=PERIODS,
        now_ms=clock.now_ms,
        sleep=clock.sleep,
        active_symbol="BTCUSDT",
        watchlist=["BTCUSDT"],
    )
    task = asyncio.create_task(worker.run())
    try:
        await run_until(clock, T0 + 5_000)
        del client.fail["depth"]
        repaired = clock.now
        await run_until(clock, repaired + 70_000)
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=5)
    return [at - repaired for at, _ in client.called("depth") if at >= repaired]


async def run_until(clock: FakeClock, target_ms: int) -> None:
    spins = 0
    while clock.now < target_ms:
        await asyncio.sleep(0)
        spins += 1
        assert spins < 2_000_000, "the worker stopped making progress"


async def test_an_answer_that_is_not_json_is_retried_like_a_passing_fault() -> None:
    garbled = DecodeError(endpoint="/api/v1/spot/depth", field=None, detail="not valid JSON (truncated)")
    after = await depth_calls_after_repair(garbled)
    assert after and after[0] <= 2 * 1000, after[:3]


async def test_a_dropped_connection_is_retried_like_a_passing_fault() -> None:
    dropped = ConnectionFailed("/api/v1/spot/depth: the connection was dropped", endpoint="/api/v1/spot/depth")
    after = await depth_calls_after_repair(dropped)
    assert after and after[0] <= 2 * 1000, after[:3]


async def test_an_answer_of_the_wrong_shape_still_waits_a_minute() -> None:
    wrong = DecodeError(endpoint="/api/v1/spot/depth", field="$.bids", detail="Expected `array`, got `str`")
    after = await depth_calls_after_repair(wrong)
    assert after and after[0] > 30_000, after[:3]
