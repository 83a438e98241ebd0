"""Freshness against the weight budget: how old is what the panes show?

Runs the console's feed layer headless, wired exactly as
``jextui.session.Session.start`` wires it in demo mode: an in-process
``SandboxServer`` (living market, default rate limits: 1200 weight/min,
5000 raw requests / 5 min), a ``JexClient`` with the demo key, and a
``FeedWorker`` with the default settings (refresh periods and weight share of
a fresh config).  The watchlist holds 20 symbols (the sandbox's 8 plus 12
synthetic ones) and one of them (BTCUSDT) is active; every pane is visible.

Every 100 ms (after a warm-up) it samples the age of the data each pane
would show: now - the time the answer it comes from was received (the
worker's clock).  For the watchlist prices that is, per symbol, the newest of
the price ticker and the 24 h ticker (both update the price cell).  Every
HTTP request is recorded (status and weight) to count 429/418 answers and the
weight used in each full minute of the server's window.

    python benchmarks/bench_freshness.py [--minutes 10] [--warmup 10] [--json FILE]

Goals (issue 7): active book p95 age <= 600 ms; used weight <= 80 % of the
limit in every minute; zero 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from _report import write_json  # benchmarks/: the script's own folder

from jextui.api.client import JexClient
from jextui.api.limits import RequestEvent
from jextui.feed.events import (
    AccountUpdate,
    BookTickersUpdate,
    BookUpdate,
    FeedEvent,
    FeedFailed,
    KlinesUpdate,
    OpenOrdersUpdate,
    PricesUpdate,
    SparklineUpdate,
    TickersUpdate,
    TradesUpdate,
)
from jextui.feed.worker import FeedWorker
from jextui.secret import Secret

ACTIVE = "BTCUSDT"
WATCHED = 20
SAMPLE_MS = 100
GOAL_BOOK_P95_MS = 600
GOAL_WEIGHT_SHARE = 0.8
MINUTE_MS = 60_000

# Rows of the age table: (label, feed name, per-symbol?)
FEEDS: tuple[tuple[str, str], ...] = (
    ("active order book", "book"),
    ("active trades", "trades"),
    ("watchlist prices", "watch_prices"),
    ("active klines", "klines"),
    ("open orders", "open_orders"),
    ("balances", "account"),
    ("best bid/ask (grid)", "book_tickers"),
    ("24 h stats", "tickers"),
    ("sparklines", "sparklines"),
)


@dataclass
class Recorder:
    """What the panes would hold: the receive time of each feed's latest data."""

    symbols: tuple[str, ...]
    received: dict[str, int] = field(default_factory=dict)  # single-valued feeds
    received_by_symbol: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    updates: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    requests: list[tuple[int, RequestEvent]] = field(default_factory=list)

    def on_event(self, event: FeedEvent) -> None:
        at = event.received_ms
        if isinstance(event, BookUpdate) and event.symbol == ACTIVE:
            self._single("book", at)
        elif isinstance(event, TradesUpdate) and event.symbol == ACTIVE:
            self._single("trades", at)
        elif isinstance(event, KlinesUpdate) and event.symbol == ACTIVE:
            self._single("klines", at)
        elif isinstance(event, OpenOrdersUpdate) and event.symbol == ACTIVE:
            self._single("open_orders", at)
        elif isinstance(event, AccountUpdate):
            self._single("account", at)
        elif isinstance(event, PricesUpdate):
            self._many(("prices", "watch_prices"), event.prices, at)
        elif isinstance(event, TickersUpdate):
            self._many(("tickers", "watch_prices"), event.tickers, at)
        elif isinstance(event, BookTickersUpdate):
            self._many(("book_tickers",), event.book_tickers, at)
        elif isinstance(event, SparklineUpdate):
            self._many(("sparklines",), (event.symbol,), at)
        elif isinstance(event, FeedFailed):
            self.failures[f"{event.kind}: {type(event.error).__name__}"] += 1

    def _single(self, feed: str, at: int) -> None:
        self.received[feed] = at
        self.updates[feed] += 1

    def _many(self, feeds: tuple[str, ...], symbols: Any, at: int) -> None:
        self.updates[feeds[0]] += 1
        for feed in feeds:
            for symbol in symbols:
                self.received_by_symbol[feed][symbol] = at

    def on_request(self, event: RequestEvent) -> None:
        self.requests.append((int(time.time() * 1000), event))

    def ages(self, now_ms: int) -> dict[str, list[int]]:
        """Every pane's age now (one value per symbol for per-symbol feeds)."""
        ages: dict[str, list[int]] = {}
        for _, feed in FEEDS:
            if feed in self.received:
                ages[feed] = [now_ms - self.received[feed]]
            elif feed in self.received_by_symbol:
                known = self.received_by_symbol[feed]
                ages[feed] = [now_ms - known[s] for s in self.symbols if s in known]
        return ages


def default_settings(directory: str) -> Any:
    """The settings of a fresh install in demo mode (no config file)."""
    from jextui.config import Overrides, load_settings

    env = {f"JEXTUI_{name}_DIR": os.path.join(directory, name.lower()) for name in ("CONFIG", "DATA", "LOG")}
    return load_settings(Overrides(demo=True), env)


def percentile(values: list[int] | list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(share * len(ordered)))
    return float(ordered[rank - 1])


async def run(minutes: float, warmup_s: float, watched: int) -> dict[str, Any]:
    from jextui.sandbox import SandboxConfig, SandboxServer

    with tempfile.TemporaryDirectory(prefix="jextui-bench-") as directory:
        settings = default_settings(directory)
    key, secret = "benchkey" + "0" * 24, "benchsecret" + "1" * 21
    config = SandboxConfig(seed=1, extra_symbols=max(0, watched - 8), api_key=key, api_secret=secret)
    server = SandboxServer(config)
    await asyncio.to_thread(server.start)
    symbols = tuple(spec.symbol for spec in server.exchange.spot_symbols)[:watched]
    recorder = Recorder(symbols)
    client = JexClient(
        server.base_url, key, Secret(secret), allow_insecure=settings.allow_insecure_http, on_event=recorder.on_request
    )
    worker = FeedWorker(
        client,
        recorder.on_event,
        periods=settings.refresh.as_mapping(),
        weight_share=settings.weight_share,
        now_ms=client.clock.local_ms,
        active_symbol=ACTIVE,
        watchlist=symbols,
        kline_interval="1m",
    )
    task = asyncio.create_task(worker.run())
    samples: dict[str, list[int]] = defaultdict(list)
    try:
        await asyncio.sleep(warmup_s)
        started_ms = client.clock.local_ms()
        first_request = len(recorder.requests)
        updates_before = Counter(recorder.updates)
        end = time.monotonic() + minutes * 60
        next_progress = time.monotonic() + 60
        while time.monotonic() < end:
            await asyncio.sleep(SAMPLE_MS / 1000)
            for feed, ages in recorder.ages(client.clock.local_ms()).items():
                samples[feed].extend(ages)
            if time.monotonic() >= next_progress:
                next_progress += 60
                print(f"  … {(time.monotonic() - end) / -60:.1f} min left", file=sys.stderr, flush=True)
        ended_ms = client.clock.local_ms()
        plan = worker.plan
    finally:
        worker.stop()
        await asyncio.wait_for(task, 10)
        await client.aclose()
        await asyncio.to_thread(server.close)
    measured = recorder.requests[first_request:]
    updates = {feed: count - updates_before[feed] for feed, count in recorder.updates.items()}
    return analyse(samples, measured, updates, plan, started_ms, ended_ms, recorder.failures, symbols)


def analyse(
    samples: dict[str, list[int]],
    requests: list[tuple[int, RequestEvent]],
    updates: dict[str, int],
    plan: Any,
    started_ms: int,
    ended_ms: int,
    failures: Counter[str],
    symbols: tuple[str, ...],
) -> dict[str, Any]:
    window_min = (ended_ms - started_ms) / MINUTE_MS
    ages = {
        feed: {
            "p50": percentile(values, 0.5),
            "p95": percentile(values, 0.95),
            "max": float(max(values)),
            "samples": len(values),
        }
        for feed, values in samples.items()
        if values
    }
    # Weight per full minute of the server's window (its calendar minutes): the
    # largest X-MBX-USED-WEIGHT-1M it answered in that minute is its count at
    # the minute's end; our own sum of request weights is kept as a check.
    own_weight: Counter[int] = Counter()
    server_weight: dict[int, int] = {}
    raw_per_minute: Counter[int] = Counter()
    statuses: Counter[str] = Counter()
    for at_ms, event in requests:
        statuses[str(event.status)] += 1
        minute = at_ms // MINUTE_MS
        raw_per_minute[minute] += 1
        if event.status not in (None, 418, 429):
            own_weight[minute] += event.weight
        if event.used_weight_1m is not None:
            server_weight[minute] = max(server_weight.get(minute, 0), event.used_weight_1m)
    full = sorted(m for m in raw_per_minute if started_ms <= m * MINUTE_MS and (m + 1) * MINUTE_MS <= ended_ms)
    if not full:  # a run shorter than one whole minute: the rate over the window
        full_rate = round(sum(own_weight.values()) / max(window_min, 1e-9))
        weights, own, raw = [full_rate], [full_rate], [round(len(requests) / max(window_min, 1e-9))]
    else:
        weights = [server_weight.get(m, own_weight[m]) for m in full]
        own = [own_weight[m] for m in full]
        raw = [raw_per_minute[m] for m in full]
    feeds = [
        {
            "feed": f.kind.value,
            "weight_per_cycle": f.weight_per_cycle,
            "requests_per_cycle": f.requests_per_cycle,
            "desired_period_s": f.desired_period_s,
            "effective_period_s": f.effective_period_s,
            "planned_weight_1m": f.weight_per_minute,
        }
        for f in plan.feeds
    ]
    return {
        "window_min": window_min,
        "full_minutes": len(full),
        "symbols": list(symbols),
        "ages": ages,
        "updates": updates,
        "weight_per_minute": weights,
        "own_weight_per_minute": own,
        "raw_requests_per_minute": raw,
        "requests": len(requests),
        "statuses": dict(statuses),
        "failures": dict(failures),
        "weight_limit": plan.weight_limit,
        "budget_1m": plan.budget_1m,
        "planned_weight_1m": plan.planned_weight_1m,
        "feeds": feeds,
    }


# --- output ---------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:,.0f}"


def budget_figures(result: dict[str, Any]) -> dict[str, float]:
    """The best refresh the budget allows, and how close the feed comes to it."""
    budget = result["budget_1m"]
    used = statistics.mean(result["weight_per_minute"])
    book = next(f for f in result["feeds"] if f["feed"] == "book")
    book_weight = book["weight_per_cycle"] / max(book["requests_per_cycle"], 1)
    book_polls_per_s = result["updates"].get("book", 0) / (result["window_min"] * 60)
    others = used - book_polls_per_s * 60 * book_weight
    best_book_per_s = max(0.0, budget - others) / book_weight / 60
    return {
        "budget": budget,
        "used_mean": used,
        "used_max": max(result["weight_per_minute"]),
        "all_feeds_factor": budget / used if used else math.inf,
        "book_per_s": book_polls_per_s,
        "best_book_per_s": best_book_per_s,
        "book_ratio": book_polls_per_s / best_book_per_s if best_book_per_s else math.nan,
    }


def print_report(result: dict[str, Any], warmup_s: float) -> dict[str, Any]:
    symbols = result["symbols"]
    print(
        f"Freshness on the sandbox: active {ACTIVE}, {len(symbols)} watched symbols, default settings, "
        f"{result['window_min']:.1f} min after a {warmup_s:g} s warm-up, sampled every {SAMPLE_MS} ms"
    )
    print()
    print(
        f"{'pane data':<22}{'feed period':>12}{'updates/s':>11}{'age p50 ms':>12}{'age p95 ms':>12}{'age max ms':>12}"
    )
    print("-" * 81)
    periods = {f["feed"]: f["effective_period_s"] for f in result["feeds"]}
    periods["watch_prices"] = periods.get("prices", math.nan)
    for label, feed in FEEDS:
        age = result["ages"].get(feed)
        if age is None:
            continue
        rate = result["updates"].get(feed if feed != "watch_prices" else "prices", 0) / (result["window_min"] * 60)
        period = periods.get(feed, math.nan)
        print(
            f"{label:<22}{period:>11.1f}s{rate:>11.2f}{_ms(age['p50']):>12}{_ms(age['p95']):>12}{_ms(age['max']):>12}"
        )
    print("(watchlist prices: per symbol, the newer of the price ticker and the 24 h ticker)")
    print()
    figures = budget_figures(result)
    limit = result["weight_limit"]
    statuses = result["statuses"]
    rate_limited = statuses.get("429", 0) + statuses.get("418", 0)
    print(f"{'budget':<46}{'value':>14}")
    print("-" * 60)
    rows = [
        ("weight limit / budget (80 %) per minute", f"{limit} / {figures['budget']}"),
        ("planned weight per minute (feed plan)", f"{result['planned_weight_1m']:.0f}"),
        (
            f"used weight per minute, mean / max ({result['full_minutes']} min)",
            f"{figures['used_mean']:.0f} / {figures['used_max']}",
        ),
        ("own count of request weights, max", f"{max(result['own_weight_per_minute'])}"),
        ("used weight, max share of the limit", f"{figures['used_max'] / limit:.0%}"),
        ("raw requests per min, max (5000 per 5 min)", f"{max(result['raw_requests_per_minute'] or [0])}"),
        ("requests / 429 / 418 answers", f"{result['requests']} / {statuses.get('429', 0)} / {statuses.get('418', 0)}"),
        ("best refresh, all feeds (budget / used)", f"{figures['all_feeds_factor']:.2f}x today's"),
        ("active book refreshes per second", f"{figures['book_per_s']:.2f}"),
        ("best book refresh within the budget", f"{figures['best_book_per_s']:.2f}/s"),
        ("ratio reached (book)", f"{figures['book_ratio']:.0%}"),
    ]
    for name, value in rows:
        print(f"{name:<46}{value:>14}")
    if result["failures"]:
        print("\nfailed polls: " + ", ".join(f"{name} x{count}" for name, count in result["failures"].items()))
    print()
    print("best book refresh: the weight budget left after the other feeds' measured use, divided by the")
    print("book's weight per poll; best refresh of all feeds: how many times faster every feed could poll")
    print("before the budget is spent (budget / used weight).")
    book = result["ages"].get("book", {"p95": math.nan})
    goals = [
        ("active book age p95", f"{_ms(book['p95'])} ms", f"<= {GOAL_BOOK_P95_MS} ms", book["p95"] <= GOAL_BOOK_P95_MS),
        (
            "used weight per minute (max)",
            f"{figures['used_max']} ({figures['used_max'] / limit:.0%} of {limit})",
            f"<= {GOAL_WEIGHT_SHARE:.0%} of the limit",
            figures["used_max"] <= GOAL_WEIGHT_SHARE * limit,
        ),
        ("429/418 answers", str(rate_limited), "0", rate_limited == 0),
    ]
    print()
    for name, measured, goal, met in goals:
        print(f"goal: {name} {goal}: {'met' if met else 'NOT met'} ({measured})")
    trades = result["ages"].get("trades", {"p50": math.nan, "p95": math.nan})
    prices = result["ages"].get("watch_prices", {"p50": math.nan, "p95": math.nan})
    metrics = [{"metric": name, "measured": measured, "goal": goal, "met": met} for name, measured, goal, met in goals]
    metrics[1:1] = [
        {
            "metric": "active trades age p50 / p95",
            "measured": f"{_ms(trades['p50'])} / {_ms(trades['p95'])} ms",
            "goal": "report",
            "met": None,
        },
        {
            "metric": "watchlist prices age p50 / p95",
            "measured": f"{_ms(prices['p50'])} / {_ms(prices['p95'])} ms",
            "goal": "report",
            "met": None,
        },
    ]
    metrics.append(
        {
            "metric": "active book refresh vs best the budget allows",
            "measured": f"{figures['book_per_s']:.2f}/s of {figures['best_book_per_s']:.2f}/s "
            f"({figures['book_ratio']:.0%})",
            "goal": "report",
            "met": None,
        }
    )
    return {"benchmark": "freshness", "metrics": metrics, "result": result, "budget": figures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0, help="measured time (default: 10)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds before measuring (default: 10)")
    parser.add_argument("--watched", type=int, default=WATCHED, help=f"watched symbols (default: {WATCHED})")
    parser.add_argument("--json", metavar="FILE", help="also write the key figures as JSON ('-': stdout)")
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.warmup < 0 or not 1 <= args.watched <= 500:
        parser.error("--minutes must be > 0, --warmup >= 0 and --watched between 1 and 500")
    print(f"running the feed for {args.minutes:g} min (+{args.warmup:g} s warm-up)…", file=sys.stderr, flush=True)
    result = asyncio.run(run(args.minutes, args.warmup, args.watched))
    summary = print_report(result, args.warmup)
    if args.json:
        write_json(args.json, summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
