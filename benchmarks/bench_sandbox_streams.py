"""REST depth requests/s of the sandbox with and without stream subscribers connected.

The sandbox (living market, one uvicorn worker with its WebSocket protocol)
runs in its own process; a second process holds N stream connections (the
``websockets`` asyncio client), each a combined connection of 10 streams
(trades, diff depth, top-20 depth, 1m klines and the ticker of two symbols);
a third loads ``/api/v1/spot/depth`` with the keep-alive client of
``bench_sandbox_http.py``.  Each round measures without and with subscribers,
in alternating order.

    .venv/bin/python benchmarks/bench_sandbox_streams.py [--subscribers 20] [--seconds 5] [--rounds 3]

Goal (issue 12): streams must not slow REST noticeably.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_sandbox_http import DEPTH_PATH, _free_port, _wait_listening

SYMBOL_PAIRS = (("btcusdt", "ethusdt"), ("ltcbtc", "ethbtc"), ("jexusdt", "bnbbtc"), ("dashusdt", "jexbtc"))
KINDS = ("spotTrade", "spotDepth", "spotDepth20", "spotKline_1m", "spotTicker")


def serve(port: int) -> None:
    import uvicorn

    from jextui.sandbox import SandboxConfig, SandboxServer

    server = SandboxServer(SandboxConfig(simulate=True, seed=1, weight_per_minute=10**9, raw_requests_per_5m=10**9))
    uvicorn.Server(server.config.uvicorn_config(server.app, host="127.0.0.1", port=port)).run()


async def _subscribe(port: int, count: int, seconds: float) -> dict[str, float]:
    import websockets

    received = [0]

    async def one(index: int) -> None:
        pair = SYMBOL_PAIRS[index % len(SYMBOL_PAIRS)]
        names = "/".join(f"{symbol}@{kind}" for symbol in pair for kind in KINDS)
        async with websockets.connect(f"ws://127.0.0.1:{port}/stream?streams={names}", max_size=2**20) as ws:
            async for _message in ws:
                received[0] += 1

    tasks = [asyncio.create_task(one(i)) for i in range(count)]
    print(json.dumps({"ready": True}), flush=True)
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"messages_per_s": received[0] / seconds}


class _NullSubscriber:
    """Takes the hub's messages and throws them away (the producers' own cost, without sockets)."""

    def __init__(self) -> None:
        self.combined = True

    def deliver(self, text: str, *, user: bool = False) -> None:
        pass

    def close_soon(self, code: int, reason: str) -> None:
        pass

    def drop(self) -> None:
        pass


def producer_cost(subscribers: int, ticks: int = 30) -> float:
    """Milliseconds of CPU per second the stream producers take for ``subscribers`` connections (in-process,
    living market, median of ``ticks`` seconds)."""
    from jextui.sandbox.exchange import Exchange
    from jextui.sandbox.faults import FaultInjector
    from jextui.sandbox.listen_keys import ListenKeys
    from jextui.sandbox.stream_hub import SLOW_EVERY, StreamHub

    async def run() -> float:
        exchange = Exchange(seed=1)
        hub = StreamHub(exchange, ListenKeys(exchange.clock.now_ms), FaultInjector(), exchange.clock.now_ms)
        for index in range(subscribers):
            pair = SYMBOL_PAIRS[index % len(SYMBOL_PAIRS)]
            hub.subscribe(_NullSubscriber(), [f"{symbol}@{kind}" for symbol in pair for kind in KINDS])
        await hub.stop()  # ticks are driven here, not by its timer
        seconds: list[float] = []
        for _ in range(ticks):
            exchange.tick()
            started = time.process_time()
            hub.produce(slow=True)
            for _ in range(SLOW_EVERY - 1):
                hub.produce(slow=False)
            seconds.append(time.process_time() - started)
        return statistics.median(seconds) * 1000

    return asyncio.run(run())


def measure(port: int, seconds: float, connections: int) -> float:
    me = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_sandbox_http.py")
    result = subprocess.run(
        [
            sys.executable,
            me,
            "--load",
            "--port",
            str(port),
            "--seconds",
            str(seconds),
            "--connections",
            str(connections),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    if answer["errors"]:
        raise RuntimeError(f"{answer['errors']} depth answers were not 200")
    return float(answer["rps"])


def _with_subscribers(me: str, port: int, args: argparse.Namespace) -> tuple[float, float]:
    """Depth requests/s while another process holds the stream connections; their messages per second."""
    subscribers = subprocess.Popen(
        [
            sys.executable,
            me,
            "--subscribe",
            "--port",
            str(port),
            "--subscribers",
            str(args.subscribers),
            "--seconds",
            str(args.seconds + 3.0),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert subscribers.stdout is not None
    json.loads(subscribers.stdout.readline())  # connecting
    time.sleep(1.0)  # every connection open and streaming
    rate = measure(port, args.seconds, args.connections)
    out, _ = subscribers.communicate(timeout=60)
    return rate, float(json.loads(out.strip().splitlines()[-1])["messages_per_s"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--subscribe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.port)
        return 0
    if args.subscribe:
        print(json.dumps(asyncio.run(_subscribe(args.port, args.subscribers, args.seconds))), flush=True)
        return 0

    port = _free_port()
    me = os.path.abspath(__file__)
    server = subprocess.Popen([sys.executable, me, "--serve", "--port", str(port)])
    without: list[float] = []
    with_streams: list[float] = []
    pushed: list[float] = []
    try:
        _wait_listening(port, server)
        measure(port, 1.0, args.connections)  # warm up
        for round_index in range(args.rounds):
            if round_index % 2 == 0:  # alternate which comes first, so drifting load favours neither
                without.append(measure(port, args.seconds, args.connections))
            rate, messages = _with_subscribers(me, port, args)
            with_streams.append(rate)
            pushed.append(messages)
            if round_index % 2 == 1:
                without.append(measure(port, args.seconds, args.connections))
    finally:
        server.terminate()
        server.wait(30)
    base, loaded = statistics.median(without), statistics.median(with_streams)
    print(f"depth endpoint, {DEPTH_PATH}; sandbox with a living market, one uvicorn worker")
    print(
        f"load: {args.connections} keep-alive connections, {args.seconds:g} s x {args.rounds} rounds (median); "
        f"subscribers: {args.subscribers} combined connections x 10 streams"
    )
    print()
    print(f"{'sandbox':<44}{'requests/s':>12}{'ratio':>8}")
    print("-" * 64)
    print(f"{'no stream connection':<44}{base:>12,.0f}{1.0:>8.2f}")
    print(f"{f'{args.subscribers} stream connections':<44}{loaded:>12,.0f}{loaded / base:>8.2f}")
    print(f"\nstream messages received per second (median): {statistics.median(pushed):,.0f}")
    print(
        f"producers' CPU for {args.subscribers} such connections, in-process without sockets: "
        f"{producer_cost(args.subscribers):.1f} ms per second"
    )
    print("rounds without:", ", ".join(f"{rate:,.0f}" for rate in without))
    print("rounds with:   ", ", ".join(f"{rate:,.0f}" for rate in with_streams))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
