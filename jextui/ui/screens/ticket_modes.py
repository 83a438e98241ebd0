"""What the order ticket works out beside its fields: size by amount, the marketable preview, the guard.

Kept out of :mod:`jextui.ui.screens.ticket` (the screen: fields, keys,
messages) so each concern stays small:

* :func:`size_hint` — the quantity a size text gives (``500usdt``, ``37%``),
  rounded down to the lot step, and the total at the ticket's price, for the
  words beside the quantity field (:func:`jextui.trading.sizing.evaluate_size`);
* :func:`marketable_plan` — the capped IOC LIMIT order walked from the
  current book, or the reason it is refused (stale or empty book);
* :func:`guard_verdict` — the guard that looks at what would execute
  (:func:`jextui.trading.guard.guard_order`);
* :func:`fill_words` — after a marketable order's answer: what filled and
  what expired.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from jextui.api.models import OrderResult
from jextui.trading.guard import GuardVerdict, guard_order
from jextui.trading.marketable import MarketableEstimate, MarketableRefusal, plan_marketable
from jextui.trading.sizing import SIZE_QUANTITY, SizeResult, evaluate_size
from jextui.trading.submit import SubmitOutcome
from jextui.trading.ticket import OrderTicket, SymbolRules, format_decimal
from jextui.ui.format import MASK, format_fixed

__all__ = [
    "BookView",
    "ModeHost",
    "size_hint",
    "effective_ticket",
    "marketable_plan",
    "guard_verdict",
    "fill_words",
    "SIZE_KEYS",
    "SIZE_CHARACTERS",
    "size_key_in",
    "MARKETABLE_KEY",
]

#: The 25/50/75/100 % keys that need no F-row (digits type into the fields, so Alt+digit).
SIZE_KEYS = ("alt+1", "alt+2", "alt+3", "alt+4")
#: Textual reads the bytes most terminals send for Alt+1..4 (ESC and the digit, as tmux and xterm
#: send them) as the characters a Mac keyboard's Option+1..4 types, and a focused field types them
#: before any binding sees them; they are never part of a price or a quantity, so the ticket takes
#: them out of the field and sizes instead.
SIZE_CHARACTERS = {"¡": 25, "™": 50, "£": 75, "¢": 100}


def size_key_in(text: str) -> tuple[str, int | None]:
    """(``text`` without the size characters, the share the last one asks for, or None)."""
    share = None
    for character in text:
        if character in SIZE_CHARACTERS:
            share = SIZE_CHARACTERS[character]
    if share is None:
        return text, None
    return "".join(c for c in text if c not in SIZE_CHARACTERS), share


#: The key that toggles the ticket between a limit and a marketable order.
MARKETABLE_KEY = "ctrl+o"


@dataclasses.dataclass(frozen=True)
class BookView:
    """One symbol's book as the ticket walks it: levels, and how old they are."""

    asks: Sequence[object] = ()
    bids: Sequence[object] = ()
    age_ms: int | None = None
    stale_after_ms: int = 3000


class ModeHost(Protocol):
    """What the ticket's modes need from the trading controller."""

    @property
    def fat_finger_passive(self) -> str: ...

    @property
    def max_slippage_pct(self) -> Decimal: ...

    def book_view(self, symbol: str) -> BookView: ...


def size_hint(text: str, ticket: OrderTicket, *, private: bool) -> tuple[SizeResult | None, str]:
    """(result, words beside the quantity field) for a size text; plain quantities need no words."""
    if not text.strip():
        return None, ""
    result = evaluate_size(text, ticket)
    if result.text.kind in (None, SIZE_QUANTITY):
        return result, ""
    rules = ticket.rules
    if result.quantity is None:
        return result, ""
    if private:
        return result, f"= {MASK} {rules.base_asset}"
    total = "" if result.total is None else f" · {format_fixed(result.total, rules.price_decimals)} {rules.quote_asset}"
    return result, f"= {format_fixed(result.quantity, rules.quantity_decimals)} {rules.base_asset}{total}"


def effective_ticket(ticket: OrderTicket, size_text: str) -> OrderTicket:
    """``ticket`` with its quantity taken from ``size_text`` (a size by amount becomes a quantity)."""
    probe = dataclasses.replace(ticket, quantity_text="")
    result = evaluate_size(size_text, probe)
    if result.text.kind in (None, SIZE_QUANTITY) or result.quantity is None:
        return dataclasses.replace(ticket, quantity_text=size_text)
    return dataclasses.replace(ticket, quantity_text=format_decimal(result.quantity))


def marketable_plan(ticket: OrderTicket, host: ModeHost) -> MarketableEstimate | MarketableRefusal:
    """The capped IOC order for ``ticket``'s quantity, walked from the host's book."""
    quantity = ticket.quantity
    if quantity is None or quantity <= 0:
        return MarketableRefusal("Enter a quantity: the estimate is walked from the book for it.")
    book = host.book_view(ticket.rules.symbol)
    levels = book.asks if ticket.side == "BUY" else book.bids
    return plan_marketable(
        ticket.side,
        quantity,
        levels,
        ticket.rules,
        book_age_ms=book.age_ms,
        stale_after_ms=book.stale_after_ms,
        max_slippage_pct=host.max_slippage_pct,
    )


def guard_verdict(ticket: OrderTicket, host: ModeHost, fat_finger_pct: Decimal) -> GuardVerdict:
    """What the guard asks of ``ticket`` against the host's book."""
    book = host.book_view(ticket.rules.symbol)
    return guard_order(
        ticket, asks=book.asks, bids=book.bids, fat_finger_pct=fat_finger_pct, passive=host.fat_finger_passive
    )


def fill_words(outcome: SubmitOutcome, rules: SymbolRules, *, private: bool) -> str:
    """After a marketable (IOC) order's answer: how much filled, at what average (at the symbol's
    price precision), and what expired."""
    result = outcome.result
    if not isinstance(result, OrderResult):
        return ""
    filled, ordered = result.executed_qty, result.orig_qty
    expired = max(Decimal(0), ordered - filled)
    if private:
        return "Filled and expired amounts are hidden (privacy)."
    base_asset, lots = rules.base_asset, rules.quantity_decimals
    if filled <= 0:
        return f"Nothing filled; {format_fixed(expired, lots)} {base_asset} expired."
    average = result.cummulative_quote_qty / filled
    text = (
        f"Filled {format_fixed(filled, lots)} {base_asset} at an average "
        f"{format_fixed(average, rules.price_decimals)} {rules.quote_asset}"
    )
    text += f"; {format_fixed(expired, lots)} {base_asset} expired." if expired else "; nothing expired."
    return text
