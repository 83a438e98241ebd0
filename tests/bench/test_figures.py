"""How the benchmarks turn what they observed into figures (benchmarks/*.py).

The README's performance table is built from these: a wrong age, weight
count or parsed table would print a wrong figure with a confident "yes".
"""

from __future__ import annotations

import os
import sys
import urllib.request
from collections import Counter
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType, SimpleNamespace
from typing import cast

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_freshness as freshness  # noqa: E402
import run_all  # noqa: E402
from _pty import ExternalSandbox, isolated_env  # noqa: E402

from jextui.api.limits import RequestEvent  # noqa: E402
from jextui.api.models import Depth, Ticker24hr  # noqa: E402
from jextui.feed.events import BookUpdate, PricesUpdate, TickersUpdate  # noqa: E402

MINUTE = 60_000


def request(status: int | None, weight: int, used: int | None) -> RequestEvent:
    return RequestEvent("GET", "/api/v1/spot/depth", status, 3, weight, used, None, False)


def test_watchlist_price_age_is_the_newer_of_price_and_ticker() -> None:
    recorder = freshness.Recorder(("BTCUSDT", "ETHUSDT"))
    recorder.on_event(PricesUpdate(MappingProxyType({"BTCUSDT": Decimal(1), "ETHUSDT": Decimal(2)}), received_ms=1_000))
    recorder.on_event(
        TickersUpdate(MappingProxyType({"ETHUSDT": cast(Ticker24hr, SimpleNamespace())}), received_ms=1_600)
    )
    recorder.on_event(BookUpdate("ETHUSDT", cast(Depth, SimpleNamespace()), received_ms=1_700))  # not the active symbol
    ages = recorder.ages(2_000)
    assert sorted(ages["watch_prices"]) == [400, 1_000]
    assert "book" not in ages
    recorder.on_event(BookUpdate(freshness.ACTIVE, cast(Depth, SimpleNamespace()), received_ms=1_900))
    assert recorder.ages(2_000)["book"] == [100]


def test_percentile_is_nearest_rank() -> None:
    values = list(range(1, 101))
    assert freshness.percentile(values, 0.5) == 50
    assert freshness.percentile(values, 0.95) == 95
    assert freshness.percentile([7], 0.95) == 7


def test_weight_per_minute_counts_whole_minutes_of_the_server_window() -> None:
    start = 10 * MINUTE + 30_000  # half-way through a minute: that minute is not counted
    events = [
        (10 * MINUTE + 40_000, request(200, 5, 400)),
        (11 * MINUTE + 1_000, request(200, 1, 1)),
        (11 * MINUTE + 59_000, request(200, 40, 900)),  # the server's count at the minute's end
        (11 * MINUTE + 59_500, request(429, 1, None)),  # refused: no weight
        (12 * MINUTE + 5_000, request(200, 2, 2)),
    ]
    plan = SimpleNamespace(feeds=(), weight_limit=1200, budget_1m=960, planned_weight_1m=855.0)
    result = freshness.analyse(
        {"book": [100, 300, 200]}, events, {"book": 3}, plan, start, 12 * MINUTE + 20_000, Counter(), ("BTCUSDT",)
    )
    assert result["full_minutes"] == 1
    assert result["weight_per_minute"] == [900]
    assert result["own_weight_per_minute"] == [41]
    assert result["statuses"] == {"200": 4, "429": 1}
    assert result["ages"]["book"]["p50"] == 200 and result["ages"]["book"]["max"] == 300


ENGINE_OUTPUT = """Matching engine: 20,000 limit orders per run, 3 runs
  run     orders/s     fills   cancels
    1       75,194    16,554         0
median       75,439   (meets the goal of 30,000/s)
"""

HTTP_OUTPUT = """server                                requests/s   vs bare
----------------------------------------------------------
bare Starlette (fixed JSON bytes)          2,914      1.00
jextui sandbox, quiet book                 2,329      0.80
jextui sandbox, living market              1,111      0.38

goal: sandbox / bare >= 0.5: NOT met (worst ratio 0.38)
"""


def test_tables_of_the_older_scripts_are_read() -> None:
    (engine,) = run_all.parse_engine(ENGINE_OUTPUT)
    assert engine["measured"] == "75,439/s" and engine["met"] is True
    (http,) = run_all.parse_sandbox_http(HTTP_OUTPUT)
    assert http["measured"] == "1,111 vs 2,914 req/s (0.38x)" and http["met"] is False
    (latency,) = run_all.parse_order_latency("keystroke to order: p50 212.4 ms  p95 340.0 ms")
    assert latency["measured"] == "212 / 340 ms" and latency["met"] is False
    assert run_all.parse_engine("Traceback (most recent call last): ...") == []


def test_markdown_table_says_what_was_not_measured() -> None:
    good = run_all.Outcome(
        run_all.BENCHMARKS[0],
        metrics=[
            {"metric": "a | b", "measured": "1 ms", "goal": "<= 2 ms", "met": True},
            {"metric": "c", "measured": "9 ms", "goal": "<= 2 ms", "met": False},
            {"metric": "d", "measured": "3", "goal": "report", "met": None},
        ],
    )
    latency = next(b for b in run_all.BENCHMARKS if b.name == "order_latency")
    missing = run_all.Outcome(latency, problem="bench_order_latency.py is not there")
    host = {
        "cpu": "CPU X",
        "cores": "2",
        "memory": "4.0 GB RAM",
        "os": "Linux",
        "python": "CPython 3.11.7",
        "load": "0.10",
        "jextui": "0.1.0",
        "commit": "abc1234",
        "date": "2026-01-01 00:00 UTC",
    }
    table = run_all.markdown([good, missing], host, quick=False, total_s=120)
    assert "CPU X, 2 cores, 4.0 GB RAM; Linux; CPython 3.11.7" in table
    assert "| a \\| b | 1 ms | <= 2 ms | yes |" in table
    assert "| c | 9 ms | <= 2 ms | **no** |" in table
    assert "| d | 3 | report | — |" in table
    assert "| bench_order_latency.py | not measured: bench_order_latency.py is not there | | — |" in table


def test_external_sandbox_serves_and_stops(tmp_path: Path) -> None:
    env = isolated_env(os.environ, str(tmp_path))
    with ExternalSandbox(env, cwd=str(tmp_path)) as sandbox:
        assert sandbox.base_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{sandbox.base_url}/api/v1/ping", timeout=10) as answer:
            assert answer.status == 200
        console_env = sandbox.console_env({"PATH": "/bin"})
        assert console_env["JEX_API_KEY"] == sandbox.key and console_env["JEX_API_SECRET"] == sandbox.secret
    assert sandbox.process.poll() is not None


def test_soak_report_becomes_rows_and_is_run_only_when_asked() -> None:
    rows = run_all.read_soak(
        {
            "minutes": 30.0,
            "symbols": 20,
            "limited_answers": 0,
            "errors_logged": 2,
            "rss_start_mib": 80.4,
            "rss_end_mib": 95.0,
            "rss_peak_mib": 99.6,
        }
    )
    assert rows[0]["measured"] == "0 / 2" and rows[0]["met"] is False
    assert rows[1]["measured"] == "80 / 95 / 100 MiB"
    soak = next(b for b in run_all.BENCHMARKS if b.name == "soak")
    assert not soak.by_default and all(b.by_default for b in run_all.BENCHMARKS if b is not soak)


def test_failed_polls_are_counted_by_feed_and_error() -> None:
    from jextui.api.errors import RateLimited
    from jextui.feed.events import FeedFailed

    recorder = freshness.Recorder(("BTCUSDT",))
    error = RateLimited(retry_after=1.0, code=-1003, msg="Too many requests", status=429, endpoint="depth")
    recorder.on_event(FeedFailed("book", "BTCUSDT", error, received_ms=1))
    recorder.on_event(FeedFailed("book", "BTCUSDT", error, received_ms=2))
    assert recorder.failures == {"book: RateLimited": 2}
