"""``jextui sandbox``: run the JEX-compatible sandbox exchange in the foreground.

Prints the base URL and the demo credentials, then serves until Ctrl-C (or
SIGTERM), and stops cleanly.  Bad flag values exit with status 2 and a clear
message; a port that cannot be opened exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TextIO

__all__ = ["main", "build_parser", "SECRET_ENV"]

SECRET_ENV = "JEX_SANDBOX_API_SECRET"
"""Environment variable that may hold the demo API secret (kept out of ``ps``)."""


def _whole(low: int | None = None, high: int | None = None, what: str = "a whole number") -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"from {low}" if high is None else f"from {low} to {high}"
            if low is None:
                bounds = f"up to {high}"
            raise argparse.ArgumentTypeError(f"{value} is out of range ({bounds})")
        return value

    return parse


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number between 0 and 1") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1 (a fraction of requests)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jextui sandbox",
        description="Run a local exchange that speaks the JEX spot REST API: matching engine, funded demo "
        "account, signatures, rate limits and a simulated market.",
    )
    net = parser.add_argument_group("address")
    net.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    net.add_argument("--port", type=_whole(0, 65535), default=0, help="port; 0 picks a free one (default: 0)")

    market = parser.add_argument_group("market")
    market.add_argument("--seed", type=_whole(), default=1, help="random seed of the market (default: 1)")
    market.add_argument(
        "--symbols",
        type=_whole(0, 10_000),
        default=0,
        metavar="N",
        help="add N synthetic symbols to the 8 standard ones",
    )
    market.add_argument("--quiet", action="store_true", help="no simulated traders: a quiet book (for tests)")
    market.add_argument(
        "--tick-ms",
        type=_whole(10, 60_000),
        default=500,
        metavar="MS",
        help="simulated market step period (default: 500)",
    )
    market.add_argument("--state", metavar="FILE", help="keep accounts, orders and trades in this SQLite file")

    auth = parser.add_argument_group(
        "credentials",
        f"A secret given as --api-secret can be read by every user of this machine (ps, /proc); prefer "
        f"--api-secret-file or the {SECRET_ENV} environment variable.",
    )
    auth.add_argument("--api-key", metavar="KEY", help="demo API key (default: generated)")
    auth.add_argument(
        "--api-secret",
        metavar="SECRET",
        help=f"demo API secret (default: generated; visible in ps: prefer {SECRET_ENV})",
    )
    auth.add_argument("--api-secret-file", metavar="FILE", help="read the demo API secret from the first line of FILE")
    auth.add_argument("--readonly-key", action="store_true", help="also create a read-only key pair")
    auth.add_argument("--admin", action="store_true", help="enable POST /admin/faults to change faults live")

    limits = parser.add_argument_group("rate limits")
    limits.add_argument(
        "--weight-limit",
        type=_whole(1),
        default=1200,
        metavar="N",
        help="request weight per minute per IP (default: 1200)",
    )
    limits.add_argument(
        "--raw-limit",
        type=_whole(1),
        default=5000,
        metavar="N",
        help="raw requests per 5 minutes per IP (default: 5000)",
    )
    limits.add_argument(
        "--orders-per-second",
        type=_whole(1),
        default=10,
        metavar="N",
        help="orders per second per account (default: 10)",
    )
    limits.add_argument(
        "--orders-per-day",
        type=_whole(1),
        default=100_000,
        metavar="N",
        help="orders per day per account (default: 100000)",
    )
    limits.add_argument(
        "--ban-seconds",
        type=_whole(1),
        default=120,
        metavar="S",
        help="first IP ban after ignoring a 429, doubling for repeat offenders (default: 120)",
    )
    limits.add_argument(
        "--ban-after",
        type=_whole(1),
        default=3,
        metavar="N",
        help="requests refused inside a 429 window before the IP is banned (default: 3)",
    )

    faults = parser.add_argument_group("fault injection")
    faults.add_argument(
        "--fault-latency",
        type=_whole(0, 600_000),
        default=0,
        metavar="MS",
        help="delay every answer by MS milliseconds",
    )
    faults.add_argument(
        "--fault-5xx", type=_rate, default=0.0, metavar="RATE", help="fraction of requests answered with a 5xx error"
    )
    faults.add_argument(
        "--fault-malformed",
        type=_rate,
        default=0.0,
        metavar="RATE",
        help="fraction of requests answered 200 with broken JSON",
    )
    faults.add_argument(
        "--fault-drop",
        type=_rate,
        default=0.0,
        metavar="RATE",
        help="fraction of requests whose connection is closed without an answer",
    )
    faults.add_argument(
        "--fault-phase",
        choices=("before", "after", "random"),
        default="random",
        help="strike before or after the request is processed (default: random)",
    )
    faults.add_argument(
        "--fault-path",
        action="append",
        default=[],
        metavar="PATH",
        help="limit faults to this endpoint path (repeatable)",
    )
    faults.add_argument(
        "--fault-limit",
        type=_whole(0),
        default=None,
        metavar="N",
        help="stop injecting faults after N of them (default: no limit)",
    )
    faults.add_argument(
        "--fault-ignore-tif",
        action="store_true",
        help="ignore timeInForce: every new order is GTC (as an exchange without it)",
    )
    faults.add_argument(
        "--clock-skew",
        type=_whole(-86_400_000, 86_400_000),
        default=0,
        metavar="MS",
        help="run the server clock MS milliseconds ahead (negative: behind)",
    )

    streams = parser.add_argument_group("streams (WebSocket, same host and port)")
    streams.add_argument(
        "--stream-lifetime",
        type=_whole(1),
        default=86_400_000,
        metavar="MS",
        help="close each stream connection after MS milliseconds (default: 24 h)",
    )
    streams.add_argument(
        "--listen-key-ttl",
        type=_whole(1),
        default=3_600_000,
        metavar="MS",
        help="a listenKey expires MS milliseconds after its last keepalive (default: 60 min)",
    )
    streams.add_argument(
        "--stream-ping-interval",
        type=_whole(1),
        default=180_000,
        metavar="MS",
        help="ping each stream connection every MS milliseconds (default: 3 min)",
    )
    streams.add_argument(
        "--stream-pong-timeout",
        type=_whole(1),
        default=600_000,
        metavar="MS",
        help="drop a connection whose pong has not come MS milliseconds after a ping (default: 10 min)",
    )
    streams.add_argument(
        "--fault-stream-drop",
        action="store_true",
        help="cut every stream connection (no close frame), new ones right after the handshake",
    )
    streams.add_argument(
        "--fault-stream-stall", action="store_true", help="keep stream connections open but send nothing"
    )
    streams.add_argument(
        "--fault-stream-gap",
        action="store_true",
        help="leave out the diff depth pushes that carry changes (lost versions)",
    )
    streams.add_argument(
        "--fault-stream-reorder", action="store_true", help="deliver user data events in swapped pairs"
    )
    streams.add_argument("--fault-stream-duplicate", action="store_true", help="send every stream message twice")
    return parser


def _secret_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> str | None:
    """The demo secret from --api-secret, --api-secret-file or the environment; notes where in args."""
    env_secret = os.environ.get(SECRET_ENV) or None
    if args.api_secret is not None and args.api_secret_file is not None:
        parser.error("give --api-secret or --api-secret-file, not both")
    args.secret_source = None
    if args.api_secret_file is not None:
        try:
            with open(args.api_secret_file, encoding="utf-8") as file:
                secret = file.readline().strip()
        except (OSError, UnicodeDecodeError) as exc:
            parser.error(
                f"--api-secret-file: cannot read {args.api_secret_file}: "
                f"{getattr(exc, 'strerror', None) or type(exc).__name__}"
            )
        if not secret:
            parser.error(f"--api-secret-file: {args.api_secret_file} holds no secret on its first line")
        args.secret_source = args.api_secret_file
        return secret
    if args.api_secret is not None:
        return str(args.api_secret)
    if env_secret is not None:
        args.secret_source = SECRET_ENV
        return env_secret.strip()
    return None


def _config_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> object:
    from jextui.sandbox.server import SandboxConfig

    secret = _secret_from(args, parser)
    if (args.api_key is None) != (secret is None):
        parser.error(
            f"--api-key and --api-secret go together (the secret may also come from --api-secret-file or {SECRET_ENV})"
        )
    if args.state is not None:
        directory = os.path.dirname(os.path.abspath(args.state))
        if not os.path.isdir(directory):
            parser.error(f"--state: the folder {directory} does not exist")
    try:
        return SandboxConfig(
            host=args.host,
            port=args.port,
            seed=args.seed,
            extra_symbols=args.symbols,
            simulate=not args.quiet,
            tick_ms=args.tick_ms,
            api_key=args.api_key,
            api_secret=secret,
            readonly_key=args.readonly_key,
            admin=args.admin,
            state_path=args.state,
            weight_per_minute=args.weight_limit,
            raw_requests_per_5m=args.raw_limit,
            orders_per_second=args.orders_per_second,
            orders_per_day=args.orders_per_day,
            ban_seconds=args.ban_seconds,
            ban_after_strikes=args.ban_after,
            fault_latency_ms=args.fault_latency,
            fault_5xx_rate=args.fault_5xx,
            fault_malformed_rate=args.fault_malformed,
            fault_drop_rate=args.fault_drop,
            clock_skew_ms=args.clock_skew,
            fault_phase=args.fault_phase,
            fault_paths=tuple(args.fault_path),
            fault_limit=args.fault_limit,
            stream_lifetime_ms=args.stream_lifetime,
            listen_key_ttl_ms=args.listen_key_ttl,
            stream_ping_interval_ms=args.stream_ping_interval,
            stream_pong_timeout_ms=args.stream_pong_timeout,
            fault_stream_drop=args.fault_stream_drop,
            fault_stream_stall=args.fault_stream_stall,
            fault_stream_gap=args.fault_stream_gap,
            fault_stream_reorder=args.fault_stream_reorder,
            fault_stream_duplicate=args.fault_stream_duplicate,
            fault_ignore_time_in_force=args.fault_ignore_tif,
        )
    except ValueError as exc:
        parser.error(str(exc))


def _banner(server: object, out: TextIO, secret_source: str | None = None) -> None:
    from jextui.sandbox.server import SandboxServer

    assert isinstance(server, SandboxServer)
    secret = server.api_secret if secret_source is None else f"(from {secret_source})"
    lines = [
        f"jextui sandbox: JEX spot API at {server.base_url}",
        f"  streams:            {server.stream_url}/ws/<stream>, {server.stream_url}/stream?streams=a/b",
        f"  demo API key:       {server.api_key}",
        f"  demo API secret:    {secret}",
    ]
    if server.readonly_api_key is not None:
        lines += [
            f"  read-only key:      {server.readonly_api_key}",
            f"  read-only secret:   {server.readonly_api_secret}",
        ]
    if server.config.admin:
        lines.append(f"  admin:              {server.base_url}/admin/faults")
    state = server.exchange.state_path
    lines.append(
        f"  instance:           {server.exchange.instance_id}"
        + (f" (state file {state})" if state else " (no state file: a new instance every run)")
    )
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), file=out, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        config = _config_from(args, parser)
    except SystemExit as exc:  # --help, or a bad flag (argparse printed why)
        return exc.code if isinstance(exc.code, int) else 2

    from jextui.sandbox.server import SandboxServer
    from jextui.sandbox.store import StoreError

    try:
        server = SandboxServer(config)  # type: ignore[arg-type]  # the config is checked by SandboxServer itself
    except (ValueError, OSError, sqlite3.Error, StoreError) as exc:  # e.g. a --state file that is not a sandbox state
        print(f"jextui sandbox: cannot start: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            server.start()
        except (OSError, RuntimeError) as exc:
            cause = exc.__cause__ or exc
            print(f"jextui sandbox: cannot listen on {args.host}:{args.port}: {cause}", file=sys.stderr)
            server.exchange.close()
            return 1
        _banner(server, sys.stdout, getattr(args, "secret_source", None))
        while not stop.wait(0.5):
            if not server.running:
                print("jextui sandbox: the server stopped unexpectedly", file=sys.stderr)
                server.close()
                return 1
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        server.close()
        print("jextui sandbox: stopped.", flush=True)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
