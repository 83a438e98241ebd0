"""A portfolio kept up to date from the data the console already has.

:func:`jextui.portfolio.load_portfolio` reads everything once (for
``jextui print``).  The console instead reads only what its feed does not
carry, once, and builds the portfolio again from its own latest data at
every change:

* :meth:`CostHistory.load` (once, when the portfolio is first shown): the
  account's fee rates, ``historyOrders`` of the symbols that matter (see
  :func:`history_symbols`), one 24 h ticker of every symbol (prices of pairs
  the watchlist does not poll), and the 1-minute closes that value fills on
  pairs not quoted in the valuation asset.  Only as many symbols are read as
  the weight budget allows (:func:`affordable_symbols`); the others are
  named in the notes and their assets' costs stay unknown.
* :meth:`CostHistory.reload` re-reads the history of a few symbols only
  (after a fill).
* :meth:`CostHistory.build`: the pure build from the balances and prices
  the console holds now, over the ticker snapshot of the load.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jextui.api.models import Account, ExchangeInfo, Order, Ticker24hr
from jextui.portfolio.build import Holding, Portfolio, build_portfolio
from jextui.portfolio.load import (
    MAX_PAGES,
    PAGE,
    _history,
    fills_from_orders,
    historical_rates,
    minute_of,
)
from jextui.portfolio.valuation import BRIDGE_ASSET, Pair

__all__ = ["CostHistory", "affordable_symbols", "history_symbols", "HISTORY_WEIGHT", "RESERVED_SHARE"]

#: Request weight of one ``historyOrders`` page.
HISTORY_WEIGHT = 5
#: The share of the per-minute weight limit left for the feed and trading when history is read.
RESERVED_SHARE = Decimal("0.5")
#: Most symbols whose history is read at once.
MAX_SYMBOLS = 24


def history_symbols(
    pairs: Mapping[str, Pair], watched: Iterable[str], journaled: Iterable[str], held: Iterable[str], valuation: str
) -> list[str]:
    """The symbols whose order history explains the costs: the watched ones, the ones the
    journal has orders on, and each held asset's pairs with the valuation asset and with BTC.
    Watched and journalled first, then by name; only listed symbols."""
    by_assets = {(p.base, p.quote): p.symbol for p in pairs.values()}
    first = [s for s in dict.fromkeys([*watched, *sorted(journaled)]) if s in pairs]
    more: set[str] = set()
    for asset in held:
        if asset == valuation:
            continue
        for other in (valuation, BRIDGE_ASSET):
            for key in ((asset, other), (other, asset)):
                symbol = by_assets.get(key)
                if symbol is not None:
                    more.add(symbol)
    return first + sorted(more - set(first))


def affordable_symbols(symbols: Sequence[str], remaining_weight: int, weight_limit: int) -> tuple[list[str], list[str]]:
    """(symbols read, symbols left out): one page each, keeping :data:`RESERVED_SHARE` of the
    limit for everything else, at most :data:`MAX_SYMBOLS`."""
    spare = remaining_weight - int(weight_limit * RESERVED_SHARE)
    count = max(0, min(MAX_SYMBOLS, spare // HISTORY_WEIGHT))
    return list(symbols[:count]), list(symbols[count:])


@dataclass
class CostHistory:
    """The order history read for the portfolio, and what it needs to value it."""

    valuation: str
    pairs: dict[str, Pair] = field(default_factory=dict)
    quote_precisions: dict[str, int] = field(default_factory=dict)
    fee_rates: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    orders: dict[str, list[Order]] = field(default_factory=dict)  # by symbol
    cut: set[str] = field(default_factory=set)  # symbols whose history was cut at MAX_PAGES pages
    left_out: list[str] = field(default_factory=list)  # symbols not read (weight budget)
    rates: dict[tuple[str, int], Decimal] = field(default_factory=dict)  # (asset, minute) -> rate
    tickers: dict[str, Ticker24hr] = field(default_factory=dict)  # the snapshot of the load
    loaded: bool = False
    _fill_cache: list[Any] | None = None

    def set_rules(self, info: ExchangeInfo) -> None:
        self.pairs = {s.symbol: Pair(s.symbol, s.base_asset, s.quote_asset) for s in info.spot_symbols}
        self.quote_precisions = {s.symbol: s.quote_precision for s in info.spot_symbols}

    async def load(self, client: Any, symbols: Sequence[str], info: ExchangeInfo) -> None:
        """Fee rates, every symbol's 24 h ticker and the history of ``symbols`` (as the budget allows)."""
        self.set_rules(info)
        self.fee_rates = {f.symbol: (f.maker, f.taker) for f in await client.trade_fee()}
        self.tickers = {t.symbol: t for t in await client.ticker_24hr()}
        rate = client.rate
        wanted = [s for s in symbols if s in self.pairs]
        read, self.left_out = affordable_symbols(wanted, rate.remaining, rate.weight_limit)
        self.orders = {}
        self.cut = set()
        await self.reload(client, read)
        self.loaded = True

    async def reload(self, client: Any, symbols: Iterable[str]) -> None:
        """Read the history of ``symbols`` again (a fill on them), and the rates its fills need."""
        for symbol in symbols:
            if symbol not in self.pairs:
                continue
            found, complete = await _history(client, symbol)
            self.orders[symbol] = found
            self.cut.discard(symbol)
            if not complete:
                self.cut.add(symbol)
            if symbol in self.left_out:
                self.left_out.remove(symbol)
        self._fill_cache = None
        needs = [(f.quote, minute_of(f.time_ms)) for f in self._fills() if f.value is None]
        needs = [need for need in needs if need not in self.rates]
        if needs:
            self.rates.update(await historical_rates(client, needs, self.pairs, self.valuation))
            self._fill_cache = None

    @property
    def symbols_read(self) -> list[str]:
        return sorted(self.orders)

    def _fills(self) -> list[Any]:
        if self._fill_cache is None:
            orders = [order for found in self.orders.values() for order in found]
            self._fill_cache = fills_from_orders(
                orders,
                self.pairs,
                self.fee_rates,
                self.valuation,
                rate_at=lambda asset, ms: self.rates.get((asset, minute_of(ms))),
            )
        return self._fill_cache

    def notes(self) -> list[str]:
        notes = [
            f"costs from the order history of {', '.join(self.symbols_read) or 'no symbol'}",
            "fees computed from the account's maker/taker rates (the order history does not list them)",
        ]
        if self.left_out:
            notes.append(f"not read (weight budget; r reloads): {', '.join(self.left_out)}")
        if self.cut:
            notes.append(f"history cut at {PAGE * MAX_PAGES} orders for {', '.join(sorted(self.cut))}")
        return notes

    def build(self, account: Account, prices: Mapping[str, Decimal], tickers: Mapping[str, Ticker24hr]) -> Portfolio:
        """The portfolio from ``account`` and the newest ``prices``/``tickers`` the console holds,
        over the load's ticker snapshot for the symbols it does not poll."""
        last = {symbol: t.last_price for symbol, t in self.tickers.items()}
        opens = {symbol: t.open_price for symbol, t in self.tickers.items()}
        for symbol, ticker in tickers.items():
            last[symbol] = ticker.last_price
            opens[symbol] = ticker.open_price
        last.update(prices)
        holdings = [Holding(b.asset, b.free, b.locked) for b in account.spot_balances]
        return build_portfolio(
            holdings,
            self.pairs,
            last,
            opens,
            self._fills(),
            valuation=self.valuation,
            quote_precisions=self.quote_precisions,
            notes=self.notes(),
        )
