"""Decoding cost: msgspec into our Structs against json.loads plus building them.

The payloads are real answers of the sandbox exchange, fetched over HTTP from
an in-process ``SandboxServer`` (quiet book, seed 1, 500 symbols):

* ``GET /api/v1/spot/klines?symbol=BTCUSDT&interval=1m&limit=1000``
  -> ``list[Kline]`` (12-element arrays);
* ``GET /api/v1/spot/ticker/24hr`` (all symbols) -> ``list[Ticker24hr]``,
  for 500 symbols and for the first 100 of them.

"msgspec" is what ``JexClient`` does: one ``msgspec.json.Decoder(type,
dec_hook=models.dec_hook)`` per response type, reused.  "json" is the
standard library's ``json.loads`` followed by building the very same Structs
by hand (the same ``Decimal`` and ``int`` values; both results are checked
equal).  Each figure is the median time of one decode over many samples,
the two methods alternating.

    python benchmarks/bench_decode.py [--samples 21] [--json FILE]

No goal in issue 7 beyond reporting the ratio; it is expected to be > 1
(msgspec faster).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import msgspec
from _report import write_json  # benchmarks/: the script's own folder

from jextui.api.models import Kline, Ticker24hr, dec_hook

SYMBOLS = 500
KLINES_PATH = "/api/v1/spot/klines?symbol=BTCUSDT&interval=1m&limit=1000"
TICKERS_PATH = "/api/v1/spot/ticker/24hr"
TARGET_SAMPLE_S = 0.02  # each sample repeats the decode for about this long


# --- payloads ------------------------------------------------------------------------------


def fetch_payloads() -> dict[str, bytes]:
    """The response bodies, from a live in-process sandbox."""
    import httpx

    from jextui.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(
        seed=1, simulate=False, extra_symbols=SYMBOLS - 8, weight_per_minute=10**9, raw_requests_per_5m=10**9
    )
    with SandboxServer(config) as server, httpx.Client(base_url=server.base_url, timeout=120) as http:
        klines = http.get(KLINES_PATH)
        tickers = http.get(TICKERS_PATH)
    for answer in (klines, tickers):
        answer.raise_for_status()
    all_tickers = msgspec.json.decode(tickers.content)
    return {
        "klines, 1000 rows": klines.content,
        "24 h tickers, 100 symbols": msgspec.json.encode(all_tickers[:100]),
        f"24 h tickers, {len(all_tickers)} symbols": tickers.content,
    }


# --- the two ways ---------------------------------------------------------------------------

_KLINES_DECODER = msgspec.json.Decoder(list[Kline], dec_hook=dec_hook)
_TICKERS_DECODER = msgspec.json.Decoder(list[Ticker24hr], dec_hook=dec_hook)


def klines_with_json(body: bytes) -> list[Kline]:
    return [
        Kline(
            int(r[0]),
            Decimal(r[1]),
            Decimal(r[2]),
            Decimal(r[3]),
            Decimal(r[4]),
            Decimal(r[5]),
            int(r[6]),
            Decimal(r[7]),
            int(r[8]),
            Decimal(r[9]),
            Decimal(r[10]),
            r[11],
        )
        for r in json.loads(body)
    ]


def tickers_with_json(body: bytes) -> list[Ticker24hr]:
    return [
        Ticker24hr(
            symbol=t["symbol"],
            price_change=Decimal(t["priceChange"]),
            price_change_percent=Decimal(t["priceChangePercent"]),
            weighted_avg_price=Decimal(t["weightedAvgPrice"]),
            last_price=Decimal(t["lastPrice"]),
            bid_price=Decimal(t["bidPrice"]),
            bid_qty=Decimal(t["bidQty"]),
            ask_price=Decimal(t["askPrice"]),
            ask_qty=Decimal(t["askQty"]),
            open_price=Decimal(t["openPrice"]),
            high_price=Decimal(t["highPrice"]),
            low_price=Decimal(t["lowPrice"]),
            volume=Decimal(t["volume"]),
            quote_volume=Decimal(t["quoteVolume"]),
            open_time=int(t["openTime"]),
            close_time=int(t["closeTime"]),
        )
        for t in json.loads(body)
    ]


def decoders_for(name: str) -> tuple[Callable[[bytes], Any], Callable[[bytes], Any]]:
    """(msgspec way, json way) for a payload name."""
    if name.startswith("klines"):
        return _KLINES_DECODER.decode, klines_with_json
    return _TICKERS_DECODER.decode, tickers_with_json


# --- timing ---------------------------------------------------------------------------------


def _loops_for(decode: Callable[[bytes], Any], body: bytes) -> int:
    started = time.perf_counter()
    decode(body)
    once = max(time.perf_counter() - started, 1e-6)
    return max(1, int(TARGET_SAMPLE_S / once))


def _sample(decode: Callable[[bytes], Any], body: bytes, loops: int) -> float:
    started = time.perf_counter()
    for _ in range(loops):
        decode(body)
    return (time.perf_counter() - started) / loops


def measure(name: str, body: bytes, samples: int) -> dict[str, Any]:
    fast, slow = decoders_for(name)
    if fast(body) != slow(body):
        raise AssertionError(f"{name}: the two decoders disagree")
    fast_loops, slow_loops = _loops_for(fast, body), _loops_for(slow, body)
    fast_times, slow_times = [], []
    for _ in range(samples):
        fast_times.append(_sample(fast, body, fast_loops))
        slow_times.append(_sample(slow, body, slow_loops))
    fast_s, slow_s = statistics.median(fast_times), statistics.median(slow_times)
    return {
        "payload": name,
        "bytes": len(body),
        "items": len(msgspec.json.decode(body)),
        "msgspec_ms": fast_s * 1000,
        "json_ms": slow_s * 1000,
        "ratio": slow_s / fast_s,
    }


# --- output ---------------------------------------------------------------------------------


def print_table(rows: list[dict[str, Any]], samples: int) -> None:
    print(
        "Decoding real sandbox answers into jextui.api.models Structs "
        f"(median of {samples} samples, milliseconds per decode)"
    )
    print()
    print(
        f"{'payload':<28}{'bytes':>10}{'items':>7}{'msgspec ms':>12}{'json+build ms':>15}"
        f"{'msgspec MB/s':>14}{'ratio':>8}"
    )
    print("-" * 94)
    for row in rows:
        rate = row["bytes"] / (row["msgspec_ms"] / 1000) / 1e6
        print(
            f"{row['payload']:<28}{row['bytes']:>10,}{row['items']:>7}{row['msgspec_ms']:>12.3f}"
            f"{row['json_ms']:>15.3f}{rate:>14.0f}{row['ratio']:>7.1f}x"
        )
    print()
    print("ratio = (json.loads + building the Structs) / msgspec; > 1 means msgspec is faster.")


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    metrics = [
        {
            "metric": f"decode {row['payload']}: msgspec vs json.loads + build",
            "measured": f"{row['msgspec_ms']:.2f} ms vs {row['json_ms']:.2f} ms ({row['ratio']:.1f}x)",
            "value": row["ratio"],
            "goal": "report the ratio (msgspec faster: > 1x)",
            "met": row["ratio"] > 1,
        }
        for row in rows
    ]
    return {"benchmark": "decode", "metrics": metrics, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=21, help="timed samples per method (default: 21)")
    parser.add_argument("--json", metavar="FILE", help="also write the key figures as JSON ('-': stdout)")
    args = parser.parse_args(argv)
    if args.samples < 1:
        parser.error("--samples must be at least 1")
    print(f"fetching payloads from an in-process sandbox with {SYMBOLS} symbols…", file=sys.stderr, flush=True)
    payloads = fetch_payloads()
    rows = [measure(name, body, args.samples) for name, body in payloads.items()]
    print_table(rows, args.samples)
    if args.json:
        write_json(args.json, summary(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
