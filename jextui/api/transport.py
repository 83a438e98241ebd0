"""Wire-level helpers of the client: parameter encoding, mapping network
failures to our errors, and keeping signatures out of logs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from ipaddress import ip_address
from urllib.parse import urlencode

import httpx

from .errors import ConnectionFailed, InvalidArgument, RequestTimeout, TransportError

__all__ = [
    "Params",
    "encode_params",
    "format_decimal",
    "is_loopback_host",
    "transport_error",
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
    if isinstance(value, bool) or isinstance(value, float):
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


def transport_error(
    exc: httpx.HTTPError, *, endpoint: str, is_order: bool
) -> TransportError:
    """Our error for a failure without an HTTP answer.

    A failure to connect means the request never left: its outcome is known
    (nothing happened).  A timeout or a drop after sending leaves an order's
    outcome unknown.
    """
    never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    unknown = is_order and not never_sent
    what = _describe(exc)
    if isinstance(exc, httpx.TimeoutException):
        cls: type[TransportError] = RequestTimeout
    elif isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError)):
        cls = ConnectionFailed
    else:
        cls = TransportError
    message = f"{endpoint}: {what}"
    if is_order and never_sent:
        message += "; the order was not sent"
    hint = (
        "Do not resend blindly: check open orders and order history first."
        if unknown
        else None
    )
    return cls(message, endpoint=endpoint, hint=hint, outcome_unknown=unknown)


_DESCRIPTIONS: tuple[tuple[type[httpx.HTTPError], str], ...] = (
    (httpx.ConnectTimeout, "timed out while connecting"),
    (httpx.PoolTimeout, "timed out waiting for a free connection"),
    (httpx.WriteTimeout, "timed out while sending the request"),
    (httpx.ReadTimeout, "no answer within the timeout"),
    (httpx.TimeoutException, "timed out"),
    (httpx.ConnectError, "could not connect (refused or unreachable)"),
    (httpx.RemoteProtocolError, "the connection was dropped"),
    (httpx.ReadError, "the connection was dropped while reading the answer"),
    (httpx.WriteError, "the connection was dropped while sending"),
    (httpx.NetworkError, "network error"),
)


def _describe(exc: httpx.HTTPError) -> str:
    """Fixed words per failure kind: the library's own text may quote the URL."""
    for cls, text in _DESCRIPTIONS:
        if isinstance(exc, cls):
            return text
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
