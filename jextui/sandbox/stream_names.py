"""Stream names of the sandbox's WebSocket API and what each one means (docs/streams.md).

A market stream name is ``<symbol>@<kind>`` with the symbol in lowercase
(``btcusdt@spotTrade``), or one of the two all-symbol arrays
(``!spotMiniTicker@arr``, ``!spotTicker@arr``).  Anything else may be a
listenKey (the user data stream); :func:`parse_market_stream` only knows the
market streams and says why a name is not one.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from jextui.kline_intervals import KLINE_INTERVALS

__all__ = [
    "MAX_STREAMS",
    "MarketStream",
    "StreamNameError",
    "parse_market_stream",
    "kline_interval",
    "TRADE",
    "KLINE",
    "MINI_TICKER",
    "TICKER",
    "MINI_TICKER_ARR",
    "TICKER_ARR",
    "PARTIAL_DEPTH",
    "DIFF_DEPTH",
]

MAX_STREAMS = 10
"""Streams one connection may carry."""

TRADE = "spotTrade"
KLINE = "spotKline"
MINI_TICKER = "spotMiniTicker"
TICKER = "spotTicker"
MINI_TICKER_ARR = "!spotMiniTicker@arr"
TICKER_ARR = "!spotTicker@arr"
PARTIAL_DEPTH = "spotDepthN"
DIFF_DEPTH = "spotDepth"

PARTIAL_LEVELS = (5, 10, 20)


class StreamNameError(ValueError):
    """A stream name the sandbox does not serve (the message says why)."""


@dataclass(frozen=True, slots=True)
class MarketStream:
    """A parsed market stream name.

    ``symbol`` is the exchange's (uppercase) symbol, None for the arrays;
    ``interval`` is the REST spelling of a kline interval; ``levels`` the
    number of levels of a partial depth stream.
    """

    name: str
    kind: str
    symbol: str | None = None
    interval: str | None = None
    levels: int = 0


def kline_interval(text: str) -> str | None:
    """The REST spelling of a kline interval written either way (``1m``/``1M`` = one minute), or None."""
    lowered = text.lower()
    return lowered if lowered in KLINE_INTERVALS else None


def parse_market_stream(name: str, symbols: Container[str]) -> MarketStream:
    """``name`` as a market stream of a listed symbol; :class:`StreamNameError` otherwise."""
    if name in (MINI_TICKER_ARR, TICKER_ARR):
        return MarketStream(name, name)
    symbol_part, at, kind = name.partition("@")
    if not at or not symbol_part or not kind:
        raise StreamNameError(f"unknown stream {name!r}")
    symbol = symbol_part.upper()
    if symbol_part != symbol_part.lower():
        raise StreamNameError(f"unknown stream {name!r}: symbols in stream names are lowercase")
    if symbol not in symbols:
        raise StreamNameError(f"unknown stream {name!r}: no symbol {symbol}")
    if kind in (TRADE, MINI_TICKER, TICKER, DIFF_DEPTH):
        return MarketStream(name, kind, symbol)
    if kind.startswith(KLINE + "_"):
        interval = kline_interval(kind[len(KLINE) + 1 :])
        if interval is None:
            raise StreamNameError(f"unknown stream {name!r}: no such kline interval")
        return MarketStream(name, KLINE, symbol, interval=interval)
    if kind.startswith(DIFF_DEPTH):
        levels = kind[len(DIFF_DEPTH) :]
        if levels.isdigit() and int(levels) in PARTIAL_LEVELS and levels[0] != "0":
            return MarketStream(name, PARTIAL_DEPTH, symbol, levels=int(levels))
        raise StreamNameError(f"unknown stream {name!r}: partial depth has 5, 10 or 20 levels")
    raise StreamNameError(f"unknown stream {name!r}")
