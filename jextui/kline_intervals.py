"""The 13 kline (candlestick) intervals of the JEX spot API, shortest first
(docs/protocol.md).  Here rather than in the API package so that the config
and the first frame can name them without loading the HTTP client."""

from __future__ import annotations

__all__ = ["KLINE_INTERVALS"]

KLINE_INTERVALS: tuple[str, ...] = (
    "1m",
    "3m",
    "5m",
    "15m",
    "30m",
    "1h",
    "2h",
    "4h",
    "6h",
    "12h",
    "1d",
    "3d",
    "1w",
)
