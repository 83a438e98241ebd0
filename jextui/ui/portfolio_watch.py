"""The console's portfolio: loaded once, rebuilt from the store at every change.

:class:`PortfolioWatch` is shared by the portfolio screen and the balances
pane's portfolio mode.  Nothing is read until one of them is first shown
(:meth:`PortfolioWatch.use`); then the order history is read once
(:class:`jextui.portfolio.live.CostHistory`), and from there on every
balance, price and 24 h ticker that reaches the store (pushed or polled)
rebuilds the portfolio, with no request.  A fill -- a stream fill notice,
or a balance whose total changed -- re-reads the history of the symbols of
the assets it touched, one request per symbol, after the burst settles and
at most every :data:`RELOAD_GAP_S` seconds.  The prices of the pairs the
portfolio values through that the feed does not keep current are read again
every period while a view that uses it is on screen
(:mod:`jextui.ui.portfolio_prices`), and said STALE when they are late.

What cannot be shown is said in a sentence (:attr:`PortfolioWatch.message`):
no credentials, not connected, a refused key, a failed request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from jextui.feed.events import AccountUpdate, ExchangeInfoUpdate, PricesUpdate, TickersUpdate
from jextui.feed.stream_events import FillsUpdate
from jextui.portfolio.build import Portfolio
from jextui.portfolio.live import CostHistory, history_symbols
from jextui.trading.errors_text import describe_error
from jextui.ui.portfolio_prices import PriceRefresh, PricesFreshness, route_symbols

if TYPE_CHECKING:
    from jextui.api.models import Account
    from jextui.market_store import Changed, MarketStore
    from jextui.session import Session

__all__ = ["PortfolioWatch", "PaneLink", "NO_KEY_TEXT", "FILL_SETTLE_S", "RELOAD_GAP_S", "prices_period_s"]

log = logging.getLogger("jextui.ui.portfolio")

NO_KEY_TEXT = (
    "There is no portfolio to show: no API key and secret are configured for this profile "
    "(jextui config path shows where to add them; jextui --demo runs on a built-in sandbox)."
)
#: After a fill, wait this long for the rest of the burst before re-reading the history.
FILL_SETTLE_S = 0.3
#: At least this long between two re-reads (an order filling bit by bit is read every 5 s at most).
RELOAD_GAP_S = 5.0

State = Literal["idle", "loading", "ready", "failed"]
#: The feed's states in which it keeps the watched symbols' prices current.
_FEED_OFF = frozenset({"hidden", "disabled"})


def prices_period_s(session: Session) -> float:
    """The period of the portfolio's own price reads: the watchlist tickers' (``[refresh] tickers``)."""
    from jextui.feed.feed_plan import DEFAULT_PERIODS_S, FeedKind

    chosen = session.settings.refresh.tickers
    return float(chosen) if chosen is not None else DEFAULT_PERIODS_S[FeedKind.TICKERS]


class PortfolioWatch:
    """See the module docstring."""

    def __init__(
        self,
        *,
        session: Session,
        store: MarketStore,
        valuation: str,
        watchlist: Callable[[], Sequence[str]],
        run: Callable[[Awaitable[None]], object],
    ) -> None:
        self.session = session
        self.store = store
        self.valuation = valuation
        self._watchlist = watchlist
        self._run = run
        self.history = CostHistory(valuation)
        self.portfolio: Portfolio | None = None
        self.state: State = "idle"
        self.message = ""
        self._users: dict[str, Callable[[], bool]] = {}  # who -> is it on screen now
        self.prices = PriceRefresh(
            client=lambda: self.session.client,
            now_ms=self.session.now_ms,
            period_s=prices_period_s(session),
            on_prices=self._on_prices,
        )
        self._listeners: list[Callable[[], None]] = []
        self._account: Account | None = None  # read by the load when the store had none yet
        self._totals: dict[str, Decimal] | None = None
        self._pending: set[str] = set()
        self._reloading = False
        self._last_reload = float("-inf")
        self.loads = 0  # history loads started (tests)
        self.reloads = 0  # fill re-reads done (tests)

    # --- who is looking -------------------------------------------------------------

    @property
    def in_use(self) -> bool:
        return bool(self._users)

    def use(self, who: str, shown: Callable[[], bool] | None = None) -> None:
        """``who`` shows the portfolio from now on (on screen while ``shown()``): load it the
        first time; its unwatched prices are read every period while some user is on screen."""
        self._users[who] = shown or (lambda: True)
        if self.state in ("idle", "failed"):
            self.load()
        else:
            self.rebuild()
        self.prices.start(self._run, self.symbols_read_here, self.on_screen)

    def release(self, who: str) -> None:
        self._users.pop(who, None)
        if not self._users:
            self.prices.stop()

    def on_screen(self) -> bool:
        """Some user shows the portfolio now."""
        return any(shown() for shown in list(self._users.values()))

    def listen(self, callback: Callable[[], None]) -> Callable[[], None]:
        """``callback()`` after every change of :attr:`portfolio`, :attr:`state` or :attr:`message`;
        returns the function that stops it."""
        self._listeners.append(callback)

        def stop() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return stop

    def _changed(self) -> None:
        for callback in list(self._listeners):
            try:
                callback()
            except Exception:  # one view's trouble must not stop the others
                log.exception("a portfolio view failed to update")

    # --- loading ----------------------------------------------------------------------

    def unavailable_reason(self) -> str | None:
        client = self.session.client
        if client is None:
            return "Not connected to an exchange yet."
        if not client.has_credentials:
            return NO_KEY_TEXT
        return None

    def load(self) -> None:
        """(Re)read the history (``r``), in the background."""
        reason = self.unavailable_reason()
        if reason is not None:
            self.state, self.message = "failed", reason
            self._changed()
            return
        if self.state == "loading":
            return
        self.state, self.message = "loading", "Loading the order history…"
        self.loads += 1
        self._changed()
        self._run(self._load())

    async def _load(self) -> None:
        client = self.session.client
        try:
            assert client is not None
            info = self.store.exchange_info or await client.exchange_info()
            self.history.set_rules(info)
            if self.store.account is None:
                self._account = await client.account()
            account = self.store.account or self._account
            held = [b.asset for b in account.spot_balances if b.free + b.locked > 0] if account else []
            journaled = await self._journal_symbols()
            symbols = history_symbols(self.history.pairs, self._watchlist(), journaled, held, self.valuation)
            await self.history.load(client, symbols, info)
            self.prices.mark_read()  # the load read every symbol's 24 h ticker
        except Exception as error:  # every failure is a sentence
            log.info("portfolio load failed: %s", type(error).__name__)
            self.state = "failed"
            self.message = f"Could not load the portfolio: {describe_error(error)} Press r to try again."
            self._changed()
            return
        self.state, self.message = "ready", ""
        account = self.store.account or self._account
        self._totals = None if account is None else {b.asset: b.free + b.locked for b in account.spot_balances}
        self.rebuild(force=True)

    async def _journal_symbols(self) -> set[str]:
        journal = self.session.journal
        if journal is None:
            return set()
        from jextui.trading.journal import KIND_ORDER

        try:
            entries = await journal.call(journal.entries)
        except Exception:  # no journal, no symbols from it
            return set()
        return {e.symbol for e in entries if e.kind == KIND_ORDER and e.order_id is not None}

    # --- the feed ---------------------------------------------------------------------

    def feed_handlers(self) -> dict[type[Any], Callable[[Any, Changed], None]]:
        return {
            AccountUpdate: self._on_account,
            PricesUpdate: self._on_market,
            TickersUpdate: self._on_market,
            ExchangeInfoUpdate: self._on_market,
            FillsUpdate: self._on_fills,
        }

    def _on_market(self, _event: object, changed: Changed) -> None:
        if changed.any:
            self.rebuild()

    def _on_account(self, event: AccountUpdate, _changed: Changed) -> None:
        totals = {b.asset: b.free + b.locked for b in event.account.spot_balances}
        before, self._totals = self._totals, totals
        if before is not None and self.state == "ready":
            moved = {asset for asset in set(before) | set(totals) if before.get(asset) != totals.get(asset)}
            if moved:
                self._reload_for(moved)
        self.rebuild()

    def _on_fills(self, event: FillsUpdate, _changed: Changed) -> None:
        if self.state == "ready":
            self._schedule({notice.symbol for notice in event.notices})

    def _reload_for(self, assets: set[str]) -> None:
        """Balance totals changed: a trade moves both assets of its pair, so the symbols read
        (or watched) whose base and quote both moved.  A deposit or withdrawal moves one asset
        only and reads nothing."""
        symbols = {
            s
            for s, p in self.history.pairs.items()
            if p.base in assets and p.quote in assets and (s in self.history.orders or s in self._watchlist())
        }
        self._schedule(symbols)

    def _schedule(self, symbols: set[str]) -> None:
        if not symbols:
            return
        self._pending |= symbols
        if not self._reloading:
            self._reloading = True
            self._run(self._reload_pending())

    async def _reload_pending(self) -> None:
        try:
            while self._pending:
                loop = asyncio.get_running_loop()
                wait = max(FILL_SETTLE_S, self._last_reload + RELOAD_GAP_S - loop.time())
                await asyncio.sleep(wait)  # the rest of the burst, and the gap since the last re-read
                symbols, self._pending = sorted(self._pending), set()
                client = self.session.client
                if client is None:
                    return
                try:
                    await self.history.reload(client, symbols)
                except Exception as error:
                    log.info("portfolio reload failed: %s", type(error).__name__)
                    self.message = f"Costs may be out of date: {describe_error(error)} Press r to reload."
                self.reloads += 1
                self._last_reload = loop.time()
                self.rebuild(force=True)
        finally:
            self._reloading = False

    # --- the prices nobody else keeps current ------------------------------------------

    def _kept_current(self) -> set[str]:
        """The symbols whose prices the feed keeps current now: the watched ones, while it polls them."""
        prices = self.session.feed_health().get("prices")
        if prices is None or prices.state in _FEED_OFF:
            return set()
        return set(self._watchlist())

    def symbols_read_here(self) -> set[str]:
        """The symbols the portfolio values through whose prices nobody else keeps current."""
        if self.portfolio is None:
            return set()
        used = {symbol for line in self.portfolio.lines for symbol in route_symbols(line.route)}
        return used - self._kept_current()

    def prices_freshness(self) -> PricesFreshness:
        """How old the prices read here are (stale: the values that use them are late)."""
        return self.prices.freshness(self.symbols_read_here() if self.state == "ready" else ())

    def assets_priced_here(self) -> set[str]:
        """The assets whose value uses a price read here."""
        if self.portfolio is None:
            return set()
        here = self.symbols_read_here()
        return {line.asset for line in self.portfolio.lines if here & set(route_symbols(line.route))}

    def _on_prices(self) -> None:
        self.rebuild(force=True)

    # --- building -----------------------------------------------------------------------

    def rebuild(self, *, force: bool = False) -> None:
        if self.state != "ready" or not (self._users or force):
            return
        account = self.store.account or self._account
        if account is None:
            return
        prices = self.store.prices
        if self.prices.prices:  # read here: newer than the feed's for the symbols it does not poll now
            kept = self._kept_current()
            prices = {**prices, **{s: p for s, p in self.prices.prices.items() if s not in kept}}
        try:
            portfolio = self.history.build(account, prices, self.store.tickers)
        except Exception:  # an odd value must not take the console down
            log.exception("the portfolio could not be built")
            return
        if portfolio != self.portfolio or force:
            self.portfolio = portfolio
            self._changed()


class PaneLink:
    """Feeds the balances pane's portfolio mode while it is on (``toggle`` is the pane's hook)."""

    def __init__(self, watch: PortfolioWatch, pane: Any) -> None:
        self.watch = watch
        self.pane = pane
        self._stop: Callable[[], None] | None = None

    def toggle(self, on: bool) -> None:
        if on and self._stop is None:
            self._stop = self.watch.listen(self.show)
            self.pane.prices_freshness = self._prices_freshness
            self.watch.use("pane", self.on_screen)
            self.show()
        elif not on and self._stop is not None:
            self._stop()
            self._stop = None
            self.pane.prices_freshness = None
            self.watch.release("pane")
            self.pane.recheck_freshness()

    def on_screen(self) -> bool:
        """The pane is on the screen shown now (not under a dialog, not tabbed away, not under the grid)."""
        pane = self.pane
        if not pane.is_mounted or not pane.screen.is_current:
            return False
        visible_panes = getattr(pane.screen, "visible_panes", None)
        return visible_panes is None or "balances" in visible_panes()

    def _prices_freshness(self) -> tuple[int | None, bool]:
        freshness = self.watch.prices_freshness()
        return freshness.age_ms, freshness.stale

    def show(self) -> None:
        self.pane.set_portfolio(self.watch.portfolio, self.watch.message)
        self.pane.recheck_freshness()
