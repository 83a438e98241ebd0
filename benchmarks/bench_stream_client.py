"""The stream client: decoding cost, local book cost, and recovery after a drop.

* decode: combined frames (a 20-level diff, a batch of 10 trades, a 100-symbol
  ticker array) decoded into our Structs, against ``json.loads`` alone;
* local book: diffs applied per second (5 levels a side each);
* recovery: a real sandbox and the stream-fed feed; the drop fault cuts the
  connections until the feed notices, then is switched off; the time from
  then until the feed reports every stream live again with a resynchronised
  book (goal: within 2 s).

    python benchmarks/bench_stream_client.py [--drops 10] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import write_json  # benchmarks/: the script's own folder

from jextui.api.streams import decode_combined
from jextui.api.streams.models import StreamLevel
from jextui.feed.local_book import LocalBook

RECOVERY_GOAL_S = 2.0


def _frames() -> dict[str, bytes]:
    levels = ",".join(f'["{43000 + i}.50","{i}.125"]' for i in range(20))
    diff = f'{{"e":"spotDepthUpdate","s":"BTCUSDT","v":123456,"b":[{levels}],"a":[{levels}]}}'
    trade = (
        '{"e":"spotTrade","E":1765100000100,"s":"BTCUSDT","t":%d,'
        '"p":"43010.50","q":"0.0120","T":1765100000090,"m":true}'
    )
    trades = "[" + ",".join(trade % i for i in range(10)) + "]"
    ticker = (
        '{"e":"24hrSpotTicker","E":1765100001000,"s":"S%dUSDT","p":"-120.50","P":"-0.279","c":"43010.50",'
        '"h":"43500","l":"42800.1","v":"812.004","q":"34938211.7","O":1765013601000,"C":1765100001000}'
    )
    tickers = "[" + ",".join(ticker % i for i in range(100)) + "]"
    wrap = '{{"stream":"{}","data":{}}}'
    return {
        "diff depth (20+20 levels)": wrap.format("btcusdt@spotDepth", diff).encode(),
        "trades (10)": wrap.format("btcusdt@spotTrade", trades).encode(),
        "ticker array (100)": wrap.format("!spotTicker@arr", tickers).encode(),
    }


def _per_call_us(fn: Any, arg: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            fn(arg)
        best = min(best, (time.perf_counter() - start) / repeat)
    return best * 1e6


def bench_decode() -> list[dict[str, Any]]:
    rows = []
    for name, frame in _frames().items():
        ours = _per_call_us(decode_combined, frame, 2000)
        plain = _per_call_us(json.loads, frame, 2000)
        rows.append(
            {"frame": name, "bytes": len(frame), "structs_us": ours, "json_loads_us": plain, "ratio": ours / plain}
        )
    return rows


def bench_book(diffs: int = 20_000) -> float:
    book = LocalBook("X")
    from jextui.api.models import Depth, DepthLevel

    book.apply_snapshot(
        Depth(
            last_update_id=0,
            bids=[DepthLevel(Decimal(100 - i), Decimal(1)) for i in range(50)],
            asks=[DepthLevel(Decimal(101 + i), Decimal(1)) for i in range(50)],
        ),
        0,
    )
    batches = [
        (
            [StreamLevel(Decimal(100 - (i + k) % 50), Decimal((i + k) % 3)) for k in range(5)],
            [StreamLevel(Decimal(101 + (i + k) % 50), Decimal((i + k) % 3)) for k in range(5)],
        )
        for i in range(diffs)
    ]
    start = time.perf_counter()
    for version, (bids, asks) in enumerate(batches, start=1):
        book.apply_diff(version, bids, asks, version)
        book.depth(20)
    return diffs / (time.perf_counter() - start)


async def bench_recovery(drops: int) -> list[float]:
    from jextui.api import JexClient
    from jextui.api.streams import stream_url_from_rest
    from jextui.feed.stream_events import StreamStatusUpdate
    from jextui.feed.streaming import StreamingFeed
    from jextui.sandbox import SandboxConfig, SandboxServer

    server = SandboxServer(SandboxConfig(admin=True, seed=7)).start()
    times: list[float] = []
    try:
        async with JexClient(server.base_url, server.api_key, server.api_secret) as client:
            statuses: list[StreamStatusUpdate] = []

            def sink(event: Any) -> None:
                if isinstance(event, StreamStatusUpdate):
                    statuses.append(event)

            feed = StreamingFeed(
                client,
                sink,
                stream_url=stream_url_from_rest(server.base_url),
                active_symbol="BTCUSDT",
                watchlist=["BTCUSDT", "ETHUSDT"],
            )
            task = asyncio.create_task(feed.run())

            async def until(condition: Any) -> None:
                while not condition():
                    await asyncio.sleep(0.005)

            def live() -> bool:
                return bool(statuses) and statuses[-1].state == "live" and "book" in statuses[-1].live

            await asyncio.wait_for(until(live), 30)
            for _ in range(drops):
                server.set_faults(stream_drop=True)
                await asyncio.wait_for(until(lambda: not live()), 30)
                server.set_faults(stream_drop=False)
                start = time.perf_counter()
                await asyncio.wait_for(until(live), 60)
                times.append(time.perf_counter() - start)
                await asyncio.sleep(1.0)
            feed.stop()
            await task
    finally:
        server.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drops", type=int, default=10)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    decode = bench_decode()
    print("| frame | bytes | our Structs (µs) | json.loads (µs) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for row in decode:
        print(
            f"| {row['frame']} | {row['bytes']} | {row['structs_us']:.1f} | {row['json_loads_us']:.1f} "
            f"| {row['ratio']:.2f} |"
        )
    rate = bench_book()
    print(f"\nlocal book: {rate:,.0f} diffs/s applied (5 levels a side each, plus a 20-level view)")
    times = asyncio.run(bench_recovery(args.drops))
    p50 = statistics.median(times)
    p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
    verdict = "met" if p95 <= RECOVERY_GOAL_S else "MISSED"
    print(
        f"\nrecovery after a drop ({len(times)} drops): p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms (goal p95 <= {RECOVERY_GOAL_S:g} s: {verdict})"
    )
    if args.json:
        write_json(
            args.json,
            {
                "decode": decode,
                "book_diffs_per_s": rate,
                "recovery_s": times,
                "recovery_p50_s": p50,
                "recovery_p95_s": p95,
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
