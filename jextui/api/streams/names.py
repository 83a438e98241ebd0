"""Stream names, stream addresses and decoding a frame by its stream's name.

Symbols are lowercase in stream names (``btcusdt@spotTrade``) and uppercase
in the payloads.  A combined connection carries at most
:data:`MAX_STREAMS_PER_CONNECTION` streams.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import msgspec

from jextui.api.models import KLINE_INTERVALS, dec_hook
from jextui.api.streams.errors import StreamDecodeError
from jextui.api.streams.models import (
    CombinedFrame,
    DiffDepthEvent,
    KlineEvent,
    MarketPayload,
    MiniTickerEvent,
    PartialDepthEvent,
    TickerEvent,
    TradeEvent,
    UserEvent,
)
from jextui.api.transport import is_loopback_host

__all__ = [
    "ALL_MINI_TICKERS",
    "ALL_TICKERS",
    "JEX_STREAM_URL",
    "MAX_STREAMS_PER_CONNECTION",
    "PARTIAL_DEPTH_LEVELS",
    "chunk_streams",
    "combined_url",
    "decode_combined",
    "decode_market",
    "decode_user",
    "default_stream_url",
    "diff_depth_stream",
    "kline_stream",
    "mini_ticker_stream",
    "partial_depth_stream",
    "payload_type",
    "raw_url",
    "stream_url_from_rest",
    "ticker_stream",
    "trade_stream",
]

MAX_STREAMS_PER_CONNECTION = 10
PARTIAL_DEPTH_LEVELS: tuple[int, ...] = (5, 10, 20)
#: The exchange's own stream host (apart from its REST host).
JEX_STREAM_URL = "wss://ws.jex.com"
ALL_MINI_TICKERS = "!spotMiniTicker@arr"
ALL_TICKERS = "!spotTicker@arr"

_SYMBOL = re.compile(r"^[A-Za-z0-9]{2,30}$")


def _lower_symbol(symbol: str) -> str:
    if not isinstance(symbol, str) or not _SYMBOL.match(symbol):
        raise ValueError(f"not a symbol: {symbol!r}")
    return symbol.lower()


def trade_stream(symbol: str) -> str:
    return f"{_lower_symbol(symbol)}@spotTrade"


def kline_stream(symbol: str, interval: str) -> str:
    if interval not in KLINE_INTERVALS:
        raise ValueError(f"unknown kline interval {interval!r}")
    return f"{_lower_symbol(symbol)}@spotKline_{interval}"


def mini_ticker_stream(symbol: str) -> str:
    return f"{_lower_symbol(symbol)}@spotMiniTicker"


def ticker_stream(symbol: str) -> str:
    return f"{_lower_symbol(symbol)}@spotTicker"


def partial_depth_stream(symbol: str, levels: int) -> str:
    if levels not in PARTIAL_DEPTH_LEVELS:
        raise ValueError(f"partial depth has 5, 10 or 20 levels, not {levels!r}")
    return f"{_lower_symbol(symbol)}@spotDepth{levels}"


def diff_depth_stream(symbol: str) -> str:
    return f"{_lower_symbol(symbol)}@spotDepth"


# --- addresses ---------------------------------------------------------------


def stream_url_from_rest(rest_url: str) -> str:
    """The stream address on the REST host: ``http`` becomes ``ws``, ``https``
    becomes ``wss``; host, port and any path prefix stay."""
    parts = urlsplit(rest_url.strip())
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme.lower())
    if scheme is None or not parts.netloc:
        raise ValueError("the REST address must be an http:// or https:// URL")
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def default_stream_url(rest_url: str, *, sandbox: bool = False) -> str:
    """The stream address to use when a profile sets none: the REST host for a
    sandbox or loopback profile, the exchange's stream host otherwise."""
    derived = stream_url_from_rest(rest_url)
    if sandbox or is_loopback_host(urlsplit(derived).hostname or ""):
        return derived
    return JEX_STREAM_URL


def raw_url(base: str, stream: str) -> str:
    """``<base>/ws/<stream>`` (one stream, payloads unwrapped)."""
    return f"{base.rstrip('/')}/ws/{quote(stream, safe='@!_')}"


def combined_url(base: str, streams: Sequence[str]) -> str:
    """``<base>/stream?streams=a/b/c`` (payloads wrapped in ``{stream, data}``)."""
    if not streams:
        raise ValueError("a combined connection needs at least one stream")
    if len(streams) > MAX_STREAMS_PER_CONNECTION:
        raise ValueError(f"at most {MAX_STREAMS_PER_CONNECTION} streams per connection, not {len(streams)}")
    joined = "/".join(quote(s, safe="@!_") for s in streams)
    return f"{base.rstrip('/')}/stream?streams={joined}"


def chunk_streams(streams: Iterable[str]) -> list[tuple[str, ...]]:
    """Distinct stream names in groups that each fit on one connection (order kept)."""
    unique = list(dict.fromkeys(streams))
    size = MAX_STREAMS_PER_CONNECTION
    return [tuple(unique[i : i + size]) for i in range(0, len(unique), size)]


# --- decoding ------------------------------------------------------------------

_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}


def _decoder(type_: Any) -> msgspec.json.Decoder[Any]:
    found = _DECODERS.get(type_)
    if found is None:
        found = _DECODERS[type_] = msgspec.json.Decoder(type_, dec_hook=dec_hook)
    return found


_PARTIAL_DEPTH = re.compile(r"@spotDepth(5|10|20)$")


def payload_type(stream: str) -> Any:
    """The type a payload of the market stream ``stream`` decodes into.

    ``ValueError`` for a name that is not a market stream."""
    if stream == ALL_MINI_TICKERS:
        return list[MiniTickerEvent]
    if stream == ALL_TICKERS:
        return list[TickerEvent]
    if stream.endswith("@spotTrade"):
        return list[TradeEvent]
    if "@spotKline_" in stream:
        return KlineEvent
    if stream.endswith("@spotMiniTicker"):
        return MiniTickerEvent
    if stream.endswith("@spotTicker"):
        return TickerEvent
    if stream.endswith("@spotDepth"):
        return DiffDepthEvent
    if _PARTIAL_DEPTH.search(stream):
        return PartialDepthEvent
    raise ValueError(f"not a market stream: {stream!r}")


def _decode(data: bytes | str | msgspec.Raw, type_: Any, stream: str) -> Any:
    try:
        return _decoder(type_).decode(data)
    except msgspec.ValidationError as exc:
        raise StreamDecodeError(stream=stream, detail=str(exc)) from None
    except msgspec.DecodeError as exc:
        raise StreamDecodeError(stream=stream, detail=f"not JSON ({exc})") from None


def decode_market(stream: str, data: bytes | str | msgspec.Raw) -> MarketPayload:
    """Decode one payload of the market stream named ``stream``."""
    try:
        type_ = payload_type(stream)
    except ValueError as exc:
        raise StreamDecodeError(stream=stream, detail=str(exc)) from None
    result: MarketPayload = _decode(data, type_, stream)
    return result


def decode_combined(frame: bytes | str) -> tuple[str, MarketPayload]:
    """Decode one frame of a combined connection into (stream name, payload)."""
    wrapper: CombinedFrame = _decode(frame, CombinedFrame, "combined stream")
    return wrapper.stream, decode_market(wrapper.stream, wrapper.data)


def decode_user(frame: bytes | str) -> UserEvent | None:
    """Decode one frame of the user data stream; None for an event type this
    client does not handle (a new one must not break the stream)."""
    try:
        event: UserEvent = _decoder(UserEvent).decode(frame)
        return event
    except msgspec.ValidationError as exc:
        if "Invalid value" in str(exc) and "$.e" in str(exc):
            return None
        raise StreamDecodeError(stream="user data stream", detail=str(exc)) from None
    except msgspec.DecodeError as exc:
        raise StreamDecodeError(stream="user data stream", detail=f"not JSON ({exc})") from None
