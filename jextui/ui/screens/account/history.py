"""Order history (historyOrders) and market trade history (historicalTrades), paged.

Both are newest first.  Older pages are fetched from the exchange when the
ones loaded run out: order history asks for the orders up to the oldest
one's time (``endTime``) and drops the ones already shown; market trades ask
``fromId`` = oldest id - page size (trade ids are consecutive).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from jextui.api.client import JexClient
from jextui.api.models import HistoricalTrade, Order
from jextui.ui.format import MASK, auto_decimals, format_datetime, format_price, format_qty
from jextui.ui.screens.account.base import PagedAccountScreen, TradingHost
from jextui.ui.screens.account.words import status_role
from jextui.ui.widgets.table import Cell, Column, Role

__all__ = ["OrderHistoryScreen", "MarketTradesScreen", "FETCH_SIZE"]

FETCH_SIZE = 100
"""Records asked for per request (the exchange allows up to 500)."""


class _SymbolScreen:
    symbol: str
    host: TradingHost

    def decimals(self, prices: Sequence[Decimal], quantities: Sequence[Decimal]) -> tuple[int, int]:
        known = self.host.precision(self.symbol)
        if known is not None:
            return known
        return auto_decimals(prices), auto_decimals(quantities)


class OrderHistoryScreen(_SymbolScreen, PagedAccountScreen[Order]):
    """The account's orders on one symbol, open and closed."""

    SCREEN_TITLE = "Order history"
    NOUN = "orders"

    def __init__(self, host: TradingHost, symbol: str) -> None:
        super().__init__(host)
        self.symbol = symbol

    def title_text(self) -> str:
        return f"Order history · {self.symbol}"

    def empty_text(self) -> str:
        return f"No orders on {self.symbol} in the exchange's history."

    def record_key(self, record: Order) -> int:
        return int(record.order_id)

    async def fetch_newest(self, client: JexClient) -> list[Order]:
        return _newest_first(await client.history_orders(self.symbol, limit=FETCH_SIZE))

    async def fetch_older(self, client: JexClient, oldest: Order) -> list[Order]:
        same_time = sum(1 for order in self.records if order.time == oldest.time)
        limit = min(500, FETCH_SIZE + same_time)
        orders = await client.history_orders(self.symbol, end_time=oldest.time, limit=limit)
        cutoff = (oldest.time, int(oldest.order_id))
        return _newest_first([order for order in orders if (order.time, int(order.order_id)) < cutoff])

    def columns(self) -> Sequence[Column]:
        return (
            Column("Time", priority=2),
            Column("Side", priority=0),
            Column("Price", "right", priority=0),
            Column("Quantity", "right", priority=0),
            Column("Filled", "right", priority=1),
            Column("Avg price", "right", priority=3),
            Column("Total", "right", priority=4),
            Column("Status", priority=0, max_width=16),
            Column("TIF", priority=5),
            Column("Order id", "right", priority=1),
        )

    def cells(self, record: Order) -> Sequence[Cell]:
        price_decimals, qty_decimals = self.decimals([record.price], [record.orig_qty])
        private = self.host.private
        average = record.cummulative_quote_qty / record.executed_qty if record.executed_qty > 0 else None
        side_role: Role = "buy" if record.side == "BUY" else "sell"
        return (
            Cell(format_datetime(record.time, self.time_zone()), "muted"),
            Cell(record.side, side_role),
            Cell(format_price(record.price, price_decimals)),
            Cell(MASK if private else format_qty(record.orig_qty, qty_decimals)),
            Cell(MASK if private else format_qty(record.executed_qty, qty_decimals)),
            Cell("—" if average is None else format_price(average, price_decimals), "muted"),
            Cell(MASK if private else format_price(record.cummulative_quote_qty, price_decimals)),
            Cell(record.status, status_role(record.status)),
            Cell(record.time_in_force, "muted"),
            Cell(str(int(record.order_id)), "muted"),
        )


def _newest_first(orders: Sequence[Order]) -> list[Order]:
    return sorted(orders, key=lambda order: (order.time, int(order.order_id)), reverse=True)


class MarketTradesScreen(_SymbolScreen, PagedAccountScreen[HistoricalTrade]):
    """Everyone's trades on one symbol, with the taker's side (needs the API key)."""

    SCREEN_TITLE = "Market trade history"
    NOUN = "trades"
    KEY_ONLY = True

    def __init__(self, host: TradingHost, symbol: str) -> None:
        super().__init__(host)
        self.symbol = symbol

    def title_text(self) -> str:
        return f"Market trade history · {self.symbol}"

    def empty_text(self) -> str:
        return f"No trades on {self.symbol} yet."

    def record_key(self, record: HistoricalTrade) -> int:
        return int(record.id)

    async def fetch_newest(self, client: JexClient) -> list[HistoricalTrade]:
        trades = await client.historical_trades(self.symbol, limit=FETCH_SIZE)
        return sorted(trades, key=lambda trade: int(trade.id), reverse=True)

    async def fetch_older(self, client: JexClient, oldest: HistoricalTrade) -> list[HistoricalTrade]:
        oldest_id = int(oldest.id)
        if oldest_id <= 0:
            return []
        start = max(0, oldest_id - FETCH_SIZE)
        trades = await client.historical_trades(self.symbol, limit=oldest_id - start, from_id=start)
        older = [trade for trade in trades if int(trade.id) < oldest_id]
        return sorted(older, key=lambda trade: int(trade.id), reverse=True)

    def columns(self) -> Sequence[Column]:
        return (
            Column("Time", priority=1),
            Column("Price", "right", priority=0),
            Column("Quantity", "right", priority=0),
            Column("Taker", priority=0),
            Column("Trade id", "right", priority=2),
        )

    def cells(self, record: HistoricalTrade) -> Sequence[Cell]:
        price_decimals, qty_decimals = self.decimals([record.price], [record.qty])
        taker: Role = "sell" if record.buyer_maker else "buy"
        return (
            Cell(format_datetime(record.time, self.time_zone()), "muted"),
            Cell(format_price(record.price, price_decimals), taker),
            Cell(format_qty(record.qty, qty_decimals)),
            Cell(f"{taker} (taker)", taker),
            Cell(str(int(record.id)), "muted"),
        )
