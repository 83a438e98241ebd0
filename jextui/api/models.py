"""Typed responses of the JEX spot API.

Every response body is decoded straight into these msgspec Structs.  The
wire names are camelCase; the Python attributes are snake_case
(``rename="camel"``).  Prices, quantities and amounts are ``Decimal`` (the
server sends them as strings; a few wapi amounts arrive as JSON numbers and
are read from their literal text, never through a float).  Times are ``int``
milliseconds.  Unknown extra fields are ignored.

Quirks of the API handled here (see docs/protocol.md#the-specs-quirks):

* ``orderId`` is a number in some responses and a string in others: it is
  always an ``int`` here (``OrderId``, normalised by :func:`dec_hook`).
* ``historicalTrades[].id`` is a string: normalised to ``int`` as well.
* depth levels are ``[price, qty, []]`` and klines 12-element arrays: both
  decode positionally (``array_like``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import msgspec

from jextui.kline_intervals import KLINE_INTERVALS

__all__ = [
    "OrderId",
    "dec_hook",
    "Empty",
    "ServerTime",
    "RateLimit",
    "SymbolFilter",
    "SymbolInfo",
    "ExchangeInfo",
    "DepthLevel",
    "Depth",
    "Trade",
    "HistoricalTrade",
    "Kline",
    "AvgPrice",
    "Ticker24hr",
    "PriceTicker",
    "BookTicker",
    "OrderAck",
    "OrderResult",
    "CancelResult",
    "Order",
    "Balance",
    "Account",
    "AssetDetail",
    "DepositAddress",
    "Deposit",
    "TradeFee",
    "Withdrawal",
    "WithdrawHistory",
    "ListenKey",
    "ApiErrorBody",
    "KLINE_INTERVALS",
    "Side",
    "TimeInForce",
    "OrderStatus",
]


Side = Literal["BUY", "SELL"]
TimeInForce = Literal["GTC", "IOC", "FOK"]
# Order status is kept as a plain string: the API documents more values than it
# uses (PENDING_CANCEL, FAIL, CANCLEFILLED, REJECTED, EXPIRED ...) and a new one
# must not make a whole response undecodable.
OrderStatus = str


class OrderId(int):
    """An order id; the server sends it as a JSON number or as a string."""

    __slots__ = ()


def dec_hook(type_: type, obj: Any) -> Any:
    """msgspec decode hook: turns ``"2208"`` or ``2208`` into ``OrderId(2208)``."""
    if type_ is OrderId:
        if isinstance(obj, bool):
            raise ValueError("expected an integer id, got a boolean")
        if isinstance(obj, int):
            return OrderId(obj)
        if isinstance(obj, str) and obj.strip().lstrip("-").isdigit():
            return OrderId(int(obj))
        raise ValueError(f"expected an integer id, got {obj!r}")
    raise NotImplementedError(f"unsupported type {type_!r}")


class _Model(msgspec.Struct, rename="camel", frozen=True, kw_only=True):
    """Base of every response object: camelCase on the wire, immutable."""


class Empty(_Model, frozen=True):
    """``{}`` (ping, test order, keepalive/close of a user stream)."""


class ServerTime(_Model, frozen=True):
    server_time: int


# --- exchangeInfo -----------------------------------------------------------


class RateLimit(_Model, frozen=True):
    rate_limit_type: str  # requestsWeight | orders | rawRequests
    interval: str  # second | minute | hour | day
    limit: int
    interval_num: int = 1


class SymbolFilter(_Model, frozen=True):
    filter_type: str  # PRICE_FILTER | LOT_SIZE | MIN_NOTIONAL | MAX_NUM_ORDERS ...
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    tick_size: Decimal | None = None
    min_qty: Decimal | None = None
    max_qty: Decimal | None = None
    step_size: Decimal | None = None
    min_notional: Decimal | None = None
    max_num_orders: int | None = None


class SymbolInfo(_Model, frozen=True):
    symbol: str
    status: str
    base_asset: str
    base_asset_precision: int
    quote_asset: str
    quote_precision: int
    order_types: list[str] = []
    iceberg_allowed: bool = False
    filters: list[SymbolFilter] = []


class ExchangeInfo(_Model, frozen=True):
    timezone: str
    server_time: int
    rate_limits: list[RateLimit] = []
    spot_symbols: list[SymbolInfo] = []
    contract_symbols: list[SymbolInfo] = []
    option_symbols: list[SymbolInfo] = []


# --- market data ------------------------------------------------------------


class DepthLevel(msgspec.Struct, array_like=True, frozen=True):
    """``[price, qty, []]``; the third element is ignored."""

    price: Decimal
    qty: Decimal
    ignore: Any = None


class Depth(_Model, frozen=True):
    last_update_id: int
    bids: list[DepthLevel]
    asks: list[DepthLevel]


class Trade(_Model, frozen=True):
    """``/spot/trades``: no id and no side."""

    price: Decimal
    qty: Decimal
    time: int


class HistoricalTrade(_Model, frozen=True):
    """``/spot/historicalTrades``: the id arrives as a string."""

    id: OrderId
    price: Decimal
    qty: Decimal
    time: int
    buyer_maker: bool


class Kline(msgspec.Struct, array_like=True, frozen=True):
    """A 12-element kline array, decoded by position."""

    open_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    close_time: int
    quote_volume: Decimal
    trades: int
    taker_buy_base_volume: Decimal
    taker_buy_quote_volume: Decimal
    ignore: Any = None


class AvgPrice(_Model, frozen=True):
    mins: int
    price: Decimal


class Ticker24hr(_Model, frozen=True):
    symbol: str
    price_change: Decimal
    price_change_percent: Decimal
    weighted_avg_price: Decimal
    last_price: Decimal
    bid_price: Decimal
    bid_qty: Decimal
    ask_price: Decimal
    ask_qty: Decimal
    open_price: Decimal
    high_price: Decimal
    low_price: Decimal
    volume: Decimal
    quote_volume: Decimal
    open_time: int
    close_time: int


class PriceTicker(_Model, frozen=True):
    symbol: str
    price: Decimal


class BookTicker(_Model, frozen=True):
    symbol: str
    bid_price: Decimal
    bid_qty: Decimal
    ask_price: Decimal
    ask_qty: Decimal


# --- orders -----------------------------------------------------------------


class OrderAck(_Model, frozen=True):
    """new order, ``newOrderRespType=ACK``."""

    symbol: str
    order_id: OrderId
    transact_time: int


class OrderResult(_Model, frozen=True):
    """new order, ``newOrderRespType=RESULT``."""

    symbol: str
    order_id: OrderId
    transact_time: int
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    cummulative_quote_qty: Decimal
    status: OrderStatus
    time_in_force: str
    type: str
    side: Side


class CancelResult(OrderResult, frozen=True):
    """``DELETE /spot/order``: same shape as a RESULT order response."""


class Order(_Model, frozen=True):
    """get order, openOrders, historyOrders (``orderId`` arrives as a string)."""

    symbol: str
    order_id: OrderId
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    cummulative_quote_qty: Decimal
    status: OrderStatus
    time_in_force: str
    type: str
    side: Side
    time: int
    update_time: int
    working: bool = True


# --- account ----------------------------------------------------------------


class Balance(_Model, frozen=True):
    asset: str
    can_deposit: bool
    can_trade: bool
    can_withdraw: bool
    free: Decimal
    locked: Decimal


class Account(_Model, frozen=True):
    update_time: int
    spot_balances: list[Balance] = []
    contract_balances: list[Balance] = []
    option_balances: list[Balance] = []


class AssetDetail(_Model, frozen=True):
    """One value of the ``/wapi/v1/assetDetail`` mapping (keyed by asset)."""

    min_withdraw_amount: Decimal
    # The server sends free text here (e.g. "0" or "[0.01]"): kept verbatim.
    withdraw_fee: str
    deposit_status: bool
    withdraw_status: bool


class DepositAddress(_Model, frozen=True):
    address: str
    asset: str
    success: bool


class Deposit(_Model, frozen=True):
    insert_time: int
    amount: Decimal
    asset: str
    address: str
    tx_id: str
    status: int  # 0 pending, 1 success (2 seen in the examples)


class TradeFee(_Model, frozen=True):
    symbol: str
    maker: Decimal
    taker: Decimal


class Withdrawal(_Model, frozen=True):
    id: str
    amount: Decimal
    address: str
    asset: str
    tx_id: str
    apply_time: int
    status: int  # 0 email sent .. 6 completed


class WithdrawHistory(_Model, frozen=True):
    withdraw_record_list: list[Withdrawal]
    success: bool


class ListenKey(_Model, frozen=True):
    listen_key: str


class ApiErrorBody(_Model, frozen=True):
    """``{"code": -1121, "msg": "Invalid symbol."}``."""

    code: int
    msg: str = ""
