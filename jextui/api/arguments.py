"""The client's argument checks: every parameter is checked, and put in the
documented order, before anything is sent (a failure raises ``InvalidArgument``)."""

from __future__ import annotations

import re
from decimal import Decimal

from jextui.api.http_stack import httpx
from jextui.secret import Secret

from .errors import InsecureTransport, InvalidArgument
from .transport import Params, format_decimal, is_loopback_host

_SIDES = ("BUY", "SELL")
_TIMES_IN_FORCE = ("GTC", "IOC", "FOK")
_RESP_TYPES = ("ACK", "RESULT")
_MAX_RECV_WINDOW = 60_000
_KEY_RE = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces: safe in a header


def _parse_base_url(base_url: str) -> httpx.URL:
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InvalidArgument(f"invalid base URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidArgument(f"base URL must be http:// or https:// with a host, not {base_url!r}")
    if url.query or url.fragment:
        raise InvalidArgument("base URL must not carry a query string or fragment")
    return url


def _refuse_plain_http(url: httpx.URL) -> None:
    if url.scheme == "https" or is_loopback_host(url.host):
        return
    raise InsecureTransport(f"refusing to send API credentials over plain http to {url.host}")


def _check_api_key(api_key: str | None) -> str | None:
    if api_key is None or api_key == "":
        return None
    if not isinstance(api_key, str) or not _KEY_RE.match(api_key):
        raise InvalidArgument(
            "the API key must be printable ASCII without spaces",
            hint="Copy the key again from the exchange's API management page.",
        )
    return api_key


def _check_secret(api_secret: str | Secret | None) -> Secret | None:
    if api_secret is None:
        return None
    try:
        secret = Secret(api_secret)
    except TypeError:
        raise InvalidArgument("the API secret must be a string") from None
    return secret if secret else None


def _check_recv_window(recv_window: int) -> int:
    if isinstance(recv_window, bool) or not isinstance(recv_window, int):
        raise InvalidArgument("recv_window must be an int (milliseconds)")
    if not 1 <= recv_window <= _MAX_RECV_WINDOW:
        raise InvalidArgument(f"recv_window must be between 1 and {_MAX_RECV_WINDOW} ms, not {recv_window}")
    return recv_window


def _text(name: str, value: object) -> tuple[str, str]:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        raise InvalidArgument(f"{name} must be a non-empty string without spaces, not {value!r}")
    return (name, value)


def _symbol(symbol: object) -> tuple[str, str]:
    return _text("symbol", symbol)


def _int(name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgument(f"{name} must be a non-negative int, not {value!r}")
    return str(value)


def _optional_ints(**values: int | None) -> Params:
    """``name=value`` pairs for the given ints, skipping None (keeps the order)."""
    return [(name, _int(name, value)) for name, value in values.items() if value is not None]


def _order_list_params(
    symbol: str,
    order_id: int | None,
    start_time: int | None,
    end_time: int | None,
    limit: int | None,
) -> Params:
    """The parameters of the open-orders and order-history lists."""
    return [_symbol(symbol), *_optional_ints(orderId=order_id, startTime=start_time, endTime=end_time, limit=limit)]


def _wallet_history_params(
    asset: str | None, status: int | None, start_time: int | None, end_time: int | None
) -> Params:
    """The parameters of the deposit and withdrawal histories."""
    params = [_text("asset", asset)] if asset is not None else []
    return params + _optional_ints(status=status, startTime=start_time, endTime=end_time)


def _with_field(encoded: str, name: str, value: str) -> str:
    """``encoded`` (a query string or form body) with ``name=value`` appended."""
    return f"{encoded}&{name}={value}" if encoded else f"{name}={value}"


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    text = value.upper() if isinstance(value, str) else value
    if text not in allowed:
        raise InvalidArgument(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return str(text)


def _order_params(
    symbol: str,
    side: str,
    quantity: Decimal,
    price: Decimal,
    type: str,
    time_in_force: str | None,
    resp_type: str,
) -> tuple[Params, str]:
    """Order parameters in the documented order (that of the signing example)."""
    params: Params = [
        _symbol(symbol),
        ("side", _choice("side", side, _SIDES)),
        _text("type", type.upper() if isinstance(type, str) else type),
    ]
    if time_in_force is not None:
        params.append(("timeInForce", _choice("time_in_force", time_in_force, _TIMES_IN_FORCE)))
    params.append(("quantity", format_decimal(quantity, "quantity")))
    params.append(("price", format_decimal(price, "price")))
    resp = _choice("resp_type", resp_type, _RESP_TYPES)
    if resp != "ACK":  # ACK is the server's default: not sent
        params.append(("newOrderRespType", resp))
    return params, resp
