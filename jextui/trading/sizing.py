"""Sizing by amount: what the trader may type in the ticket's quantity field.

Three forms, read by :func:`parse_size` (never raises):

* a **quantity** in the base asset: ``0.5`` (the base asset's name may
  follow: ``0.5 BTC``);
* an **amount of the quote asset**: ``500usdt``, ``500 USDT`` (any case; only
  the symbol's own quote asset: ``500 EUR`` on BTCUSDT is refused in words);
* a **share of what the free balance allows**: ``37%``, ``12.5 %`` (more
  than 0, at most 100).

:func:`evaluate_size` turns the text into a quantity for an
:class:`~jextui.trading.ticket.OrderTicket`: a quote amount becomes
``amount / price`` and a share is sized exactly as the ticket's F1–F4 keys
size (:meth:`OrderTicket.size_pct`: a BUY shares the free quote balance at the
ticket's price, with the fee on top where the exchange charges it so; a SELL
shares the free base balance).  Both are rounded *down* to the lot step, so
the order never asks for more than was typed.  The result carries the
quantity, the total at the ticket's price, and the problem in words (below
the minimum quantity, below the minimum total, not enough free balance, ...).

Decisions: a quote amount is the order's total (price × quantity), before
fees; a plain quantity is used as typed (the ticket's validation words an
off-grid one).  :class:`LastSizes` remembers the *text* last used per symbol
and side, so ``37%`` offered again follows the balance of the moment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Context, Decimal, InvalidOperation, localcontext
from typing import Final, Literal

from jextui.amount_text import amount_text
from jextui.trading.ticket import (
    FIELD_BALANCE,
    FIELD_QUANTITY,
    FIELD_TOTAL,
    OrderTicket,
    format_decimal,
    parse_amount,
)

__all__ = [
    "SIZE_QUANTITY",
    "SIZE_QUOTE",
    "SIZE_SHARE",
    "SizeText",
    "SizeResult",
    "parse_size",
    "evaluate_size",
    "LastSizes",
    "looks_like_size",
    "MAX_REMEMBERED_SIZES",
]

SIZE_QUANTITY: Final = "quantity"
SIZE_QUOTE: Final = "quote"
SIZE_SHARE: Final = "share"
SizeKind = Literal["quantity", "quote", "share"]

#: At most this many symbol/side pairs are remembered (the oldest go first).
MAX_REMEMBERED_SIZES = 200
_MAX_TEXT = 40

# A number, then optionally spaces and a unit: letters/digits (an asset) or "%".
_SIZE_TEXT = re.compile(r"(?P<number>[0-9][0-9.,]*|\.[0-9]+)\s*(?P<unit>%|[A-Za-z][A-Za-z0-9]*)?")
_EXPONENT = re.compile(r"[eE][0-9]+")
_LETTERS_BUT_E = re.compile(r"[A-DF-Za-df-z%]")
_EXACT = Context(prec=100, traps=[InvalidOperation])


@dataclass(frozen=True, slots=True)
class SizeText:
    """What the trader's text means: a kind and a number (or why it means nothing)."""

    kind: SizeKind | None
    value: Decimal | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.kind is not None and self.value is not None


def parse_size(text: object, *, base_asset: str, quote_asset: str) -> SizeText:
    """Read a quantity, a quote amount or a share from the trader's text."""
    if not isinstance(text, str) or not text.strip():
        example = f"500{quote_asset.lower()}"
        return SizeText(None, None, f"Enter a quantity, an amount such as {example}, or a share such as 25%.")
    stripped = text.strip()
    plain = parse_amount(stripped)  # never empty here, so the reader's "Enter a ..." words cannot show
    if plain.value is not None:
        return _checked(SizeText(SIZE_QUANTITY, plain.value))
    match = _SIZE_TEXT.fullmatch(stripped)
    unit = match.group("unit") if match is not None else None
    if match is None or unit is None or _EXPONENT.fullmatch(unit):
        if _LETTERS_BUT_E.search(stripped) is None:
            return SizeText(None, None, plain.error)  # a number, badly written: the number reader's words
        return SizeText(None, None, _not_a_size(quote_asset))
    number = parse_amount(match.group("number"))
    if number.value is None:
        return SizeText(None, None, number.error)
    if unit.upper() == base_asset.upper():
        return _checked(SizeText(SIZE_QUANTITY, number.value))
    if unit == "%":
        if not 0 < number.value <= 100:
            return SizeText(None, None, "A share must be more than 0 % and at most 100 %.")
        return SizeText(SIZE_SHARE, number.value)
    if unit.upper() == quote_asset.upper():
        return _checked(SizeText(SIZE_QUOTE, number.value))
    return SizeText(
        None,
        None,
        f"{unit.upper()} is neither {base_asset} nor {quote_asset}: give a quantity of {base_asset}, "
        f"an amount of {quote_asset} (e.g. 500{quote_asset.lower()}) or a share (e.g. 25%).",
    )


def _checked(size: SizeText) -> SizeText:  # a quantity or an amount must be positive
    if size.value is not None and size.value <= 0:
        what = "quantity" if size.kind == SIZE_QUANTITY else "amount"
        return SizeText(None, None, f"The {what} must be more than zero.")
    return size


def _not_a_size(quote_asset: str) -> str:
    return (
        f"That is not a size: enter a quantity (0.5), an amount of {quote_asset} "
        f"(500{quote_asset.lower()}) or a share of your free balance (25%)."
    )


@dataclass(frozen=True, slots=True)
class SizeResult:
    """The quantity the text gives on a ticket, the total at its price, and any problem in words.

    ``quantity`` is set whenever one could be computed (even when ``error``
    says the order would be refused, e.g. below the minimum total), so the
    screen can show it beside the field; ``ok`` means it may be sent as is.
    """

    text: SizeText
    quantity: Decimal | None = None
    total: Decimal | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.quantity is not None

    def quantity_text(self, decimals: int) -> str | None:
        """The quantity as the ticket's field would hold it."""
        return None if self.quantity is None else format_decimal(self.quantity, decimals)


def evaluate_size(text: object, ticket: OrderTicket) -> SizeResult:
    """The quantity ``text`` gives on ``ticket`` (at its price, balances and rules).

    The ticket itself is not changed.
    """
    rules = ticket.rules
    size = parse_size(text, base_asset=rules.base_asset, quote_asset=rules.quote_asset)
    if not size.ok:
        return SizeResult(size, error=size.error)
    assert size.value is not None
    if size.kind == SIZE_SHARE:
        probe = replace(ticket)
        refusal = probe.size_pct(size.value)
        if refusal is not None:
            return SizeResult(size, error=refusal)
        quantity = probe.quantity
    elif size.kind == SIZE_QUOTE:
        price = ticket.price
        if price is None or price <= 0:
            return SizeResult(size, error="Set a valid price first: an amount becomes a quantity at the price.")
        with localcontext(_EXACT):
            steps = (size.value / price / rules.quantity_grid).to_integral_value(rounding=ROUND_FLOOR)
            quantity = (steps * rules.quantity_grid).normalize()
        if quantity <= 0:
            step = amount_text(rules.quantity_grid)
            return SizeResult(
                size,
                quantity=Decimal(0),
                total=Decimal(0),
                error=(
                    f"{amount_text(size.value)} {rules.quote_asset} buys less than one quantity step "
                    f"({step} {rules.base_asset}) at {amount_text(price, rules.price_decimals)}."
                ),
            )
    else:
        quantity = size.value
    assert quantity is not None
    return _with_checks(size, quantity, ticket)


def _with_checks(size: SizeText, quantity: Decimal, ticket: OrderTicket) -> SizeResult:
    """The ticket's own quantity, total and balance checks on the computed quantity."""
    probe = replace(ticket, quantity_text=format_decimal(quantity))
    price = probe.price
    total = None
    if price is not None:
        with localcontext(_EXACT):
            total = price * quantity
    errors = probe.validate()
    for name in (FIELD_QUANTITY, FIELD_TOTAL, FIELD_BALANCE):
        if name in errors:
            return SizeResult(size, quantity=quantity, total=total, error=errors[name])
    return SizeResult(size, quantity=quantity, total=total)


# --- the last size used, per symbol and side (UI state) -----------------------


_STATE_KEY = re.compile(r"^(?P<symbol>[A-Z0-9]{2,30}):(?P<side>BUY|SELL)$")


class LastSizes:
    """The size text last used per symbol and side; newest last, at most :data:`MAX_REMEMBERED_SIZES`.

    Saved in the UI state as ``{"BTCUSDT:BUY": "500usdt", ...}``
    (:meth:`to_state` / :meth:`from_state`).  Texts that are not a size in
    any form, and keys that are not ``SYMBOL:SIDE``, are dropped on reading.
    """

    def __init__(self, sizes: Mapping[tuple[str, str], str] | None = None) -> None:
        self._sizes: dict[tuple[str, str], str] = {}
        for (symbol, side), text in (sizes or {}).items():
            self.remember(symbol, side, text)

    def get(self, symbol: str, side: str) -> str | None:
        return self._sizes.get((symbol, side))

    def remember(self, symbol: str, side: str, text: object) -> bool:
        """Keep ``text`` for the pair; False (nothing kept) when it is not a size at all."""
        if not isinstance(text, str):
            return False
        cleaned = text.strip()
        if not _looks_like_size(cleaned) or _STATE_KEY.match(f"{symbol}:{side}") is None:
            return False
        self._sizes.pop((symbol, side), None)
        self._sizes[(symbol, side)] = cleaned
        while len(self._sizes) > MAX_REMEMBERED_SIZES:
            del self._sizes[next(iter(self._sizes))]
        return True

    def __len__(self) -> int:
        return len(self._sizes)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._sizes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LastSizes) and list(self._sizes.items()) == list(other._sizes.items())

    def __repr__(self) -> str:
        return f"LastSizes({len(self._sizes)} remembered)"

    def to_state(self) -> dict[str, str]:
        return {f"{symbol}:{side}": text for (symbol, side), text in self._sizes.items()}

    @classmethod
    def from_state(cls, data: object) -> LastSizes:
        """Read what :meth:`to_state` wrote; anything malformed is left out, never raised."""
        sizes = cls()
        if not isinstance(data, Mapping):
            return sizes
        for key, text in data.items():
            match = _STATE_KEY.match(key) if isinstance(key, str) else None
            if match is not None and isinstance(text, str):
                sizes.remember(match.group("symbol"), match.group("side"), text)
        return sizes


def looks_like_size(text: str) -> bool:
    """True when ``text`` has the shape of a size (whatever the symbol's assets)."""
    return _looks_like_size(text.strip())


def _looks_like_size(text: str) -> bool:
    if not text or len(text) > _MAX_TEXT:
        return False
    match = _SIZE_TEXT.fullmatch(text)
    return match is not None and parse_amount(match.group("number")).ok
