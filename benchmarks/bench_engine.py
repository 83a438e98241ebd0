"""Benchmark of the sandbox exchange core (no HTTP).

Prints a table:

* limit orders matched per second in-process (goal: >= 30,000/s), the median
  of several runs of a random order flow (GTC/IOC/FOK, both sides, prices
  around a drifting mid, 20 accounts; an account at its open-order cap
  cancels its oldest order, and that cancel is timed too);
* the cost of the write-through state file: the same order flow through an
  ``Exchange`` whose every order is committed the way the HTTP layer does
  before it answers, without a state file, with one (SQLite WAL,
  ``synchronous=FULL``, the default) and with ``synchronous=NORMAL``;
* start-up cost of ``Exchange`` with 8 and with 108 symbols: construction
  (books seeded), then the first depth and first klines answers, the first
  24 h ticker of every symbol (which generates a day of history for each),
  and one simulated-market tick.

Run: ``.venv/bin/python benchmarks/bench_engine.py [--orders N] [--runs R] [--durable-orders N]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from jextui.sandbox import store
from jextui.sandbox.clock import FixedClock
from jextui.sandbox.engine import Engine, EngineError
from jextui.sandbox.exchange import Exchange
from jextui.sandbox.symbols import DEFAULT_SYMBOLS

GOAL_ORDERS_PER_SECOND = 30_000
ACCOUNTS = [f"acct{i:02d}" for i in range(20)]


def _order_flow(count: int, seed: int) -> list[tuple[str, str, Decimal, Decimal, str]]:
    """(account, side, price, qty, tif) with prices in whole cents around a drifting mid."""
    rng = random.Random(seed)
    mid = 6_425_000  # cents
    flow = []
    for _ in range(count):
        mid += rng.randint(-3, 3)
        side = "BUY" if rng.random() < 0.5 else "SELL"
        offset = rng.randint(-25, 25)
        price = Decimal(mid + offset).scaleb(-2)
        qty = Decimal(rng.randint(100, 50_000)).scaleb(-6)
        roll = rng.random()
        tif = "GTC" if roll < 0.8 else "IOC" if roll < 0.95 else "FOK"
        flow.append((rng.choice(ACCOUNTS), side, price, qty, tif))
    return flow


def _matching_run(count: int, seed: int) -> tuple[float, int, int]:
    """Orders per second, fills and cancels for one run of ``count`` orders."""
    spec = DEFAULT_SYMBOLS[0]  # BTCUSDT
    engine = Engine([spec], FixedClock(1_700_000_000_000))
    for account in ACCOUNTS:
        engine.add_account(account, {"USDT": Decimal(10) ** 11, "BTC": Decimal(10) ** 7})
    flow = _order_flow(count, seed)
    place, cancel, open_orders = engine.place_order, engine.cancel_order, engine.open_orders
    fills = cancels = 0
    started = time.perf_counter()
    for account, side, price, qty, tif in flow:
        try:
            _, made = place(account, "BTCUSDT", side, price, qty, tif)
        except EngineError as exc:
            if exc.code != -2019:
                raise
            oldest = open_orders(account, "BTCUSDT", limit=1_000)[0]
            cancel(account, "BTCUSDT", oldest.order_id)
            cancels += 1
            _, made = place(account, "BTCUSDT", side, price, qty, tif)
        fills += len(made)
    elapsed = time.perf_counter() - started
    return count / elapsed, fills, cancels


def _durable_run(count: int, seed: int, state: Path | None, synchronous: str = "FULL") -> float:
    """Orders per second through an Exchange, each committed before the next (as before an HTTP answer)."""
    store.SYNCHRONOUS = synchronous
    exchange = Exchange(
        seed=1, clock=FixedClock(1_700_000_000_000), simulate=False, state_path=str(state) if state else None
    )
    engine = exchange.engine
    for account in ACCOUNTS:
        engine.add_account(account, {"USDT": Decimal(10) ** 11, "BTC": Decimal(10) ** 7})
    exchange.commit()
    flow = _order_flow(count, seed)
    place, cancel, open_orders, commit = engine.place_order, engine.cancel_order, engine.open_orders, exchange.commit
    started = time.perf_counter()
    for account, side, price, qty, tif in flow:
        try:
            place(account, "BTCUSDT", side, price, qty, tif)
        except EngineError as exc:
            if exc.code != -2019:
                raise
            cancel(account, "BTCUSDT", open_orders(account, "BTCUSDT", limit=1_000)[0].order_id)
            commit()
            place(account, "BTCUSDT", side, price, qty, tif)
        commit()
    elapsed = time.perf_counter() - started
    exchange.close()
    store.SYNCHRONOUS = "FULL"
    return count / elapsed


def _durability_table(count: int, runs: int) -> None:
    cases: dict[str, list[float]] = {
        "no state file": [],
        "state file, synchronous=FULL (default)": [],
        "state file, synchronous=NORMAL": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(runs):
            cases["no state file"].append(_durable_run(count, seed, None))
            full = _durable_run(count, seed, Path(folder, f"full{seed}.sqlite"), "FULL")
            cases["state file, synchronous=FULL (default)"].append(full)
            cases["state file, synchronous=NORMAL"].append(
                _durable_run(count, seed, Path(folder, f"normal{seed}.sqlite"), "NORMAL")
            )
    base = statistics.median(cases["no state file"])
    print(f"Write-through: {count:,} orders through an Exchange, each committed; median of {runs} runs")
    print(f"{'case':<42}{'orders/s':>12}{'ms/order':>10}{'vs none':>9}")
    for name, rates in cases.items():
        rate = statistics.median(rates)
        print(f"{name:<42}{rate:>12,.0f}{1000 / rate:>10.3f}{rate / base:>9.2f}")
    print()


def _startup(extra_symbols: int) -> dict[str, float]:
    """Seconds for each start-up step of a fresh exchange."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    exchange = Exchange(seed=1, extra_symbols=extra_symbols)
    timings["construct (books seeded)"] = time.perf_counter() - started
    symbol = exchange.spot_symbols[-1].symbol
    step = time.perf_counter()
    exchange.engine.depth(symbol, 60)
    timings["first depth"] = time.perf_counter() - step
    step = time.perf_counter()
    exchange.market.klines(symbol, "1m")
    timings["first klines 1m"] = time.perf_counter() - step
    timings["ready (construct + depth + klines)"] = time.perf_counter() - started
    step = time.perf_counter()
    exchange.market.klines(symbol, "1w")
    timings["first klines 1w"] = time.perf_counter() - step
    step = time.perf_counter()
    exchange.market.tickers_24hr()
    timings["first 24h ticker, all symbols"] = time.perf_counter() - step
    step = time.perf_counter()
    exchange.market.tickers_24hr()
    timings["next 24h ticker, all symbols"] = time.perf_counter() - step
    step = time.perf_counter()
    exchange.tick()
    timings["one market tick"] = time.perf_counter() - step
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000, help="orders per matching run")
    parser.add_argument("--runs", type=int, default=5, help="matching runs (the median is reported)")
    parser.add_argument(
        "--durable-orders", type=int, default=2_000, help="orders per write-through run (0 skips the table)"
    )
    args = parser.parse_args()

    runs = [_matching_run(args.orders, seed) for seed in range(args.runs)]
    rates = [rate for rate, _, _ in runs]
    median = statistics.median(rates)
    print(f"Matching engine: {args.orders:,} limit orders per run, {args.runs} runs")
    print(f"{'run':>5} {'orders/s':>12} {'fills':>9} {'cancels':>9}")
    for index, (rate, fills, cancels) in enumerate(runs, 1):
        print(f"{index:>5} {rate:>12,.0f} {fills:>9,} {cancels:>9,}")
    verdict = "meets" if median >= GOAL_ORDERS_PER_SECOND else "MISSES"
    print(f"{'median':>5} {median:>12,.0f}   ({verdict} the goal of {GOAL_ORDERS_PER_SECOND:,}/s)")
    print()
    if args.durable_orders > 0:
        _durability_table(args.durable_orders, min(args.runs, 3))

    results = {
        count: [_startup(count - len(DEFAULT_SYMBOLS)) for _ in range(3)]
        for count in (len(DEFAULT_SYMBOLS), len(DEFAULT_SYMBOLS) + 100)
    }
    steps = list(results[len(DEFAULT_SYMBOLS)][0])
    print("Exchange start-up (median of 3, milliseconds)")
    print(f"{'step':<36}" + "".join(f"{f'{count} symbols':>14}" for count in results))
    for name in steps:
        cells = "".join(f"{statistics.median(run[name] for run in runs_) * 1000:>14.1f}" for runs_ in results.values())
        print(f"{name:<36}{cells}")


if __name__ == "__main__":
    main()
