"""The fat-finger guard that looks at what would execute.

:func:`guard_order` judges a ticket against the book:

* An order that **crosses the book** (a BUY at or above the best ask, a SELL
  at or below the best bid) is walked through the opposite side.  When its
  estimated fill goes more than ``fat_finger_pct`` past the best price, it
  needs a second confirmation whose text names the estimated average price
  and the levels it would take.  "How far it goes" is the worst price it
  would trade at: the deepest level taken; for a GTC order whose remainder
  would rest, or a FOK order the book cannot fill now, the limit price itself
  (the remainder trades there later, or the whole order may).
* A **passive** order (one that rests) far from the last price (more than
  ``fat_finger_pct``; the mid price while no trade is known) only gets a hint
  in the ticket, unless ``fat_finger_passive = "confirm"`` asks for the
  second confirmation as before.
* Without a price, a quantity or any market price, there is nothing to judge.

The ticket's own check (:attr:`OrderTicket.needs_fat_finger_confirmation`,
part of :meth:`OrderTicket.validate`) is unchanged; a screen that uses this
guard calls :meth:`OrderTicket.confirm_fat_finger` once the guard is
satisfied (no confirmation needed, or the trader confirmed), so the older
check stands aside for that exact price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Context, Decimal, InvalidOperation, localcontext
from typing import Final, Literal

from jextui.amount_text import amount_text
from jextui.config.schema import FAT_FINGER_PASSIVE_CHOICES
from jextui.trading.marketable import BookWalk, walk_book
from jextui.trading.ticket import OrderTicket, format_decimal

__all__ = [
    "FAT_FINGER_PASSIVE_CHOICES",
    "DEFAULT_FAT_FINGER_PASSIVE",
    "GUARD_CLEAR",
    "GUARD_HINT",
    "GUARD_CONFIRM",
    "GuardVerdict",
    "guard_order",
]

DEFAULT_FAT_FINGER_PASSIVE = "hint"

GUARD_CLEAR: Final = "clear"
GUARD_HINT: Final = "hint"
GUARD_CONFIRM: Final = "confirm"
VerdictKind = Literal["clear", "hint", "confirm"]

_EXACT = Context(prec=100, traps=[InvalidOperation])
_MAX_LEVEL_LINES = 8


@dataclass(frozen=True, slots=True)
class GuardVerdict:
    """What the guard asks for: nothing, a hint beside the price, or a second confirmation.

    ``text`` is the hint or the confirmation's explanation; ``lines`` the
    levels it would take (for the confirmation dialog), ``walk`` the book
    walk behind a crossing order's verdict.
    """

    kind: VerdictKind
    text: str = ""
    lines: tuple[str, ...] = ()
    walk: BookWalk | None = None
    crossing: bool = False

    @property
    def needs_confirmation(self) -> bool:
        return self.kind == GUARD_CONFIRM

    @property
    def title(self) -> str:
        return "Order would sweep the book" if self.crossing else "Price far from the market"


_CLEAR = GuardVerdict(GUARD_CLEAR)


def guard_order(
    ticket: OrderTicket,
    *,
    asks: Sequence[object] = (),
    bids: Sequence[object] = (),
    fat_finger_pct: Decimal | None = None,
    passive: str = DEFAULT_FAT_FINGER_PASSIVE,
) -> GuardVerdict:
    """Judge ``ticket`` against the book (``asks``/``bids`` as last read; may be empty).

    ``fat_finger_pct`` defaults to the ticket's own; ``passive`` is the
    ``fat_finger_passive`` setting (``"hint"`` or ``"confirm"``).
    """
    limit = fat_finger_pct if fat_finger_pct is not None else ticket.fat_finger_pct
    price = ticket.price
    if price is None or price <= 0:
        return _CLEAR
    opposite = asks if ticket.side == "BUY" else bids
    best = _best_opposite(ticket, opposite)
    crosses = best is not None and (price >= best if ticket.side == "BUY" else price <= best)
    if crosses:
        assert best is not None
        return _crossing_verdict(ticket, price, best, opposite, limit)
    return _passive_verdict(ticket, limit, passive)


def _best_opposite(ticket: OrderTicket, opposite: Sequence[object]) -> Decimal | None:
    walk = walk_book(ticket.side, Decimal(1), opposite)
    if walk is not None:
        return walk.best_price
    known = ticket.best_ask if ticket.side == "BUY" else ticket.best_bid
    return known if known is not None and known > 0 else None


def _crossing_verdict(
    ticket: OrderTicket, price: Decimal, best: Decimal, opposite: Sequence[object], limit_pct: Decimal
) -> GuardVerdict:
    side_name = "ask" if ticket.side == "BUY" else "bid"
    quantity = ticket.quantity
    walk = walk_book(ticket.side, quantity, opposite, limit=price) if quantity and quantity > 0 else None
    worst = _worst_price(ticket, price, walk)
    with localcontext(_EXACT):
        distance = abs(worst - best) / best * 100
    if distance <= limit_pct:
        return GuardVerdict(GUARD_CLEAR, walk=walk, crossing=True)
    rules = ticket.rules
    places, lots = rules.price_decimals, rules.quantity_decimals
    past = (
        f"{_pct(distance)} % {'above' if ticket.side == 'BUY' else 'below'} the best {side_name} "
        f"{amount_text(best, places)} (guard {format_decimal(limit_pct)} %)"
    )
    if walk is None or not walk.taken:
        unknown = "no quantity is entered yet" if not quantity or quantity <= 0 else "the book's depth is not known"
        text = (
            f"This {ticket.side} at {amount_text(price, places)} crosses the book and could trade up to {past}; "
            f"{unknown}, so no average can be estimated."
        )
        return GuardVerdict(GUARD_CONFIRM, text, walk=walk, crossing=True)
    average = walk.average_price
    assert average is not None
    count = len(walk.taken)
    text = (
        f"This {ticket.side} would take {count} level{'s' if count != 1 else ''} "
        f"({amount_text(walk.taken[0].price, places)} to {amount_text(walk.taken[-1].price, places)}) at an estimated "
        f"average {_price(average, rules.price_decimals)} {rules.quote_asset}, and trade as far as {past}."
    )
    if walk.unfilled:
        left = f"{amount_text(walk.unfilled, lots)} {rules.base_asset}"
        if ticket.time_in_force == "GTC":
            text += f" The remaining {left} would rest at {amount_text(price, places)}."
        elif ticket.time_in_force == "FOK":
            text += (
                f" The book holds {left} too little now: as FOK it would fill wholly at up to "
                f"{amount_text(price, places)}, or not at all."
            )
        else:
            text += f" The remaining {left} would expire."
    lines = _level_lines(walk, rules.base_asset, places, lots)
    return GuardVerdict(GUARD_CONFIRM, text, lines=lines, walk=walk, crossing=True)


def _worst_price(ticket: OrderTicket, price: Decimal, walk: BookWalk | None) -> Decimal:
    if walk is None or walk.worst_price is None:
        return price  # depth unknown: it may trade up to its limit
    if walk.unfilled and ticket.time_in_force in ("GTC", "FOK"):
        return price
    return walk.worst_price


def _passive_verdict(ticket: OrderTicket, limit_pct: Decimal, passive: str) -> GuardVerdict:
    distance, reference = ticket.price_distance_pct, ticket.reference_price
    if distance is None or reference is None or abs(distance) <= limit_pct:
        return _CLEAR
    value, name = reference
    direction = "above" if distance > 0 else "below"
    shown = amount_text(value, ticket.rules.price_decimals)
    text = (
        f"This price is {_pct(abs(distance))} % {direction} {name} {shown} "
        f"(guard {format_decimal(limit_pct)} %); the order would rest on the book."
    )
    kind: VerdictKind = GUARD_CONFIRM if passive == "confirm" else GUARD_HINT
    return GuardVerdict(kind, text)


def _level_lines(walk: BookWalk, base_asset: str, places: int, lots: int) -> tuple[str, ...]:
    lines = [
        f"{amount_text(level.price, places)} × {amount_text(level.quantity, lots)} {base_asset}"
        for level in walk.taken[:_MAX_LEVEL_LINES]
    ]
    hidden = len(walk.taken) - _MAX_LEVEL_LINES
    if hidden > 0:
        lines.append(f"… and {hidden} more level{'s' if hidden != 1 else ''}")
    return tuple(lines)


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_FLOOR, context=_EXACT):f}"


def _price(value: Decimal, decimals: int) -> str:
    return amount_text(value, decimals)
