"""Streams against polling: how soon a change reaches the console, and what it costs in REST weight.

Runs the console's session headless (``jextui.session.Session``, no
Textual) on an in-process sandbox with a living market and default rate
limits, twice: *before* (``streams = false``: everything polled) and
*after* (streams on, the default).  The "screen" here is the session's
sink: where every feed event enters the console's message queue, one
Textual frame before it is painted.

* **event -> sink latency**, from the sandbox's own event time to the event
  arriving at the sink:
  - trades: each new trade id, from its trade time;
  - another client's order placed / cancelled: a second REST client on the
    same account places a resting order far from the market, then cancels
    it; from the order's time (placed) and from the moment the cancel was
    sent (cancelled: an upper bound) to the open-orders event with / without
    it;
  - a balance change: that order locks quote funds; from the order's time
    to the first account event with the new locked amount;
  - the active book's best bid/ask: the second client places a bid one tick
    above the best bid; from the order's time to the first book whose best
    bid is that price.
* **REST weight per minute** of the console's own client (20 watched
  symbols), and the count of 429 / 418 answers.
* **100 watched symbols**: p95 age of the watchlist prices, as the feed's
  health reports it (what the panes show).

    python benchmarks/bench_streams.py [--rounds 30] [--seconds 60] [--json FILE]

Goals (issue 12): p95 trades / order placed or cancelled / balance <= 250 ms,
best bid/ask <= 300 ms; weight <= 25 % of 1200 with 0 x 429; 100 symbols
price age p95 <= 1.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from _report import write_json  # benchmarks/: the script's own folder

from jextui.api.client import JexClient
from jextui.api.clock import local_time_ms
from jextui.api.limits import RequestEvent
from jextui.api.models import Order
from jextui.feed.events import AccountUpdate, BookUpdate, FeedEvent, OpenOrdersUpdate, TradesUpdate
from jextui.secret import Secret

ACTIVE = "BTCUSDT"
KEY, SECRET = "benchkey" + "0" * 24, "benchsecret" + "1" * 21
GOALS_MS = {"trades": 250, "order placed": 250, "order cancelled": 250, "balance change": 250, "best bid/ask": 300}
WEIGHT_GOAL = 0.25 * 1200
PRICE_AGE_GOAL_MS = 1500


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return float(ordered[max(1, math.ceil(share * len(ordered))) - 1])


def settings_in(directory: str, streams: bool) -> Any:
    from dataclasses import replace

    from jextui.config import Overrides, load_settings

    env = {f"JEXTUI_{name}_DIR": os.path.join(directory, name.lower()) for name in ("CONFIG", "DATA", "LOG")}
    return replace(load_settings(Overrides(demo=True), env), streams=streams)


class Watch:
    """The sink: keeps what arrived, and the latency of what a waiter wants."""

    def __init__(self) -> None:
        self.trade_latency: list[float] = []
        self.seen_trades: set[int] = set()
        self.waiters: list[tuple[Any, asyncio.Future[int]]] = []

    def sink(self, event: FeedEvent) -> None:
        now = local_time_ms()
        if isinstance(event, TradesUpdate) and event.symbol == ACTIVE:
            for trade in event.trades:
                trade_id = getattr(trade, "id", None)
                if trade_id is None or trade_id in self.seen_trades:
                    continue
                first = not self.seen_trades
                self.seen_trades.add(trade_id)
                if not first and now - trade.time < 10_000:  # the first answer is history
                    self.trade_latency.append(now - trade.time)
        for test, future in list(self.waiters):
            try:
                hit = test(event)
            except Exception:
                hit = False
            if hit and not future.done():
                future.set_result(now)
                self.waiters.remove((test, future))

    def wait(self, test: Any) -> asyncio.Future[int]:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.waiters.append((test, future))
        return future


async def _at(future: asyncio.Future[int], timeout: float = 15.0) -> int | None:
    try:
        return await asyncio.wait_for(future, timeout)
    except TimeoutError:
        return None


async def latency_run(streams: bool, rounds: int, watched: int) -> dict[str, Any]:
    from jextui.sandbox import SandboxConfig
    from jextui.session import Session, SessionOptions

    watch = Watch()
    requests: list[tuple[int, RequestEvent]] = []
    config = SandboxConfig(seed=3, extra_symbols=max(0, watched - 8), api_key=KEY, api_secret=SECRET)
    with tempfile.TemporaryDirectory(prefix="jextui-bench-") as directory:
        settings = settings_in(directory, streams)
        session = Session(settings, watch.sink, active_symbol=ACTIVE, watchlist=(), kline_interval="1m",
                          options=SessionOptions(sandbox_config=config, open_journal=False))
        await session.start()
        assert session.client is not None and session.sandbox is not None
        symbols = tuple(s.symbol for s in session.sandbox.exchange.spot_symbols)[:watched]
        session.set_watchlist(symbols)
        session.client._on_event = lambda e: requests.append((local_time_ms(), e))
        other = JexClient(session.sandbox.base_url, KEY, Secret(SECRET))
        latencies: dict[str, list[float]] = defaultdict(list)
        try:
            await asyncio.sleep(8)  # warm-up: streams live, first snapshots in
            watch.trade_latency.clear()
            first_request = len(requests)
            started = time.monotonic()
            for _ in range(rounds):
                await one_round(session, other, watch, latencies)
            elapsed_min = (time.monotonic() - started) / 60
            measured = requests[first_request:]
        finally:
            await other.aclose()
            await session.stop()
    latencies["trades"] = watch.trade_latency
    weight = sum(e.weight for _, e in measured)
    limited = sum(1 for _, e in measured if e.status in (418, 429))
    return {"latency": dict(latencies), "weight_per_min": weight / max(elapsed_min, 1e-9),
            "limited": limited, "minutes": elapsed_min}


async def one_round(session: Any, other: JexClient, watch: Watch, latencies: dict[str, list[float]]) -> None:
    depth = await other.depth(ACTIVE, 5)
    best_bid = depth.bids[0].price
    tick = Decimal("0.01")
    # A resting order far below the market: placed, balance locked, cancelled.
    price = (best_bid * Decimal("0.5")).quantize(tick)

    def holds(orders: Sequence[Order], oid: int) -> bool:
        return any(int(o.order_id) == oid for o in orders)

    placed_at: dict[str, int] = {}
    appear = watch.wait(lambda e: isinstance(e, OpenOrdersUpdate) and e.symbol == ACTIVE
                        and "oid" in placed_at and holds(e.orders, placed_at["oid"]))
    locked_before = await _usdt_locked(other)
    balance = watch.wait(lambda e: isinstance(e, AccountUpdate) and _locked(e) not in (None, locked_before))
    answer = await other.new_order(ACTIVE, "BUY", Decimal("0.01"), price, type="LIMIT", time_in_force="GTC")
    placed_at["oid"] = int(answer.order_id)
    order_time = int(getattr(answer, "transact_time", 0) or local_time_ms())
    for name, future in (("order placed", appear), ("balance change", balance)):
        at = await _at(future)
        if at is not None:
            latencies[name].append(at - order_time)
    gone = watch.wait(lambda e: isinstance(e, OpenOrdersUpdate) and e.symbol == ACTIVE
                      and not holds(e.orders, placed_at["oid"]))
    sent = local_time_ms()
    await other.cancel_order(ACTIVE, placed_at["oid"])
    at = await _at(gone)
    if at is not None:
        latencies["order cancelled"].append(at - sent)
    # A better bid: the active book's best bid moves to it.
    depth = await other.depth(ACTIVE, 5)
    best_bid, best_ask = depth.bids[0].price, depth.asks[0].price
    better = best_bid + tick
    if better < best_ask:
        moved = watch.wait(lambda e: isinstance(e, BookUpdate) and e.symbol == ACTIVE and e.depth.bids
                           and e.depth.bids[0].price == better)
        answer = await other.new_order(ACTIVE, "BUY", Decimal("0.01"), better, type="LIMIT", time_in_force="GTC")
        order_time = int(getattr(answer, "transact_time", 0) or local_time_ms())
        at = await _at(moved, 5)
        if at is not None:
            latencies["best bid/ask"].append(at - order_time)
        with contextlib.suppress(Exception):  # filled meanwhile
            await other.cancel_order(ACTIVE, int(answer.order_id))
    await asyncio.sleep(0.3)


async def _usdt_locked(client: JexClient) -> Decimal | None:
    account = await client.account()
    return next((b.locked for b in account.spot_balances if b.asset == "USDT"), None)


def _locked(event: AccountUpdate) -> Decimal | None:
    return next((b.locked for b in event.account.spot_balances if b.asset == "USDT"), None)


async def price_age_run(streams: bool, watched: int, seconds: float) -> list[float]:
    """p95 of the watchlist prices' age as the feed's health reports it."""
    from jextui.sandbox import SandboxConfig
    from jextui.session import Session, SessionOptions

    config = SandboxConfig(seed=5, extra_symbols=max(0, watched - 8), api_key=KEY, api_secret=SECRET)
    ages: list[float] = []
    with tempfile.TemporaryDirectory(prefix="jextui-bench-") as directory:
        settings = settings_in(directory, streams)
        session = Session(settings, lambda _e: None, active_symbol=ACTIVE, watchlist=(), kline_interval="1m",
                          options=SessionOptions(sandbox_config=config, open_journal=False))
        await session.start()
        assert session.sandbox is not None
        session.set_watchlist(tuple(s.symbol for s in session.sandbox.exchange.spot_symbols)[:watched])
        try:
            await asyncio.sleep(8)
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                await asyncio.sleep(0.1)
                health = session.feed_health().get("prices")
                age = health.age_ms(session.now_ms()) if health else None
                if age is not None:
                    ages.append(age)
        finally:
            await session.stop()
    return ages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--json")
    args = parser.parse_args()
    load = os.getloadavg()
    results: dict[str, Any] = {"load_average": load}
    for label, streams in (("before", False), ("after", True)):
        results[label] = asyncio.run(latency_run(streams, args.rounds, 20))
        results[label]["price_age_100"] = asyncio.run(price_age_run(streams, 100, args.seconds))
    results["load_average_end"] = os.getloadavg()
    print(f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
          f"at end {results['load_average_end'][0]:.2f} (2 cores)")
    print(f"{'figure':<34}{'before (polling)':>18}{'after (streams)':>18}{'goal':>10}")
    for name, goal in GOALS_MS.items():
        row = []
        for label in ("before", "after"):
            values = results[label]["latency"].get(name, [])
            row.append(f"{percentile(values, 0.5):.0f}/{percentile(values, 0.95):.0f} ({len(values)})")
        print(f"{name + ' p50/p95 ms (n)':<34}{row[0]:>18}{row[1]:>18}{'<= ' + str(goal):>10}")
    weights = [f"{results[label]['weight_per_min']:.0f}" for label in ("before", "after")]
    print(f"{'REST weight/min, 20 symbols':<34}{weights[0]:>18}{weights[1]:>18}{'<= 300':>10}")
    limited = [str(results[label]["limited"]) for label in ("before", "after")]
    print(f"{'429/418 answers':<34}{limited[0]:>18}{limited[1]:>18}{'0':>10}")
    ages = [f"{percentile(results[label]['price_age_100'], 0.95):.0f}" for label in ("before", "after")]
    print(f"{'100 symbols price age p95 ms':<34}{ages[0]:>18}{ages[1]:>18}{'<= 1500':>10}")
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
