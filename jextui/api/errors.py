"""The errors the JEX client raises: one typed hierarchy, all under ``JexError``.

Every error carries a ``hint`` (a sentence telling the user what to do) and
``outcome_unknown`` (True when an order may or may not have been placed, e.g.
after a 5xx, a timeout or a dropped connection on ``new_order``).  Messages
never contain a key, a secret, a signature or a full URL: only the endpoint's
path.

:func:`error_from_response` maps an HTTP status plus the exchange's
``{"code": ..., "msg": ...}`` body to the right class (docs/protocol.md#error-codes).
"""

from __future__ import annotations

__all__ = [
    "JexError",
    "ApiError",
    "AuthError",
    "TimestampError",
    "BadRequest",
    "InvalidSymbol",
    "OrderRejected",
    "InsufficientBalance",
    "UnknownOrder",
    "RateLimited",
    "IpBanned",
    "ServerError",
    "TransportError",
    "RequestTimeout",
    "ConnectionFailed",
    "NotSent",
    "ConnectTimedOut",
    "DecodeError",
    "MissingCredentials",
    "InsecureTransport",
    "InvalidArgument",
    "error_from_response",
    "OUTCOME_UNKNOWN_TEXT",
]

OUTCOME_UNKNOWN_TEXT = "The order's outcome is UNKNOWN: it may or may not have been placed."
_CHECK_ORDERS_HINT = "Do not resend blindly: check open orders and order history first, then decide."


class JexError(Exception):
    """Base of every error raised by the JEX client."""

    default_hint = "See the message for details."

    def __init__(self, message: str, *, hint: str | None = None, outcome_unknown: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint or self.default_hint
        self.outcome_unknown = outcome_unknown

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


# --- answers from the exchange ---------------------------------------------


class ApiError(JexError):
    """The exchange answered with an error (an HTTP status and/or an error code)."""

    default_hint = "The exchange refused the request; see its message."

    def __init__(
        self,
        *,
        code: int | None,
        msg: str,
        status: int | None,
        endpoint: str,
        hint: str | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        self.code = code
        self.msg = msg
        self.status = status
        self.endpoint = endpoint
        super().__init__(
            _api_message(code, msg, status, endpoint, outcome_unknown),
            hint=hint,
            outcome_unknown=outcome_unknown,
        )


def _api_message(code: int | None, msg: str, status: int | None, endpoint: str, outcome_unknown: bool) -> str:
    where = endpoint or "request"
    parts = [f"{where}:"]
    if status is not None:
        parts.append(f"HTTP {status}")
    if code is not None:
        parts.append(f"code {code}")
    text = " ".join(parts)
    if msg:
        text = f"{text}: {msg}"
    if outcome_unknown:
        text = f"{text}. {OUTCOME_UNKNOWN_TEXT}"
    return text


class AuthError(ApiError):
    """Invalid API key, signature or permissions (-1002, -1022, -2014, -2015, 401/403)."""

    default_hint = (
        "Check the API key and secret (they are case sensitive) and that the key "
        "has the permission this action needs (e.g. trading, not read-only)."
    )


class TimestampError(ApiError):
    """The request's timestamp was outside recvWindow (-1021)."""

    default_hint = (
        "The local clock and the exchange's disagree; check the system clock "
        "(NTP) or use a larger recvWindow (max 60000 ms)."
    )


class BadRequest(ApiError):
    """A parameter was missing, malformed or not allowed (-11xx)."""

    default_hint = "A parameter was rejected; correct it and try again."


class InvalidSymbol(BadRequest):
    """The symbol does not exist on the exchange (-1121)."""

    default_hint = "Check the symbol's spelling; the exchange's symbol list is in exchangeInfo."


class OrderRejected(ApiError):
    """The exchange refused the order; nothing was placed."""

    default_hint = (
        "The order was not placed. Check price and quantity against the symbol's "
        "filters (tick size, lot size, minimum notional) and the open-order cap."
    )


class InsufficientBalance(OrderRejected):
    """Not enough free balance for the order."""

    default_hint = (
        "The order was not placed: free balance is too low. Reduce the quantity or cancel open orders that lock funds."
    )


class UnknownOrder(ApiError):
    """The order does not exist (or is already closed) (-2011, -2012, -2013)."""

    default_hint = "The order may already be filled or cancelled; refresh open orders."


class _ToldToWait(ApiError):
    """An answer that tells the client to send nothing for ``retry_after`` seconds."""

    _wait_text = "retry after {:.0f} s"

    def __init__(
        self,
        *,
        retry_after: float,
        code: int | None,
        msg: str,
        status: int | None,
        endpoint: str,
        hint: str | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(code=code, msg=msg, status=status, endpoint=endpoint, hint=hint)
        self.message = f"{self.message} ({self._wait_text.format(retry_after)})"


class RateLimited(_ToldToWait):
    """HTTP 429: a rate limit was broken.  Nothing is sent until ``retry_after`` passes."""

    default_hint = (
        "Slow down: the client sends nothing until the Retry-After time has passed; continuing would get the IP banned."
    )


class IpBanned(_ToldToWait):
    """HTTP 418: the IP is banned for having kept sending after 429s."""

    default_hint = "The IP is banned by the exchange; wait until the ban ends. Repeat offences make the ban longer."
    _wait_text = "banned for {:.0f} s more"


class ServerError(ApiError):
    """5xx or an 'unknown status' code (-1006/-1007): the execution status is UNKNOWN."""

    default_hint = "The exchange had an internal error; try again in a moment."


# --- failures before or around the exchange's answer -----------------------


class TransportError(JexError):
    """The request did not get an HTTP answer (network trouble).

    ``reason`` is the short words for a status line: the host and what went
    wrong ("127.0.0.1:1 refused to connect"); the message adds the
    endpoint.  ``never_sent`` is True when the request certainly did not
    reach the exchange (see :class:`NotSent`).
    """

    default_hint = "Check the network connection and the exchange's base URL."
    never_sent = False

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        hint: str | None = None,
        outcome_unknown: bool = False,
        reason: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.reason = reason or message
        if outcome_unknown:
            message = f"{message}. {OUTCOME_UNKNOWN_TEXT}"
        super().__init__(message, hint=hint, outcome_unknown=outcome_unknown)


class RequestTimeout(TransportError):
    """No answer within the timeout."""

    default_hint = "The exchange did not answer in time; check the network and try again."


class ConnectionFailed(TransportError):
    """The connection was refused, could not be made, or dropped mid-request."""

    default_hint = "Could not talk to the exchange; check the network and the base URL."


class NotSent(ConnectionFailed):
    """No connection was ever made (refused, no such host, no route, TLS handshake
    failed): the request certainly did not reach the exchange, so an order was
    certainly not placed."""

    default_hint = "The exchange is unreachable: check the network and the base URL."
    never_sent = True


class ConnectTimedOut(NotSent, RequestTimeout):
    """The connection was not made within the timeout: nothing was sent."""

    default_hint = "The exchange did not accept a connection in time; check the network and the base URL."


class DecodeError(JexError):
    """The response did not have the documented shape."""

    default_hint = (
        "The exchange's answer did not match the API's documented shape; the client or the server may be out of date."
    )

    def __init__(self, *, endpoint: str, field: str | None, detail: str) -> None:
        self.endpoint = endpoint
        self.field = field
        self.detail = detail
        where = f" at {field}" if field else ""
        super().__init__(f"{endpoint}: unexpected response{where}: {detail}")


class MissingCredentials(JexError):
    """An endpoint that needs an API key (and secret) was called without them."""

    default_hint = "Configure an API key and secret for this exchange profile."


class InsecureTransport(JexError):
    """Credentials would be sent in clear text over plain http."""

    default_hint = (
        "Use an https:// base URL (or a loopback address for a local sandbox); "
        "pass allow_insecure=True only if you accept the risk."
    )


class InvalidArgument(JexError, ValueError):
    """A method was given a value it cannot send (nothing was sent)."""

    default_hint = "Correct the value and try again."


# --- mapping an error answer to a class -------------------------------------

_AUTH_CODES = frozenset({-1002, -1022, -2014, -2015})
_UNKNOWN_OUTCOME_CODES = frozenset({-1006, -1007})
_SERVER_CODES = frozenset({-1000, -1001, -1016})
_RATE_CODES = frozenset({-1003, -1015})
_ORDER_CODES = frozenset({-1013, -1014, -2010, -2019, -9000})
_PRECISION_CODES = frozenset({-1111, -1129})
_UNKNOWN_ORDER_CODES = frozenset({-2012, -2013})


def _is_unknown_order_text(msg: str) -> bool:
    low = msg.lower()
    return "unknown order" in low or "does not exist" in low


def _is_balance_text(msg: str) -> bool:
    return "insufficient balance" in msg.lower()


def _engine_error_class(code: int, msg: str) -> type[ApiError]:
    """-1010 / -2010 / -2011 carry the matching engine's message: read it."""
    if _is_balance_text(msg):
        return InsufficientBalance
    if _is_unknown_order_text(msg) or (code == -2011 and not msg):
        return UnknownOrder
    if code == -2011:
        return ApiError  # a cancel refused for another reason (e.g. market closed)
    return OrderRejected


def _class_for_code(code: int, msg: str, is_order: bool) -> type[ApiError] | None:
    if code in _AUTH_CODES:
        return AuthError
    if code == -1021:
        return TimestampError
    if code in _UNKNOWN_OUTCOME_CODES or code in _SERVER_CODES:
        return ServerError
    if code in _RATE_CODES:
        return RateLimited
    if code == -1121:
        return InvalidSymbol
    if code in _UNKNOWN_ORDER_CODES:
        return UnknownOrder
    if code in (-1010, -2010, -2011):
        return _engine_error_class(code, msg)
    if code in _ORDER_CODES:
        return InsufficientBalance if _is_balance_text(msg) else OrderRejected
    if code in _PRECISION_CODES and is_order:
        return OrderRejected
    if -1199 <= code <= -1100:
        return BadRequest
    return None


def error_from_response(
    *,
    status: int,
    code: int | None,
    msg: str,
    endpoint: str,
    is_order: bool,
    retry_after: float | None = None,
    checks_order: bool = False,
) -> ApiError:
    """The typed error for an error answer (HTTP status >= 400, or an error body).

    ``is_order``: the request places an order (a 5xx leaves its outcome
    unknown).  ``checks_order``: a test order, which is rejected like an order
    but never places one.
    """
    wait = retry_after or 0.0
    if status == 418:
        return IpBanned(retry_after=wait, code=code, msg=msg, status=status, endpoint=endpoint)
    order_like = is_order or checks_order
    cls = _class_for_code(code, msg, order_like) if code is not None else None
    if status == 429 or cls is RateLimited:
        return RateLimited(retry_after=wait, code=code, msg=msg, status=status, endpoint=endpoint)
    if status >= 500 or cls is ServerError:
        # 5xx: the exchange does not know what happened; -1006/-1007 say so outright.
        unknown = (status >= 500 and is_order) or code in _UNKNOWN_OUTCOME_CODES
        return ServerError(
            code=code,
            msg=msg,
            status=status,
            endpoint=endpoint,
            outcome_unknown=unknown,
            hint=_CHECK_ORDERS_HINT if unknown else None,
        )
    hint: str | None = None
    if cls is None:
        if status in (401, 403):
            cls = AuthError
        else:
            cls = ApiError
            if status == 404:
                hint = "The exchange does not know this endpoint; check the base URL."
            elif 300 <= status < 400:
                hint = "The request was redirected, and redirects are not followed: check the base URL."
    return cls(code=code, msg=msg, status=status, endpoint=endpoint, hint=hint)
