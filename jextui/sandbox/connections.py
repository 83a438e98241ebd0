"""Connection hygiene of the sandbox's HTTP server: timeouts, a connection cap, JSON refusals.

uvicorn (0.55) alone lets an idle or slow client hold a connection forever
(it has no timeout for a request that is never finished), answers a broken or
oversized request with a plain-text 400, refuses over ``limit_concurrency``
with a plain-text 503, and asyncio floods stderr with one traceback per failed
``accept()`` when the process runs out of descriptors.  This module closes
those gaps:

* :class:`GuardedH11Protocol` (uvicorn's h11 protocol) gives every request
  ``read_timeout_s`` from its first byte (or from the connection's opening)
  to arrive whole, headers and body; a late one is answered 408 and closed.
* Over ``max_connections`` open connections, the least recently active one
  with no request in the application is closed to make room; when every
  connection is busy, the newcomer is answered 503 and closed.
* A request line or headers larger than ``max_header_bytes``, or a request
  h11 cannot parse, is answered with the API's JSON error (431 / 400), not
  uvicorn's text.
* :func:`connection_limits` sizes the cap and the number of connections
  accepted per round from the process's descriptor limit, so ``accept()``
  never runs out of descriptors through connections alone, while the
  kernel's queue of waiting connections stays long (a burst of connects is
  not dropped and retried a second later).
* :class:`OncePerInterval` lets a repeated log message (a resource problem, a
  refused request) through once per interval, with the count of the others;
  :func:`loop_exception_handler` routes asyncio's ``accept()`` failures
  through it, without tracebacks.

Every answer is the API's ``{"code": ..., "msg": ...}`` error body.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from jextui.sandbox import responses

__all__ = [
    "LOG_INTERVAL_S",
    "ConnectionLimits",
    "GuardedH11Protocol",
    "OncePerInterval",
    "connection_limits",
    "install_log_throttle",
    "loop_exception_handler",
]

log = logging.getLogger("jextui.sandbox.connections")

LOG_INTERVAL_S = 10.0
"""A repeated problem is logged at most once in this many seconds."""
MAX_CONNECTIONS = 1000
"""Open connections served at most (a console uses a handful)."""
MAX_BACKLOG = 128
"""Connections taken from the kernel in one ``accept()`` round (each needs a descriptor at once)."""
LISTEN_QUEUE = 1024
"""Connections the kernel holds for ``accept()`` (they need no descriptor of ours while they wait)."""
RESERVED_DESCRIPTORS = 64
"""Descriptors kept for everything but client connections (state file, logs, pipes, the console in demo mode)."""
REQUEST_READ_TIMEOUT_S = 10.0
REFUSED_GRACE_S = 2.0
LINGER_S = 2.0
"""After an error answer, what the client still sends is read and dropped this long, so it reads the answer
(closing a socket with unread data would reset the connection and lose it)."""
MAX_HEADER_BYTES = 64 * 1024

_RESOURCE_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


@dataclass(frozen=True)
class ConnectionLimits:
    """How many connections are served and how long a request may take to arrive."""

    max_connections: int = MAX_CONNECTIONS
    backlog: int = MAX_BACKLOG
    listen_queue: int = LISTEN_QUEUE
    read_timeout_s: float = REQUEST_READ_TIMEOUT_S
    max_header_bytes: int = MAX_HEADER_BYTES

    def __post_init__(self) -> None:
        if self.max_connections < 1 or self.backlog < 1:
            raise ValueError("max_connections and backlog must be at least 1")
        if self.read_timeout_s <= 0:
            raise ValueError("read_timeout_s must be positive")


def connection_limits(
    max_connections: int | None = None, read_timeout_s: float = REQUEST_READ_TIMEOUT_S
) -> ConnectionLimits:
    """Limits that fit the process's descriptor limit (``RLIMIT_NOFILE``).

    The cap plus the backlog (how many connections one ``accept()`` round
    takes) stay below the descriptors left after a reserve, so a flood of
    connections is refused by the cap instead of failing ``accept()``.
    """
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    budget = MAX_CONNECTIONS + MAX_BACKLOG if soft == resource.RLIM_INFINITY else max(8, soft - RESERVED_DESCRIPTORS)
    backlog = max(1, min(MAX_BACKLOG, budget // 4))
    fitting = max(1, min(MAX_CONNECTIONS, budget - backlog))
    cap = fitting if max_connections is None else max(1, min(max_connections, fitting))
    return ConnectionLimits(max_connections=cap, backlog=backlog, read_timeout_s=read_timeout_s)


# --- logging once per interval ------------------------------------------------------


class OncePerInterval(logging.Filter):
    """Lets each distinct message through once per ``interval_s``; counts the ones it holds back."""

    def __init__(self, interval_s: float = LOG_INTERVAL_S, now: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval_s = interval_s
        self._now = now
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = f"{record.name}:{record.msg}"
        now = self._now()
        last = self._last.get(key)
        if last is not None and now - last < self.interval_s:
            self._held[key] = self._held.get(key, 0) + 1
            return False
        self._last[key] = now
        held = self._held.pop(key, 0)
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last {self.interval_s:g} s)"
        record.exc_info = None  # a repeated problem needs words, not a traceback each time
        record.exc_text = None
        return True


_throttle = OncePerInterval()


def install_log_throttle() -> None:
    """Throttle this module's and uvicorn's per-connection messages (idempotent; uvicorn serves only the sandbox)."""
    for logger in (log, logging.getLogger("uvicorn.error")):
        if _throttle not in logger.filters:
            logger.addFilter(_throttle)


def loop_exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The server loop's exception handler: a resource problem is logged once per interval, in words."""
    exc = context.get("exception")
    if isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRNOS:
        install_log_throttle()
        log.error(
            "the sandbox cannot accept connections: %s (new ones wait until descriptors are free)", exc.strerror or exc
        )
        return
    loop.default_exception_handler(context)


# --- the protocol -----------------------------------------------------------------------


def _raw_answer(status: int, reason: bytes, code: int, msg: str) -> bytes:
    body = responses.error_body(code, msg)
    head = b"HTTP/1.1 %d %s\r\ncontent-type: %s\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % (
        status,
        reason,
        responses.JSON_CONTENT_TYPE.encode("ascii"),
        len(body),
    )
    return head + body


_TIMEOUT_ANSWER = _raw_answer(408, b"Request Timeout", -1000, "The request was not received in time.")
_MALFORMED_ANSWER = _raw_answer(400, b"Bad Request", -1000, "The HTTP request is malformed.")
_BUSY = (-1001, "Too many connections; try again shortly.")


def _too_large_answer(limit: int) -> bytes:
    return _raw_answer(
        431, b"Request Header Fields Too Large", -1101, f"The request line and headers exceed {limit} bytes."
    )


async def _refuse(scope: Any, receive: Any, send: Any) -> None:
    """The ASGI answer to a request on a connection over the cap."""
    body = responses.error_body(*_BUSY)
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", responses.JSON_CONTENT_TYPE.encode("ascii")),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"connection", b"close"),
                (b"retry-after", b"1"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the timeouts, cap and JSON refusals of the module doc."""

    def __init__(self, *args: Any, limits: ConnectionLimits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits or ConnectionLimits()
        self._read_timer: asyncio.TimerHandle | None = None
        self._last_active = 0.0
        self._protocol_error: h11.RemoteProtocolError | None = None
        self._lingering = False
        next_event = self.conn.next_event

        def next_event_noting_errors() -> Any:
            try:
                return next_event()
            except h11.RemoteProtocolError as exc:
                self._protocol_error = exc
                raise

        self.conn.next_event = next_event_noting_errors  # type: ignore[method-assign]  # wraps h11's reader to note protocol errors

    # --- state -------------------------------------------------------------------------

    @property
    def in_application(self) -> bool:
        """Whether a request of this connection is with the application (not to be evicted)."""
        return self.cycle is not None and not self.cycle.response_complete

    def _request_complete(self) -> bool:
        return self.conn.their_state not in (h11.IDLE, h11.SEND_BODY)

    def _arm_read_timer(self, seconds: float) -> None:
        if self._read_timer is None:
            self._read_timer = self.loop.call_later(seconds, self._read_timed_out)

    def _cancel_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    # --- uvicorn's hooks ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # a TCP server: the transport is always a Transport
        super().connection_made(transport)
        self._last_active = self.loop.time()
        if len(self.connections) > self.limits.max_connections and not self._evict_one():
            self.app = _refuse  # answered 503 once its request arrives, closed soon either way
            self._arm_read_timer(REFUSED_GRACE_S)
            log.warning(
                "connection refused: %d connections open (the limit is %d)",
                len(self.connections) - 1,
                self.limits.max_connections,
            )
            return
        self._arm_read_timer(self.limits.read_timeout_s)

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            return
        self._last_active = self.loop.time()
        if not self.in_application:
            self._arm_read_timer(self.limits.read_timeout_s)
        super().data_received(data)
        if self._request_complete():
            self._cancel_read_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_read_timer()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        self._last_active = self.loop.time()
        super().on_response_complete()

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        self._cancel_read_timer()
        super().handle_websocket_upgrade(event)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request h11 refused, as the API's JSON error."""
        self._cancel_read_timer()
        error = self._protocol_error
        if error is not None and error.error_status_hint == 431:
            self._answer_and_close(_too_large_answer(self.limits.max_header_bytes))
        else:
            self._answer_and_close(_MALFORMED_ANSWER)

    def _answer_and_close(self, answer: bytes) -> None:
        """Send an error answer, then read and drop the rest of the request for a moment, then close."""
        transport = self.transport
        if transport.is_closing() or self._lingering:
            return
        transport.write(answer)
        if not transport.can_write_eof():
            transport.close()
            return
        transport.write_eof()
        self._lingering = True
        self._unset_keepalive_if_required()
        self.flow.resume_reading()
        self.loop.call_later(LINGER_S, transport.close)

    # --- timeouts and eviction ---------------------------------------------------------------

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if self.transport.is_closing() or self._request_complete():
            return
        started = self.cycle is not None and self.cycle.response_started
        received = self.cycle is not None or bool(self.conn.trailing_data[0])
        if received and not started:
            if self.cycle is not None:
                self.cycle.disconnected = True  # the application's request ends here: it is never executed
                self.cycle.message_event.set()
            self._answer_and_close(_TIMEOUT_ANSWER)
        else:
            self.transport.close()

    def _evict_one(self) -> bool:
        """Close the least recently active connection without a request in the application."""
        candidates = [
            c
            for c in self.connections
            if c is not self
            and isinstance(c, GuardedH11Protocol)
            and not c.in_application
            and not c.transport.is_closing()
        ]
        if not candidates:
            return False
        oldest = min(candidates, key=lambda c: c._last_active)
        oldest._close_idle()
        return True

    def _close_idle(self) -> None:
        self._cancel_read_timer()
        self._unset_keepalive_if_required()
        if self.conn.our_state in (h11.IDLE, h11.DONE):
            with contextlib.suppress(h11.LocalProtocolError):
                self.conn.send(h11.ConnectionClosed())
        self.transport.close()
