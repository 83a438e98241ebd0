"""Wire-level helpers of the client: parameter encoding, mapping network
failures to our errors, and keeping signatures out of logs.
"""

from __future__ import annotations

import errno
import logging
import re
import socket
import ssl
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from ipaddress import ip_address
from urllib.parse import urlencode

from jextui.api.http_stack import httpx

from .errors import (
    ConnectionFailed,
    ConnectTimedOut,
    InvalidArgument,
    NotSent,
    RequestTimeout,
    TransportError,
)

__all__ = [
    "Params",
    "encode_params",
    "format_decimal",
    "is_loopback_host",
    "transport_error",
    "describe_failure",
    "install_log_redaction",
]

Params = list[tuple[str, str]]


def encode_params(params: Sequence[tuple[str, str]]) -> str:
    """``a=1&b=2`` in the given order: the exact text that is sent and signed."""
    return urlencode(list(params))


def format_decimal(value: object, name: str) -> str:
    """A price or quantity as a plain decimal string, exactly as given.

    ``Decimal("1.10")`` is sent as ``1.10`` (trailing zeros kept: the value is
    not changed, only its notation), ``Decimal("1E-8")`` as ``0.00000001``.
    Floats are refused: they cannot hold most decimal prices exactly.
    """
    if isinstance(value, (bool, float)):
        raise InvalidArgument(
            f"{name} must be a Decimal (or int/str), not {type(value).__name__}",
            hint="Pass money as decimal.Decimal so it is sent exactly.",
        )
    if isinstance(value, (int, str)):
        try:
            value = Decimal(value)
        except InvalidOperation:
            raise InvalidArgument(f"{name} is not a number: {value!r}") from None
    if not isinstance(value, Decimal):
        raise InvalidArgument(f"{name} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise InvalidArgument(f"{name} must be a finite number, not {value}")
    if value <= 0:
        raise InvalidArgument(f"{name} must be greater than zero, not {value}")
    return format(value, "f")


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (a local sandbox)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def transport_error(exc: httpx.HTTPError, *, endpoint: str, is_order: bool) -> TransportError:
    """Our error for a failure without an HTTP answer.

    A connection that was never made (refused, no such host, no route, a
    failed TLS handshake, a connect timeout) means the request never left:
    :class:`NotSent`, its outcome known (nothing happened).  A timeout or a
    drop once connected leaves an order's outcome unknown.
    """
    never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    unknown = is_order and not never_sent
    reason = describe_failure(exc)
    cls: type[TransportError]
    if isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        cls = ConnectTimedOut
    elif isinstance(exc, httpx.ConnectError):
        cls = NotSent
    elif isinstance(exc, httpx.TimeoutException):
        cls = RequestTimeout
    elif isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError)):
        cls = ConnectionFailed
    else:
        cls = TransportError
    message = f"{reason} ({endpoint})"
    if is_order and never_sent:
        message += "; the order was not sent"
    hint = "Do not resend blindly: check open orders and order history first." if unknown else None
    return cls(message, endpoint=endpoint, hint=hint, outcome_unknown=unknown, reason=reason)


def _host_of(exc: httpx.HTTPError, *, with_port: bool = True) -> str:
    """``host:port`` of the failed request (the port only when the URL gives one;
    ``the exchange`` when unknown)."""
    try:
        url = exc.request.url
    except RuntimeError:  # an error raised without its request
        return "the exchange"
    host = url.host or "the exchange"
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{url.port}" if with_port and url.port is not None else host


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception's chain of causes (the library wraps the socket's error twice)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 8:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _connect_failure(exc: httpx.HTTPError, host: str) -> str:
    """Why a connection could not be made, in a few words naming the host."""
    causes = _causes(exc)
    text = " ".join(str(cause) for cause in causes).lower()
    if any(isinstance(cause, ssl.SSLCertVerificationError) for cause in causes) or "certificate" in text:
        return f"{host}: untrusted TLS certificate"
    if any(isinstance(cause, ssl.SSLError) for cause in causes) or "[ssl" in text:
        return f"{host}: TLS handshake failed"
    if any(isinstance(cause, socket.gaierror) for cause in causes) or "name or service" in text:
        return f"{_host_of(exc, with_port=False)}: no such host (DNS)"
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes) or "refused" in text:
        return f"{host} refused to connect"
    unreachable = (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN)
    if any(getattr(cause, "errno", None) in unreachable for cause in causes) or "unreachable" in text:
        return f"{host} unreachable (no route)"
    if any(isinstance(cause, TimeoutError) for cause in causes):
        return f"{host}: no connection in time"
    return f"could not connect to {host}"


def describe_failure(exc: httpx.HTTPError) -> str:
    """Fixed words per failure kind, naming the host: short enough for the status
    bar (about 40 characters with a usual host name).  The library's own text
    may quote the whole URL, signature included, so it is never shown."""
    host = _host_of(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return f"{host}: no connection in time"
    if isinstance(exc, httpx.PoolTimeout):
        return f"{host}: no free connection in time"
    if isinstance(exc, httpx.WriteTimeout):
        return f"{host}: timed out sending"
    if isinstance(exc, httpx.ReadTimeout):
        return f"{host}: no answer in time"
    if isinstance(exc, httpx.TimeoutException):
        return f"{host} timed out"
    if isinstance(exc, httpx.ConnectError):
        return _connect_failure(exc, host)
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{host} dropped the connection"
    if isinstance(exc, httpx.ReadError):
        return f"{host} dropped the answer"
    if isinstance(exc, httpx.WriteError):
        return f"{host} dropped the request"
    if isinstance(exc, httpx.NetworkError):
        return f"{host}: network error"
    return f"HTTP transport failure ({type(exc).__name__})"


# --- keep signatures out of the HTTP library's own log lines ------------------

_SIGNATURE_RE = re.compile(r"(signature=)[0-9A-Za-z%]+", re.IGNORECASE)


def _redact_arg(arg: object) -> object:
    text = str(arg)
    if "signature=" not in text.lower():
        return arg
    return _SIGNATURE_RE.sub(r"\1***", text)


class _RedactSignature(logging.Filter):
    """Rewrites ``signature=<hex>`` to ``signature=***`` in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        if isinstance(record.msg, str) and "signature=" in record.msg.lower():
            record.msg = _SIGNATURE_RE.sub(r"\1***", record.msg)
        return True


_REDACTION = _RedactSignature()


def install_log_redaction() -> None:
    """Attach the redaction filter to the HTTP library's loggers (idempotent).

    The library logs each request's full URL at INFO; for signed GET/DELETE
    requests that URL carries the signature.
    """
    for name in ("httpx", "httpcore"):
        log = logging.getLogger(name)
        if _REDACTION not in log.filters:
            log.addFilter(_REDACTION)
