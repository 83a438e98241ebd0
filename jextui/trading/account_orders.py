"""Every open order on the account, found by accounting for locked funds.

Pure and synchronous (no I/O): :class:`AccountOrders` holds what is known
and answers what to ask next; ``order_discovery`` does the asking.

* **The rule** (``docs/locked-funds.md``): an open BUY locks ``price ×
  remaining`` of the symbol's quote asset, an open SELL locks its remaining
  base quantity, and an asset's ``locked`` amount in ``account`` is the exact
  sum over the account's open orders.
* **Unexplained** amount of an asset: locked in ``account`` minus what the
  orders found so far lock.  Everything is explained when every such amount
  is exactly zero; then no order is missing.
* **The plan**: the symbols worth an ``openOrders`` call, most likely first.
  A symbol can hold an order only if its quote asset (BUY) or base asset
  (SELL) has a positive unexplained amount.  Order: symbols that are the
  only remaining candidate for some unexplained asset (they must be asked
  anyway, so asking them first never costs more), then the journal's
  symbols, then the watched ones, then the others whose assets have locked
  funds, those sharing an asset with the fewest other candidates first.
  Journal symbols that the exchange does not list come last.  When the
  orders found lock more of an asset than the account shows, some of them
  have closed: the symbols holding them are asked again first ("recheck").
* **Merging**: an open-orders list of one symbol replaces what was known of
  it, except what changed after the list was asked for (``begin_snapshot``
  returns the token that says when); an order seen closed is never brought
  back by an older list; executed quantity never goes backwards.  So an
  order filling or cancelled while discovery runs is neither shown twice nor
  lost.
* Orders on symbols the exchange does not list are kept as received, with a
  note; their locked funds cannot be attributed to an asset.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

__all__ = [
    "OPEN_STATUSES",
    "AccountOrders",
    "DiscoveryState",
    "OpenOrder",
    "PlanStep",
    "SymbolAssets",
    "lock_of",
    "locked_from_account",
    "plain",
    "symbol_assets_from_info",
]

BUY = "BUY"
SELL = "SELL"
OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED", "PENDING_CANCEL"})
ZERO = Decimal(0)

UNLISTED_NOTE = "symbol not listed by the exchange: shown as received; its locked funds are not counted"
UNKNOWN_SIDE_NOTE = "unknown side: its locked funds are not counted"


class _OrderFields(Protocol):
    symbol: str
    order_id: int
    side: str
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    status: str


@dataclass(frozen=True, slots=True)
class SymbolAssets:
    """A symbol's base and quote assets (from exchangeInfo)."""

    base: str
    quote: str


@dataclass(frozen=True, slots=True)
class OpenOrder:
    """One order as the book keeps it (any source: openOrders, a stream event, a cancel)."""

    symbol: str
    order_id: int
    side: str
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    status: str
    time: int = 0
    update_time: int = 0
    time_in_force: str = ""
    type: str = ""
    note: str = ""

    @property
    def remaining_qty(self) -> Decimal:
        return self.orig_qty - self.executed_qty

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @classmethod
    def from_api(cls, order: _OrderFields | Any) -> OpenOrder:
        """From any object with the API's order fields (``Order``, ``OrderResult``, ...)."""
        if isinstance(order, OpenOrder):
            return order
        return cls(
            symbol=str(order.symbol),
            order_id=int(order.order_id),
            side=str(order.side),
            price=Decimal(order.price),
            orig_qty=Decimal(order.orig_qty),
            executed_qty=Decimal(order.executed_qty),
            status=str(order.status),
            time=int(getattr(order, "time", 0) or getattr(order, "transact_time", 0) or 0),
            update_time=int(getattr(order, "update_time", 0) or 0),
            time_in_force=str(getattr(order, "time_in_force", "") or ""),
            type=str(getattr(order, "type", "") or ""),
        )


def lock_of(order: OpenOrder, assets: SymbolAssets) -> tuple[str, Decimal] | None:
    """(asset, amount) that an open ``order`` locks; None for an unknown side."""
    if order.side == BUY:
        return assets.quote, order.price * order.remaining_qty
    if order.side == SELL:
        return assets.base, order.remaining_qty
    return None


def locked_from_account(account: Any) -> dict[str, Decimal]:
    """Each spot asset's locked amount from an ``account`` answer."""
    return {str(b.asset): Decimal(b.locked) for b in account.spot_balances}


def symbol_assets_from_info(symbols: Iterable[Any]) -> dict[str, SymbolAssets]:
    """``{symbol: SymbolAssets}`` from exchangeInfo's ``spot_symbols`` (in their order)."""
    return {str(s.symbol): SymbolAssets(str(s.base_asset), str(s.quote_asset)) for s in symbols}


def plain(amount: Decimal) -> str:
    """An amount without exponent or trailing zeros (``12.50000000`` → ``12.5``)."""
    text = format(amount.normalize(), "f")
    return "0" if text == "-0" else text


class DiscoveryState(StrEnum):
    NOT_STARTED = "not started"  # the account has not been read yet
    SEARCHING = "searching"  # some locked funds unexplained, symbols left to ask
    EXPLAINED = "explained"  # every locked amount matches the orders found
    UNEXPLAINED = "unexplained"  # some locked funds unexplained, nothing left to ask this round


@dataclass(frozen=True, slots=True)
class PlanStep:
    symbol: str
    reason: str  # "recheck", "certain", "journal", "watched", "locked asset", "unlisted"


@dataclass(slots=True)
class _Entry:
    order: OpenOrder
    stamp: int


class AccountOrders:
    """The account-wide open-orders book (see the module docstring)."""

    def __init__(
        self,
        symbols: Mapping[str, SymbolAssets] | None = None,
        *,
        journal_symbols: Iterable[str] = (),
        watched_symbols: Iterable[str] = (),
        closed_memory: int = 10_000,
    ) -> None:
        self._symbols: dict[str, SymbolAssets] = dict(symbols or {})
        self._journal: list[str]
        self._watched: list[str]
        self.set_journal_symbols(journal_symbols)
        self.set_watched_symbols(watched_symbols)
        self._locked: dict[str, Decimal] | None = None
        self._orders: dict[int, _Entry] = {}
        self._closed: OrderedDict[int, None] = OrderedDict()
        self._closed_memory = closed_memory
        self._asked: set[str] = set()
        self._failed: dict[str, str] = {}
        self._seq = 0

    # --- inputs ------------------------------------------------------------------

    def set_symbols(self, symbols: Mapping[str, SymbolAssets]) -> None:
        """The exchange's listed symbols (exchangeInfo order is the tie-break of the plan)."""
        self._symbols = dict(symbols)
        for entry in self._orders.values():
            entry.order = self._noted(entry.order)

    def set_journal_symbols(self, symbols: Iterable[str]) -> None:
        self._journal = list(dict.fromkeys(symbols))

    def set_watched_symbols(self, symbols: Iterable[str]) -> None:
        self._watched = list(dict.fromkeys(symbols))

    def set_locked(self, locked: Mapping[str, Decimal]) -> None:
        """Every asset's locked amount, from a full ``account`` answer (replaces what was known)."""
        self._locked = {asset: Decimal(amount) for asset, amount in locked.items()}

    def update_locked(self, locked: Mapping[str, Decimal]) -> None:
        """Some assets' locked amounts changed (a balance push); the others are kept."""
        if self._locked is None:
            self._locked = {}
        for asset, amount in locked.items():
            self._locked[asset] = Decimal(amount)

    def begin_snapshot(self) -> int:
        """Call just before asking ``openOrders``; pass the token to :meth:`apply_snapshot`."""
        return self._seq

    def apply_snapshot(self, symbol: str, orders: Iterable[Any], token: int) -> None:
        """The complete open-orders list of ``symbol``, asked for when ``token`` was taken."""
        self._seq += 1
        self._asked.add(symbol)
        self._failed.pop(symbol, None)
        present: set[int] = set()
        for raw in orders:
            order = self._noted(OpenOrder.from_api(raw))
            present.add(order.order_id)
            if order.order_id in self._closed or not order.is_open:
                continue
            known = self._orders.get(order.order_id)
            if known is not None and (known.stamp > token or known.order.executed_qty > order.executed_qty):
                continue
            self._orders[order.order_id] = _Entry(order, self._seq)
        for order_id, entry in list(self._orders.items()):
            if entry.order.symbol == symbol and order_id not in present and entry.stamp <= token:
                self._close(order_id)

    def snapshot_failed(self, symbol: str, reason: str) -> None:
        """Asking ``symbol`` failed for good (e.g. the exchange does not know it): do not ask again this round."""
        self._asked.add(symbol)
        self._failed[symbol] = reason

    def apply_update(self, raw: Any) -> None:
        """One order's new state (a stream event, a cancel answer, a get-order answer)."""
        self._seq += 1
        order = self._noted(OpenOrder.from_api(raw))
        if order.order_id in self._closed:
            return
        if not order.is_open:
            self._close(order.order_id)
            return
        known = self._orders.get(order.order_id)
        if known is not None and known.order.executed_qty > order.executed_qty:
            return  # an older event arriving late
        self._orders[order.order_id] = _Entry(order, self._seq)

    def forget(self, order_id: int) -> None:
        """The order is closed, outcome unknown (e.g. a cancel answered "unknown order")."""
        self._close(order_id)

    def new_round(self) -> None:
        """Allow every symbol to be asked again (after the account was read again)."""
        self._asked.clear()
        self._failed.clear()

    def _close(self, order_id: int) -> None:
        self._orders.pop(order_id, None)
        self._closed[order_id] = None
        self._closed.move_to_end(order_id)
        while len(self._closed) > self._closed_memory:
            self._closed.popitem(last=False)

    def _noted(self, order: OpenOrder) -> OpenOrder:
        if order.symbol not in self._symbols:
            note = UNLISTED_NOTE
        elif order.side not in (BUY, SELL):
            note = UNKNOWN_SIDE_NOTE
        else:
            note = ""
        return order if order.note == note else replace(order, note=note)

    # --- accounting ----------------------------------------------------------------

    @property
    def symbol_names(self) -> list[str]:
        """The listed symbols, in exchangeInfo order."""
        return list(self._symbols)

    @property
    def locked(self) -> dict[str, Decimal] | None:
        """Each asset's locked amount as last read (None before the account is read)."""
        return None if self._locked is None else dict(self._locked)

    @property
    def account_read(self) -> bool:
        return self._locked is not None

    def expected_locked(self) -> dict[str, Decimal]:
        """What the orders found lock, per asset."""
        expected: dict[str, Decimal] = {}
        for entry in self._orders.values():
            assets = self._symbols.get(entry.order.symbol)
            if assets is None:
                continue
            lock = lock_of(entry.order, assets)
            if lock is not None:
                expected[lock[0]] = expected.get(lock[0], ZERO) + lock[1]
        return expected

    def unexplained(self) -> dict[str, Decimal]:
        """Locked minus what the orders found lock, for every asset where they differ.

        Positive: locked funds no order found explains.  Negative: the orders
        found lock more than the account showed (the account is older than
        the lists).  Empty before the account is read.
        """
        if self._locked is None:
            return {}
        expected = self.expected_locked()
        gaps: dict[str, Decimal] = {}
        for asset in sorted(set(self._locked) | set(expected)):
            gap = self._locked.get(asset, ZERO) - expected.get(asset, ZERO)
            if gap != 0:
                gaps[asset] = gap
        return gaps

    @property
    def explained(self) -> bool:
        """True once the account was read and every locked amount matches the orders found."""
        return self._locked is not None and not self.unexplained()

    @property
    def state(self) -> DiscoveryState:
        if self._locked is None:
            return DiscoveryState.NOT_STARTED
        if not self.unexplained():
            return DiscoveryState.EXPLAINED
        return DiscoveryState.SEARCHING if self.plan() else DiscoveryState.UNEXPLAINED

    @property
    def can_say_no_orders(self) -> bool:
        """True only when "no open orders" is a fact: none found and nothing locked unexplained."""
        return not self._orders and self.explained

    # --- the plan ------------------------------------------------------------------

    def plan(self) -> list[PlanStep]:
        """Symbols to ask ``openOrders`` for now, most likely first (empty once explained)."""
        if self._locked is None:
            return []
        gaps = self.unexplained()
        wanted = {asset for asset, gap in gaps.items() if gap > 0}
        surplus = {asset for asset, gap in gaps.items() if gap < 0}
        recheck = self._holding_unasked(surplus)
        steps = [PlanStep(symbol, "recheck") for symbol in recheck]
        if not wanted:
            return steps
        candidates = [
            symbol
            for symbol, assets in self._symbols.items()
            if symbol not in self._asked and (assets.base in wanted or assets.quote in wanted)
        ]
        touching: dict[str, int] = {}
        for symbol in candidates:
            assets = self._symbols[symbol]
            for asset in {assets.base, assets.quote} & wanted:
                touching[asset] = touching.get(asset, 0) + 1
        journal = {symbol: index for index, symbol in enumerate(self._journal)}
        watched = {symbol: index for index, symbol in enumerate(self._watched)}
        listed = {symbol: index for index, symbol in enumerate(self._symbols)}
        ranked: list[tuple[tuple[int, int, int], PlanStep]] = []
        for symbol in candidates:
            assets = self._symbols[symbol]
            rivals = min(touching[asset] for asset in {assets.base, assets.quote} & wanted)
            if rivals == 1:
                key, reason = (0, 0, listed[symbol]), "certain"
            elif symbol in journal:
                key, reason = (1, journal[symbol], 0), "journal"
            elif symbol in watched:
                key, reason = (2, watched[symbol], 0), "watched"
            else:
                key, reason = (3, rivals, listed[symbol]), "locked asset"
            ranked.append((key, PlanStep(symbol, reason)))
        ranked.sort(key=lambda item: item[0])
        steps += [step for _, step in ranked if step.symbol not in recheck]
        steps += [
            PlanStep(symbol, "unlisted")
            for symbol in self._journal
            if symbol not in self._symbols and symbol not in self._asked
        ]
        return steps

    def _holding_unasked(self, assets: set[str]) -> list[str]:
        """Symbols not asked this round holding an order that locks one of ``assets``, sorted."""
        found: set[str] = set()
        for entry in self._orders.values():
            order = entry.order
            pair = self._symbols.get(order.symbol)
            lock = None if pair is None else lock_of(order, pair)
            if lock is not None and lock[0] in assets and order.symbol not in self._asked:
                found.add(order.symbol)
        return sorted(found)

    @property
    def asked_symbols(self) -> frozenset[str]:
        """Symbols whose open orders were listed (or failed for good) this round."""
        return frozenset(self._asked)

    @property
    def failed_symbols(self) -> dict[str, str]:
        """Symbols that could not be asked this round, with the reason."""
        return dict(self._failed)

    # --- views -----------------------------------------------------------------------

    @property
    def orders(self) -> list[OpenOrder]:
        """Every open order found, by symbol then order id."""
        return sorted((e.order for e in self._orders.values()), key=lambda o: (o.symbol, o.order_id))

    def __len__(self) -> int:
        return len(self._orders)

    def get(self, order_id: int) -> OpenOrder | None:
        entry = self._orders.get(order_id)
        return None if entry is None else entry.order

    def holding_symbols(self) -> list[str]:
        """Symbols with at least one open order found, sorted."""
        return sorted({e.order.symbol for e in self._orders.values()})

    def counts(self) -> dict[str, int]:
        """Open orders per symbol, sorted by symbol."""
        counts: dict[str, int] = {}
        for order in self.orders:
            counts[order.symbol] = counts.get(order.symbol, 0) + 1
        return counts

    def rows(self, active_symbol: str | None = None, *, only_active: bool = False) -> list[OpenOrder]:
        """Orders for display: the active symbol's first, then the rest grouped by symbol."""
        mine = [o for o in self.orders if o.symbol == active_symbol]
        if only_active:
            return mine
        return mine + [o for o in self.orders if o.symbol != active_symbol]

    def unwatched_symbols_with_orders(self) -> list[str]:
        """Symbols holding orders that the watchlist does not show."""
        watched = set(self._watched)
        return [symbol for symbol in self.holding_symbols() if symbol not in watched]

    def unexplained_lines(self) -> list[str]:
        """One sentence per asset whose locked amount is not explained."""
        lines: list[str] = []
        for asset, gap in self.unexplained().items():
            if gap > 0:
                lines.append(f"{plain(gap)} {asset} locked, not in any order found yet")
            else:
                lines.append(
                    f"orders found lock {plain(-gap)} {asset} more than the account shows; reading the account again"
                )
        return lines

    def title(self, active_symbol: str | None = None, *, only_active: bool = False) -> str:
        """The pane title: ``3 open · 1 on BTCUSDT`` (or the active symbol's view)."""
        if self._locked is None and not self._orders:
            return "looking for open orders…"
        total = len(self._orders)
        here = sum(1 for e in self._orders.values() if e.order.symbol == active_symbol)
        if total == 0 and self.can_say_no_orders:
            return "no open orders"
        if only_active and active_symbol is not None:
            text = f"{here} open on {active_symbol} · {total} on the account"
        elif active_symbol is not None:
            text = f"{total} open · {here} on {active_symbol}"
        else:
            text = f"{total} open"
        if not self.explained:
            text += " · more may exist: locked funds unexplained"
        return text
