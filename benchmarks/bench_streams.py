"""Streams against polling: how soon a change reaches the console, and what it costs in REST weight.

Runs the console's session headless (``jextui.session.Session``, no
Textual) on an in-process sandbox with a living market and default rate
limits, twice: *before* (``streams = false``: everything polled) and
*after* (streams on, the default).  The "screen" here is the session's
sink: where every feed event enters the console's message queue, one
Textual frame before it is painted.

* **event -> sink latency**, from the sandbox's own event time to the event
  arriving at the sink:
  - trades: each new trade id, from its trade time (the second client buys
    a little at the best ask every round, so that there are trades);
  - another client's order placed / cancelled: a second REST client on the
    same account places a resting order far from the market, then cancels
    it; from the order's time (placed) and from the moment the cancel was
    sent (cancelled: an upper bound) to the open-orders event with / without
    it;
  - a balance change: that order locks quote funds; from the order's time
    to the first account event with the new locked amount;
  - the active book's best bid/ask: the second client places a bid one tick
    above the best bid; from the order's time to the first book that holds
    that price (its best bid, unless another bid came above it since).  A
    bid the market filled before the console showed it is left out (counted
    apart: "filled first"); one still resting and never shown within 5 s
    counts as 5 s ("never shown").
* **REST weight per minute** of the console's own client (20 watched
  symbols), and the count of 429 / 418 answers.
* **100 watched symbols**: p95 age of the watchlist prices, as the feed's
  health reports it (what the panes show).

    python benchmarks/bench_streams.py [--rounds 30] [--seconds 60] [--only before|after]
                                       [--no-price-age] [--json FILE]

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
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _pty import ExternalSandbox, isolated_env  # benchmarks/: the script's own folder
from _report import write_json

from jextui.api.client import JexClient
from jextui.api.clock import local_time_ms
from jextui.api.limits import RequestEvent
from jextui.feed.events import AccountUpdate, BookUpdate, FeedEvent, OpenOrdersUpdate, TradesUpdate
from jextui.secret import Secret

ACTIVE = "BTCUSDT"
KEY, SECRET = "benchkey" + "0" * 24, "benchsecret" + "1" * 21
GOALS_MS = {"trades": 250, "order placed": 250, "order cancelled": 250, "balance change": 250, "best bid/ask": 300}
WEIGHT_GOAL = 0.25 * 1200
BOOK_WAIT_S = 5.0
PRICE_AGE_GOAL_MS = 1500


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return float(ordered[max(1, math.ceil(share * len(ordered))) - 1])


def settings_in(
    directory: str, streams: bool, *, base_url: str | None = None, key: str | None = None, secret: str | None = None
) -> Any:
    """The console's settings: demo mode, or ``base_url`` with the key pair as in the environment."""
    from dataclasses import replace

    from jextui.config import Overrides, load_settings

    env = {f"JEXTUI_{name}_DIR": os.path.join(directory, name.lower()) for name in ("CONFIG", "DATA", "LOG")}
    if base_url is None:
        return replace(load_settings(Overrides(demo=True), env), streams=streams)
    env.update(JEX_API_KEY=key or "", JEX_API_SECRET=secret or "")
    return replace(load_settings(Overrides(base_url=base_url), env), streams=streams)


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


@contextlib.asynccontextmanager
async def session_on_sandbox(
    directory: str, streams: bool, sink: Any, seed: int, watched: int, in_process: bool
) -> AsyncIterator[tuple[Any, JexClient, tuple[str, ...]]]:
    """The console's session on a living sandbox, a second client of the same account,
    and the first ``watched`` symbols.  The sandbox runs in its own process (as the demo's
    does: ``jextui/sandbox/child.py``), or with ``in_process`` in a thread of this one."""
    from jextui.sandbox import SandboxConfig
    from jextui.session import Session, SessionOptions

    extra = max(0, watched - 8)
    if in_process:
        config = SandboxConfig(seed=seed, extra_symbols=extra, api_key=KEY, api_secret=SECRET)
        session = Session(
            settings_in(directory, streams),
            sink,
            active_symbol=ACTIVE,
            watchlist=(),
            kline_interval="1m",
            options=SessionOptions(sandbox_config=config, open_journal=False),
        )
        await session.start()
        assert session.sandbox is not None
        other = JexClient(session.sandbox.base_url, KEY, Secret(SECRET))
        try:
            yield session, other, tuple(s.symbol for s in session.sandbox.exchange.spot_symbols)[:watched]
        finally:
            await other.aclose()
            await session.stop()
        return
    with ExternalSandbox(isolated_env(os.environ, directory), cwd=directory, seed=seed, extra_symbols=extra) as sandbox:
        settings = settings_in(directory, streams, base_url=sandbox.base_url, key=sandbox.key, secret=sandbox.secret)
        session = Session(
            settings,
            sink,
            active_symbol=ACTIVE,
            watchlist=(),
            kline_interval="1m",
            options=SessionOptions(open_journal=False),
        )
        await session.start()
        other = JexClient(sandbox.base_url, sandbox.key, Secret(sandbox.secret))
        try:
            info = await other.exchange_info()
            yield session, other, tuple(s.symbol for s in info.spot_symbols)[:watched]
        finally:
            await other.aclose()
            await session.stop()


async def latency_run(streams: bool, rounds: int, watched: int, in_process: bool = False) -> dict[str, Any]:
    watch = Watch()
    requests: list[tuple[int, RequestEvent]] = []
    latencies: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="jextui-bench-") as directory:
        async with session_on_sandbox(directory, streams, watch.sink, 3, watched, in_process) as opened:
            session, other, symbols = opened
            assert session.client is not None
            session.set_watchlist(symbols)
            session.client._on_event = lambda e: requests.append((local_time_ms(), e))
            await asyncio.sleep(8)  # warm-up: streams live, first snapshots in
            watch.trade_latency.clear()
            first_request = len(requests)
            started = time.monotonic()
            for _ in range(rounds):
                await one_round(session, other, watch, latencies)
            elapsed_min = (time.monotonic() - started) / 60
            measured = requests[first_request:]
    latencies["trades"] = watch.trade_latency
    weight = sum(e.weight for _, e in measured)
    limited = sum(1 for _, e in measured if e.status in (418, 429))
    by_path: dict[str, float] = defaultdict(float)
    for _, e in measured:
        by_path[e.path.split("?")[0]] += e.weight / max(elapsed_min, 1e-9)
    return {
        "latency": dict(latencies),
        "weight_per_min": weight / max(elapsed_min, 1e-9),
        "weight_per_min_by_path": dict(by_path),
        "limited": limited,
        "minutes": elapsed_min,
    }


async def one_round(session: Any, other: JexClient, watch: Watch, latencies: dict[str, list[float]]) -> None:
    depth = await other.depth(ACTIVE, 5)
    best_bid = depth.bids[0].price
    tick = Decimal("0.01")
    # A resting order far below the market: placed, balance locked, cancelled.
    price = (best_bid * Decimal("0.5")).quantize(tick)
    placed_at: dict[str, int] = {}
    appear = watch.wait(
        lambda e: (
            isinstance(e, OpenOrdersUpdate)
            and e.symbol == ACTIVE
            and "oid" in placed_at
            and holds(e.orders, placed_at["oid"])
        )
    )
    locked_before = await _usdt_locked(other)
    balance = watch.wait(lambda e: isinstance(e, AccountUpdate) and _locked(e) not in (None, locked_before))
    answer = await other.new_order(ACTIVE, "BUY", Decimal("0.01"), price, type="LIMIT", time_in_force="GTC")
    placed_at["oid"] = int(answer.order_id)
    order_time = int(getattr(answer, "transact_time", 0) or local_time_ms())
    for name, future in (("order placed", appear), ("balance change", balance)):
        at = await _at(future)
        if at is not None:
            latencies[name].append(at - order_time)
    gone = watch.wait(
        lambda e: isinstance(e, OpenOrdersUpdate) and e.symbol == ACTIVE and not holds(e.orders, placed_at["oid"])
    )
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
        # Shown: the book holds the new level (the best bid then, unless someone bid higher since).
        moved = watch.wait(
            lambda e: (
                isinstance(e, BookUpdate)
                and e.symbol == ACTIVE
                and any(level.price == better for level in e.depth.bids)
            )
        )
        answer = await other.new_order(ACTIVE, "BUY", Decimal("0.01"), better, type="LIMIT", time_in_force="GTC")
        order_time = int(getattr(answer, "transact_time", 0) or local_time_ms())
        at = await _at(moved, BOOK_WAIT_S)
        left_at = await _cancelled_or_filled_at(other, int(answer.order_id))
        if left_at is not None and (at is None or left_at < at):
            # Filled before the console showed it: whatever showed that price later was
            # another order, and a bid that never stood cannot be late.  Counted apart.
            latencies["best bid/ask: filled first"].append(0)
        elif at is None:  # still resting and never shown: counted at the wait's end
            latencies["best bid/ask"].append(BOOK_WAIT_S * 1000)
            latencies["best bid/ask: not shown"].append(0)
        else:
            latencies["best bid/ask"].append(at - order_time)
    # A trade of its own (the market alone may trade rarely): a small IOC buy at the best ask.
    depth = await other.depth(ACTIVE, 5)
    if depth.asks:
        with contextlib.suppress(Exception):  # the ask moved away: no trade this round
            await other.new_order(
                ACTIVE, "BUY", Decimal("0.001"), depth.asks[0].price, type="LIMIT", time_in_force="IOC"
            )
    await asyncio.sleep(0.3)


async def _cancelled_or_filled_at(client: JexClient, order_id: int) -> int | None:
    """Cancel the order; None when it was still resting, else when it filled (exchange time)."""
    try:
        await client.cancel_order(ACTIVE, order_id)
        return None
    except Exception:
        try:
            return int((await client.get_order(ACTIVE, order_id)).update_time)
        except Exception:
            return 0  # unknown: treated as filled at once


def holds(orders: Any, order_id: int) -> bool:
    return any(int(o.order_id) == order_id for o in orders)


async def _usdt_locked(client: JexClient) -> Decimal | None:
    account = await client.account()
    return next((b.locked for b in account.spot_balances if b.asset == "USDT"), None)


def _locked(event: AccountUpdate) -> Decimal | None:
    return next((b.locked for b in event.account.spot_balances if b.asset == "USDT"), None)


async def price_age_run(streams: bool, watched: int, seconds: float, in_process: bool = False) -> list[float]:
    """p95 of the watchlist prices' age as the feed's health reports it."""
    ages: list[float] = []
    with tempfile.TemporaryDirectory(prefix="jextui-bench-") as directory:
        async with session_on_sandbox(directory, streams, lambda _e: None, 5, watched, in_process) as opened:
            session, _other, symbols = opened
            session.set_watchlist(symbols)
            await asyncio.sleep(8)
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                await asyncio.sleep(0.1)
                health = session.feed_health().get("prices")
                age = health.age_ms(session.now_ms()) if health else None
                if age is not None:
                    ages.append(age)
    return ages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--only", choices=("before", "after"), help="run one of the two (default: both)")
    parser.add_argument("--no-price-age", action="store_true", help="skip the 100-symbol price age runs")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the sandbox in a thread of this process (default: its own process, as the demo)",
    )
    parser.add_argument("--json")
    args = parser.parse_args()
    load = os.getloadavg()
    results: dict[str, Any] = {"load_average": load}
    for label, streams in (("before", False), ("after", True)):
        if args.only not in (None, label):
            results[label] = {"latency": {}, "weight_per_min": math.nan, "limited": 0, "price_age_100": []}
            continue
        results[label] = asyncio.run(latency_run(streams, args.rounds, 20, args.in_process))
        price_ages = (
            [] if args.no_price_age else asyncio.run(price_age_run(streams, 100, args.seconds, args.in_process))
        )
        results[label]["price_age_100"] = price_ages
    results["load_average_end"] = os.getloadavg()
    print(
        f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"at end {results['load_average_end'][0]:.2f} (2 cores)"
    )
    print(f"{'figure':<34}{'before (polling)':>18}{'after (streams)':>18}{'goal':>10}")
    for name, goal in GOALS_MS.items():
        row = []
        for label in ("before", "after"):
            values = results[label]["latency"].get(name, [])
            row.append(f"{percentile(values, 0.5):.0f}/{percentile(values, 0.95):.0f} ({len(values)})")
        print(f"{name + ' p50/p95 ms (n)':<34}{row[0]:>18}{row[1]:>18}{'<= ' + str(goal):>10}")
    apart = []
    for label in ("before", "after"):
        found = results[label]["latency"]
        filled, unseen = (len(found.get(f"best bid/ask: {why}", [])) for why in ("filled first", "not shown"))
        apart.append(f"{filled} / {unseen}")
    print(f"{'  bid filled first / never shown':<34}{apart[0]:>18}{apart[1]:>18}")
    weights = [f"{results[label]['weight_per_min']:.0f}" for label in ("before", "after")]
    print(f"{'REST weight/min, 20 symbols':<34}{weights[0]:>18}{weights[1]:>18}{'<= 300':>10}")
    for label in ("before", "after"):
        paths = results[label].get("weight_per_min_by_path") or {}
        spent = ", ".join(
            f"{path.rsplit('/', 1)[-1]} {rate:.0f}" for path, rate in sorted(paths.items(), key=lambda item: -item[1])
        )
        if spent:
            print(f"  weight/min {label}: {spent}")
    limited = [str(results[label]["limited"]) for label in ("before", "after")]
    print(f"{'429/418 answers':<34}{limited[0]:>18}{limited[1]:>18}{'0':>10}")
    ages = [f"{percentile(results[label]['price_age_100'], 0.95):.0f}" for label in ("before", "after")]
    print(f"{'100 symbols price age p95 ms':<34}{ages[0]:>18}{ages[1]:>18}{'<= 1500':>10}")
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
