"""API error codes in words a trader understands (docs/protocol.md#error-codes).

:func:`describe_code` turns a code (and the exchange's own message, which
sometimes says more: which filter failed, which parameter) into one or two
sentences: what happened, and what to do.  :func:`describe_error` does the
same for any exception the API client raises (or anything else), and says
clearly when an order's outcome is unknown.

Every code listed in docs/protocol.md#error-codes has an entry in :data:`CODE_TEXT`;
an unlisted code falls back to the exchange's message.
"""

from __future__ import annotations

import re

__all__ = ["CODE_TEXT", "describe_code", "describe_error", "describe_status", "UNKNOWN_OUTCOME_TEXT"]

UNKNOWN_OUTCOME_TEXT = (
    "The outcome is UNKNOWN: the order may or may not have been placed. "
    "It is not resent; jextui checks open orders and order history to find out."
)

CODE_TEXT: dict[int, str] = {
    -1000: "The exchange hit an unknown error while processing the request. Try again in a moment.",
    -1001: "The exchange's internal connection dropped. Try again in a moment.",
    -1002: "The exchange refused the request: this API key is not authorized for it.",
    -1003: "Too many requests: a rate limit was reached. jextui waits before sending more.",
    -1006: "The exchange sent an unexpected answer; the order status is unknown.",
    -1007: "The exchange timed out waiting for its engine; the order status is unknown.",
    -1010: "The matching engine refused the request.",
    -1013: "The order does not meet the symbol's trading rules.",
    -1014: "This combination of order options is not supported.",
    -1015: "Too many new orders: slow down and try again shortly.",
    -1016: "The exchange is shutting this service down; try again later.",
    -1020: "The exchange does not support this operation.",
    -1021: "Your computer's clock and the exchange's disagree (timestamp outside the receive window). "
    "jextui re-synchronises; if it keeps happening, fix the system clock.",
    -1022: "The request's signature was refused: check that the API secret is exactly right.",
    -1100: "A field contains characters the exchange does not accept.",
    -1101: "Too many or duplicated parameters were sent.",
    -1102: "A required value was missing, empty or malformed.",
    -1103: "The exchange did not recognise one of the parameters.",
    -1104: "Not every parameter sent was used by the exchange.",
    -1105: "A parameter was empty.",
    -1106: "A parameter was sent that this request does not take.",
    -1111: "Too many decimals: the amount is more precise than the asset allows.",
    -1112: "There are no orders on the book for this symbol.",
    -1114: "A time in force was sent where none is needed.",
    -1115: "The time in force is not valid: choose GTC, IOC or FOK.",
    -1116: "The order type is not valid: this symbol accepts LIMIT orders.",
    -1117: "The side is not valid: choose BUY or SELL.",
    -1120: "The chart interval is not valid.",
    -1121: "The exchange does not know this symbol.",
    -1125: "The user-data stream key has expired or does not exist; jextui will open a new one.",
    -1127: "The time range is not valid: the end is before the start, or the range is too long.",
    -1128: "This combination of optional parameters is not valid.",
    -1129: "Too many decimals in a value.",
    -2010: "The exchange rejected the new order; nothing was placed.",
    -2011: "The cancel was refused: the order is unknown or already closed.",
    -2012: "The order does not exist.",
    -2013: "The order does not exist (it may have been filled or cancelled and purged).",
    -2014: "The API key's format is invalid: check it was copied completely.",
    -2015: "The API key is invalid, not allowed from this IP, or lacks the permission for this action "
    "(for example a read-only key cannot trade).",
    -2019: "Too many open orders on this symbol (the cap is 200): cancel some first.",
    -9000: "The order was rejected by one of the symbol's filters; nothing was placed.",
    -8000: "The withdrawal amount is not valid.",
    -8001: "Withdrawals are not allowed for this account or asset right now.",
    -8002: "The withdrawal fee is not valid.",
    -8003: "The withdrawal address is not valid.",
    -8004: "Not enough balance for this withdrawal.",
    -8005: "This withdrawal would exceed the daily limit.",
    -8006: "This asset cannot be withdrawn.",
}

_FILTER_TEXT = {
    "PRICE_FILTER": "The price breaks the symbol's price rules (minimum, maximum or tick size); nothing was placed.",
    "LOT_SIZE": "The quantity breaks the symbol's lot rules (minimum, maximum or step size); nothing was placed.",
    "MIN_NOTIONAL": "The order total (price x quantity) is below the symbol's minimum; nothing was placed.",
    "MAX_NUM_ORDERS": "Too many open orders on this symbol: cancel some first; nothing was placed.",
}

_ENGINE_TEXT = (
    ("unknown order", "The order is unknown to the exchange: it may already be filled or cancelled."),
    ("market is closed", "The market for this symbol is closed right now; nothing was placed."),
    (
        "insufficient balance",
        "Not enough free balance for this order; nothing was placed. "
        "Reduce the quantity or cancel open orders that lock funds.",
    ),
    ("price * qty is zero", "Price times quantity is zero or less; enter a positive price and quantity."),
    ("unsupported order combination", "This combination of order options is not supported."),
    ("does not exist", "The order does not exist (it may have been filled or cancelled)."),
    ("max order", "Too many open orders on this symbol: cancel some first; nothing was placed."),
)

_STATUS_TEXT = {
    401: "The exchange refused the credentials.",
    403: "The exchange refused access (this API key or IP is not allowed).",
    404: "The exchange does not know this address: check the base URL.",
    418: "The exchange has banned this IP for a while after too many requests; jextui waits for the ban to end.",
    429: "Too many requests: jextui is waiting before sending more.",
}


def describe_code(code: int | None, msg: str = "") -> str:
    """A sentence for an error code, refined by the exchange's message where it says more."""
    refined = _refined_by_message(code, msg)
    if refined:
        return refined
    if code is not None and code in CODE_TEXT:
        return CODE_TEXT[code]
    if msg:
        return f"The exchange refused the request: {msg.strip()}"
    return "The exchange refused the request." if code is None else f"The exchange refused the request (code {code})."


def describe_status(status: int | None) -> str | None:
    """A sentence for an HTTP status without a usable code, or None."""
    if status is None:
        return None
    if status in _STATUS_TEXT:
        return _STATUS_TEXT[status]
    if status >= 500:
        return f"The exchange had an internal error (HTTP {status})."
    return None


def describe_error(error: BaseException) -> str:
    """Words for anything an API call can raise; says so when an order's outcome is unknown."""
    code = getattr(error, "code", None)
    msg = getattr(error, "msg", "") or ""
    status = getattr(error, "status", None)
    if isinstance(code, int) and not isinstance(code, bool):
        text = describe_code(code, str(msg))
    else:
        by_status = describe_status(status if isinstance(status, int) else None)
        text = by_status or (describe_code(None, str(msg)) if msg else _describe_kind(error))
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, (int, float)) and retry_after > 0:
        text = f"{text.rstrip('.')} (retry in about {retry_after:.0f} s)."
    if getattr(error, "outcome_unknown", False):
        text = f"{text} {UNKNOWN_OUTCOME_TEXT}"
    return text


def _describe_kind(error: BaseException) -> str:
    kind = type(error).__name__
    if getattr(error, "never_sent", False) is True:  # NotSent: no connection was made
        return f"Not sent: the exchange is unreachable ({getattr(error, 'reason', 'no connection')})."
    if kind == "RequestTimeout" or isinstance(error, TimeoutError):
        return "The exchange did not answer in time."
    if kind == "ConnectionFailed" or isinstance(error, ConnectionError):
        return "The connection to the exchange failed or was dropped."
    if kind == "DecodeError":
        return "The exchange's answer was not in the expected shape."
    if kind == "MissingCredentials":
        return "This needs an API key and secret: configure them for this profile."
    if kind == "InsecureTransport":
        return "Refused to send credentials over plain http to a remote host: use an https address."
    hint = getattr(error, "hint", None)
    text = str(error).strip()
    if text:
        return f"{text}." if not text.endswith(".") else text
    return hint if isinstance(hint, str) and hint else "Something went wrong talking to the exchange."


def _refined_by_message(code: int | None, msg: str) -> str | None:
    lowered = msg.lower()
    if code in (-9000, -1013, -2010) and "filter failure" in lowered:
        for name, sentence in _FILTER_TEXT.items():
            if name.lower() in lowered:
                return sentence
    if code in (-1010, -2010, -2011):
        for needle, sentence in _ENGINE_TEXT:
            if needle in lowered:
                return sentence
    if code == -1102:
        parameter = _quoted(msg)
        if parameter:
            return f"The required value '{parameter}' was missing, empty or malformed."
    if code == -1129:
        names = re.findall(r"'([^']*)'", msg)
        if len(names) >= 2:
            return f"Too many decimals in '{names[0]}': at most {names[1]} allowed."
    if code == -1003:
        limit = re.search(r"current limit is (.+?)\.?$", msg.strip(), flags=re.IGNORECASE)
        if limit:
            return f"Too many requests: the limit is {limit.group(1)}. jextui waits before sending more."
    return None


def _quoted(msg: str) -> str | None:
    found = re.search(r"'([^']+)'", msg)
    return found.group(1) if found else None
