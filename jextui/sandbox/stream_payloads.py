"""Exchange objects → the JSON payloads of the stream events (shapes in docs/streams.md).

Prices and quantities are strings at the symbol's precision, exactly as the
REST answers write them (``responses.fmt``); times are integer milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import msgspec

from jextui.sandbox.responses import fmt
from jextui.sandbox.symbols import ASSET_DECIMALS, SymbolSpec

__all__ = [
    "to_text",
    "wrap",
    "trades",
    "kline",
    "mini_ticker",
    "ticker",
    "partial_depth",
    "diff_depth",
    "exec_report",
    "account_info",
    "report_status",
]

_encoder = msgspec.json.Encoder()

Level = tuple[Decimal, Decimal]


def to_text(payload: Any) -> str:
    """The payload as the JSON text of one WebSocket message."""
    return _encoder.encode(payload).decode()


def wrap(stream: str, text: str) -> str:
    """A payload's text inside the combined streams' ``{"stream", "data"}`` wrapper."""
    return f'{{"stream":{to_text(stream)},"data":{text}}}'


def trades(spec: SymbolSpec, event_ms: int, records: Iterable[Any]) -> list[dict[str, Any]]:
    pp, qp = spec.quote_precision, spec.base_precision
    return [
        {
            "e": "spotTrade",
            "E": event_ms,
            "s": spec.symbol,
            "t": t.id,
            "p": fmt(t.price, pp),
            "q": fmt(t.qty, qp),
            "T": t.time,
            "m": bool(t.buyer_maker),
        }
        for t in records
    ]


def kline(spec: SymbolSpec, event_ms: int, interval: str, row: Any) -> dict[str, Any]:
    pp, qp = spec.quote_precision, spec.base_precision
    vp = max(pp, ASSET_DECIMALS)
    return {
        "e": "spotKline",
        "E": event_ms,
        "s": spec.symbol,
        "k": {
            "t": row.open_time,
            "T": row.close_time,
            "s": spec.symbol,
            "i": interval,
            "o": fmt(row.open, pp),
            "c": fmt(row.close, pp),
            "h": fmt(row.high, pp),
            "l": fmt(row.low, pp),
            "v": fmt(row.volume, qp),
            "q": fmt(row.quote_volume, vp),
        },
    }


def _mini_fields(spec: SymbolSpec, t: Any) -> dict[str, Any]:
    pp, qp = spec.quote_precision, spec.base_precision
    return {
        "c": fmt(t.last_price, pp),
        "h": fmt(t.high_price, pp),
        "o": fmt(t.open_price, pp),
        "l": fmt(t.low_price, pp),
        "v": fmt(t.volume, qp),
        "q": fmt(t.quote_volume, max(pp, ASSET_DECIMALS)),
    }


def mini_ticker(spec: SymbolSpec, event_ms: int, t: Any) -> dict[str, Any]:
    return {"e": "24hrSpotMiniTicker", "E": event_ms, "s": spec.symbol, **_mini_fields(spec, t)}


def ticker(spec: SymbolSpec, event_ms: int, t: Any) -> dict[str, Any]:
    pp = spec.quote_precision
    mini = _mini_fields(spec, t)
    return {
        "e": "24hrSpotTicker",
        "E": event_ms,
        "s": spec.symbol,
        "p": fmt(t.price_change, pp),
        "P": fmt(t.price_change_percent, 2),
        "c": mini["c"],
        "h": mini["h"],
        "l": mini["l"],
        "v": mini["v"],
        "q": mini["q"],
        "O": int(t.open_time),
        "C": int(t.close_time),
    }


def _levels(spec: SymbolSpec, levels: Iterable[Level]) -> list[list[str]]:
    pp, qp = spec.quote_precision, spec.base_precision
    return [[fmt(price, pp), fmt(qty, qp)] for price, qty in levels]


def partial_depth(spec: SymbolSpec, bids: Iterable[Level], asks: Iterable[Level]) -> dict[str, Any]:
    return {"bids": _levels(spec, bids), "asks": _levels(spec, asks)}


def diff_depth(spec: SymbolSpec, version: int, bids: Iterable[Level], asks: Iterable[Level]) -> dict[str, Any]:
    return {"e": "spotDepthUpdate", "s": spec.symbol, "v": version, "b": _levels(spec, bids), "a": _levels(spec, asks)}


def report_status(order: Any) -> str:
    """The stream's status word for an order: REST's, except a FOK that could not fill (FAIL) and a
    cancel after a partial fill (CANCLEFILLED, the exchange's own spelling)."""
    if order.status == "CANCELED":
        if order.executed_qty:
            return "CANCLEFILLED"
        if order.time_in_force == "FOK":
            return "FAIL"
    return str(order.status)


def exec_report(
    spec: SymbolSpec, event_ms: int, order: Any, *, status: str | None = None, untouched: bool = False
) -> dict[str, Any]:
    """``execSpotReport`` of ``order``; ``untouched`` reports it as just placed (nothing filled yet)."""
    pp, qp = spec.quote_precision, spec.base_precision
    zero = Decimal(0)
    filled = zero if untouched else order.executed_qty
    filled_quote = zero if untouched else order.cummulative_quote_qty
    return {
        "E": event_ms,
        "e": "execSpotReport",
        "s": order.symbol,
        "S": order.side,
        "q": fmt(order.orig_qty, qp),
        "p": fmt(order.price, pp),
        "X": status or report_status(order),
        "i": int(order.order_id),
        "z": fmt(filled, qp),
        "Z": fmt(filled_quote, pp),
        "O": int(order.time),
    }


def account_info(event_ms: int, maker_fee: Decimal, taker_fee: Decimal, balances: Mapping[str, Any]) -> dict[str, Any]:
    """``accountSpotInfo`` listing ``balances`` (asset → free/locked)."""
    return {
        "e": "accountSpotInfo",
        "E": event_ms,
        "m": format(maker_fee, "f"),
        "t": format(taker_fee, "f"),
        "u": event_ms,
        "B": [
            {
                "a": asset,
                "f": fmt(bal.free, ASSET_DECIMALS),
                "l": fmt(bal.locked, ASSET_DECIMALS),
                "T": True,
                "W": False,
                "D": True,
            }
            for asset, bal in balances.items()
        ],
    }
