"""Prices, quantities and totals inside sentences (messages, questions, notices).

They read like the panes: thousands separators from 1,000 up and, when the
symbol's precision is known, exactly that many decimals ("at 64,000.00 USDT",
"needs 6,430,012.50 USDT").  Without a precision the value is shown exactly,
trailing zeros dropped ("0.015"), never rounded.  Only ``Decimal`` is involved.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = ["GROUPING_FROM", "amount_text", "carried_amount_text", "whole_amount_text"]

GROUPING_FROM = Decimal(1_000)
"""Thousands separators are shown from this magnitude up, as in the panes."""


def amount_text(value: Decimal, decimals: int | None = None, *, rounding: str = ROUND_HALF_UP) -> str:
    """``value`` for a sentence: ``64000`` at 2 decimals → ``64,000.00``; ``0.0150`` without → ``0.015``.

    ``rounding`` applies when ``decimals`` is given (a balance the user has is rounded
    down, an amount an order needs is rounded up, so the words never promise too much).
    """
    if not value.is_finite():
        return "—"
    with localcontext() as context:
        context.prec = 80
        if decimals is None:
            shown = value.normalize()
            exponent = shown.as_tuple().exponent
            assert isinstance(exponent, int)
            places = max(0, -exponent)
        else:
            places = max(0, decimals)
            shown = value.quantize(Decimal(1).scaleb(-places), rounding=rounding)
    if shown.is_zero():
        shown = abs(shown)  # never "-0"
    grouped = abs(shown) >= GROUPING_FROM
    return format(shown, f",.{places}f" if grouped else f".{places}f")


def whole_amount_text(value: Decimal, decimals: int) -> str:
    """``value`` at ``decimals`` places, or at more when it carries more digits: never rounded.

    For an amount that should sit on the symbol's grid (a quantity, a price, a bound from
    its rules): ``0.7`` at 3 → ``0.700``, ``64000`` at 2 → ``64,000.00``, and a value finer
    than the grid keeps its digits (``0.0005`` at 3 → ``0.0005``) rather than read as another.
    """
    if not value.is_finite():
        return "—"
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return amount_text(value, max(decimals, -exponent))


def carried_amount_text(value: Decimal) -> str:
    """``value`` with the decimals it carries, grouped as in the panes: ``64250.00`` → ``64,250.00``
    (an amount the server already wrote at the symbol's precision)."""
    exponent = value.as_tuple().exponent
    return amount_text(value, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
