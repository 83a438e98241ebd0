"""A small app that hosts panes for pilot and snapshot tests, and fixed sample data.

Nothing here reads the clock or the network: every sample is a constant, and
times render in UTC, so snapshots are the same on every machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC as UTC  # the tests import the zone from here
from decimal import Decimal
from typing import Any

from rich.style import Style
from textual.app import App, ComposeResult
from textual.message import Message
from textual.theme import Theme
from textual.widget import Widget

from jextui.api.models import (
    Account,
    Balance,
    BookTicker,
    Depth,
    DepthLevel,
    HistoricalTrade,
    Kline,
    Order,
    OrderId,
    Ticker24hr,
    Trade,
)
from jextui.ui.messages import LevelSelected, OrderActivated, OrderHighlighted, SymbolActivated
from jextui.ui.themes import theme_variable_defaults
from jextui.ui.widgets.pane import Pane

BASE_TIME_MS = 1_700_000_000_000  # 2023-11-14 22:13:20 UTC

HARNESS_THEME = Theme(
    name="jextui-harness",
    primary="#3b82f6",
    secondary="#64748b",
    accent="#f59e0b",
    warning="#eab308",
    error="#ef4444",
    success="#22c55e",
    foreground="#d8dee9",
    background="#0f1419",
    surface="#161b22",
    panel="#1f2630",
    dark=True,
    variables={
        "buy": "#26a69a",
        "sell": "#ef5350",
        "up": "#26a69a",
        "down": "#ef5350",
        "stale": "#ffb74d",
        "flash-up": "#1b4d3e",
        "flash-down": "#5c1f24",
    },
)


class HarnessApp(App[None]):
    """Hosts the given widgets stacked vertically and records their messages."""

    CSS = "Screen { layout: vertical; }"

    def __init__(self, *widgets: Widget, setup: Callable[[Any], None] | None = None) -> None:
        super().__init__()
        self._widgets = widgets
        self._setup = setup
        self.received: list[Message] = []
        self.register_theme(HARNESS_THEME)
        self.theme = HARNESS_THEME.name

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults()

    def compose(self) -> ComposeResult:
        yield from self._widgets

    def on_mount(self) -> None:
        if self._setup is not None:
            self._setup(self)

    def on_symbol_activated(self, message: SymbolActivated) -> None:
        self.received.append(message)

    def on_level_selected(self, message: LevelSelected) -> None:
        self.received.append(message)

    def on_order_highlighted(self, message: OrderHighlighted) -> None:
        self.received.append(message)

    def on_order_activated(self, message: OrderActivated) -> None:
        self.received.append(message)

    def messages_of(self, kind: type[Message]) -> list[Message]:
        return [message for message in self.received if isinstance(message, kind)]


def style_in_line(pane: Pane, line_has: str, fragment: str) -> Style:
    """The style of the first segment holding ``fragment`` on the first line holding ``line_has``."""
    strip = next(strip for strip in pane.content_strips() if line_has in strip.text)
    for segment in strip:
        if fragment in segment.text:
            return segment.style or Style()
    raise AssertionError(f"{fragment!r} is not one segment of {strip.text!r}")


def line_with(pane: Pane, fragment: str) -> str:
    """The first content line holding ``fragment``."""
    return next(line for line in pane.plain_lines() if fragment in line)


# --- sample data ------------------------------------------------------------------


def d(value: str) -> Decimal:
    return Decimal(value)


WATCHED = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "DOGEUSDT", "XRPUSDT"]


def ticker(symbol: str, last: str, open_: str, volume: str) -> Ticker24hr:
    last_price, open_price = d(last), d(open_)
    change = last_price - open_price
    return Ticker24hr(
        symbol=symbol,
        price_change=change,
        price_change_percent=change * 100 / open_price,
        weighted_avg_price=open_price,
        last_price=last_price,
        bid_price=last_price - d("0.01"),
        bid_qty=d("1"),
        ask_price=last_price + d("0.01"),
        ask_qty=d("1"),
        open_price=open_price,
        high_price=max(last_price, open_price),
        low_price=min(last_price, open_price),
        volume=d(volume),
        quote_volume=d(volume) * last_price,
        open_time=BASE_TIME_MS - 86_400_000,
        close_time=BASE_TIME_MS,
    )


def sample_tickers() -> dict[str, Ticker24hr]:
    return {
        "BTCUSDT": ticker("BTCUSDT", "43210.50", "42000.00", "12345.678"),
        "ETHUSDT": ticker("ETHUSDT", "2250.25", "2300.00", "456789.1"),
        "SOLUSDT": ticker("SOLUSDT", "58.125", "58.125", "4560000"),
        "DOGEUSDT": ticker("DOGEUSDT", "0.081234", "0.079000", "987654321"),
    }


SAMPLE_PRECISIONS = {"BTCUSDT": 2, "ETHUSDT": 2, "SOLUSDT": 3, "DOGEUSDT": 6, "XRPUSDT": 4}


def sample_closes(start: str, steps: Iterable[str]) -> list[Decimal]:
    value = d(start)
    closes = [value]
    for step in steps:
        value += d(step)
        closes.append(value)
    return closes


SAMPLE_SPARKS = {
    "BTCUSDT": sample_closes(
        "42000",
        ["120", "80", "-40", "200", "150", "-60", "90", "300", "-20", "110", "50", "-30", "170", "40", "-10", "60"],
    ),
    "ETHUSDT": sample_closes(
        "2300", ["-5", "-3", "4", "-8", "-2", "-6", "3", "-4", "-1", "-7", "2", "-5", "-3", "1", "-4", "-2"]
    ),
}


def level(price: str, qty: str) -> DepthLevel:
    return DepthLevel(d(price), d(qty), [])


def sample_depth() -> Depth:
    asks = [
        level("43210.50", "0.500"),
        level("43211.00", "1.250"),
        level("43212.50", "0.040"),
        level("43215.00", "2.000"),
        level("43220.00", "0.750"),
        level("43230.00", "3.100"),
        level("43250.00", "0.300"),
        level("43300.00", "5.000"),
    ]
    bids = [
        level("43209.50", "0.800"),
        level("43209.00", "0.150"),
        level("43205.00", "1.600"),
        level("43200.00", "4.000"),
        level("43195.50", "0.220"),
        level("43190.00", "1.000"),
        level("43150.00", "2.500"),
        level("43100.00", "6.000"),
    ]
    return Depth(last_update_id=1027024, bids=bids, asks=asks)


def order(
    order_id: int,
    side: str,
    price: str,
    qty: str,
    executed: str = "0",
    status: str = "NEW",
    time_offset_ms: int = 0,
    symbol: str = "BTCUSDT",
) -> Order:
    return Order(
        symbol=symbol,
        order_id=OrderId(order_id),
        price=d(price),
        orig_qty=d(qty),
        executed_qty=d(executed),
        cummulative_quote_qty=d(executed) * d(price),
        status=status,
        time_in_force="GTC",
        type="LIMIT",
        side=side,  # type: ignore[arg-type]
        time=BASE_TIME_MS + time_offset_ms,
        update_time=BASE_TIME_MS + time_offset_ms,
    )


def sample_orders() -> list[Order]:
    return [
        order(1001, "BUY", "43205.00", "0.500", time_offset_ms=1_000),
        order(1002, "SELL", "43215.00", "0.250", executed="0.100", status="PARTIALLY_FILLED", time_offset_ms=2_000),
        order(1003, "BUY", "43100.00", "1.000", time_offset_ms=3_000),
    ]


def sample_trades() -> list[Trade]:
    """Oldest first, as the API sends them."""
    rows = [
        ("43208.00", "0.010"),
        ("43209.50", "0.250"),
        ("43209.50", "0.100"),
        ("43207.00", "1.500"),
        ("43210.50", "0.042"),
        ("43211.00", "0.300"),
    ]
    return [
        Trade(price=d(price), qty=d(qty), time=BASE_TIME_MS + index * 1_500) for index, (price, qty) in enumerate(rows)
    ]


def sample_historical_trades() -> list[HistoricalTrade]:
    rows = [
        ("43208.00", "0.010", False),
        ("43209.50", "0.250", True),
        ("43207.00", "1.500", True),
        ("43211.00", "0.300", False),
    ]
    return [
        HistoricalTrade(
            id=OrderId(500 + index), price=d(price), qty=d(qty), time=BASE_TIME_MS + index * 1_500, buyer_maker=maker
        )
        for index, (price, qty, maker) in enumerate(rows)
    ]


def kline(index: int, open_: Decimal, close: Decimal, interval_ms: int = 60_000) -> Kline:
    open_time = BASE_TIME_MS + index * interval_ms
    return Kline(
        open_time=open_time,
        open=open_,
        high=max(open_, close) + d("3.5"),
        low=min(open_, close) - d("2.5"),
        close=close,
        volume=d("1.5"),
        close_time=open_time + interval_ms - 1,
        quote_volume=d("64800"),
        trades=12,
        taker_buy_base_volume=d("0.7"),
        taker_buy_quote_volume=d("30240"),
    )


def sample_klines(count: int = 60) -> list[Kline]:
    steps = [
        "12",
        "-8",
        "5",
        "20",
        "-15",
        "-3",
        "9",
        "14",
        "-22",
        "6",
        "18",
        "-4",
        "-11",
        "7",
        "25",
        "-9",
        "3",
        "-16",
        "10",
        "4",
    ]
    klines = []
    price = d("43000.00")
    for index in range(count):
        close = price + d(steps[index % len(steps)])
        klines.append(kline(index, price, close))
        price = close
    return klines


def balance(asset: str, free: str, locked: str) -> Balance:
    return Balance(asset=asset, can_deposit=True, can_trade=True, can_withdraw=True, free=d(free), locked=d(locked))


def sample_account() -> Account:
    return Account(
        update_time=BASE_TIME_MS,
        spot_balances=[
            balance("USDT", "10250.12345678", "2160.25"),
            balance("BTC", "0.52500000", "0.15000000"),
            balance("ETH", "0.00000000", "0.00000000"),
            balance("DOGE", "15000", "0"),
            balance("XRP", "0", "0"),
        ],
        contract_balances=[balance("USDT", "500.00000000", "0.00000000")],
        option_balances=[],
    )


def sample_book_ticker(symbol: str = "BTCUSDT") -> BookTicker:
    return BookTicker(
        symbol=symbol, bid_price=d("43209.50"), bid_qty=d("0.8"), ask_price=d("43210.50"), ask_qty=d("0.5")
    )


# --- a whole console of panes, for snapshots ---------------------------------------


class DashboardApp(HarnessApp):
    """Every pane laid out roughly as the console does, fed with the samples."""

    CSS = """
    Screen { layout: vertical; }
    #panes { height: 1fr; layout: grid; grid-size: 3 2; grid-columns: 1fr 1fr 1fr; }
    """

    def __init__(self, *, private: bool = False, stale: bool = False, candles: bool = False) -> None:
        from jextui.ui.widgets import (
            BalancesView,
            KlinesView,
            OpenOrdersView,
            OrderBookView,
            RateLimitBanner,
            StatusBar,
            TradesView,
            WatchlistView,
        )

        self.watchlist = WatchlistView(time_zone=UTC)
        self.book = OrderBookView(time_zone=UTC)
        self.trades = TradesView(time_zone=UTC)
        self.klines = KlinesView(time_zone=UTC, mode="candles" if candles else "line")
        self.balances = BalancesView(time_zone=UTC)
        self.orders = OpenOrdersView(time_zone=UTC)
        self.status = StatusBar(time_zone=UTC)
        self.banner = RateLimitBanner(time_zone=UTC)
        self._private = private
        self._stale = stale
        super().__init__(setup=DashboardApp._feed)

    def compose(self) -> ComposeResult:
        from textual.containers import Container

        yield self.banner
        with Container(id="panes"):
            yield self.watchlist
            yield self.book
            yield self.trades
            yield self.klines
            yield self.balances
            yield self.orders
        yield self.status

    def _feed(self) -> None:
        self.watchlist.set_symbols(WATCHED)
        self.watchlist.set_precisions(SAMPLE_PRECISIONS)
        self.watchlist.update_tickers(sample_tickers())
        for symbol, closes in SAMPLE_SPARKS.items():
            self.watchlist.update_sparkline(symbol, closes)
        self.watchlist.set_active("BTCUSDT")
        for pane in (self.book, self.trades, self.klines):
            pane.set_caption("BTCUSDT")
        self.book.set_precision(2, 3)
        self.book.update_book(sample_depth())
        self.book.set_own_orders(sample_orders())
        self.trades.set_precision(2, 3)
        self.trades.update_trades(
            sample_historical_trades()[::-1], has_side=True
        )  # newest first, as the feed sends them
        self.klines.set_precision(2)
        self.klines.update_klines("1m", sample_klines(120))
        self.balances.update_account(sample_account())
        self.orders.set_precisions({"BTCUSDT": (2, 3)})
        self.orders.update_orders(sample_orders())
        for age, shown in zip((300, 400, 1_200, 2_500, 4_000, 3_000), self.panes(), strict=True):
            shown.set_freshness(age, stale=False)
        if self._stale:
            self.trades.set_freshness(14_000, stale=True)
            self.balances.set_freshness(31_000, stale=True)
        if self._private:
            for shown in self.panes():
                shown.set_private(True)
        self.status.update_status(
            profile="demo",
            base_url="http://127.0.0.1:8765",
            demo=True,
            connection="online",
            latency_ms=12,
            clock_offset_ms=3,
            used_weight=312,
            weight_limit=1200,
            pane_ages={
                "book": (400, False),
                "trades": (14_000, True) if self._stale else (1_200, False),
                "kl": (2_500, False),
            },
        )
        self.book.focus()

    def panes(self) -> list[Pane]:
        return [self.watchlist, self.book, self.trades, self.klines, self.balances, self.orders]
