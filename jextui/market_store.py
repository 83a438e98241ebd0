"""The latest market and account data the feed delivered, in one place.

Panes render feed events directly; screens that need more than one pane's
worth of data (the order ticket, the grid view, the status bar) read it here.
The routing table (:mod:`jextui.ui.routing`) hands every feed event to the
store first; what the store says changed goes on to the other handlers.
Nothing here fetches: the store only remembers.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

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
    OpenOrdersUpdate,
    PricesUpdate,
    SparklineUpdate,
    StatusUpdate,
    TickersUpdate,
    TradesUpdate,
)

__all__ = ["MarketStore", "Changed", "NOTHING"]


class Changed(msgspec.Struct, frozen=True):
    """What one feed event changed in the store."""

    symbols: frozenset[str] = frozenset()
    """The symbols whose market data (book, trades, prices, tickers, orders) changed."""
    account: bool = False
    """The balances changed."""
    rules: bool = False
    """The exchange's symbols and trading rules arrived."""

    @property
    def any(self) -> bool:
        return bool(self.symbols) or self.account or self.rules


NOTHING = Changed()


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

    # -- remembering: each returns what changed (see the routing table) --

    def remember_book(self, event: BookUpdate) -> Changed:
        self.depth[event.symbol] = event.depth
        return Changed(symbols=frozenset({event.symbol}))

    def remember_trades(self, event: TradesUpdate) -> Changed:
        self.trades[event.symbol] = event.trades
        if event.trades:  # newest first: the latest trade's price, until a price arrives
            self.prices.setdefault(event.symbol, event.trades[0].price)
        return Changed(symbols=frozenset({event.symbol}))

    def remember_prices(self, event: PricesUpdate) -> Changed:
        changed = frozenset(symbol for symbol, price in event.prices.items() if self.prices.get(symbol) != price)
        self.prices.update(event.prices)
        return Changed(symbols=changed)

    def remember_tickers(self, event: TickersUpdate) -> Changed:
        self.tickers.update(event.tickers)
        return Changed(symbols=frozenset(event.tickers))

    def remember_book_tickers(self, event: BookTickersUpdate) -> Changed:
        self.book_tickers.update(event.book_tickers)
        return Changed(symbols=frozenset(event.book_tickers))

    def remember_sparkline(self, event: SparklineUpdate) -> Changed:
        self.sparklines[event.symbol] = event.closes
        return Changed(symbols=frozenset({event.symbol}))

    def remember_account(self, event: AccountUpdate) -> Changed:
        changed = event.account != self.account
        self.account = event.account
        return Changed(account=changed)

    def remember_open_orders(self, event: OpenOrdersUpdate) -> Changed:
        self.open_orders[event.symbol] = event.orders
        return Changed(symbols=frozenset({event.symbol}))

    def remember_exchange_info(self, event: ExchangeInfoUpdate) -> Changed:
        self.exchange_info = event.info
        self.symbols = {info.symbol: info for info in event.info.spot_symbols}
        return Changed(rules=True)

    def remember_status(self, event: StatusUpdate) -> Changed:
        self.status = event
        return NOTHING

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
