"""A capped "market" order: an IOC LIMIT priced from a walk of the current book.

The API takes LIMIT orders only, so a trader who wants to be filled now sends
an IOC LIMIT order at the best opposite price moved by a slippage cap
(``max_slippage_pct``, 0.5 % by default): a BUY at most that far above the
best ask, a SELL at least that far below the best bid.  :func:`plan_marketable`
walks the book (asks for a BUY, bids for a SELL) to say, before anything is
sent, what the order would pay: the limit price, the estimated average fill
price, the total, the slippage from the best price, the levels it would take,
and the quantity that would find nothing within the cap and expire.

Decisions:

* The limit price is rounded to the price grid *inside* the cap (down for a
  BUY, up for a SELL), so the order never pays more than the cap allows; it
  never goes past the best price itself (that price is on the grid), and is
  kept within the symbol's minimum and maximum price.
* The book must be known and fresh: the caller passes its age and the
  staleness limit (the feed's rule); an unknown age counts as stale.  An
  empty side, a stale book or a quantity that is not positive is refused with
  a sentence (:class:`MarketableRefusal`), never an exception.
* Levels are taken in price order whatever order they arrive in; levels with
  a quantity or price that is not positive are ignored.
* The estimate is the book as last read: others may trade first.  It is an
  estimate, and the IOC order cannot pay more than its limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal, InvalidOperation, localcontext
from typing import Literal

from jextui.amount_text import amount_text
from jextui.trading.ticket import SymbolRules

__all__ = [
    "DEFAULT_MAX_SLIPPAGE_PCT",
    "BookLevel",
    "TakenLevel",
    "MarketableEstimate",
    "MarketableRefusal",
    "as_levels",
    "plan_marketable",
    "walk_book",
    "BookWalk",
]

DEFAULT_MAX_SLIPPAGE_PCT = Decimal("0.5")
_EXACT = Context(prec=100, traps=[InvalidOperation])

Side = Literal["BUY", "SELL"]
BookLevel = tuple[Decimal, Decimal]  # (price, quantity)


@dataclass(frozen=True, slots=True)
class TakenLevel:
    """One book level the order would take from: its price and the quantity taken there."""

    price: Decimal
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class BookWalk:
    """What an order of ``quantity`` up to ``limit`` would take from one side of the book."""

    best_price: Decimal
    taken: tuple[TakenLevel, ...]
    filled: Decimal  # quantity the book has for it within the limit
    total: Decimal  # the quote amount of those fills
    unfilled: Decimal  # quantity left over (expires for IOC, rests for GTC)

    @property
    def average_price(self) -> Decimal | None:
        if not self.filled:
            return None
        with localcontext(_EXACT):
            return self.total / self.filled

    @property
    def worst_price(self) -> Decimal | None:
        return self.taken[-1].price if self.taken else None


@dataclass(frozen=True, slots=True)
class MarketableEstimate:
    """The IOC LIMIT order to send and what the book says it would do."""

    side: Side
    quantity: Decimal
    limit_price: Decimal
    best_price: Decimal
    max_slippage_pct: Decimal
    walk: BookWalk

    @property
    def time_in_force(self) -> str:
        return "IOC"

    @property
    def filled(self) -> Decimal:
        return self.walk.filled

    @property
    def expired(self) -> Decimal:
        """Quantity that would find nothing within the cap and expire unfilled."""
        return self.walk.unfilled

    @property
    def total(self) -> Decimal:
        return self.walk.total

    @property
    def average_price(self) -> Decimal | None:
        return self.walk.average_price

    @property
    def levels(self) -> tuple[TakenLevel, ...]:
        return self.walk.taken

    @property
    def slippage_pct(self) -> Decimal | None:
        """How far the average fill is from the best price, in percent (0 or more)."""
        average = self.average_price
        if average is None:
            return None
        with localcontext(_EXACT):
            moved = average - self.best_price if self.side == "BUY" else self.best_price - average
            return moved / self.best_price * 100

    def describe(self, rules: SymbolRules) -> str:
        """One or two sentences for the ticket's preview."""
        base, quote = rules.base_asset, rules.quote_asset
        lots = rules.quantity_decimals
        qty = amount_text(self.quantity, lots)
        limit = amount_text(self.limit_price, rules.price_decimals)
        average = self.average_price
        if average is None:
            return f"{self.side} {qty} {base} IOC at {limit}: nothing on the book within the cap would fill."
        levels = len(self.levels)
        text = (
            f"{self.side} {qty} {base} IOC at {limit}: fills about {amount_text(self.filled, lots)} {base} "
            f"at an average {_shown(average, rules.price_decimals)} over {levels} "
            f"level{'s' if levels != 1 else ''}, total {_shown(self.total, rules.price_decimals)} {quote}, "
            f"slippage {_pct(self.slippage_pct)} %."
        )
        if self.expired:
            text += f" {amount_text(self.expired, lots)} {base} would expire unfilled (nothing within the cap)."
        return text


@dataclass(frozen=True, slots=True)
class MarketableRefusal:
    """Why no marketable order can be planned now, in words."""

    reason: str


def as_levels(levels: Iterable[object]) -> list[BookLevel]:
    """``(price, qty)`` pairs from book levels: tuples, or objects with ``price``/``qty`` (``DepthLevel``)."""
    pairs: list[BookLevel] = []
    for level in levels:
        if isinstance(level, tuple | list):
            price, qty = level[0], level[1]
        else:
            price, qty = getattr(level, "price", None), getattr(level, "qty", None)
        if isinstance(price, Decimal) and isinstance(qty, Decimal):
            pairs.append((price, qty))
    return pairs


def walk_book(side: Side, quantity: Decimal, levels: Iterable[object], limit: Decimal | None = None) -> BookWalk | None:
    """Take ``quantity`` from the opposite side's ``levels`` up to ``limit`` (None: no limit).

    ``levels`` are the asks for a BUY and the bids for a SELL.  None when
    that side holds no usable level.
    """
    usable = [(p, q) for p, q in as_levels(levels) if p.is_finite() and q.is_finite() and p > 0 and q > 0]
    if not usable:
        return None
    usable.sort(key=lambda level: level[0], reverse=side == "SELL")
    best = usable[0][0]
    taken: list[TakenLevel] = []
    remaining = quantity
    with localcontext(_EXACT):
        total = Decimal(0)
        for price, available in usable:
            if remaining <= 0:
                break
            if limit is not None and (price > limit if side == "BUY" else price < limit):
                break
            take = min(available, remaining)
            taken.append(TakenLevel(price, take))
            total += price * take
            remaining -= take
    return BookWalk(best_price=best, taken=tuple(taken), filled=quantity - remaining, total=total, unfilled=remaining)


def plan_marketable(
    side: Side,
    quantity: Decimal,
    levels: Sequence[object],
    rules: SymbolRules,
    *,
    book_age_ms: int | None,
    stale_after_ms: int,
    max_slippage_pct: Decimal = DEFAULT_MAX_SLIPPAGE_PCT,
) -> MarketableEstimate | MarketableRefusal:
    """The IOC LIMIT order that fills ``quantity`` now within the cap, and its estimate.

    ``levels``: the asks for a BUY, the bids for a SELL (best first or not).
    """
    if side not in ("BUY", "SELL"):
        return MarketableRefusal("Choose BUY or SELL.")
    if not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0:
        return MarketableRefusal("Enter a quantity first.")
    if not max_slippage_pct.is_finite() or max_slippage_pct < 0:
        return MarketableRefusal("The slippage cap must be 0 % or more.")
    if book_age_ms is None:
        return MarketableRefusal("The order book has not been read yet: a marketable order needs a fresh book.")
    if book_age_ms > stale_after_ms:
        return MarketableRefusal(
            f"The order book is {_seconds(book_age_ms)} s old (stale after {_seconds(stale_after_ms)} s): "
            "a marketable order is priced from the book, so it waits for a fresh one."
        )
    opposite = "asks" if side == "BUY" else "bids"
    first = walk_book(side, quantity, levels, limit=None)
    if first is None:
        return MarketableRefusal(f"There are no {opposite} on the book: nothing to {side.lower()} from now.")
    limit = _capped_limit(side, first.best_price, max_slippage_pct, rules)
    walk = walk_book(side, quantity, levels, limit=limit)
    assert walk is not None
    return MarketableEstimate(
        side=side,
        quantity=quantity,
        limit_price=limit,
        best_price=first.best_price,
        max_slippage_pct=max_slippage_pct,
        walk=walk,
    )


def _capped_limit(side: Side, best: Decimal, cap_pct: Decimal, rules: SymbolRules) -> Decimal:
    grid = rules.price_grid
    with localcontext(_EXACT):
        if side == "BUY":
            raw = best * (100 + cap_pct) / 100
            limit = (raw / grid).to_integral_value(rounding=ROUND_FLOOR) * grid
            limit = max(limit, best)
            if rules.max_price is not None and limit > rules.max_price:
                limit = max(best, (rules.max_price / grid).to_integral_value(rounding=ROUND_FLOOR) * grid)
        else:
            raw = best * (100 - cap_pct) / 100
            limit = (raw / grid).to_integral_value(rounding=ROUND_CEILING) * grid
            limit = min(limit, best)
            floor = max(rules.min_price or grid, grid)
            if limit < floor:
                limit = min(best, (floor / grid).to_integral_value(rounding=ROUND_CEILING) * grid)
    return limit


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.1f}"


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "?"
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_CEILING, context=_EXACT):f}"


def _shown(value: Decimal, decimals: int) -> str:
    return amount_text(value, decimals, rounding=ROUND_FLOOR)
