"""Engine objects → the exact JSON shapes of the spec's examples.

Decimals leave the sandbox as strings at the symbol's precision (a price at
the quote precision, a quantity at the base precision, a balance at 8
decimals; a value with more decimals than that keeps them all — nothing is
ever rounded away).  The few amounts the spec shows as JSON numbers (wapi
amounts, trade fees, minimum withdrawals) stay :class:`~decimal.Decimal` and
are written as numbers from their exact text by :func:`encode`.

The orderId quirk (docs/protocol.md#the-specs-quirks): a number in the new-order and cancel
answers, a string in get-order, openOrders and historyOrders; historicalTrades
ids are strings too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import msgspec

from jextui.sandbox.symbols import ASSET_DECIMALS, SymbolSpec

__all__ = [
    "encode",
    "error_body",
    "fmt",
    "exchange_info",
    "depth",
    "trades",
    "historical_trades",
    "klines",
    "avg_price",
    "ticker_24hr",
    "price_ticker",
    "book_ticker",
    "order_ack",
    "order_result",
    "order_view",
    "account",
    "asset_detail",
    "deposit_address",
    "deposit_history",
    "withdraw_history",
    "trade_fee",
    "JSON_CONTENT_TYPE",
]

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
AVG_PRICE_MINUTES = 5

_encoder = msgspec.json.Encoder(decimal_format="number")
_UNITS = tuple(Decimal(1).scaleb(-places) for places in range(0, 21))
_NO_LEVEL: list[Any] = []


def encode(payload: Any) -> bytes:
    """JSON bytes; Decimals still in the payload become JSON numbers."""
    return _encoder.encode(payload)


def error_body(code: int, msg: str) -> bytes:
    return _encoder.encode({"code": code, "msg": msg})


def fmt(value: Decimal, places: int) -> str:
    """``value`` as a plain decimal string with at least ``places`` decimals (exact: never rounds)."""
    text = str(value)  # fast, and plain notation for every amount the exchange handles
    if "E" in text:
        return _fmt_slow(value, places)
    dot = text.find(".")
    if dot < 0:
        return f"{text}.{'0' * places}" if places else text
    missing = places - (len(text) - dot - 1)
    return text + "0" * missing if missing > 0 else text


def _fmt_slow(value: Decimal, places: int) -> str:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent <= -places:
        return format(value, "f")
    return format(value.quantize(_UNITS[places]), "f")


# --- general ------------------------------------------------------------------


def _spot_symbol(spec: SymbolSpec) -> dict[str, Any]:
    price_places, qty_places = spec.quote_precision, spec.base_precision
    return {
        "symbol": spec.symbol,
        "status": spec.status,
        "baseAsset": spec.base_asset,
        "baseAssetPrecision": spec.base_precision,
        "quoteAsset": spec.quote_asset,
        "quotePrecision": spec.quote_precision,
        "orderTypes": ["LIMIT"],
        "icebergAllowed": False,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": fmt(spec.min_price, price_places),
                "maxPrice": fmt(spec.max_price, price_places),
                "tickSize": fmt(spec.tick_size, price_places),
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": fmt(spec.min_qty, qty_places),
                "maxQty": fmt(spec.max_qty, qty_places),
                "stepSize": fmt(spec.step_size, qty_places),
            },
            {"filterType": "MIN_NOTIONAL", "minNotional": fmt(spec.min_notional, price_places)},
        ],
    }


def exchange_info(
    server_time: int,
    rate_limits: list[dict[str, Any]],
    spot: Iterable[SymbolSpec],
    contract: Iterable[Mapping[str, Any]],
    option: Iterable[Mapping[str, Any]],
) -> dict[str, Any]:
    return {
        "timezone": "UTC",
        "serverTime": server_time,
        "rateLimits": rate_limits,
        "optionSymbols": [dict(item) for item in option],
        "contractSymbols": [dict(item) for item in contract],
        "spotSymbols": [_spot_symbol(spec) for spec in spot],
    }


# --- market data --------------------------------------------------------------


def depth(
    spec: SymbolSpec,
    last_update_id: int,
    bids: Iterable[tuple[Decimal, Decimal]],
    asks: Iterable[tuple[Decimal, Decimal]],
) -> dict[str, Any]:
    pp, qp = spec.quote_precision, spec.base_precision
    return {
        "lastUpdateId": last_update_id,
        "bids": [[fmt(price, pp), fmt(qty, qp), _NO_LEVEL] for price, qty in bids],
        "asks": [[fmt(price, pp), fmt(qty, qp), _NO_LEVEL] for price, qty in asks],
    }


def trades(spec: SymbolSpec, records: Iterable[Any]) -> list[dict[str, Any]]:
    pp, qp = spec.quote_precision, spec.base_precision
    return [{"price": fmt(t.price, pp), "qty": fmt(t.qty, qp), "time": t.time} for t in records]


def historical_trades(spec: SymbolSpec, records: Iterable[Any]) -> list[dict[str, Any]]:
    pp, qp = spec.quote_precision, spec.base_precision
    return [
        {
            "id": str(t.id),
            "price": fmt(t.price, pp),
            "qty": fmt(t.qty, qp),
            "time": t.time,
            "buyerMaker": bool(t.buyer_maker),
        }
        for t in records
    ]


def klines(spec: SymbolSpec, rows: Iterable[Any]) -> list[list[Any]]:
    pp, qp = spec.quote_precision, spec.base_precision
    vp = max(pp, ASSET_DECIMALS)
    return [
        [
            row.open_time,
            fmt(row.open, pp),
            fmt(row.high, pp),
            fmt(row.low, pp),
            fmt(row.close, pp),
            fmt(row.volume, qp),
            row.close_time,
            fmt(row.quote_volume, vp),
            row.trades,
            fmt(row.taker_buy_base, qp),
            fmt(row.taker_buy_quote, vp),
            "0",
        ]
        for row in rows
    ]


def avg_price(spec: SymbolSpec, price: Decimal) -> dict[str, Any]:
    return {"mins": AVG_PRICE_MINUTES, "price": fmt(price, spec.quote_precision)}


def _bid_ask(
    spec: SymbolSpec, best: tuple[tuple[Decimal, Decimal] | None, tuple[Decimal, Decimal] | None]
) -> dict[str, str]:
    pp, qp = spec.quote_precision, spec.base_precision
    bid, ask = best
    zero = Decimal(0)
    bid_price, bid_qty = bid if bid is not None else (zero, zero)
    ask_price, ask_qty = ask if ask is not None else (zero, zero)
    return {
        "bidPrice": fmt(bid_price, pp),
        "bidQty": fmt(bid_qty, qp),
        "askPrice": fmt(ask_price, pp),
        "askQty": fmt(ask_qty, qp),
    }


def ticker_24hr(spec: SymbolSpec, ticker: Any) -> dict[str, Any]:
    pp, qp = spec.quote_precision, spec.base_precision
    vp = max(pp, ASSET_DECIMALS)
    return {
        "symbol": spec.symbol,
        "priceChange": fmt(ticker.price_change, pp),
        "priceChangePercent": fmt(ticker.price_change_percent, 2),
        "weightedAvgPrice": fmt(ticker.weighted_avg_price, pp),
        "lastPrice": fmt(ticker.last_price, pp),
        "bidPrice": fmt(ticker.bid_price, pp),
        "bidQty": fmt(ticker.bid_qty, qp),
        "askPrice": fmt(ticker.ask_price, pp),
        "askQty": fmt(ticker.ask_qty, qp),
        "openPrice": fmt(ticker.open_price, pp),
        "highPrice": fmt(ticker.high_price, pp),
        "lowPrice": fmt(ticker.low_price, pp),
        "volume": fmt(ticker.volume, qp),
        "quoteVolume": fmt(ticker.quote_volume, vp),
        "openTime": int(ticker.open_time),
        "closeTime": int(ticker.close_time),
    }


def price_ticker(spec: SymbolSpec, price: Decimal) -> dict[str, Any]:
    return {"symbol": spec.symbol, "price": fmt(price, spec.quote_precision)}


def book_ticker(
    spec: SymbolSpec, best: tuple[tuple[Decimal, Decimal] | None, tuple[Decimal, Decimal] | None]
) -> dict[str, Any]:
    return {"symbol": spec.symbol, **_bid_ask(spec, best)}


# --- orders -------------------------------------------------------------------


def order_ack(order: Any) -> dict[str, Any]:
    return {"symbol": order.symbol, "orderId": int(order.order_id), "transactTime": int(order.time)}


def _order_core(spec: SymbolSpec, order: Any) -> dict[str, Any]:
    pp, qp = spec.quote_precision, spec.base_precision
    return {
        "price": fmt(order.price, pp),
        "origQty": fmt(order.orig_qty, qp),
        "executedQty": fmt(order.executed_qty, qp),
        "cummulativeQuoteQty": fmt(order.cummulative_quote_qty, pp),
        "status": order.status,
        "timeInForce": order.time_in_force,
        "type": order.type,
        "side": order.side,
    }


def order_result(spec: SymbolSpec, order: Any, transact_time: int) -> dict[str, Any]:
    """RESULT answer of a new order, and the answer of a cancel (orderId a number)."""
    return {
        "symbol": order.symbol,
        "orderId": int(order.order_id),
        "transactTime": int(transact_time),
        **_order_core(spec, order),
    }


def order_view(spec: SymbolSpec, order: Any) -> dict[str, Any]:
    """get-order, openOrders, historyOrders (orderId a string)."""
    return {
        "symbol": order.symbol,
        "orderId": str(order.order_id),
        **_order_core(spec, order),
        "time": int(order.time),
        "updateTime": int(order.update_time),
        "working": True,
    }


# --- account ------------------------------------------------------------------


def _balance(asset: str, free: Decimal, locked: Decimal, *, spot: bool) -> dict[str, Any]:
    return {
        "asset": asset,
        "canDeposit": spot,
        "canTrade": True,
        "canWithdraw": False,
        "free": fmt(free, ASSET_DECIMALS),
        "locked": fmt(locked, ASSET_DECIMALS),
    }


def account(
    update_time: int, spot_balances: Mapping[str, Any], contract_assets: Iterable[str], option_assets: Iterable[str]
) -> dict[str, Any]:
    zero = Decimal(0)
    return {
        "updateTime": update_time,
        "contractBalances": [_balance(asset, zero, zero, spot=False) for asset in contract_assets],
        "optionBalances": [_balance(asset, zero, zero, spot=False) for asset in option_assets],
        "spotBalances": [_balance(asset, bal.free, bal.locked, spot=True) for asset, bal in spot_balances.items()],
    }


# --- wapi ---------------------------------------------------------------------
# The wallet records arrive in wire shape with Decimal amounts (JSON numbers in
# the spec's examples); numbers are rewritten in plain notation (20, not 2E+1).


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return Decimal(format(value, "f"))
    return value


def _plain_record(record: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _plain(value) for key, value in record.items()}


def asset_detail(details: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {asset: _plain_record(detail) for asset, detail in details.items()}


def deposit_address(asset: str, address: str) -> dict[str, Any]:
    return {"address": address, "asset": asset, "success": True}


def deposit_history(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [_plain_record(record) for record in records]


def withdraw_history(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    return {"withdrawRecordList": [_plain_record(record) for record in records], "success": True}


def trade_fee(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [_plain_record(row) for row in rows]
