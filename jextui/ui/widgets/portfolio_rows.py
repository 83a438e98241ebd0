"""The balances pane's portfolio mode: value, share, unrealised P&L and locked per asset.

A compact view of :class:`jextui.portfolio.Portfolio` for the pane (the
portfolio screen has the full table): a total line, then one row per asset
with its value in the valuation asset, its share, unrealised P&L and
Locked, at full precision when the pane is wide enough, else in 3 significant
digits (``4.70M``).  When not every column fits even so, the share goes first, then the P&L:
Locked stays in view, as in the plain mode.  The pane's note about locked funds that no
open order explains stays under the rows, as in the plain mode.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text

from jextui.portfolio.build import Portfolio
from jextui.ui.widgets.pane import fit, join_cells
from jextui.ui.widgets.portfolio_table import compact_row, shown, signed

__all__ = ["portfolio_body", "TITLES"]

TITLES = ("Asset", "Value", "Share", "Unrl P&L", "Locked")


def _widths(rows: Sequence[Sequence[str]]) -> list[int]:
    return [max([len(TITLES[i]), *(len(row[i]) for row in rows)]) for i in range(len(TITLES))]


def _total_line(portfolio: Portfolio, private: bool) -> str:
    pct = portfolio.change_24h_pct
    change = "" if pct is None else f" · 24 h {signed(pct, private)}%"
    return f"{shown(portfolio.total_value, private)} {portfolio.valuation_asset}{change}"


def portfolio_body(
    portfolio: Portfolio | None,
    message: str,
    *,
    width: int,
    height: int,
    private: bool,
    notes: Sequence[str],
    style_of: Callable[[str], Style],
    offset: int = 0,
) -> list[Text]:
    """The pane's lines under its header (``notes``: the locked-funds sentences, already masked)."""
    wrapped = [part for note in notes for part in (textwrap.wrap(note, max(8, width)) or [""])]
    warning = style_of("pane--degraded")
    if portfolio is None:
        lines = [fit(message or "loading the portfolio…", width, style=style_of("pane--placeholder"))]
        return lines + [fit(note, width, style=warning) for note in wrapped]
    lines = [fit(_total_line(portfolio, private), width, style=style_of("pane--caption"))]
    listed = [line for line in portfolio.lines if line.total or line.value]
    rows = [compact_row(line, private) for line in listed]
    widths = _widths(rows)
    if sum(widths) + len(widths) - 1 > width:  # every column, in 3 significant digits
        rows = [compact_row(line, private, short=True) for line in listed]
        widths = _widths(rows)
    order = [0, 1, 4, 3, 2]  # what is kept when not all fit: Locked before P&L, P&L before share
    kept = []
    used = -1
    for index in order:
        if used + 1 + widths[index] <= width:
            kept.append(index)
            used += 1 + widths[index]
    kept.sort()
    titles = style_of("pane--column")
    lines.append(join_cells(fit(TITLES[i], widths[i], "left" if i == 0 else "right", titles) for i in kept))
    room = max(0, height - len(lines) - len(wrapped))
    for row in rows[offset : offset + room]:
        cells = []
        for i in kept:
            style = style_of("pane--caption") if i == 0 else style_of("pane--muted") if i == 4 else ""
            cells.append(fit(row[i], widths[i], "left" if i == 0 else "right", style))
        lines.append(join_cells(cells))
    return lines + [fit(note, width, style=warning) for note in wrapped]
