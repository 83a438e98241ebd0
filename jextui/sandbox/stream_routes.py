"""The sandbox's WebSocket endpoints: ``/ws/<stream>`` and ``/stream?streams=a/b/c`` (docs/streams.md).

One :class:`StreamConnection` per client: the stream hub hands it encoded
messages, a sender task writes them in order, a receiver task notices the
client going away.  The connection applies the stream faults as messages
pass (drop, stall, reorder, duplicate), closes itself when its lifetime is
over, and is closed by the hub when its listenKey expires or is deleted.

Refusals are a close frame with code 1008 and a reason: no stream, more than
:data:`~jextui.sandbox.stream_names.MAX_STREAMS` streams, or a name that is
neither a served market stream nor a live listenKey.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from jextui.sandbox.stream_hub import POLICY_CLOSE, StreamHub
from jextui.sandbox.stream_names import MAX_STREAMS, StreamNameError

__all__ = ["StreamConnection", "stream_routes", "ABORT_EXTENSION", "GOING_AWAY", "MAX_QUEUED", "REORDER_HOLD_S"]

ABORT_EXTENSION = "jextui.abort"
"""Scope extension set by the server: closes the connection without a close frame."""

GOING_AWAY = 1001
MAX_QUEUED = 2000
"""Messages waiting for a slow client before the connection is closed."""
REORDER_HOLD_S = 0.25
"""With the reorder fault, how long a user event waits for the next one to overtake it."""
_MAX_REASON_BYTES = 123


def _reason(text: str) -> str:
    return text.encode()[:_MAX_REASON_BYTES].decode(errors="ignore")


class StreamConnection:
    """One client connection carrying one or more streams."""

    def __init__(self, websocket: WebSocket, hub: StreamHub, faults: Any, *, combined: bool) -> None:
        self.combined = combined
        self._websocket = websocket
        self._hub = hub
        self._faults = faults
        self._queue: deque[str] = deque()
        self._wake = asyncio.Event()
        self._closing: tuple[int, str] | None = None
        self._held: str | None = None
        self._held_timer: asyncio.TimerHandle | None = None
        self._abort: Callable[[], None] | None = websocket.scope.get("extensions", {}).get(ABORT_EXTENSION)

    # --- called by the hub ------------------------------------------------------------

    def deliver(self, text: str, *, user: bool = False) -> None:
        settings = self._faults.settings
        if settings.stream_drop:
            self.drop()
            return
        if settings.stream_stall or self._closing is not None:
            return
        copies = 2 if settings.stream_duplicate else 1
        if user and settings.stream_reorder:
            held = self._held
            if held is None:
                self._held = text
                self._held_timer = asyncio.get_running_loop().call_later(REORDER_HOLD_S, self._release_held)
                return
            self._enqueue(text, copies)  # the later event overtakes the held one
            self._release_held()
            return
        self._enqueue(text, copies)

    def _release_held(self) -> None:
        held, self._held = self._held, None
        if self._held_timer is not None:
            self._held_timer.cancel()
            self._held_timer = None
        if held is not None:
            self._enqueue(held, 2 if self._faults.settings.stream_duplicate else 1)

    def _enqueue(self, text: str, copies: int) -> None:
        if len(self._queue) >= MAX_QUEUED:
            self.close_soon(POLICY_CLOSE, "client too slow: messages not read")
            return
        for _ in range(copies):
            self._queue.append(text)
        self._wake.set()

    def close_soon(self, code: int, reason: str) -> None:
        """Close with ``code`` and ``reason`` once what is already queued has been sent."""
        if self._closing is None:
            self._closing = (code, _reason(reason))
            self._wake.set()

    def drop(self) -> None:
        """Cut the connection without a close frame (the drop fault)."""
        if self._abort is not None:
            self._abort()
        else:  # not served by our server: the nearest thing is an abnormal close
            self.close_soon(1011, "dropped")

    # --- the connection's own tasks ---------------------------------------------------

    async def run(self, lifetime_s: float) -> None:
        loop = asyncio.get_running_loop()
        lifetime = loop.call_later(lifetime_s, self.close_soon, GOING_AWAY, "connection lifetime reached")
        sender = asyncio.create_task(self._send_loop())
        receiver = asyncio.create_task(self._receive_loop())
        try:
            await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lifetime.cancel()
            if self._held_timer is not None:
                self._held_timer.cancel()
            for task in (sender, receiver):
                task.cancel()
            for task in (sender, receiver):
                with contextlib.suppress(BaseException):
                    await task

    async def _send_loop(self) -> None:
        websocket = self._websocket
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._queue:
                    await websocket.send_text(self._queue.popleft())
                if self._closing is not None:
                    code, reason = self._closing
                    await websocket.close(code, reason)
                    return
        except Exception:
            return

    async def _receive_loop(self) -> None:
        try:
            while (await self._websocket.receive())["type"] != "websocket.disconnect":
                pass  # the streams are read-only: anything a client sends is ignored
        except Exception:
            return


def _check(hub: StreamHub, names: list[str]) -> str | None:
    """Why these streams are refused, or None."""
    if not names:
        return "no stream given"
    if len(names) > MAX_STREAMS:
        return f"too many streams: {len(names)} (at most {MAX_STREAMS} per connection)"
    for name in names:
        try:
            hub.resolve(name)
        except StreamNameError as exc:
            return str(exc)
    return None


def stream_routes(hub: StreamHub, faults: Any, lifetime_ms: Callable[[], int]) -> list[WebSocketRoute]:
    """The two WebSocket routes serving ``hub``'s streams."""

    async def serve(websocket: WebSocket, names: list[str], combined: bool) -> None:
        await websocket.accept()
        names = list(dict.fromkeys(names))  # a stream named twice is carried once
        refusal = _check(hub, names)
        if refusal is not None:
            await websocket.close(POLICY_CLOSE, _reason(refusal))
            return
        connection = StreamConnection(websocket, hub, faults, combined=combined)
        if faults.settings.stream_drop:
            connection.drop()
            return
        hub.subscribe(connection, names)
        try:
            await connection.run(lifetime_ms() / 1000)
        finally:
            hub.unsubscribe(connection)

    async def raw(websocket: WebSocket) -> None:
        await serve(websocket, [websocket.path_params["name"]], combined=False)

    async def combined(websocket: WebSocket) -> None:
        streams = websocket.query_params.get("streams", "")
        await serve(websocket, [name for name in streams.split("/") if name], combined=True)

    return [
        WebSocketRoute("/ws/{name}", raw, name="stream-raw"),
        WebSocketRoute("/stream", combined, name="stream-combined"),
    ]
