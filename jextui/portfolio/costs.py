"""Average cost and realised P&L from one's own fills, in the valuation asset.

The method is the *average cost* method: buying adds the amount paid
(fees included) to an asset's cost; selling removes ``average cost ×
quantity`` from it, and the difference between what the sale brought in
(fees deducted) and that removed cost is realised P&L.

Every fill is an exchange of two assets, valued once in the valuation
asset (``value``: the quote amount, converted when the quote is not the
valuation asset -- see :class:`Fill`).  A BUY acquires the base asset and
disposes of the quote asset; a SELL the other way round.  The valuation
asset itself has no cost or P&L.  A fill that cannot be valued (a cross
pair with no rate for its time) makes the costs of both its assets unknown.

Fees: the exchange charges them on what each side receives (the buyer in
the base asset, the seller in the quote asset).  A fee in the base asset of
a BUY lowers the quantity acquired (the cost stays the full amount paid); a
fee in the quote asset of a SELL lowers the proceeds.

Coverage: the fills seen start from a position of zero.  When they do not
explain the balance held now (the balance differs from their net quantity by
more than 0.000001 per order -- fee rounding, see ``build.py``), part of the
holding predates the history: the cost is then reported unknown, with the
time from which the history is known ("cost unknown before ..."), never
guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["AssetCost", "Fill", "costs_from_fills"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Fill:
    """One executed order (or part of one), as the cost computation needs it.

    ``qty`` is the base quantity executed, ``quote_qty`` the quote amount;
    ``fee`` is in ``fee_asset`` (the base asset for a BUY, the quote asset for
    a SELL).  ``value`` is ``quote_qty`` in the valuation asset (``None``:
    unknown, e.g. a cross pair without a rate at ``time_ms``).
    """

    symbol: str
    base: str
    quote: str
    side: str  # BUY | SELL
    qty: Decimal
    quote_qty: Decimal
    fee: Decimal
    fee_asset: str
    time_ms: int
    value: Decimal | None
    order_id: int = 0


@dataclass
class AssetCost:
    """What the fills say about one asset; amounts in the valuation asset."""

    asset: str
    position: Decimal = ZERO  # net quantity from the fills
    cost: Decimal = ZERO  # total cost of ``position``
    realised: Decimal = ZERO
    fills: int = 0
    first_ms: int | None = None
    unvalued: list[str] = field(default_factory=list)  # symbols of fills that could not be valued
    short: bool = False  # a sale exceeded what the fills had bought: history incomplete

    @property
    def average(self) -> Decimal | None:
        return self.cost / self.position if self.position > 0 else None

    def _touch(self, time_ms: int) -> None:
        self.fills += 1
        self.first_ms = time_ms if self.first_ms is None else min(self.first_ms, time_ms)

    def acquire(self, qty: Decimal, cost: Decimal, time_ms: int) -> None:
        self._touch(time_ms)
        self.position += qty
        self.cost += cost

    def dispose(self, qty: Decimal, proceeds: Decimal, time_ms: int) -> None:
        self._touch(time_ms)
        if qty > self.position:
            self.short = True
            self.position -= qty
            self.cost = ZERO
            return
        removed = self.cost * qty / self.position if self.position else ZERO
        self.realised += proceeds - removed
        self.cost -= removed
        self.position -= qty


def costs_from_fills(fills: Iterable[Fill], valuation: str) -> Mapping[str, AssetCost]:
    """Per asset (not the valuation asset), in time order of the fills."""
    costs: dict[str, AssetCost] = {}

    def of(asset: str) -> AssetCost:
        return costs.setdefault(asset, AssetCost(asset))

    for fill in sorted(fills, key=lambda f: (f.time_ms, f.order_id)):
        if fill.value is None:
            for asset in (fill.base, fill.quote):
                if asset != valuation:
                    entry = of(asset)
                    entry._touch(fill.time_ms)
                    entry.unvalued.append(fill.symbol)
            continue
        rate = fill.value / fill.quote_qty if fill.quote_qty else ZERO  # valuation per quote unit
        if fill.side == "BUY":
            base_fee = fill.fee if fill.fee_asset == fill.base else ZERO
            quote_fee = fill.fee if fill.fee_asset == fill.quote else ZERO
            paid_value = fill.value + quote_fee * rate
            if fill.base != valuation:
                of(fill.base).acquire(fill.qty - base_fee, paid_value, fill.time_ms)
            if fill.quote != valuation:
                of(fill.quote).dispose(fill.quote_qty + quote_fee, fill.value, fill.time_ms)
        else:
            quote_fee = fill.fee if fill.fee_asset == fill.quote else ZERO
            base_fee = fill.fee if fill.fee_asset == fill.base else ZERO
            received_value = fill.value - quote_fee * rate
            if fill.base != valuation:
                of(fill.base).dispose(fill.qty + base_fee, received_value, fill.time_ms)
            if fill.quote != valuation:
                of(fill.quote).acquire(fill.quote_qty - quote_fee, received_value, fill.time_ms)
    return costs
