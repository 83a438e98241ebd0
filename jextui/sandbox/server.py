"""Run the sandbox exchange: uvicorn with its own event loop in a daemon thread.

``SandboxServer(config).start()`` returns once the server listens (port 0
picks a free port); ``stop()`` shuts it down cleanly and joins the thread;
``restart()`` serves again on the same port with the same exchange state.
Everything the exchange does runs on the server's loop; ``call(fn)`` runs
``fn(exchange)`` there, thread-safely, for tests that inspect engine state.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import uvicorn

from jextui.sandbox.app import ABORT_EXTENSION, DEMO_ACCOUNT, STREAM_LIFETIME_MS, SandboxState, create_app
from jextui.sandbox.auth import KeyStore, generate_credential, is_valid_credential
from jextui.sandbox.clock import Clock, SystemClock
from jextui.sandbox.connections import (
    REQUEST_READ_TIMEOUT_S,
    GuardedH11Protocol,
    connection_limits,
    install_log_throttle,
    loop_exception_handler,
)
from jextui.sandbox.faults import PHASES, FaultInjector, FaultSettings
from jextui.sandbox.listen_keys import LISTEN_KEY_TTL_MS
from jextui.sandbox.ratelimit import RateLimiter, RateLimitSettings

__all__ = ["SandboxConfig", "SandboxServer", "SkewedClock"]

T = TypeVar("T")

MAX_ID_BASE = 2**53 // 2
"""Ids stay exact in every JSON reader (doubles hold integers up to 2**53)."""
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
WS_MAX_MESSAGE_BYTES = 64 * 1024
"""Largest message a stream client may send (the streams ignore what clients send)."""


@dataclass(frozen=True)
class SandboxConfig:
    """How to run a sandbox; every field has a working default."""

    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 1
    extra_symbols: int = 0
    simulate: bool = True
    tick_ms: int = 500
    api_key: str | None = None
    api_secret: str | None = field(default=None, repr=False)
    readonly_key: bool = False
    admin: bool = False
    state_path: str | None = None
    clock: Clock | None = None
    # rate limits (docs/protocol.md#rate-limits-and-weights)
    weight_per_minute: int = 1200
    orders_per_second: int = 10
    orders_per_day: int = 100_000
    raw_requests_per_5m: int = 5000
    ban_seconds: int = 120
    ban_after_strikes: int = 3
    # faults
    fault_latency_ms: int = 0
    fault_5xx_rate: float = 0.0
    fault_malformed_rate: float = 0.0
    fault_drop_rate: float = 0.0
    clock_skew_ms: int = 0
    fault_phase: str = "random"
    fault_paths: tuple[str, ...] = ()
    fault_limit: int | None = None
    fault_seed: int | None = None
    fault_ignore_time_in_force: bool = False
    # the first order and trade id of a fresh run; None: from the wall clock on the
    # system clock (never reused by a later run), 1 on a test clock
    id_base: int | None = None
    # connections: None sizes the cap from the descriptor limit (see connections.py)
    max_connections: int | None = None
    read_timeout_s: float = REQUEST_READ_TIMEOUT_S
    # streams (docs/streams.md): lifetimes and pings, and the stream faults
    stream_lifetime_ms: int = STREAM_LIFETIME_MS
    listen_key_ttl_ms: int = LISTEN_KEY_TTL_MS
    stream_ping_interval_ms: int = 3 * 60 * 1000
    stream_pong_timeout_ms: int = 10 * 60 * 1000
    fault_stream_drop: bool = False
    fault_stream_stall: bool = False
    fault_stream_gap: bool = False
    fault_stream_reorder: bool = False
    fault_stream_duplicate: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError("port must be between 0 and 65535")
        if self.extra_symbols < 0:
            raise ValueError("extra_symbols must be >= 0")
        if self.tick_ms < 10:
            raise ValueError("tick_ms must be at least 10")
        if (self.api_key is None) != (self.api_secret is None):
            raise ValueError("give both api_key and api_secret, or neither")
        for credential in (self.api_key, self.api_secret):
            if credential is not None and not is_valid_credential(credential):
                raise ValueError("an API key or secret must be 1-128 ASCII letters and digits")
        if self.id_base is not None and not 1 <= self.id_base <= MAX_ID_BASE:
            raise ValueError(f"id_base must be from 1 to {MAX_ID_BASE}")
        if self.max_connections is not None and self.max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        if not self.read_timeout_s > 0:
            raise ValueError("read_timeout_s must be positive")
        for name in ("stream_lifetime_ms", "listen_key_ttl_ms", "stream_ping_interval_ms", "stream_pong_timeout_ms"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1 ms")
        if self.fault_phase not in PHASES:
            raise ValueError(f"fault_phase must be one of {', '.join(PHASES)}")
        self.rate_limits()
        self.fault_settings()

    def rate_limits(self) -> RateLimitSettings:
        return RateLimitSettings(
            weight_per_minute=self.weight_per_minute,
            raw_requests_per_5m=self.raw_requests_per_5m,
            orders_per_second=self.orders_per_second,
            orders_per_day=self.orders_per_day,
            ban_seconds=self.ban_seconds,
            ban_after_strikes=self.ban_after_strikes,
        )

    def fault_settings(self) -> FaultSettings:
        return FaultSettings(
            latency_ms=self.fault_latency_ms,
            error_5xx_rate=self.fault_5xx_rate,
            malformed_rate=self.fault_malformed_rate,
            drop_rate=self.fault_drop_rate,
            clock_skew_ms=self.clock_skew_ms,
            phase=self.fault_phase,  # type: ignore[arg-type]  # checked against PHASES in __post_init__
            paths=tuple(self.fault_paths),
            limit=self.fault_limit,
            stream_drop=self.fault_stream_drop,
            stream_stall=self.fault_stream_stall,
            stream_gap=self.fault_stream_gap,
            stream_reorder=self.fault_stream_reorder,
            stream_duplicate=self.fault_stream_duplicate,
            ignore_time_in_force=self.fault_ignore_time_in_force,
        )

    def uvicorn_config(self, app: Any, **overrides: Any) -> uvicorn.Config:
        """How uvicorn serves the sandbox's ``app``: its HTTP and WebSocket protocols, pings, no access log."""
        settings: dict[str, Any] = dict(
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="on",
            http=_AbortableH11Protocol,
            ws=_new_websocket_protocol,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=2,
            timeout_keep_alive=30,
            ws_ping_interval=self.stream_ping_interval_ms / 1000,
            ws_ping_timeout=self.stream_pong_timeout_ms / 1000,
            ws_per_message_deflate=False,
            ws_max_size=WS_MAX_MESSAGE_BYTES,
        )
        settings.update(overrides)
        return uvicorn.Config(app, **settings)


class SkewedClock:
    """Another clock's time plus a settable ``skew_ms`` (fault injection)."""

    def __init__(self, inner: Clock, skew_ms: int = 0) -> None:
        self.inner = inner
        self.skew_ms = int(skew_ms)

    def now_ms(self) -> int:
        return self.inner.now_ms() + self.skew_ms

    def __repr__(self) -> str:
        return f"SkewedClock({self.inner!r}, skew_ms={self.skew_ms})"


def _skewable(clock: Clock | None, skew_ms: int) -> Any:
    if clock is None:
        return SystemClock(skew_ms)
    if isinstance(clock, SystemClock):
        if skew_ms:
            clock.skew_ms = skew_ms
        return clock
    return SkewedClock(clock, skew_ms)


class _AbortableH11Protocol(GuardedH11Protocol):
    """uvicorn's h11 protocol, plus a scope extension that drops the connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # a TCP server: the transport is always a Transport
        super().connection_made(transport)
        app = self.app

        async def with_abort(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                scope.setdefault("extensions", {})[ABORT_EXTENSION] = transport.abort
            await app(scope, receive, send)

        self.app = with_abort


@functools.cache
def _websocket_protocol() -> type[asyncio.Protocol]:
    """uvicorn's WebSocket protocol (on the ``websockets`` library), plus the scope extension that cuts
    the connection (the stream drop fault).  Built on first use: the library is imported only then."""
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

    class AbortableWebSocketProtocol(WebSocketsSansIOProtocol):
        def handle_connect(self, event: Any) -> None:
            super().handle_connect(event)
            scope = getattr(self, "scope", None)  # set only when the handshake was accepted
            if scope is not None:
                scope.setdefault("extensions", {})[ABORT_EXTENSION] = self.transport.abort

    return AbortableWebSocketProtocol


def _new_websocket_protocol(**options: Any) -> asyncio.Protocol:
    """What uvicorn calls for each WebSocket upgrade: the protocol class is built (and the ``websockets``
    library imported) at the first one, so a sandbox that never streams, like a quick demo start, does not
    pay for it."""
    return _websocket_protocol()(**options)


class _Server(uvicorn.Server):
    """uvicorn's server, woken at once by :meth:`request_exit` instead of polling every 100 ms."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's graceful shutdown, without its fixed 100 ms pause: waits only as long as needed."""
        servers = getattr(self, "servers", None)
        state = getattr(self, "server_state", None)
        lifespan = getattr(self, "lifespan", None)
        if servers is None or state is None or lifespan is None:  # a uvicorn we do not know
            await super().shutdown(sockets)
            return
        for server in servers:
            server.close()
        for connection in list(state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.config.timeout_graceful_shutdown or 0)
        while (state.connections or state.tasks) and loop.time() < deadline:
            await asyncio.sleep(0.005)
        for task in list(state.tasks):
            task.cancel()
        with contextlib.suppress(TimeoutError):  # newer Pythons wait for every connection here
            async with asyncio.timeout(max(0.0, deadline - loop.time()) + 0.5):
                for server in servers:
                    await server.wait_closed()
        await lifespan.shutdown()

    def request_exit(self) -> None:
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has just closed
                loop.call_soon_threadsafe(wake.set)


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class SandboxServer:
    """A JEX-compatible exchange on a loopback port (see the module docstring)."""

    def __init__(self, config: SandboxConfig | None = None, **overrides: Any) -> None:
        from jextui.sandbox.exchange import Exchange  # the core is heavy: import when used

        self.config = replace(config or SandboxConfig(), **overrides)
        cfg = self.config
        self.clock = _skewable(cfg.clock, cfg.clock_skew_ms)
        self.exchange = Exchange(
            seed=cfg.seed,
            clock=self.clock,
            extra_symbols=cfg.extra_symbols,
            simulate=cfg.simulate,
            state_path=cfg.state_path,
            id_base=cfg.id_base,
        )
        self.keys = KeyStore()
        self._api_key = cfg.api_key or generate_credential()
        self._api_secret = cfg.api_secret or generate_credential()
        self._add_account(DEMO_ACCOUNT)
        self.keys.add(self._api_key, self._api_secret, DEMO_ACCOUNT)
        self._readonly: tuple[str, str] | None = None
        if cfg.readonly_key:
            self._readonly = (generate_credential(), generate_credential())
            self.keys.add(*self._readonly, DEMO_ACCOUNT, can_trade=False)
        faults = FaultInjector(cfg.fault_settings(), seed=cfg.seed if cfg.fault_seed is None else cfg.fault_seed)
        self.state = SandboxState(
            exchange=self.exchange,
            keys=self.keys,
            limiter=RateLimiter(cfg.rate_limits(), self.clock.now_ms),
            faults=faults,
            admin=cfg.admin,
            tick_ms=cfg.tick_ms,
            simulate=cfg.simulate,
            listen_key_ttl_ms=cfg.listen_key_ttl_ms,
            stream_lifetime_ms=cfg.stream_lifetime_ms,
        )
        self.app = create_app(self.state)
        self._port = cfg.port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failure: BaseException | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"SandboxServer({self.base_url!r}, {state})"

    # --- accounts and keys ------------------------------------------------------------

    def _add_account(self, account_id: str) -> None:
        self.exchange.open_account(account_id)  # a no-op for an existing (e.g. restored) account

    def add_api_key(self, account_id: str, *, can_trade: bool = True) -> tuple[str, str]:
        """A new (key, secret) acting on ``account_id`` (a funded account, opened if new)."""
        key, secret = generate_credential(), generate_credential()
        self.call(lambda _exchange: self._add_account(account_id))
        self.keys.add(key, secret, account_id, can_trade=can_trade)
        return key, secret

    @property
    def api_key(self) -> str:
        return self._api_key

    @property
    def api_secret(self) -> str:
        return self._api_secret

    @property
    def readonly_api_key(self) -> str | None:
        return self._readonly[0] if self._readonly else None

    @property
    def readonly_api_secret(self) -> str | None:
        return self._readonly[1] if self._readonly else None

    # --- address ------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self.config.host

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._port}"

    @property
    def stream_url(self) -> str:
        """Where the WebSocket streams are: the same host and port as the REST API."""
        return "ws" + self.base_url[len("http") :]

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # --- faults ----------------------------------------------------------------------------

    def set_faults(self, **changes: Any) -> FaultSettings:
        """Change fault settings while running (same names as :class:`FaultSettings`)."""
        return self.state.set_faults(**changes)

    # --- running ---------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        """Serve in a daemon thread; returns once the server is listening."""
        if self.running:
            return self
        sock = _bind(self.host, self._port)
        self._port = sock.getsockname()[1]
        limits = connection_limits(self.config.max_connections, self.config.read_timeout_s)
        install_log_throttle()
        config = self.config.uvicorn_config(
            self.app,
            http=functools.partial(_AbortableH11Protocol, limits=limits),
            backlog=limits.backlog,
            h11_max_incomplete_event_size=limits.max_header_bytes,
        )
        server = _Server(config)
        self._server, self._failure = server, None
        self._thread = threading.Thread(target=self._run, args=(server, sock), name="jextui-sandbox", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self._stop_thread()
                sock.close()
                raise RuntimeError(f"the sandbox could not start on {self.base_url}") from self._failure
            time.sleep(0.002)
        sock.listen(limits.listen_queue)  # uvicorn listened with the per-round accept count
        return self

    def _run(self, server: _Server, sock: socket.socket) -> None:
        async def serve() -> None:
            self._loop = asyncio.get_running_loop()
            self._loop.set_exception_handler(loop_exception_handler)
            await server.serve(sockets=[sock])

        try:
            with asyncio.Runner() as runner:
                runner.run(serve())
        except BaseException as exc:
            self._failure = exc
        finally:
            self._loop = None

    def _stop_thread(self) -> None:
        if self._server is not None:
            self._server.request_exit()
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_S)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(STOP_TIMEOUT_S)
        self._thread = None
        self._server = None

    def stop(self) -> None:
        """Stop serving (idempotent); the exchange state is kept (and saved with a state file)."""
        self._stop_thread()
        if self.config.state_path is not None:
            self.exchange.save()

    def restart(self) -> SandboxServer:
        """Stop, then serve again on the same port with the same state."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop and release the exchange (its state file, if any)."""
        self.stop()
        self.exchange.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- reaching the exchange ----------------------------------------------------------------

    def call(self, fn: Callable[[Any], T], timeout: float = 10.0) -> T:
        """Run ``fn(exchange)`` on the server's loop (thread-safe) and return its result."""
        loop = self._loop
        if loop is None or not self.running or threading.current_thread() is self._thread:
            return fn(self.exchange)

        async def run() -> T:
            return fn(self.exchange)

        return asyncio.run_coroutine_threadsafe(run(), loop).result(timeout)
