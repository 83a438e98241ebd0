"""Finding every open order on the account: time and weight, against asking every symbol.

An in-process sandbox (its HTTP server in a thread, real requests over the
loopback; quiet market; 8 + 100 symbols, so asking every symbol costs
1 + 5 x 108 = 541 weight) holds resting orders of the demo account, placed
straight into its engine before the clock starts.  Each run starts from an
empty book that already knows exchangeInfo (the console reads it at start
anyway) and times:

* **discovery** (``OrderDiscovery.discover``): from the call to the moment
  the book holds every open order, the whole call, and the weight it spent;
* **every symbol**: the account plus ``openOrders`` for all 108 symbols, four
  at a time (discovery's own concurrency), to the last answer.

Three kinds of account, each with 1, 20 and 300 orders (300: 15 on each of
20 symbols):

* ``journal``: the orders' symbols are in the journal (placed from the
  console); SELLs and BUYs alternate (a single order is a SELL);
* ``elsewhere``: the same orders placed elsewhere, on symbols neither
  watched nor in the journal (a SELL's locked base asset points at its
  symbol; a BUY's locked USDT does not);
* ``buys only``: placed elsewhere, USDT BUYs only: the locked USDT could be
  on any of 104 symbols, so discovery must scan;
* ``unexplained``: SELLs placed elsewhere (each locks its own base asset:
  up to 20 symbols with locked assets), and 12.5 USDT locked that no order
  explains (the account is restored with it, as the sandbox restores
  a saved account): discovery scans every USDT symbol in vain, so it runs
  with the console's start allowance (``DEFAULT_START_ALLOWANCE``), must
  stop within it, and must say "12.5 USDT locked, not in any order found
  yet" (the worst case).

The sandbox's weight limit is raised so that no run waits for the minute to
pass; the weight columns count what each approach spends.

    python benchmarks/bench_open_orders.py [--runs 5] [--json FILE] [--kinds unexplained ...]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import write_json

from jextui.api import JexClient
from jextui.sandbox import SandboxConfig, SandboxServer
from jextui.sandbox.engine_records import AssetBalance
from jextui.trading.account_orders import AccountOrders, symbol_assets_from_info
from jextui.trading.order_discovery import (
    ACCOUNT_WEIGHT,
    DEFAULT_START_ALLOWANCE,
    OPEN_ORDERS_WEIGHT,
    OrderDiscovery,
)

EXTRA_SYMBOLS = 100
WATCHED = ("BTCUSDT", "ETHUSDT", "LTCBTC")
CONCURRENCY = 4
KINDS = ("journal", "elsewhere", "buys only", "unexplained")
UNEXPLAINED = "unexplained"
UNEXPLAINED_USDT = Decimal("12.5")
UNEXPLAINED_LINE = f"{UNEXPLAINED_USDT} USDT locked, not in any order found yet"
OWNER = "bench-trader"  # the account the orders rest on (its own API key)
COUNTS = (1, 20, 300)


def synthetic(n: int) -> str:
    return f"SYM{n:03d}USDT"


def layout(count: int) -> list[tuple[str, int]]:
    """(symbol, orders on it): one symbol for one order, else 20 symbols spread over the listing."""
    if count == 1:
        return [(synthetic(50), 1)]
    per_symbol = count // 20
    return [(synthetic(5 * k), per_symbol) for k in range(1, 21)]


def place(server: SandboxServer, symbol: str, side: str, ticks_away: int) -> int:
    def run(exchange: Any) -> int:
        engine = exchange.engine
        spec = engine.symbols[symbol]
        bid, ask = engine.best_bid_ask(symbol)
        price = bid[0] - ticks_away * spec.tick_size if side == "BUY" else ask[0] + ticks_away * spec.tick_size
        steps = max(1, -(-spec.min_notional * 2 // (price * spec.step_size)))
        qty = max(spec.min_qty, spec.step_size * steps).quantize(spec.qty_exp)
        order, fills = engine.place_order(OWNER, symbol, side, price, qty)
        assert order.is_open and not fills
        return int(order.order_id)

    return int(server.call(run))


@dataclass
class Case:
    kind: str
    count: int
    found_ms: list[float] = field(default_factory=list)
    done_ms: list[float] = field(default_factory=list)
    every_ms: list[float] = field(default_factory=list)
    weight: int = 0
    asked: int = 0
    account_reads: int = 0
    said: list[str] = field(default_factory=list)  # what the book says of unexplained locked funds


def open_owner(server: SandboxServer, unexplained: bool) -> tuple[str, str]:
    """The orders' account and a key for it; ``unexplained``: with 12.5 USDT locked by no order."""

    def restore(exchange: Any) -> None:
        engine = exchange.engine
        balances = engine.balances("demo")  # funded like the demo account
        usdt = balances["USDT"]
        balances["USDT"] = AssetBalance(usdt.free - UNEXPLAINED_USDT, usdt.locked + UNEXPLAINED_USDT)
        maker, taker, overrides, keep_history = engine.account_state("demo")
        engine.restore_account(
            OWNER, balances, maker_fee=maker, taker_fee=taker, fee_overrides=overrides, keep_history=keep_history
        )

    if unexplained:
        server.call(restore)
    return server.add_api_key(OWNER)


async def run_case(case: Case, runs: int) -> None:
    config = SandboxConfig(
        simulate=False,
        seed=7,
        extra_symbols=EXTRA_SYMBOLS,
        weight_per_minute=10_000_000,
        raw_requests_per_5m=10_000_000,
    )
    server = SandboxServer(config).start()
    try:
        key, secret = open_owner(server, case.kind == UNEXPLAINED)
        wanted: set[int] = set()
        journal: list[str] = []
        for k, (symbol, many) in enumerate(layout(case.count)):
            journal.append(symbol)
            for i in range(many):
                side = "BUY" if case.kind == "buys only" or (k + i) % 2 == 1 else "SELL"
                side = "SELL" if case.kind == UNEXPLAINED else side
                wanted.add(place(server, symbol, side, 5 + i))
        async with JexClient(server.base_url, key, secret) as client:
            info = await client.exchange_info()
            symbols = symbol_assets_from_info(info.spot_symbols)
            await client.sync_time()
            for _ in range(runs):
                await discovery_run(case, client, symbols, journal if case.kind == "journal" else [], wanted)
                await every_symbol_run(case, client, list(symbols), wanted)
    finally:
        server.close()


async def discovery_run(case: Case, client: JexClient, symbols: Any, journal: list[str], wanted: set[int]) -> None:
    book = AccountOrders(symbols, journal_symbols=journal, watched_symbols=WATCHED)
    found_at: list[float] = []

    def changed() -> None:
        if not found_at and len(book) == len(wanted) and {o.order_id for o in book.orders} == wanted:
            found_at.append(time.perf_counter())

    discovery = OrderDiscovery(client, book, concurrency=CONCURRENCY, on_change=changed)
    allowance = DEFAULT_START_ALLOWANCE if case.kind == UNEXPLAINED else 10_000
    started = time.perf_counter()
    report = await discovery.discover(allowance=allowance)
    ended = time.perf_counter()
    if not found_at:
        raise SystemExit(f"{case.kind}/{case.count}: discovery did not find every order ({report})")
    if case.kind == UNEXPLAINED:
        case.said = book.unexplained_lines()
        if report.explained or report.weight > allowance or case.said != [UNEXPLAINED_LINE]:
            raise SystemExit(f"{case.kind}/{case.count}: spent {report.weight} of {allowance}, said {case.said}")
    elif not report.explained:
        raise SystemExit(f"{case.kind}/{case.count}: discovery did not explain every locked amount ({report})")
    case.found_ms.append((found_at[0] - started) * 1000)
    case.done_ms.append((ended - started) * 1000)
    case.weight, case.asked, case.account_reads = report.weight, len(report.asked), report.account_reads


async def every_symbol_run(case: Case, client: JexClient, symbols: list[str], wanted: set[int]) -> None:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def ask(symbol: str) -> list[Any]:
        async with gate:
            return await client.open_orders(symbol, limit=500)

    started = time.perf_counter()
    await client.account()
    answers = await asyncio.gather(*(ask(symbol) for symbol in symbols))
    ended = time.perf_counter()
    found = {int(order.order_id) for answer in answers for order in answer}
    if found != wanted:
        raise SystemExit(f"{case.kind}/{case.count}: asking every symbol found {len(found)} of {len(wanted)}")
    case.every_ms.append((ended - started) * 1000)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs of each case (medians are shown)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON ('-': stdout)")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS), help="the accounts to run")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    every_weight = ACCOUNT_WEIGHT + OPEN_ORDERS_WEIGHT * (8 + EXTRA_SYMBOLS)
    cases = [Case(kind, count) for kind in args.kinds for count in COUNTS]
    for case in cases:
        asyncio.run(run_case(case, args.runs))
    print(f"Open-order discovery, in-process sandbox (loopback HTTP), 108 symbols, {args.runs} runs, medians")
    print()
    header = (
        "| account | orders | all found ms | discovery ms | weight | lists | account reads "
        "| every symbol ms | every symbol weight | weight ratio |"
    )
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for case in cases:
        ratio = case.weight / every_weight
        print(
            f"| {case.kind} | {case.count} | {median(case.found_ms):.1f} | {median(case.done_ms):.1f} "
            f"| {case.weight} | {case.asked} | {case.account_reads} | {median(case.every_ms):.1f} "
            f"| {every_weight} | {ratio:.2f} |"
        )
        rows.append(
            {
                "kind": case.kind,
                "orders": case.count,
                "found_ms": median(case.found_ms),
                "discovery_ms": median(case.done_ms),
                "weight": case.weight,
                "lists": case.asked,
                "account_reads": case.account_reads,
                "every_symbol_ms": median(case.every_ms),
                "every_symbol_weight": every_weight,
                "said": case.said,
            }
        )
    print()
    print("weight ratio: discovery's weight / asking every symbol's (lower is better)")
    print(
        f"unexplained: discovery ran with the start allowance of {DEFAULT_START_ALLOWANCE} weight and said: "
        + "; ".join(sorted({line for case in cases for line in case.said}))
    )
    if args.json:
        write_json(
            args.json,
            {
                "runs": args.runs,
                "symbols": 8 + EXTRA_SYMBOLS,
                "cases": rows,
                "python": sys.version.split()[0],
                "decimal": str(Decimal(1)),
            },
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
