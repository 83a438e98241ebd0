"""After a fault, panes come back within two refresh periods, and are STALE in time meanwhile.

Real time, a real sandbox, the console's own feed worker and API client with
the DEFAULT refresh periods and the real weight budget (1200 per minute,
80 % of it planned).  Three cases, each once the exchange is healthy again:

* a burst of 5xx answers on the watchlist's endpoint (answers without the
  used-weight header);
* a ban (418) that another program on the same IP brought about;
* 3 s of latency on every request while an order is sent.

Checks, with ``P`` a feed's default period and :data:`SLACK_MS` for one
round trip and a busy test machine:

* every pane feed has new data within ``2 P + SLACK_MS`` of the exchange
  being healthy, and keeps its pace after that (no gap over ``2 P + SLACK_MS``);
* every status the worker sends marks a feed STALE whenever its data is
  older than ``3 P`` (whatever made it late);
* nothing is left stretched: no weight is put down to other programs.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest

from jextui.api.client import JexClient
from jextui.api.clock import local_time_ms
from jextui.feed.events import (
    AccountUpdate,
    BookTickersUpdate,
    BookUpdate,
    KlinesUpdate,
    OpenOrdersUpdate,
    PricesUpdate,
    StatusUpdate,
    TickersUpdate,
    TradesUpdate,
)
from jextui.feed.scheduler import DEFAULT_PERIODS_S
from jextui.feed.worker import FeedWorker
from jextui.trading.journal import OrderJournal, account_identity
from jextui.trading.submit import OrderSubmitter, OutcomeKind
from jextui.trading.ticket import OrderRequest

SYMBOL = "BTCUSDT"
WATCHLIST = ("BTCUSDT", "ETHUSDT", "DASHUSDT")
SLACK_MS = 1_000
#: How long the pace is watched once the panes are back.
WATCH_AFTER_MS = 12_000

EVENT_FEEDS: dict[type, str] = {
    BookUpdate: "book",
    TradesUpdate: "trades",
    KlinesUpdate: "klines",
    OpenOrdersUpdate: "open_orders",
    AccountUpdate: "account",
    PricesUpdate: "prices",
    BookTickersUpdate: "book_tickers",
    TickersUpdate: "tickers",
}
PANE_FEEDS = tuple(EVENT_FEEDS.values())


def period_ms(feed: str) -> int:
    return int(DEFAULT_PERIODS_S[feed] * 1000)  # type: ignore[index]


@dataclass
class Recorder:
    """Every data event's arrival per feed, and every status the worker sent."""

    arrivals: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    statuses: list[StatusUpdate] = field(default_factory=list)

    def __call__(self, event: Any) -> None:
        if isinstance(event, StatusUpdate):
            self.statuses.append(event)
            return
        feed = EVENT_FEEDS.get(type(event))
        if feed is not None:
            self.arrivals[feed].append(local_time_ms())


@dataclass
class Feed:
    client: JexClient
    worker: FeedWorker
    seen: Recorder


@contextlib.asynccontextmanager
async def running_feed(sandbox: Any) -> AsyncIterator[Feed]:
    seen = Recorder()
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as client:
        await client.sync_time()
        worker = FeedWorker(client, seen, active_symbol=SYMBOL, watchlist=WATCHLIST)  # default periods and budget
        task = asyncio.create_task(worker.run())
        try:
            yield Feed(client, worker, seen)
        finally:
            worker.stop()
            await asyncio.wait_for(task, 10)


async def until(condition: Any, timeout_s: float, step_s: float = 0.05) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(step_s)


async def all_panes_have_data(feed: Feed) -> None:
    await until(lambda: all(feed.seen.arrivals[name] for name in PANE_FEEDS), 20)


def assert_back_within_two_periods(feed: Feed, healthy_ms: int, end_ms: int) -> None:
    late = []
    for name in PANE_FEEDS:
        limit = 2 * period_ms(name) + SLACK_MS
        after = [t for t in feed.seen.arrivals[name] if t >= healthy_ms]
        if not after or after[0] - healthy_ms > limit:
            late.append(
                f"{name}: first new data {after[0] - healthy_ms if after else None} ms after healthy (limit {limit})"
            )
            continue
        points = [*after, end_ms]
        gap = max(b - a for a, b in itertools.pairwise(points))
        if gap > limit:
            late.append(f"{name}: a gap of {gap} ms after recovering (limit {limit})")
    assert not late, "; ".join(late)
    plan = feed.worker.plan
    assert not [f.kind for f in plan.feeds if f.stretched], f"still stretched for {plan.external_weight_1m}/min"


def assert_marked_stale_in_time(feed: Feed) -> None:
    unmarked = []
    for status in feed.seen.statuses:
        for name in PANE_FEEDS:
            health = status.health[name]
            age = health.age_ms(status.received_ms)
            if age is not None and age > 3 * period_ms(name) and health.state != "stale":
                unmarked.append(f"{name} {age} ms old shown as {health.state}")
    assert not unmarked, "; ".join(unmarked[:5])


async def test_a_5xx_burst_on_one_endpoint_leaves_the_other_panes_fresh_and_all_recover(make_sandbox) -> None:
    sandbox = make_sandbox()
    async with running_feed(sandbox) as feed:
        await all_panes_have_data(feed)
        await asyncio.sleep(3)
        sandbox.set_faults(error_5xx_rate=0.5, paths=("/api/v1/spot/ticker/price",))
        await asyncio.sleep(20)
        sandbox.set_faults(error_5xx_rate=0.0, paths=())
        healthy = local_time_ms()
        await asyncio.sleep((2 * period_ms("tickers") + SLACK_MS + WATCH_AFTER_MS) / 1000)
        end = local_time_ms()
    assert_back_within_two_periods(feed, healthy, end)
    assert_marked_stale_in_time(feed)
    assert len(feed.seen.arrivals["prices"]) > 10


async def test_after_a_ban_another_program_caused_the_panes_are_back_in_two_periods(make_sandbox) -> None:
    # Put the exchange's clock 45 s into a minute, so that the weight window
    # the other program fills ends soon after the ban (5 s here).
    now = local_time_ms()
    skew = (45_000 - now % 60_000) % 60_000
    sandbox = make_sandbox(ban_seconds=5, clock_skew_ms=skew)
    async with running_feed(sandbox) as feed:
        await all_panes_have_data(feed)
        # Another program on the same IP: all-symbol 24 h tickers (weight 40) until the exchange bans the IP.
        async with httpx.AsyncClient(base_url=sandbox.base_url, timeout=5) as other:
            for _ in range(200):
                answer = await other.get("/api/v1/spot/ticker/24hr")
                if answer.status_code == 418:
                    break
            assert answer.status_code == 418
        exchange_now = sandbox.clock.now_ms()
        window_end_local = local_time_ms() + (60_000 - exchange_now % 60_000)
        banned_until_local = local_time_ms() + int(answer.headers["Retry-After"]) * 1000
        healthy = max(window_end_local, banned_until_local)
        await until(lambda: local_time_ms() >= healthy, 70, step_s=0.2)
        await asyncio.sleep((2 * period_ms("tickers") + SLACK_MS + WATCH_AFTER_MS) / 1000)
        end = local_time_ms()
    assert_back_within_two_periods(feed, healthy, end)
    assert_marked_stale_in_time(feed)
    blocked = [s for s in feed.seen.statuses if s.blocked_until_ms is not None]
    assert blocked, "the worker never saw the ban or the limit"


async def test_panes_recover_after_a_slow_order(make_sandbox, tmp_path) -> None:
    sandbox = make_sandbox()
    async with running_feed(sandbox) as feed:
        await all_panes_have_data(feed)
        await asyncio.sleep(3)
        journal = OrderJournal(
            tmp_path / "journal.sqlite", base_url=feed.client.base_url, account=account_identity(sandbox.api_key)
        )
        book = await feed.client.book_ticker(SYMBOL)
        price = (book.bid_price * Decimal("0.9")).quantize(Decimal("0.01"))
        sandbox.set_faults(latency_ms=3_000)
        outcome = await OrderSubmitter(feed.client, journal).submit(
            OrderRequest(symbol=SYMBOL, side="BUY", price=price, quantity=Decimal("0.001"), time_in_force="GTC")
        )
        assert outcome.kind == OutcomeKind.ACCEPTED, outcome.message
        sandbox.set_faults(latency_ms=0)
        # requests sent just before the fault was cleared still take their 3 s
        healthy = local_time_ms() + 3_000
        await asyncio.sleep((3_000 + 2 * period_ms("tickers") + SLACK_MS + WATCH_AFTER_MS) / 1000)
        end = local_time_ms()
        journal.close()
        others = feed.worker.plan.external_weight_1m
    assert_back_within_two_periods(feed, healthy, end)
    assert_marked_stale_in_time(feed)
    # Nobody else uses this IP: only the few requests this test sends outside the feed (time sync,
    # book ticker, the order) may be put down to others.  Answers overtaking each other under the
    # latency, read as a new server window, used to make it about a hundred.
    assert others < 50, f"{others} weight/min put down to other programs"


@pytest.fixture(autouse=True)
def _loud_failures(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("WARNING", logger="jextui.feed")
