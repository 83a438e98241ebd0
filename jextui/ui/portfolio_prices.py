"""The last prices the portfolio values through, kept current while it is on screen.

The feed polls the prices of the watched symbols only (and only while a pane
that shows them is on screen).  The portfolio also values assets through
pairs nobody watches (DASH through DASHUSDT, BNB through BNBBTC×BTCUSDT);
those prices come from the 24 h tickers read when the portfolio was loaded.
:class:`PriceRefresh` reads them again every period while the portfolio
screen or the balances pane's portfolio mode is on screen, and never
otherwise:

* one request a round: ``ticker/price`` of the one symbol (weight 1), or of
  every symbol at once for two or more (weight 2: the endpoint takes one
  symbol or none, see docs/protocol.md);
* the period is the one of the watchlist's 24 h tickers (``[refresh]
  tickers``, 10 s by default);
* a round is skipped while less weight is left this minute than the share
  kept for the feed and trading (:data:`~jextui.portfolio.live.RESERVED_SHARE`);
* the prices are stale by the panes' rule: older than
  :data:`~jextui.feed.health.STALE_AFTER_PERIODS` periods (a failed round
  keeps the prices read before, and the views say STALE and why).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jextui.feed.health import STALE_AFTER_PERIODS
from jextui.portfolio.live import RESERVED_SHARE
from jextui.trading.errors_text import describe_error

__all__ = ["PriceRefresh", "PricesFreshness", "route_symbols", "TICK_S"]

log = logging.getLogger("jextui.ui.portfolio")

#: How often the refresh looks whether a round is due and the portfolio on screen (no request).
TICK_S = 1.0
#: Request weight of ``ticker/price`` for one symbol, and for every symbol.
ONE_SYMBOL_WEIGHT = 1
ALL_SYMBOLS_WEIGHT = 2


def route_symbols(route: str) -> tuple[str, ...]:
    """The symbols of a valuation route (``"ETHBTC×BTCUSDT"``, ``"1/USDTX"``, ``""``)."""
    return tuple(leg.removeprefix("1/") for leg in route.split("×") if leg)


@dataclass(frozen=True, slots=True)
class PricesFreshness:
    """How old the prices read here are, for the symbols the portfolio needs them for."""

    symbols: tuple[str, ...]  # read here (nobody else keeps them current); () when none
    age_ms: int | None  # since the last successful read (None: never read)
    stale: bool
    reason: str | None  # why the last round read nothing (None after a success)


class PriceRefresh:
    """See the module docstring."""

    def __init__(
        self,
        *,
        client: Callable[[], Any],
        now_ms: Callable[[], int],
        period_s: float,
        on_prices: Callable[[], None],
    ) -> None:
        self._client = client
        self._now_ms = now_ms
        self.period_s = period_s
        self._on_prices = on_prices
        self.prices: dict[str, Decimal] = {}  # the last round's, by symbol
        self.last_success_ms: int | None = None
        self.reason: str | None = None
        self._last_round = float("-inf")  # event-loop time of the last round (or of the load)
        self._stop: asyncio.Event | None = None
        self.rounds = 0  # requests sent (tests)
        self.ticks = 0  # looks taken (tests)
        self.running = False

    # --- freshness --------------------------------------------------------------------

    def mark_read(self) -> None:
        """Every price was just read (the portfolio's load): forget older rounds, start the period."""
        self.prices = {}
        self.last_success_ms = self._now_ms()
        self.reason = None
        self._last_round = _loop_time()

    def freshness(self, symbols: Collection[str]) -> PricesFreshness:
        """The freshness of the prices of ``symbols`` (the ones read here that the portfolio needs)."""
        if not symbols:
            return PricesFreshness((), None, False, None)
        age = None if self.last_success_ms is None else max(0, self._now_ms() - self.last_success_ms)
        stale = age is None or age > STALE_AFTER_PERIODS * self.period_s * 1000
        return PricesFreshness(tuple(sorted(symbols)), age, stale, self.reason)

    # --- the rounds -------------------------------------------------------------------

    def start(
        self,
        run: Callable[[Awaitable[None]], object],
        wanted: Callable[[], Collection[str]],
        shown: Callable[[], bool],
    ) -> None:
        """Read ``wanted()`` every period while ``shown()``, until :meth:`stop`."""
        if self.running:
            return
        self.running = True
        self._stop = asyncio.Event()
        run(self._rounds(self._stop, wanted, shown))

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
            self._stop = None

    async def _rounds(
        self, stop: asyncio.Event, wanted: Callable[[], Collection[str]], shown: Callable[[], bool]
    ) -> None:
        try:
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), timeout=min(TICK_S, self.period_s))
                    break
                except TimeoutError:
                    pass
                self.ticks += 1
                if not shown() or _loop_time() - self._last_round < self.period_s:
                    continue
                symbols = sorted(wanted())
                if symbols:
                    await self.read(symbols)
        finally:
            self.running = False

    async def read(self, symbols: list[str]) -> None:
        """One round: the last prices of ``symbols`` (one request), or why not."""
        self._last_round = _loop_time()
        client = self._client()
        if client is None:
            return
        weight = ONE_SYMBOL_WEIGHT if len(symbols) == 1 else ALL_SYMBOLS_WEIGHT
        rate = client.rate
        if rate.remaining - weight < rate.weight_limit * RESERVED_SHARE:
            self.reason = "the request weight left this minute is kept for the feed and trading"
            self._on_prices()
            return
        self.rounds += 1
        try:
            answer = await client.ticker_price(symbols[0]) if len(symbols) == 1 else await client.ticker_price()
        except Exception as error:  # every failure is a sentence; the prices read before stay
            log.info("portfolio prices not read: %s", type(error).__name__)
            self.reason = describe_error(error)
        else:
            wanted = set(symbols)
            tickers = answer if isinstance(answer, list) else [answer]
            self.prices = {t.symbol: t.price for t in tickers if t.symbol in wanted}
            self.last_success_ms = self._now_ms()
            self.reason = None
            log.debug("portfolio prices read: %s (weight %d)", ", ".join(sorted(self.prices)), weight)
        self._on_prices()


def _loop_time() -> float:
    return asyncio.get_running_loop().time()
