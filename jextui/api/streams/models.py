"""Typed payloads of the WebSocket streams, decoded straight from bytes.

The stream payloads use one-letter keys where case matters (``e`` is the
event type, ``E`` the event time; ``s`` the symbol, ``S`` the side), so every
field names its wire key explicitly.  Prices, quantities and amounts are
``Decimal`` (the server sends strings); times are ``int`` milliseconds.
Unknown extra keys are ignored, so an added field never breaks decoding.

Which Struct a payload decodes into depends on the stream's name
(:func:`payload_type`): the depth streams carry no ``e`` tag at all, and the
trade and ``@arr`` streams send JSON arrays.  The user data stream's events
are told apart by their ``e`` tag (:data:`UserEvent`).
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from jextui.api.models import OrderId

__all__ = [
    "EXEC_STATUSES",
    "AccountSpotInfo",
    "CombinedFrame",
    "DiffDepthEvent",
    "ExecSpotReport",
    "KlineBar",
    "KlineEvent",
    "MarketPayload",
    "MiniTickerEvent",
    "PartialDepthEvent",
    "StreamLevel",
    "TickerEvent",
    "TradeEvent",
    "UserBalance",
    "UserEvent",
]

#: ``execSpotReport.X`` values (``CANCLEFILLED`` is the wire spelling of
#: "cancelled after a partial fill").  Kept as ``str`` on the Struct so an
#: unlisted status never makes an event undecodable.
EXEC_STATUSES: tuple[str, ...] = (
    "NEW",
    "PARTIALLY_FILLED",
    "FILLED",
    "CANCELED",
    "FAIL",
    "CANCLEFILLED",
)


class StreamLevel(msgspec.Struct, array_like=True, frozen=True):
    """One ``[price, qty]`` level; a quantity of zero removes the level."""

    price: Decimal
    qty: Decimal


class _Event(msgspec.Struct, frozen=True, kw_only=True):
    """Base of the stream payloads: immutable, explicit wire names."""


class TradeEvent(_Event, frozen=True):
    """One trade of ``<symbol>@spotTrade`` (the stream pushes a list of them)."""

    event_time: int = msgspec.field(name="E")
    symbol: str = msgspec.field(name="s")
    trade_id: int = msgspec.field(name="t")
    price: Decimal = msgspec.field(name="p")
    qty: Decimal = msgspec.field(name="q")
    trade_time: int = msgspec.field(name="T")
    buyer_maker: bool = msgspec.field(name="m")


class KlineBar(_Event, frozen=True):
    """The candle inside a kline event (``k``)."""

    open_time: int = msgspec.field(name="t")
    close_time: int = msgspec.field(name="T")
    symbol: str = msgspec.field(name="s")
    interval: str = msgspec.field(name="i")
    open: Decimal = msgspec.field(name="o")
    close: Decimal = msgspec.field(name="c")
    high: Decimal = msgspec.field(name="h")
    low: Decimal = msgspec.field(name="l")
    volume: Decimal = msgspec.field(name="v")
    quote_volume: Decimal = msgspec.field(name="q")


class KlineEvent(_Event, frozen=True):
    """``<symbol>@spotKline_<interval>``: the current candle, every second."""

    event_time: int = msgspec.field(name="E")
    symbol: str = msgspec.field(name="s")
    bar: KlineBar = msgspec.field(name="k")


class MiniTickerEvent(_Event, frozen=True):
    """``<symbol>@spotMiniTicker`` (and the items of ``!spotMiniTicker@arr``)."""

    event_time: int = msgspec.field(name="E")
    symbol: str = msgspec.field(name="s")
    close: Decimal = msgspec.field(name="c")
    high: Decimal = msgspec.field(name="h")
    open: Decimal = msgspec.field(name="o")
    low: Decimal = msgspec.field(name="l")
    volume: Decimal = msgspec.field(name="v")
    quote_volume: Decimal = msgspec.field(name="q")


class TickerEvent(_Event, frozen=True):
    """``<symbol>@spotTicker`` (and the items of ``!spotTicker@arr``)."""

    event_time: int = msgspec.field(name="E")
    symbol: str = msgspec.field(name="s")
    price_change: Decimal = msgspec.field(name="p")
    price_change_percent: Decimal = msgspec.field(name="P")
    close: Decimal = msgspec.field(name="c")
    high: Decimal = msgspec.field(name="h")
    low: Decimal = msgspec.field(name="l")
    volume: Decimal = msgspec.field(name="v")
    quote_volume: Decimal = msgspec.field(name="q")
    open_time: int = msgspec.field(name="O")
    close_time: int = msgspec.field(name="C")


class PartialDepthEvent(_Event, frozen=True):
    """``<symbol>@spotDepth<5|10|20>``: the top levels (no event time: age from receipt)."""

    bids: list[StreamLevel]
    asks: list[StreamLevel]


class DiffDepthEvent(_Event, frozen=True):
    """``<symbol>@spotDepth``: the levels that changed; ``version`` is the book's
    version after the change, on the same counter as REST depth's ``lastUpdateId``."""

    symbol: str = msgspec.field(name="s")
    version: int = msgspec.field(name="v")
    bids: list[StreamLevel] = msgspec.field(name="b")
    asks: list[StreamLevel] = msgspec.field(name="a")
    event_time: int | None = msgspec.field(name="E", default=None)


# --- the user data stream ----------------------------------------------------


class UserBalance(_Event, frozen=True):
    """One asset in ``accountSpotInfo.B``."""

    asset: str = msgspec.field(name="a")
    free: Decimal = msgspec.field(name="f")
    locked: Decimal = msgspec.field(name="l")
    can_trade: bool = msgspec.field(name="T", default=True)
    can_withdraw: bool = msgspec.field(name="W", default=True)
    can_deposit: bool = msgspec.field(name="D", default=True)


class AccountSpotInfo(_Event, frozen=True, tag_field="e", tag="accountSpotInfo"):
    """Pushed when a spot balance changes; ``balances`` lists the changed assets."""

    event_time: int = msgspec.field(name="E")
    maker_fee: Decimal | None = msgspec.field(name="m", default=None)
    taker_fee: Decimal | None = msgspec.field(name="t", default=None)
    update_time: int | None = msgspec.field(name="u", default=None)
    balances: list[UserBalance] = msgspec.field(name="B", default_factory=list)


class ExecSpotReport(_Event, frozen=True, tag_field="e", tag="execSpotReport"):
    """Pushed when an order changes state (``status`` is one of :data:`EXEC_STATUSES`)."""

    event_time: int = msgspec.field(name="E")
    symbol: str = msgspec.field(name="s")
    side: str = msgspec.field(name="S")
    qty: Decimal = msgspec.field(name="q")
    price: Decimal = msgspec.field(name="p")
    status: str = msgspec.field(name="X")
    order_id: OrderId = msgspec.field(name="i")
    filled_qty: Decimal = msgspec.field(name="z")
    filled_quote: Decimal = msgspec.field(name="Z")
    order_time: int = msgspec.field(name="O")


UserEvent = AccountSpotInfo | ExecSpotReport
"""An event of the user data stream, told apart by its ``e`` tag."""

MarketPayload = (
    list[TradeEvent]
    | KlineEvent
    | MiniTickerEvent
    | TickerEvent
    | list[MiniTickerEvent]
    | list[TickerEvent]
    | PartialDepthEvent
    | DiffDepthEvent
)
"""What one frame of a market stream decodes into."""


class CombinedFrame(msgspec.Struct, frozen=True):
    """The combined-stream wrapper ``{"stream": name, "data": payload}``;
    ``data`` stays raw until the name says what it holds."""

    stream: str
    data: msgspec.Raw
