"""One WebSocket connection kept open: connect, read, reconnect, report.

:class:`StreamConnection` owns a single connection to a stream address and
never raises into its consumer.  Frames go to ``on_frame`` as raw bytes
with the local receipt time; every change of state goes to ``on_status`` as
a :class:`StreamStatus`:

* ``connecting``: the first attempt is under way;
* ``live``: open and, for a connection watched for stalls, its first frame
  received (a connection that opens but stays silent never counts as live);
* ``reconnecting``: the connection failed or ended and a new attempt follows
  after the backoff delay;
* ``down``: the server refused the streams, or several attempts in a row
  failed; attempts go on at the longest delay;
* ``stopped``: :meth:`StreamConnection.stop` was called.

Reconnect delays grow exponentially with jitter (:class:`Backoff`).  A
connection is replaced proactively before the server's 24 h limit, pings are
sent and answered by the websockets library, and a connection that stays
silent for ``stall_after_s`` is treated as dead.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
)

from jextui.api.clock import local_time_ms
from jextui.api.errors import JexError
from jextui.api.streams.errors import (
    StreamClosed,
    StreamConnectFailed,
    StreamError,
    StreamRefused,
    StreamStalled,
)

__all__ = [
    "DEFAULT_MAX_LIFETIME_S",
    "DEFAULT_MAX_SIZE",
    "POLICY_CLOSE",
    "Backoff",
    "StreamConnection",
    "StreamState",
    "StreamStatus",
]

logger = logging.getLogger("jextui.streams")

StreamState = Literal["connecting", "live", "reconnecting", "down", "stopped"]

#: Largest frame accepted (the all-symbol ticker array is the biggest payload).
DEFAULT_MAX_SIZE = 4 * 1024 * 1024
#: The server ends a connection after 24 h; ours is replaced well before.
DEFAULT_MAX_LIFETIME_S = 23.5 * 3600
#: The close code of a refusal (unknown stream, too many streams, bad listenKey).
POLICY_CLOSE = 1008
#: A connection open this long (or that delivered a frame) counts as having
#: worked: the backoff starts again from its shortest delay after it ends.
STABLE_AFTER_S = 1.0
#: Failed attempts in a row after which the state reads ``down``.
DOWN_AFTER_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class StreamStatus:
    """Where a connection stands.  ``connection_id`` counts successful opens
    (a consumer resynchronises whenever it changes); ``retry_in_s`` is the
    delay before the next attempt while reconnecting or down."""

    state: StreamState
    since_ms: int
    connection_id: int
    attempt: int = 0
    retry_in_s: float | None = None
    error: JexError | None = None


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential delays with jitter: attempt ``n`` (1-based) waits between
    ``(1 - jitter)`` and 1 times ``min(max_s, initial_s * factor ** (n - 1))``."""

    initial_s: float = 0.25
    factor: float = 2.0
    max_s: float = 30.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if not (self.initial_s > 0 and self.factor >= 1 and self.max_s >= self.initial_s):
            raise ValueError("backoff needs initial_s > 0, factor >= 1 and max_s >= initial_s")
        if not 0 <= self.jitter < 1:
            raise ValueError("backoff jitter must be in [0, 1)")

    def ceiling(self, attempt: int) -> float:
        """The longest delay before attempt ``attempt`` (1-based)."""
        exponent = max(0, attempt - 1)
        if exponent > 64:
            return self.max_s
        return min(self.max_s, self.initial_s * self.factor**exponent)

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        ceiling = self.ceiling(attempt)
        return ceiling * (1.0 - self.jitter * rand())


OnFrame = Callable[[bytes, int], None]
OnStatus = Callable[[StreamStatus], None]
ClassifyClose = Callable[[int | None, str], StreamError]


def default_close_error(code: int | None, reason: str, *, label: str = "stream") -> StreamError:
    """A server's close as an error: a policy close is a refusal."""
    text = f"{label}: closed by the server (code {code}{': ' + reason if reason else ''})"
    if code == POLICY_CLOSE:
        return StreamRefused(text, code=code, reason=reason)
    return StreamClosed(text, code=code, reason=reason)


class _EndOfLife(Exception):
    """The connection reached its planned lifetime."""


class StreamConnection:
    """Keeps one stream connection open until :meth:`stop`.

    ``open_url`` gives the address for each attempt (the user stream takes a
    listenKey there; a ``JexError`` it raises counts as a failed attempt).
    ``label`` names the connection in messages and logs (never an address:
    a listenKey is a secret).  ``classify_close`` turns a server's close
    code and reason into the error reported.
    """

    def __init__(
        self,
        open_url: Callable[[], Awaitable[str]],
        on_frame: OnFrame,
        on_status: OnStatus,
        *,
        label: str,
        backoff: Backoff | None = None,
        max_lifetime_s: float = DEFAULT_MAX_LIFETIME_S,
        stall_after_s: float | None = None,
        max_size: int = DEFAULT_MAX_SIZE,
        ping_interval_s: float = 30.0,
        ping_timeout_s: float = 30.0,
        open_timeout_s: float = 10.0,
        classify_close: ClassifyClose | None = None,
        now_ms: Callable[[], int] = local_time_ms,
        rand: Callable[[], float] = random.random,
    ) -> None:
        if max_lifetime_s <= 0:
            raise ValueError("max_lifetime_s must be positive")
        if stall_after_s is not None and stall_after_s <= 0:
            raise ValueError("stall_after_s must be positive")
        self._open_url = open_url
        self._on_frame = on_frame
        self._on_status = on_status
        self.label = label
        self.backoff = backoff or Backoff()
        self.max_lifetime_s = max_lifetime_s
        self.stall_after_s = stall_after_s
        self._max_size = max_size
        self._ping_interval_s = ping_interval_s
        self._ping_timeout_s = ping_timeout_s
        self._open_timeout_s = open_timeout_s
        self._classify_close: ClassifyClose = classify_close or functools.partial(default_close_error, label=label)
        self._now = now_ms
        self._rand = rand
        self._stopping = False
        self._wake = asyncio.Event()
        self._ws: ClientConnection | None = None
        self._restart_error: StreamError | None = None
        self._restart_requested = False
        self._had_frames = False
        self._open_for_s = 0.0
        self.connection_id = 0
        self.frames = 0
        self.status = StreamStatus("connecting", now_ms(), 0)

    # --- control -------------------------------------------------------------------

    def stop(self) -> None:
        """End :meth:`run` soon (the open connection is closed)."""
        self._stopping = True
        self._wake.set()
        self._close_current()

    def restart(self, error: StreamError | None = None) -> None:
        """Close the current connection and open a new one at once (e.g. after
        a gap, or when the user stream's key must be renewed)."""
        self._restart_requested = True
        self._restart_error = error
        self._wake.set()
        self._close_current()

    def _close_current(self) -> None:
        ws = self._ws
        if ws is not None:
            task = asyncio.ensure_future(ws.close())
            task.add_done_callback(_ignore_result)

    # --- the loop ------------------------------------------------------------------

    async def run(self) -> None:
        """Connect and read until :meth:`stop`; never raises (except cancellation)."""
        attempt = 0
        self._report("connecting")
        while not self._stopping:
            error = await self._one_connection()
            if self._stopping:
                break
            if error is None or self._restart_requested:
                # planned: the lifetime was reached, or restart() asked for a new connection
                attempt = 0
                self._report("reconnecting", retry_in_s=0.0, error=error)
                continue
            if self._had_frames or self._open_for_s >= STABLE_AFTER_S:
                attempt = 0  # it worked for a while: this failure is a fresh one
            attempt += 1
            refused = isinstance(error, StreamRefused)
            delay = self.backoff.max_s if refused else self.backoff.delay(attempt, self._rand)
            state: StreamState = "down" if refused or attempt >= DOWN_AFTER_ATTEMPTS else "reconnecting"
            log = logger.info if attempt == 1 else logger.debug
            log("%s: %s; retry in %.2f s", self.label, error.message, delay)
            self._report(state, attempt=attempt, retry_in_s=delay, error=error)
            await self._pause(delay)
        self._report("stopped")

    async def _pause(self, delay_s: float) -> None:
        self._wake.clear()
        if self._stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, delay_s))

    async def _one_connection(self) -> StreamError | None:
        """One attempt: the error that ended it, or None for a planned end."""
        self._had_frames = False
        self._open_for_s = 0.0
        self._restart_requested = False
        self._restart_error = None
        self._wake.clear()
        try:
            url = await self._open_url()
        except StreamError as exc:
            return exc
        except JexError as exc:
            return StreamConnectFailed(f"{self.label}: {exc.message}", hint=exc.hint)
        except Exception as exc:  # a bug in finding the address must not end the loop
            logger.exception("%s: finding the stream address failed", self.label)
            return StreamConnectFailed(f"{self.label}: no stream address ({type(exc).__name__})")
        try:
            ws = await connect(
                url,
                max_size=self._max_size,
                ping_interval=self._ping_interval_s,
                ping_timeout=self._ping_timeout_s,
                open_timeout=self._open_timeout_s,
                close_timeout=2.0,
                proxy=None,
                user_agent_header=None,
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            if 400 <= status < 500 and status != 429:
                return self._classify_refusal(status)
            return StreamConnectFailed(f"{self.label}: the server answered HTTP {status}")
        except InvalidURI:
            return StreamRefused(f"{self.label}: the stream address is not a ws:// or wss:// URL")
        except (OSError, TimeoutError, InvalidHandshake) as exc:
            return StreamConnectFailed(f"{self.label}: could not connect ({type(exc).__name__})")
        except Exception as exc:  # anything else the library raises: retried like a network error
            logger.warning("%s: unexpected failure while connecting: %s", self.label, type(exc).__name__)
            return StreamConnectFailed(f"{self.label}: could not connect ({type(exc).__name__})")
        if self._stopping or self._restart_requested:
            await ws.close()
            return self._restart_error
        self._ws = ws
        self.connection_id += 1
        if self.stall_after_s is None:
            self._report("live")  # streams without a cadence: open is all we can know
        opened = asyncio.get_running_loop().time()
        try:
            return await self._read(ws)
        finally:
            self._open_for_s = asyncio.get_running_loop().time() - opened
            self._ws = None
            with contextlib.suppress(Exception):
                await ws.close()

    def _classify_refusal(self, status: int) -> StreamError:
        error = self._classify_close(None, f"HTTP {status}")
        if isinstance(error, StreamRefused):
            error.status = status
            return error
        if isinstance(error, StreamClosed):
            return StreamRefused(f"{self.label}: refused (HTTP {status})", status=status)
        return error

    async def _read(self, ws: ClientConnection) -> StreamError | None:
        loop = asyncio.get_running_loop()
        end_of_life = loop.time() + self.max_lifetime_s
        while True:
            timeout = end_of_life - loop.time()
            stalled = False
            if self.stall_after_s is not None and self.stall_after_s < timeout:
                timeout, stalled = self.stall_after_s, True
            try:
                async with asyncio.timeout(max(0.0, timeout)):
                    frame = await ws.recv(decode=False)
            except TimeoutError:
                if stalled:
                    return StreamStalled(f"{self.label}: nothing received for {self.stall_after_s:g} s")
                logger.info("%s: replacing the connection before its lifetime ends", self.label)
                return None
            except ConnectionClosed as exc:
                if self._stopping:
                    return None
                if self._restart_requested:
                    return self._restart_error
                received = exc.rcvd
                if received is None:
                    return StreamClosed(f"{self.label}: the connection dropped")
                return self._classify_close(received.code, received.reason)
            self.frames += 1
            if not self._had_frames:
                self._had_frames = True
                if self.stall_after_s is not None:
                    self._report("live")  # streams with a cadence: live once frames flow
            assert isinstance(frame, bytes)
            try:
                self._on_frame(frame, self._now())
            except Exception:  # a consumer's bug must not end the stream
                logger.exception("%s: the frame handler failed", self.label)

    def _report(
        self,
        state: StreamState,
        *,
        attempt: int = 0,
        retry_in_s: float | None = None,
        error: JexError | None = None,
    ) -> None:
        self.status = StreamStatus(state, self._now(), self.connection_id, attempt, retry_in_s, error)
        try:
            self._on_status(self.status)
        except Exception:
            logger.exception("%s: the status handler failed", self.label)


def _ignore_result(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()
