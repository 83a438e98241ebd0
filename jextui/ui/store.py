"""The latest market and account data the feed delivered, in one place.

Panes render feed events directly; screens that need more than one pane's
worth of data (the order ticket, the grid view, the status bar) read it here.
The app applies every feed event to the store before routing it to panes.
Nothing here fetches: the store only remembers.
"""

from __future__ import annotations

from decimal import Decimal

from jextui.api.models import (
    Account,
    BookTicker,
    Depth,
    ExchangeInfo,
    HistoricalTrade,
    Order,
    SymbolInfo,
    Ticker24hr,
    Trade,
    TradeFee,
)
from jextui.feed.events import (
    AccountUpdate,
    BookTickersUpdate,
    BookUpdate,
    ExchangeInfoUpdate,
    FeedEvent,
    OpenOrdersUpdate,
    PricesUpdate,
    SparklineUpdate,
    StatusUpdate,
    TickersUpdate,
    TradesUpdate,
)

__all__ = ["MarketStore"]


class MarketStore:
    """Latest known values, keyed by symbol where they belong to one."""

    def __init__(self) -> None:
        self.exchange_info: ExchangeInfo | None = None
        self.symbols: dict[str, SymbolInfo] = {}
        self.depth: dict[str, Depth] = {}
        self.trades: dict[str, tuple[Trade | HistoricalTrade, ...]] = {}
        self.prices: dict[str, Decimal] = {}
        self.tickers: dict[str, Ticker24hr] = {}
        self.book_tickers: dict[str, BookTicker] = {}
        self.sparklines: dict[str, tuple[Decimal, ...]] = {}  # recent closes, oldest first
        self.account: Account | None = None
        self.open_orders: dict[str, tuple[Order, ...]] = {}
        self.trade_fees: dict[str, TradeFee] = {}
        self.status: StatusUpdate | None = None

    def apply(self, event: FeedEvent) -> None:
        """Remember what ``event`` carries."""
        if isinstance(event, BookUpdate):
            self.depth[event.symbol] = event.depth
        elif isinstance(event, TradesUpdate):
            self.trades[event.symbol] = event.trades
            if event.trades:
                self.prices.setdefault(event.symbol, event.trades[0].price)
        elif isinstance(event, PricesUpdate):
            self.prices.update(event.prices)
        elif isinstance(event, TickersUpdate):
            self.tickers.update(event.tickers)
        elif isinstance(event, BookTickersUpdate):
            self.book_tickers.update(event.book_tickers)
        elif isinstance(event, SparklineUpdate):
            self.sparklines[event.symbol] = event.closes
        elif isinstance(event, AccountUpdate):
            self.account = event.account
        elif isinstance(event, OpenOrdersUpdate):
            self.open_orders[event.symbol] = event.orders
        elif isinstance(event, ExchangeInfoUpdate):
            self.exchange_info = event.info
            self.symbols = {info.symbol: info for info in event.info.spot_symbols}
        elif isinstance(event, StatusUpdate):
            self.status = event

    # -- questions screens ask --

    def forget_symbol(self, symbol: str) -> None:
        """Drop what is known of ``symbol``'s book, trades and orders (it is no longer active)."""
        self.depth.pop(symbol, None)
        self.trades.pop(symbol, None)

    def symbol_info(self, symbol: str) -> SymbolInfo | None:
        return self.symbols.get(symbol)

    def precision(self, symbol: str) -> tuple[int, int] | None:
        """(price decimals, quantity decimals) of ``symbol``, once exchangeInfo is known."""
        info = self.symbols.get(symbol)
        if info is None:
            return None
        return info.quote_precision, info.base_asset_precision

    def last_price(self, symbol: str) -> Decimal | None:
        if symbol in self.prices:
            return self.prices[symbol]
        ticker = self.tickers.get(symbol)
        return ticker.last_price if ticker is not None else None

    def best_bid_ask(self, symbol: str) -> tuple[Decimal | None, Decimal | None]:
        """Best bid and ask: from the book if we have it, else the book ticker."""
        depth = self.depth.get(symbol)
        if depth is not None:
            bid = depth.bids[0].price if depth.bids else None
            ask = depth.asks[0].price if depth.asks else None
            return bid, ask
        ticker = self.book_tickers.get(symbol)
        if ticker is not None:
            return ticker.bid_price, ticker.ask_price
        return None, None

    def free_balances(self) -> dict[str, Decimal] | None:
        """Free spot balance per asset; ``None`` until the account is known."""
        if self.account is None:
            return None
        return {balance.asset: balance.free for balance in self.account.spot_balances}

    def orders_of(self, symbol: str) -> tuple[Order, ...]:
        return self.open_orders.get(symbol, ())
