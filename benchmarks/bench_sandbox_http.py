"""Requests per second of the sandbox's depth endpoint vs a bare Starlette endpoint.

Both servers run the same way — one uvicorn worker in its own process on
loopback, the sandbox's HTTP protocol settings, no access log — and are
loaded in turn by a separate client process: a small asyncio HTTP/1.1
keep-alive client with several concurrent connections.  The bare endpoint
answers pre-encoded bytes: the sandbox's own depth answer for the same
request, so both send the same body.

    .venv/bin/python benchmarks/bench_sandbox_http.py [--seconds 5] [--connections 8] [--rounds 3]

Goal (issue 3): sandbox / bare >= 0.5.

A second table measures signed order round trips (place a resting order,
then cancel it) on the sandbox without a state file and with one: there
every acknowledged change is committed to SQLite before the answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any
from urllib.parse import urlencode

DEPTH_PATH = "/api/v1/spot/depth?symbol=BTCUSDT&limit=60"
GOAL = 0.5
KINDS = ("bare", "sandbox", "sandbox-live")
ORDER_KINDS = ("orders", "orders-state")
LABELS = {
    "bare": "bare Starlette (fixed JSON bytes)",
    "sandbox": "jextui sandbox, quiet book",
    "sandbox-live": "jextui sandbox, living market",
    "orders": "place + cancel, no state file",
    "orders-state": "place + cancel, --state (write-through)",
}
BENCH_KEY = "benchkey"
BENCH_SECRET = "benchsecret"


# --- servers (each in its own process) ---------------------------------------------------


def _uvicorn_config(app: Any, port: int) -> Any:
    import uvicorn

    from jextui.sandbox.server import _AbortableH11Protocol

    return uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        log_level="warning",
        access_log=False,
        lifespan="on",
        http=_AbortableH11Protocol,
        ws="none",
        proxy_headers=False,
        server_header=False,
    )


def _sandbox_server(simulate: bool = False, state_path: str | None = None) -> Any:
    from jextui.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(
        simulate=simulate,
        seed=1,
        weight_per_minute=10**9,
        raw_requests_per_5m=10**9,
        orders_per_second=10**9,
        orders_per_day=10**9,
        api_key=BENCH_KEY,
        api_secret=BENCH_SECRET,
        state_path=state_path,
    )
    return SandboxServer(config)


def _bare_app() -> Any:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from jextui.sandbox import responses

    sandbox = _sandbox_server()
    last_update_id, bids, asks = sandbox.exchange.engine.depth("BTCUSDT", 60)
    body = responses.encode(responses.depth(sandbox.exchange.engine.symbols["BTCUSDT"], last_update_id, bids, asks))

    async def depth(request: Any) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/api/v1/spot/depth", depth)])


def serve(kind: str, port: int) -> None:
    import uvicorn

    if kind == "bare":
        app = _bare_app()
        uvicorn.Server(_uvicorn_config(app, port)).run()
        return
    with tempfile.TemporaryDirectory() as folder:
        state = os.path.join(folder, "state.sqlite") if kind == "orders-state" else None
        app = _sandbox_server(simulate=kind == "sandbox-live", state_path=state).app
        uvicorn.Server(_uvicorn_config(app, port)).run()


# --- load (in its own process) --------------------------------------------------------------


async def _connection(port: int, request: bytes, stop_at: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            counts[0 if status == 200 else 1] += 1
    finally:
        writer.close()
        await writer.wait_closed()


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return int(head[9:12]), await reader.readexactly(length)


def _signed(method: str, port: int, params: dict[str, Any]) -> bytes:
    from jextui.api.signing import sign

    params["timestamp"] = time.time_ns() // 1_000_000
    text = urlencode(params)
    return (
        f"{method} /api/v1/spot/order?{text}&signature={sign(BENCH_SECRET, text)} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\nX-JEX-APIKEY: {BENCH_KEY}\r\n\r\n"
    ).encode()


async def _order_connection(port: int, stop_at: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            status, body = await _exchange(
                reader,
                writer,
                _signed(
                    "POST",
                    port,
                    {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "1000.00"},
                ),
            )
            if status != 200:
                counts[1] += 1
                continue
            order_id = json.loads(body)["orderId"]
            status, _ = await _exchange(
                reader, writer, _signed("DELETE", port, {"symbol": "BTCUSDT", "orderId": order_id})
            )
            counts[0 if status == 200 else 1] += 1
    finally:
        writer.close()
        await writer.wait_closed()


async def _load_orders(port: int, seconds: float, connections: int) -> tuple[float, int]:
    await asyncio.gather(*(_order_connection(port, time.perf_counter() + 0.5, [0, 0]) for _ in range(connections)))
    counts = [0, 0]
    started = time.perf_counter()
    await asyncio.gather(*(_order_connection(port, started + seconds, counts) for _ in range(connections)))
    return counts[0] / (time.perf_counter() - started), counts[1]


async def _load(port: int, seconds: float, connections: int) -> tuple[float, int]:
    request = f"GET {DEPTH_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    warm: list[int] = [0, 0]
    await asyncio.gather(*(_connection(port, request, time.perf_counter() + 0.5, warm) for _ in range(connections)))
    counts = [0, 0]
    started = time.perf_counter()
    await asyncio.gather(*(_connection(port, request, started + seconds, counts) for _ in range(connections)))
    return counts[0] / (time.perf_counter() - started), counts[1]


def load(port: int, seconds: float, connections: int, orders: bool = False) -> None:
    rate, errors = asyncio.run((_load_orders if orders else _load)(port, seconds, connections))
    print(json.dumps({"rps": rate, "errors": errors}))


# --- the run --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server process ended before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start listening")


def measure(kind: str, seconds: float, connections: int) -> tuple[float, int]:
    port = _free_port()
    me = os.path.abspath(__file__)
    server = subprocess.Popen([sys.executable, me, "--serve", kind, "--port", str(port)])
    try:
        _wait_listening(port, server)
        command = [
            sys.executable,
            me,
            "--load",
            "--port",
            str(port),
            "--seconds",
            str(seconds),
            "--connections",
            str(connections),
        ] + (["--orders"] if kind in ORDER_KINDS else [])
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        answer = json.loads(result.stdout.strip().splitlines()[-1])
        return float(answer["rps"]), int(answer["errors"])
    finally:
        server.terminate()
        server.wait(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", choices=KINDS + ORDER_KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--orders", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return 0
    if args.load:
        load(args.port, args.seconds, args.connections, args.orders)
        return 0

    runs: dict[str, list[float]] = {kind: [] for kind in KINDS + ORDER_KINDS}
    errors = 0
    for _ in range(args.rounds):
        for kind in KINDS + ORDER_KINDS:
            rate, failed = measure(kind, args.seconds, args.connections)
            runs[kind].append(rate)
            errors += failed
    rates = {kind: statistics.median(values) for kind, values in runs.items()}
    bare = rates["bare"]
    print(f"depth endpoint, {DEPTH_PATH}")
    print(
        f"one uvicorn worker (h11) per server on loopback; load: {args.connections} keep-alive connections "
        f"from a separate process, {args.seconds:g} s x {args.rounds} rounds (median)"
    )
    print()
    print(f"{'server':<36}{'requests/s':>12}{'vs bare':>10}")
    print("-" * 58)
    for kind in KINDS:
        print(f"{LABELS[kind]:<36}{rates[kind]:>12,.0f}{rates[kind] / bare:>10.2f}")
    worst = min(rates["sandbox"], rates["sandbox-live"]) / bare
    print(f"\ngoal: sandbox / bare >= {GOAL}: {'met' if worst >= GOAL else 'NOT met'} (worst ratio {worst:.2f})")
    print()
    print("signed orders: one round trip = place a resting BUY, then cancel it (2 requests)")
    print(f"{'server':<42}{'round trips/s':>14}{'ms each':>9}{'vs no state':>13}")
    print("-" * 78)
    for kind in ORDER_KINDS:
        print(
            f"{LABELS[kind]:<42}{rates[kind]:>14,.0f}{1000 / rates[kind]:>9.2f}{rates[kind] / rates['orders']:>13.2f}"
        )
    if errors:
        print(f"warning: {errors} answers were not 200")
    return 0 if worst >= GOAL and not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
