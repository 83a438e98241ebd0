"""How a portfolio reads on screen: the screen's table and the balances pane's compact rows.

Amounts keep the precision the portfolio gives them (the valuation asset's
for values and P&L, four more decimals for average costs, 2 for shares);
quantities are shown with each asset's own precision (the exchange's base
asset precision of its pairs).  Thousands are grouped as everywhere else
(:func:`jextui.ui.format.format_fixed`).  In privacy mode every amount,
share, cost and P&L is :data:`~jextui.ui.format.MASK`; asset names stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from jextui.api.models import SymbolInfo
from jextui.portfolio.build import AssetLine, Portfolio
from jextui.ui.format import MASK, format_amount, format_compact, format_fixed, format_own_digits
from jextui.ui.widgets.table import Cell, Column, Role

__all__ = [
    "asset_decimals",
    "shown",
    "signed",
    "quantity",
    "quantity_short",
    "summary_text",
    "screen_columns",
    "screen_cells",
    "compact_row",
    "cost_unknown_note",
]


def asset_decimals(symbols: Iterable[SymbolInfo]) -> dict[str, int]:
    """Decimals per asset: the largest precision the exchange gives it on any pair."""
    decimals: dict[str, int] = {}
    for info in symbols:
        for asset, places in ((info.base_asset, info.base_asset_precision), (info.quote_asset, info.quote_precision)):
            decimals[asset] = max(decimals.get(asset, 0), places)
    return decimals


def shown(value: Decimal | None, private: bool) -> str:
    """An amount at the precision it carries; ``—`` when unknown."""
    if private:
        return MASK
    return "—" if value is None else format_own_digits(value)


def signed(value: Decimal | None, private: bool) -> str:
    """A P&L or change: with its sign."""
    if private:
        return MASK
    if value is None:
        return "—"
    text = format_own_digits(value)
    return text if value < 0 or text.startswith("-") else f"+{text}"


def _role(value: Decimal | None, private: bool) -> Role:
    if private or value is None or value == 0:
        return ""
    return "good" if value > 0 else "bad"


def quantity(asset: str, value: Decimal, decimals: Mapping[str, int], private: bool) -> str:
    if private:
        return MASK
    places = decimals.get(asset)
    return format_amount(value) if places is None else format_fixed(value, places)


def quantity_short(value: Decimal, private: bool) -> str:
    """A quantity with its trailing zeros dropped (down to 2 decimals), as the plain balances show it."""
    return MASK if private else format_amount(value)


def summary_text(portfolio: Portfolio, private: bool) -> str:
    """``Total 123,456.78 USDT · 24 h +1,234.56 (+1.01 %) · realised +12.00``."""
    valuation = portfolio.valuation_asset
    if portfolio.change_24h is None:
        change = "24 h change unknown"
    else:
        pct = "" if portfolio.change_24h_pct is None else f" ({signed(portfolio.change_24h_pct, private)} %)"
        change = f"24 h {signed(portfolio.change_24h, private)}{pct}"
    return (
        f"Total {shown(portfolio.total_value, private)} {valuation} · {change} · "
        f"realised {signed(portfolio.realised_total, private)}"
    )


def screen_columns(valuation: str) -> tuple[Column, ...]:
    return (
        Column("Asset", priority=0),
        Column("Free", "right", priority=3),
        Column("Locked", "right", priority=1),
        Column(f"Value {valuation}", "right", priority=0),
        Column("Share", "right", priority=0),
        Column("Avg cost", "right", priority=1),
        Column("Realised", "right", priority=2),
        Column("Unrealised", "right", priority=1),
    )


def screen_cells(
    line: AssetLine, decimals: Mapping[str, int], private: bool, *, short_notes: bool = False
) -> tuple[Cell, ...]:
    """One asset's row; ``short_notes``: "cost unknown" without its date (said under the table)."""
    share = "—" if line.share_pct is None else f"{shown(line.share_pct, private)} %"
    if line.cost_note and line.average_cost is None:
        note = "cost unknown" if short_notes and line.cost_note.startswith("cost unknown") else line.cost_note
        average = Cell(MASK if private else note, "" if private else "warn")
    else:
        average = Cell(shown(line.average_cost, private))
    return (
        Cell(line.asset),
        Cell(quantity(line.asset, line.free, decimals, private)),
        Cell(quantity(line.asset, line.locked, decimals, private), "muted"),
        Cell(shown(line.value, private)),
        Cell(share, "muted"),
        average,
        Cell(signed(line.realised, private), _role(line.realised, private)),
        Cell(signed(line.unrealised, private), _role(line.unrealised, private)),
    )


def compact_row(line: AssetLine, private: bool, *, short: bool = False) -> tuple[str, str, str, str, str]:
    """(asset, value, share, unrealised P&L, locked) for the balances pane's portfolio mode;
    ``short``: value and P&L in 3 significant digits (``4.70M``), for a narrow pane."""
    share = "—" if line.share_pct is None else f"{shown(line.share_pct, private)}%"
    if private:
        value = unrealised = MASK
    elif short:
        value = "—" if line.value is None else format_compact(line.value)
        unrealised = "—" if line.unrealised is None else format_compact(line.unrealised)
        if line.unrealised is not None and line.unrealised > 0:
            unrealised = f"+{unrealised}"
    else:
        value, unrealised = shown(line.value, private), signed(line.unrealised, private)
    if line.unrealised is None and line.cost_note and not private:
        unrealised = "?" if short else "unknown"
    return line.asset, value, share, unrealised, quantity_short(line.locked, private)


def cost_unknown_note(portfolio: Portfolio) -> str:
    """One sentence naming the assets whose cost the history does not reach (``""`` if none)."""
    unknown = [line.asset for line in portfolio.lines if line.cost_note.startswith("cost unknown before")]
    if not unknown:
        return ""
    first = next(line.cost_note for line in portfolio.lines if line.cost_note.startswith("cost unknown before"))
    return f"{first[0].upper()}{first[1:]} for {', '.join(unknown)}: the order history does not reach back far enough."
