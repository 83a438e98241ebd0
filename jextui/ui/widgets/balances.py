"""The balances pane: spot, contract and option balances of the account.

A tab line switches between the three account kinds (left/right or h/l, or
:meth:`BalancesView.set_kind`).  Rows show asset, free, locked and total;
zero balances are hidden until ``z`` (:meth:`BalancesView.toggle_zero`).
Privacy mode (:meth:`Pane.set_private`) replaces every amount with ``•••``.
``m`` switches the pane to its portfolio mode and back
(:mod:`jextui.ui.widgets.portfolio_rows`: value, share, unrealised P&L, locked);
there the pane is also stale when the prices the portfolio reads itself are
(:attr:`BalancesView.prices_freshness`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual.binding import BindingType

from jextui.api.models import Account, Balance
from jextui.ui.format import format_amount, format_fixed
from jextui.ui.keymap import bindings_for
from jextui.ui.widgets.pane import Pane, fit, join_cells

if TYPE_CHECKING:
    from jextui.portfolio.build import Portfolio

__all__ = ["BalancesView", "AccountKind", "ACCOUNT_KINDS"]

AccountKind = Literal["spot", "contract", "option"]
ACCOUNT_KINDS: tuple[AccountKind, ...] = ("spot", "contract", "option")
_KIND_TITLES: dict[AccountKind, str] = {"spot": "Spot", "contract": "Contract", "option": "Option"}
_KIND_SHORT: dict[AccountKind, str] = {"spot": "Spot", "contract": "Ctr", "option": "Opt"}


class BalancesView(Pane):
    """Balances of one account kind at a time."""

    PANE_TITLE = "Balances"
    PLACEHOLDER = "waiting for the account…"

    DEFAULT_CSS = """
    BalancesView > .balances--tab { color: $foreground-muted; }
    BalancesView > .balances--tab-current { color: $accent; text-style: bold reverse; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"balances--tab", "balances--tab-current"}

    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("balances"))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._account: Account | None = None
        self._kind: AccountKind = "spot"
        self._show_zero = False
        self._asset_decimals: dict[str, int] = {}
        self._offset = 0
        self._unexplained: list[str] = []
        self._portfolio_mode = False
        self._portfolio: Portfolio | None = None
        self._portfolio_message = ""
        self.on_portfolio_mode: Callable[[bool], None] | None = None  # set by the console
        #: In portfolio mode: (age in ms, stale) of the prices the portfolio reads itself (set by the console).
        self.prices_freshness: Callable[[], tuple[int | None, bool]] | None = None
        self._feed_freshness: tuple[int | None, bool, str | None] = (None, False, None)

    # --- data in ----------------------------------------------------------------

    def update_account(self, account: Account) -> None:
        if account != self._account or not self.has_data:
            self._account = account
            self.data_changed()

    def set_unexplained(self, lines: Sequence[str]) -> None:
        """Locked funds no open order found explains, one sentence each (shown under the spot balances)."""
        lines = list(lines)
        if lines != self._unexplained:
            self._unexplained = lines
            self.refresh_lines()

    @property
    def unexplained(self) -> list[str]:
        return list(self._unexplained)

    def set_asset_decimals(self, decimals: Mapping[str, int]) -> None:
        """Decimals to show per asset (others: as many as the amount needs, up to 8)."""
        self._asset_decimals.update(decimals)
        self.refresh_lines()

    def set_kind(self, kind: AccountKind) -> None:
        if kind != self._kind:
            self._kind = kind
            self._offset = 0
            self.refresh_lines()

    def toggle_zero(self) -> bool:
        """Show or hide zero balances; True when they are now shown."""
        self._show_zero = not self._show_zero
        self._offset = 0
        self.refresh_lines()
        return self._show_zero

    def set_portfolio(self, portfolio: Portfolio | None, message: str = "") -> None:
        """What the portfolio mode shows (``message``: why there is no portfolio yet)."""
        if (portfolio, message) != (self._portfolio, self._portfolio_message):
            self._portfolio, self._portfolio_message = portfolio, message
            if self._portfolio_mode:
                self.refresh_lines()

    def toggle_portfolio(self) -> bool:
        """Plain balances ⇄ portfolio mode; True when the portfolio is now shown."""
        self._portfolio_mode = not self._portfolio_mode
        self._offset = 0
        if self.on_portfolio_mode is not None:
            self.on_portfolio_mode(self._portfolio_mode)
        self.refresh_lines()
        return self._portfolio_mode

    @property
    def portfolio_mode(self) -> bool:
        return self._portfolio_mode

    def set_freshness(self, age_ms: int | None, stale: bool, degraded_reason: str | None = None) -> None:
        """The account feed's freshness; in portfolio mode, stale prices make the pane stale too
        (with their age, when older)."""
        self._feed_freshness = (age_ms, stale, degraded_reason)
        prices = self.prices_freshness() if self._portfolio_mode and self.prices_freshness is not None else None
        if prices is not None and prices[1]:
            stale = True
            if prices[0] is not None and (age_ms is None or prices[0] > age_ms):
                age_ms = prices[0]
        super().set_freshness(age_ms, stale, degraded_reason)

    def recheck_freshness(self) -> None:
        """Mark the freshness again (the portfolio's prices were read, or the mode changed)."""
        self.set_freshness(*self._feed_freshness)

    # --- state out ----------------------------------------------------------------

    @property
    def kind(self) -> AccountKind:
        return self._kind

    @property
    def show_zero(self) -> bool:
        return self._show_zero

    def balances_of(self, kind: AccountKind) -> list[Balance]:
        """The balances of ``kind`` as listed (zero ones included), by asset."""
        if self._account is None:
            return []
        balances = {
            "spot": self._account.spot_balances,
            "contract": self._account.contract_balances,
            "option": self._account.option_balances,
        }[kind]
        return sorted(balances, key=lambda balance: balance.asset)

    def visible_balances(self) -> list[Balance]:
        """The rows the pane lists for the current kind."""
        balances = self.balances_of(self._kind)
        if self._show_zero:
            return balances
        return [balance for balance in balances if not (balance.free + balance.locked).is_zero()]

    # --- actions ----------------------------------------------------------------

    def action_next_kind(self) -> None:
        self._cycle(1)

    def action_previous_kind(self) -> None:
        self._cycle(-1)

    def action_toggle_zero(self) -> None:
        self.toggle_zero()

    def action_toggle_portfolio(self) -> None:
        self.toggle_portfolio()

    def action_scroll_down(self) -> None:
        self._scroll(1)

    def action_scroll_up(self) -> None:
        self._scroll(-1)

    def _cycle(self, delta: int) -> None:
        index = ACCOUNT_KINDS.index(self._kind)
        self.set_kind(ACCOUNT_KINDS[(index + delta) % len(ACCOUNT_KINDS)])

    def _scroll(self, delta: int) -> None:
        offset = min(max(0, self._offset + delta), max(0, len(self.visible_balances()) - 1))
        if offset != self._offset:
            self._offset = offset
            self.refresh_lines()

    # --- drawing --------------------------------------------------------------------

    def header_text(self) -> Text:
        hidden = len(self.balances_of(self._kind)) - len(self.visible_balances())
        parts = [self._caption] if self._caption else []
        if self._portfolio_mode:
            parts.append("portfolio (m)")
        elif hidden:
            parts.append(f"{hidden} zero hidden (z)")
        elif self._show_zero:
            parts.append("zero shown (z)")
        return Text(" · ".join(parts), style=self.style_of("pane--caption"), end="")

    def _amount(self, asset: str, value: Decimal) -> str:
        if self.private:
            return self.mask("")
        decimals = self._asset_decimals.get(asset)
        return format_amount(value) if decimals is None else format_fixed(value, decimals)

    def render_body(self, width: int, height: int) -> list[Text]:
        if self._portfolio_mode:
            return self._portfolio_body(width, height)
        lines = [self._tabs_line(width)]
        balances = self.visible_balances()
        if not balances:
            what = _KIND_TITLES[self._kind].lower()
            has_any = bool(self.balances_of(self._kind))
            message = f"only zero {what} balances (z shows them)" if has_any else f"no {what} balances"
            lines.append(Text(message, style=self.style_of("pane--placeholder")))
            return lines
        rows = [
            (
                b.asset,
                self._amount(b.asset, b.free),
                self._amount(b.asset, b.locked),
                self._amount(b.asset, b.free + b.locked),
            )
            for b in balances
        ]
        asset_width = max([5, *(len(row[0]) for row in rows)])
        free_width = max([4, *(len(row[1]) for row in rows)])
        locked_width = max([6, *(len(row[2]) for row in rows)])
        total_width = max([5, *(len(row[3]) for row in rows)])
        show_total = asset_width + free_width + total_width + 2 <= width
        show_locked = show_total and asset_width + free_width + locked_width + total_width + 3 <= width
        if not show_locked and any(b.locked for b in balances):  # funds held by orders: Locked before Total
            show_locked = asset_width + free_width + locked_width + 2 <= width
            all_four = asset_width + free_width + locked_width + total_width + 3 <= width
            show_total = show_total and show_locked and all_four
        titles = self.style_of("pane--column")
        title_cells = [fit("Asset", asset_width, style=titles), fit("Free", free_width, "right", titles)]
        if show_locked:
            title_cells.append(fit("Locked", locked_width, "right", titles))
        if show_total:
            title_cells.append(fit("Total", total_width, "right", titles))
        lines.append(join_cells(title_cells))
        notes = self._unexplained if self._kind == "spot" else []
        if self.private and notes:  # the amounts are hidden, the fact is not
            notes = ["locked funds not in any order found yet"]
        notes = [part for note in notes for part in (textwrap.wrap(note, max(8, width)) or [""])]
        visible_rows = max(0, height - 2 - len(notes))
        self._offset = min(self._offset, max(0, len(rows) - visible_rows))
        for asset, free, locked, total in rows[self._offset : self._offset + visible_rows]:
            cells = [fit(asset, asset_width, style=self.style_of("pane--caption")), fit(free, free_width, "right")]
            if show_locked:
                cells.append(fit(locked, locked_width, "right", self.style_of("pane--muted")))
            if show_total:
                cells.append(fit(total, total_width, "right"))
            lines.append(join_cells(cells))
        warning = self.style_of("pane--degraded")
        lines += [fit(note, width, style=warning) for note in notes]
        return lines

    def _portfolio_body(self, width: int, height: int) -> list[Text]:
        from jextui.ui.widgets.portfolio_rows import portfolio_body

        notes = ["locked funds not in any order found yet"] if self.private and self._unexplained else self._unexplained
        return portfolio_body(
            self._portfolio,
            self._portfolio_message,
            width=width,
            height=height,
            private=self.private,
            notes=notes,
            style_of=self.style_of,
            offset=self._offset,
        )

    def _tabs_line(self, width: int) -> Text:
        """The three account kinds, the current one highlighted: with their
        balance counts when there is room, else by name, else abbreviated."""
        counts = {kind: len(self.balances_of(kind)) for kind in ACCOUNT_KINDS}
        variants = (
            {kind: f" {_KIND_TITLES[kind]} {counts[kind]} " for kind in ACCOUNT_KINDS},
            {kind: f" {_KIND_TITLES[kind]} " for kind in ACCOUNT_KINDS},
            {kind: f" {_KIND_SHORT[kind]} " for kind in ACCOUNT_KINDS},
        )
        labels = next((v for v in variants if sum(map(len, v.values())) + 2 <= width), variants[-1])
        line = Text(no_wrap=True, end="")
        for position, kind in enumerate(ACCOUNT_KINDS):
            if position:
                line.append(" ")
            component = "balances--tab-current" if kind == self._kind else "balances--tab"
            line.append(labels[kind], self.style_of(component))
        return fit(line, width)
