"""Find every open order on the account within a weight allowance.

:class:`OrderDiscovery` runs the plan of an :class:`AccountOrders` book
against a ``JexClient``:

* :meth:`OrderDiscovery.discover` — one pass at start: read ``account``
  (weight 1), then ask ``openOrders`` (weight 5) for the planned symbols,
  most likely first, until every locked amount is explained or the
  allowance is spent.  Symbols that are certain to hold an order are asked
  several at a time (none of those calls can be wasted); the others one
  after the other, since each answer may make the next call unnecessary.
  Before the plan turns to guesses (symbols asked only because an asset
  they trade has locked funds), and every ``account_every`` guesses, the
  account is read again (weight 1): an order that closed meanwhile would
  otherwise send the scan looking for funds that are no longer locked.
  When the plan runs dry with funds still unexplained, the account is read
  once more and, if it changed, the candidate symbols are asked again.
  ``discover`` starts a new round (every symbol may be asked again);
  ``refresh`` and a background pass carry on where the previous call
  stopped, unless that one had asked every candidate or the account changed.
* :meth:`OrderDiscovery.keep_looking` — the same in the background, never
  more than ``weight_per_minute`` in any minute, until everything is
  explained.
* :meth:`OrderDiscovery.refresh` — the slow reconcile: read the account and
  ask only the symbols that hold orders, then continue discovery (where the
  last call stopped) if some locked funds are still unexplained.

Every call also respects the client's own budget: it sends nothing that
would take the minute's used weight above ``weight_share`` of the limit.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from itertools import takewhile
from typing import Any

from jextui.api.errors import (
    AuthError,
    InvalidSymbol,
    IpBanned,
    JexError,
    MissingCredentials,
    RateLimited,
)
from jextui.api.limits import weight_of
from jextui.trading.account_orders import (
    AccountOrders,
    DiscoveryState,
    PlanStep,
    locked_from_account,
    symbol_assets_from_info,
)
from jextui.trading.pacing import SlidingWindow

__all__ = [
    "ACCOUNT_WEIGHT",
    "DEFAULT_BACKGROUND_WEIGHT_PER_MINUTE",
    "DEFAULT_START_ALLOWANCE",
    "OPEN_ORDERS_WEIGHT",
    "DiscoveryReport",
    "OrderDiscovery",
    "journal_symbols",
]

logger = logging.getLogger("jextui.trading.discovery")

OPEN_ORDERS_WEIGHT = weight_of("open_orders")
ACCOUNT_WEIGHT = weight_of("account")
EXCHANGE_INFO_WEIGHT = weight_of("exchange_info")
OPEN_ORDERS_PAGE = 500  # the most openOrders returns in one answer
DEFAULT_START_ALLOWANCE = 120  # an account read and 23 openOrders calls: a tenth of the minute's 1200
DEFAULT_BACKGROUND_WEIGHT_PER_MINUTE = 60
DEFAULT_WEIGHT_SHARE = 0.8
DEFAULT_CONCURRENCY = 4
DEFAULT_ACCOUNT_EVERY = 8  # while scanning, read the account again after this many lists
NEEDED_REASONS = frozenset({"recheck", "certain"})  # plan steps that cannot be wasted: asked together
SCAN_REASONS = frozenset({"locked asset", "unlisted"})  # plan steps that are guesses, not certainties


def journal_symbols(entries: Iterable[Any]) -> list[str]:
    """The symbols of journal entries (newest first, as the journal lists them), once each."""
    return list(dict.fromkeys(str(entry.symbol) for entry in entries))


@dataclass(slots=True)
class DiscoveryReport:
    """What one call did and where it left the book."""

    state: DiscoveryState
    weight: int = 0  # spent by this call
    asked: list[str] = field(default_factory=list)  # openOrders calls, in order (a symbol per page)
    account_reads: int = 0
    stopped_by: str = ""  # "explained", "allowance", "exhausted", "rate limit", "error"
    errors: list[str] = field(default_factory=list)

    @property
    def explained(self) -> bool:
        return self.state is DiscoveryState.EXPLAINED


class _Stop(Exception):
    """Ends a pass; ``reason`` becomes the report's ``stopped_by``."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Spend:
    """The weight one call may still spend (its allowance, the window, the client's share)."""

    def __init__(
        self, owner: OrderDiscovery, allowance: int, window: SlidingWindow | None, report: DiscoveryReport
    ) -> None:
        self.owner = owner
        self.allowance = allowance
        self.window = window
        self.report = report
        self.lists_since_read = 0  # openOrders calls since the account was last read
        self.scanned_since_read = False  # a symbol asked only because its asset has locked funds

    def affordable(self, weight: int) -> int:
        """How many calls of ``weight`` fit now."""
        left = self.allowance - self.report.weight
        if self.window is not None:
            left = min(left, self.window.available(self.owner.monotonic()))
        left = min(left, self.owner.client_headroom())
        return max(0, left // weight)

    def take(self, weight: int) -> None:
        if self.affordable(weight) < 1:
            raise _Stop("allowance")
        self.report.weight += weight
        self.owner.weight_spent += weight
        if self.window is not None:
            self.window.record(self.owner.monotonic(), weight)


class OrderDiscovery:
    """Runs an :class:`AccountOrders` plan against a client (see the module docstring)."""

    def __init__(
        self,
        client: Any,
        book: AccountOrders,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        weight_share: float = DEFAULT_WEIGHT_SHARE,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        on_change: Callable[[], None] | None = None,
        account_every: int = DEFAULT_ACCOUNT_EVERY,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if not 0 < weight_share <= 1:
            raise ValueError("weight_share must be in (0, 1]")
        self.client = client
        self.book = book
        self.concurrency = concurrency
        self.account_every = account_every
        self.weight_share = weight_share
        self.monotonic = monotonic
        self._sleep = sleep
        self._on_change = on_change
        self.weight_spent = 0  # over the life of this object

    # --- budget ------------------------------------------------------------------------

    def client_headroom(self) -> int:
        """Weight the client may still spend this minute without passing its share of the limit."""
        rate = self.client.rate
        now: int = self.client.clock.local_ms()
        used: int = rate.used_weight_at(now)
        return int(rate.weight_limit * self.weight_share) - used

    # --- the public passes ----------------------------------------------------------------

    async def discover(self, allowance: int = DEFAULT_START_ALLOWANCE) -> DiscoveryReport:
        """Read the account and ask the planned symbols until explained or ``allowance`` is spent."""
        return await self._run(allowance, None, refresh=False, fresh_round=True)

    async def refresh(self, allowance: int = DEFAULT_START_ALLOWANCE) -> DiscoveryReport:
        """Read the account, ask again only the symbols holding orders, then discover if needed."""
        return await self._run(allowance, None, refresh=True, fresh_round=False)

    async def keep_looking(
        self,
        weight_per_minute: int = DEFAULT_BACKGROUND_WEIGHT_PER_MINUTE,
        *,
        max_passes: int | None = None,
    ) -> DiscoveryReport:
        """Discover in the background, at most ``weight_per_minute`` a minute, until explained.

        Returns the report of the last pass (``max_passes`` bounds the passes;
        cancelling the task stops it).
        """
        needed = ACCOUNT_WEIGHT + OPEN_ORDERS_WEIGHT
        window = SlidingWindow(max(weight_per_minute, needed), 60.0)
        passes = 0
        report = DiscoveryReport(self.book.state)
        while not self.book.explained:
            if max_passes is not None and passes >= max_passes:
                break
            wait = window.wait_for(self.monotonic(), needed)
            if wait > 0:
                await self._sleep(wait)
                continue
            if self.client_headroom() < needed:
                await self._sleep(self._seconds_to_next_minute())
                continue
            passes += 1
            # carry on where the last pass stopped, unless it had asked every candidate
            fresh = report.stopped_by == "exhausted"
            report = await self._run(window.limit, window, refresh=False, fresh_round=fresh)
            if report.stopped_by == "rate limit":
                await self._sleep(max(1.0, self.client.rate.retry_after_s(self.client.clock.local_ms())))
            elif report.stopped_by == "error":
                await self._sleep(5.0)
        if self.book.explained:
            report.state, report.stopped_by = self.book.state, "explained"
        return report

    def _seconds_to_next_minute(self) -> float:
        now: int = self.client.clock.local_ms()
        return 60.0 - (now % 60_000) / 1000

    # --- one pass ------------------------------------------------------------------------

    async def _run(
        self, allowance: int, window: SlidingWindow | None, *, refresh: bool, fresh_round: bool
    ) -> DiscoveryReport:
        report = DiscoveryReport(self.book.state)
        spend = _Spend(self, allowance, window, report)
        try:
            if not self.book.symbol_names:
                spend.take(EXCHANGE_INFO_WEIGHT)
                try:
                    info = await self.client.exchange_info()
                except JexError as exc:
                    raise self._stop_for(exc, "exchange info", report) from None
                self.book.set_symbols(symbol_assets_from_info(info.spot_symbols))
            before = self.book.locked
            await self._read_account(spend)
            if fresh_round or self.book.locked != before:
                self.book.new_round()
            failed: set[str] = set()
            if refresh:
                failed = await self._ask_all(self.book.holding_symbols(), spend)
            await self._search(spend, failed)
            report.stopped_by = "explained"
        except _Stop as stop:
            report.stopped_by = stop.reason
        report.state = self.book.state
        return report

    async def _search(self, spend: _Spend, skipped: set[str]) -> None:
        """Follow the plan; ``skipped``: symbols whose list failed in this pass (not asked again)."""
        new_round_done = False
        while not self.book.explained:
            steps = [step for step in self.book.plan() if step.symbol not in skipped]
            if not steps:
                if new_round_done:
                    raise _Stop("exhausted")
                before = self.book.locked
                await self._read_account(spend)
                if self.book.explained:
                    return
                if self.book.locked == before:
                    raise _Stop("exhausted")  # nothing moved: asking the same symbols again would not help
                self.book.new_round()
                new_round_done = True
                continue
            if steps[0].reason in SCAN_REASONS and self._account_is_stale(spend):
                await self._read_account(spend)  # cheaper than scanning for what may have closed
                continue
            batch = self._batch(steps)
            fits = spend.affordable(OPEN_ORDERS_WEIGHT)
            if fits < 1:
                raise _Stop("allowance")
            if batch[0].reason in SCAN_REASONS:
                spend.scanned_since_read = True
            failed = await self._ask_all([step.symbol for step in batch[:fits]], spend)
            skipped |= failed

    def _account_is_stale(self, spend: _Spend) -> bool:
        """Before a scan: has any list arrived since the account was read (or many, while scanning)?"""
        if spend.lists_since_read == 0:
            return False
        return not spend.scanned_since_read or spend.lists_since_read >= self.account_every

    def _batch(self, steps: list[PlanStep]) -> list[PlanStep]:
        needed = list(takewhile(lambda step: step.reason in NEEDED_REASONS, steps))
        return needed[: self.concurrency] or steps[:1]

    async def _ask_all(self, symbols: list[str], spend: _Spend) -> set[str]:
        """Ask ``symbols`` (``concurrency`` at a time); returns those that failed for now."""
        failed: set[str] = set()
        for start in range(0, len(symbols), self.concurrency):
            group = symbols[start : start + self.concurrency]
            outcomes = await asyncio.gather(*(self._ask(symbol, spend) for symbol in group), return_exceptions=True)
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome
            failed |= {symbol for symbol, ok in zip(group, outcomes, strict=True) if not ok}
        return failed

    async def _read_account(self, spend: _Spend) -> None:
        spend.take(ACCOUNT_WEIGHT)
        spend.report.account_reads += 1
        try:
            account = await self.client.account()
        except JexError as exc:
            raise self._stop_for(exc, "account", spend.report) from None
        self.book.set_locked(locked_from_account(account))
        spend.lists_since_read = 0
        spend.scanned_since_read = False
        self._changed()

    async def _ask(self, symbol: str, spend: _Spend) -> bool:
        """One symbol's complete open-orders list into the book; False if it failed for now."""
        token = self.book.begin_snapshot()
        orders: list[Any] = []
        from_id: int | None = None
        try:
            while True:
                spend.take(OPEN_ORDERS_WEIGHT)
                spend.report.asked.append(symbol)
                spend.lists_since_read += 1
                page = await self.client.open_orders(symbol, order_id=from_id, limit=OPEN_ORDERS_PAGE)
                orders += page
                if len(page) < OPEN_ORDERS_PAGE:
                    break
                from_id = max(int(order.order_id) for order in page) + 1
        except InvalidSymbol as exc:
            self.book.snapshot_failed(symbol, exc.message)
            spend.report.errors.append(f"{symbol}: {exc.message}")
            self._changed()
            return True
        except (RateLimited, IpBanned, AuthError, MissingCredentials) as exc:
            raise self._stop_for(exc, symbol, spend.report) from None
        except JexError as exc:
            spend.report.errors.append(f"{symbol}: {exc.message}")
            logger.warning("open orders of %s: %s", symbol, exc.message)
            return False
        self.book.apply_snapshot(symbol, orders, token)
        self._changed()
        return True

    @staticmethod
    def _stop_for(exc: JexError, what: str, report: DiscoveryReport) -> _Stop:
        report.errors.append(f"{what}: {exc.message}")
        logger.warning("order discovery stopped (%s): %s", what, exc.message)
        return _Stop("rate limit" if isinstance(exc, (RateLimited, IpBanned)) else "error")

    def _changed(self) -> None:
        if self._on_change is None:
            return
        try:
            self._on_change()
        except Exception as exc:
            logger.warning("order discovery listener failed: %s", type(exc).__name__)
