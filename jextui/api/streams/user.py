"""The user data stream: a listenKey kept alive and one connection on it.

:class:`UserDataStream` takes a listenKey over REST, opens ``/ws/<key>``,
decodes every event (:data:`~jextui.api.streams.models.UserEvent`) and hands
it to ``on_event(event, received_ms)``.  It sends a keepalive every
``keepalive_s`` (30 minutes; keys live 60).  When the key is refused, expires
or is deleted (a -1125 answer to the keepalive, a refused handshake, or a
policy close) it takes a new key and reconnects.  It never deletes its key:
other clients of the same account may share it.

Events during a disconnection are lost: each new ``connection_id`` in the
status tells the consumer to reconcile over REST.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from jextui.api.clock import local_time_ms
from jextui.api.errors import ApiError, AuthError, JexError, MissingCredentials
from jextui.api.streams.connection import (
    DEFAULT_MAX_LIFETIME_S,
    POLICY_CLOSE,
    Backoff,
    StreamConnection,
    StreamStatus,
    default_close_error,
)
from jextui.api.streams.errors import (
    ListenKeyInvalid,
    StreamDecodeError,
    StreamError,
    StreamRefused,
)
from jextui.api.streams.models import UserEvent
from jextui.api.streams.names import decode_user, raw_url

__all__ = ["KEEPALIVE_S", "LISTEN_KEY_INVALID_CODE", "ListenKeyClient", "UserDataStream"]

logger = logging.getLogger("jextui.streams")

KEEPALIVE_S = 30 * 60.0
#: The exchange's code for an unknown, expired or deleted listenKey.
LISTEN_KEY_INVALID_CODE = -1125
_KEEPALIVE_RETRY_S = 60.0
_LABEL = "account stream"


class ListenKeyClient(Protocol):
    """What the user stream needs of ``jextui.api.JexClient``."""

    async def start_user_stream(self) -> str: ...
    async def keepalive_user_stream(self, listen_key: str) -> None: ...


OnUserEvent = Callable[[UserEvent, int], None]
OnUserStatus = Callable[[StreamStatus], None]


class UserDataStream:
    """The account's event stream on ``base_url`` (a ws:// or wss:// address)."""

    def __init__(
        self,
        rest: ListenKeyClient,
        base_url: str,
        on_event: OnUserEvent,
        on_status: OnUserStatus,
        *,
        keepalive_s: float = KEEPALIVE_S,
        backoff: Backoff | None = None,
        max_lifetime_s: float = DEFAULT_MAX_LIFETIME_S,
        now_ms: Callable[[], int] = local_time_ms,
    ) -> None:
        if keepalive_s <= 0:
            raise ValueError("keepalive_s must be positive")
        self._rest = rest
        self.base_url = base_url
        self._on_event = on_event
        self.keepalive_s = keepalive_s
        self._key: str | None = None
        self._key_changed = asyncio.Event()
        self.keys_taken = 0
        self.keepalives_sent = 0
        self.decode_errors = 0
        self.connection = StreamConnection(
            self._open_url,
            self._handle_frame,
            on_status,
            label=_LABEL,
            backoff=backoff,
            max_lifetime_s=max_lifetime_s,
            classify_close=self._close_error,
            now_ms=now_ms,
        )

    def __repr__(self) -> str:  # the key is a secret: never shown
        return f"UserDataStream(state={self.connection.status.state!r}, keys_taken={self.keys_taken})"

    @property
    def status(self) -> StreamStatus:
        return self.connection.status

    def stop(self) -> None:
        self.connection.stop()

    def renew(self) -> None:
        """Drop the current key: take a new one and reconnect (e.g. after a -1125
        from another request)."""
        self._forget_key()
        self.connection.restart(ListenKeyInvalid(f"{_LABEL}: the listenKey is no longer valid"))

    async def run(self) -> None:
        """Stream until :meth:`stop`; never raises (except cancellation)."""
        keepalive = asyncio.create_task(self._keepalive_loop(), name="user-stream-keepalive")
        try:
            await self.connection.run()
        finally:
            keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keepalive

    # --- the key ---------------------------------------------------------------------

    def _forget_key(self) -> None:
        self._key = None

    async def _open_url(self) -> str:
        if self._key is None:
            try:
                key = await self._rest.start_user_stream()
            except (MissingCredentials, AuthError) as exc:
                raise StreamRefused(f"{_LABEL}: {exc.message}", hint=exc.hint) from None
            self._key = key
            self.keys_taken += 1
            self._key_changed.set()
        return raw_url(self.base_url, self._key)

    async def _keepalive_loop(self) -> None:
        wait = self.keepalive_s
        while True:
            self._key_changed.clear()
            try:
                await asyncio.wait_for(self._key_changed.wait(), timeout=wait)
            except TimeoutError:
                pass
            else:
                wait = self.keepalive_s  # a new key lives a full period from now
                continue
            wait = self.keepalive_s
            key = self._key
            if key is None:
                continue
            try:
                await self._rest.keepalive_user_stream(key)
                self.keepalives_sent += 1
            except ApiError as exc:
                if exc.code != LISTEN_KEY_INVALID_CODE:
                    logger.info("%s: keepalive failed: %s", _LABEL, exc.message)
                    wait = min(_KEEPALIVE_RETRY_S, self.keepalive_s)
                elif self._key == key:
                    logger.info("%s: the listenKey expired; taking a new one", _LABEL)
                    self.renew()
            except JexError as exc:
                logger.info("%s: keepalive failed: %s", _LABEL, exc.message)
                wait = min(_KEEPALIVE_RETRY_S, self.keepalive_s)

    # --- frames and closes -------------------------------------------------------------

    def _handle_frame(self, frame: bytes, received_ms: int) -> None:
        try:
            event = decode_user(frame)
        except StreamDecodeError as exc:
            self.decode_errors += 1
            if self.decode_errors == 1 or self.decode_errors % 100 == 0:
                logger.warning("%s (%d so far)", exc.message, self.decode_errors)
            return
        if event is not None:
            self._on_event(event, received_ms)

    def _close_error(self, code: int | None, reason: str) -> StreamError:
        """A policy close or a refused handshake means the key is gone."""
        if code == POLICY_CLOSE or code is None:
            self._forget_key()
            detail = f" ({reason})" if reason else ""
            return ListenKeyInvalid(f"{_LABEL}: the listenKey was refused or expired{detail}")
        return default_close_error(code, reason, label=_LABEL)
