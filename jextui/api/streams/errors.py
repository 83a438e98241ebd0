"""The errors of the stream client, under ``JexError`` like the REST errors.

They are never raised into a stream's consumer: the connection reports them
in its :class:`~jextui.api.streams.connection.StreamStatus` and goes on
(reconnecting, or down when retrying cannot help).  Messages name the
stream, never a listenKey or a full address.
"""

from __future__ import annotations

from jextui.api.errors import JexError

__all__ = [
    "ListenKeyInvalid",
    "StreamClosed",
    "StreamConnectFailed",
    "StreamDecodeError",
    "StreamError",
    "StreamRefused",
    "StreamStalled",
]


class StreamError(JexError):
    """Base of every stream failure."""

    default_hint = "The live stream is interrupted; data falls back to polling until it is back."


class StreamConnectFailed(StreamError):
    """The connection could not be opened (network, TLS, timeout)."""

    default_hint = "Check the network and the profile's stream address (stream_url)."


class StreamClosed(StreamError):
    """An open connection ended (dropped, or closed by the server)."""

    def __init__(self, message: str, *, code: int | None = None, reason: str = "") -> None:
        self.code = code
        self.reason = reason
        super().__init__(message)


class StreamRefused(StreamError):
    """The server refused the streams: at the handshake (an HTTP status) or by
    closing with a policy code (1008) and a reason.  Retrying the same request
    will not help."""

    default_hint = "The server does not serve these streams; check the stream address and the names."

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        reason: str = "",
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.reason = reason
        super().__init__(message, hint=hint)


class StreamStalled(StreamError):
    """The connection stayed open but nothing arrived for too long."""

    default_hint = "The stream went silent; it is reopened and polling covers the gap."


class StreamDecodeError(StreamError):
    """A frame did not have the documented shape."""

    default_hint = "A stream message did not match the documented shape; the client or the server may be out of date."

    def __init__(self, *, stream: str, detail: str) -> None:
        self.stream = stream
        self.detail = detail
        super().__init__(f"{stream}: unexpected message: {detail}")


class ListenKeyInvalid(StreamError):
    """The user stream's listenKey is unknown, expired or deleted (-1125, or the
    stream was closed for it): a new key is taken and the stream reopened."""

    default_hint = "The account stream's key expired; a new one is requested automatically."
