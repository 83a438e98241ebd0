"""The order ticket: a buy or sell LIMIT order for the active symbol, from the keyboard.

Fields: price, quantity, time in force (GTC / IOC / FOK).  Keys (listed on
the ticket's last line):

* ``↑`` / ``↓`` — one tick up / down on the price field (one quantity step on
  the quantity field);
* ``Alt+1``-``Alt+4`` (or ``F1``-``F4``) — quantity to 25 / 50 / 75 / 100 % of
  what the free balance allows (digits type into the fields);
* ``Ctrl+O`` — limit ↔ marketable (a capped IOC priced from the book, with
  its estimate shown before sending: :mod:`jextui.ui.screens.ticket_modes`);
* ``←`` / ``→`` (or ``g`` ``i`` ``f``) on the time-in-force field;
* Enter — send (after the fat-finger check and the confirmation step);
* ``Ctrl+T`` — send to ``order/test`` instead: a dry run, said so in capitals;
* Esc — close (an order in flight is still followed and its outcome announced).

The quantity field takes a quantity, an amount (``500usdt``) or a share
(``37%``); the quantity it gives is shown beside it.  An amend ticket
(``amend=order``) is prefilled from the order and Enter replaces it.

Every problem is shown next to its field in words while typing (an empty
field only after a send was tried) and nothing is sent while any remains.
An order that would trade far past the best price (the guard that looks
at what would execute) needs an explicit ``y`` in a second dialog naming the
estimated average and the levels; Enter alone never confirms it.  A resting
order far from the last price only gets a hint.  The summary shows
the total, the fee estimate (maker or taker, from tradeFee) and the free
balances now and after a complete fill.  Privacy mode hides the quantity,
the total, the fee and the balances.

Sending is the host's job (the trading controller): it runs the request in
an app-level worker, so closing the ticket never interrupts an order, and
posts :class:`~jextui.ui.messages.OrderProgress` messages to the ticket:
sending, checking (the answer was lost: "outcome unknown — checking…") and
the outcome.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal
from typing import ClassVar, Protocol

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from jextui.api.models import Order, SymbolInfo
from jextui.trading.guard import GuardVerdict
from jextui.trading.marketable import MarketableRefusal
from jextui.trading.sizing import SizeResult
from jextui.trading.submit import OutcomeKind, SubmitOutcome
from jextui.trading.ticket import (
    FIELD_BALANCE,
    FIELD_PRICE,
    FIELD_QUANTITY,
    FIELD_SIDE,
    FIELD_SYMBOL,
    FIELD_TIME_IN_FORCE,
    FIELD_TOTAL,
    OrderRequest,
    OrderTicket,
    format_decimal,
)
from jextui.ui.format import MASK, format_amount, format_fixed, format_plain, format_price
from jextui.ui.keymap import bindings_for, keys_label
from jextui.ui.messages import OrderProgress
from jextui.ui.order_outcome_text import outcome_text
from jextui.ui.screens.confirm import ConfirmScreen
from jextui.ui.screens.ticket_modes import (
    BookView,
    effective_ticket,
    fill_words,
    guard_verdict,
    marketable_plan,
    size_hint,
    size_key_in,
)
from jextui.ui.widgets.in_order_input import InOrderInput
from jextui.ui.widgets.time_in_force import TimeInForceSelector

__all__ = ["TicketHost", "TicketScreen", "TimeInForceSelector", "MarketContext", "outcome_text"]

MarketContext = Mapping[str, object]
"""Keyword arguments for the ticket model: free_balances, fee, last_price, best_bid, best_ask."""


class TicketHost(Protocol):
    """What the ticket needs from the trading controller."""

    @property
    def private(self) -> bool: ...

    @property
    def confirm_orders(self) -> bool: ...

    @property
    def fat_finger_pct(self) -> Decimal: ...

    def trading_off_reason(self) -> str | None: ...

    def market_context(self, symbol: str) -> MarketContext: ...

    def send_order(self, ticket: TicketScreen, request: OrderRequest, dry_run: bool) -> None:
        """Send the order; its progress comes back to ``ticket`` as :class:`OrderProgress` messages."""

    def replace_order(self, ticket: TicketScreen, order: Order, request: OrderRequest) -> None:
        """Replace ``order`` by ``request`` (amend); progress comes back as :class:`OrderProgress`."""

    @property
    def fat_finger_passive(self) -> str: ...

    @property
    def max_slippage_pct(self) -> Decimal: ...

    def book_view(self, symbol: str) -> BookView: ...

    def last_size(self, symbol: str, side: str) -> str | None: ...

    def remember_size(self, symbol: str, side: str, text: str) -> None: ...


_FIELD_MESSAGE_IDS = {
    FIELD_PRICE: "price-msg",
    FIELD_QUANTITY: "quantity-msg",
    FIELD_TIME_IN_FORCE: "tif-msg",
    FIELD_TOTAL: "total-msg",
    FIELD_BALANCE: "balance-msg",
    FIELD_SYMBOL: "general-msg",
    FIELD_SIDE: "general-msg",
}
_EMPTY_FIELD_MESSAGES = ("Enter a price.", "Enter a quantity.")


class TicketScreen(ModalScreen[None]):
    """A buy or sell ticket for one symbol."""

    DEFAULT_CSS = """
    TicketScreen { align: center middle; background: $background 40%; }
    TicketScreen > #ticket {
        width: 78;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        overflow-y: auto;
        border: heavy $buy;
        border-title-style: bold;
        border-title-color: $buy;
        padding: 0 1;
        background: $surface;
    }
    TicketScreen.-sell > #ticket { border: heavy $sell; border-title-color: $sell; }
    TicketScreen #ticket-market { color: $foreground-muted; height: 1; }
    TicketScreen #ticket-off { color: $error; text-style: bold; height: auto; }
    TicketScreen .ticket-row { height: 1; margin-top: 1; }
    TicketScreen .ticket-label { width: 17; height: 1; }
    TicketScreen .ticket-hint { width: 1fr; height: 1; color: $foreground-muted; padding-left: 1; }
    TicketScreen Input { width: 24; height: 1; border: none; padding: 0 1; background: $boost; }
    TicketScreen Input:focus { border: none; background: $primary 35%; }
    TicketScreen Input.-problem, TicketScreen Input.-problem:focus { border: none; background: $error 30%; }
    TicketScreen .ticket-msg { height: auto; color: $error; padding-left: 17; }
    TicketScreen .ticket-msg.-warn { color: $warning; }
    TicketScreen #ticket-summary { height: auto; margin-top: 1; }
    TicketScreen #ticket-result { height: auto; margin-top: 1; }
    TicketScreen #ticket-result.-ok { color: $success; text-style: bold; }
    TicketScreen #ticket-result.-error { color: $error; text-style: bold; }
    TicketScreen #ticket-result.-warn { color: $warning; text-style: bold; }
    TicketScreen #ticket-result.-test { color: $accent; text-style: bold; }
    TicketScreen #ticket-keys { height: auto; margin-top: 1; color: $foreground-muted; }
    """

    # Tab and Shift+Tab act the moment they are read (priority), so that keys typed right after
    # them reach the new field; every other key goes through the focused field in typing order.
    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("ticket"))  # the keymap's ticket scope

    def __init__(
        self,
        host: TicketHost,
        side: str,
        info: SymbolInfo,
        level_price: Decimal | None = None,
        *,
        amend: Order | None = None,
    ) -> None:
        super().__init__(classes="-sell" if side == "SELL" else "-buy")
        self.host = host
        self.amend = amend  # the order this ticket replaces (Enter: cancel it, then place this)
        self.ticket = OrderTicket.for_symbol("SELL" if side == "SELL" else "BUY", info)
        self.ticket.fat_finger_pct = host.fat_finger_pct
        self.refresh_context()
        self.marketable = False  # a capped IOC order priced from the book (toggled in the ticket)
        self.sent_marketable = False
        self.size_text = ""  # what the quantity field holds (a quantity, 500usdt or 37%)
        self.size_result: SizeResult | None = None
        if amend is not None:
            self.ticket.price_text = format_decimal(amend.price, self.ticket.rules.price_decimals)
            remaining = max(Decimal(0), amend.orig_qty - amend.executed_qty)
            self.size_text = format_decimal(remaining, self.ticket.rules.quantity_decimals)
        else:
            self.ticket.prefill_price(level_price)
            self.size_text = host.last_size(self.symbol, self.ticket.side) or ""
        self._apply_size()
        self.attempted = False
        self.in_flight = False
        self.result_text = ""
        self.result_history: list[str] = []  # every result line shown, oldest first
        self.last_placed: OrderRequest | None = None
        self._repeat_armed = False
        self._texts_shown: dict[str, str] = {}

    # -- layout --

    @property
    def symbol(self) -> str:
        return self.ticket.rules.symbol

    def compose(self) -> ComposeResult:
        rules = self.ticket.rules
        with Vertical(id="ticket") as frame:
            frame.border_title = self._title()
            yield Static("", id="ticket-market", markup=False)
            yield Static("", id="ticket-off", markup=False)
            yield Static("", id="general-msg", classes="ticket-msg", markup=False)
            with Horizontal(classes="ticket-row"):
                yield Static(f"Price ({rules.quote_asset})", classes="ticket-label", markup=False)
                yield InOrderInput(self.ticket.price_text, id="price", select_on_focus=False)
                yield Static(
                    f"↑/↓ one tick ({format_plain(rules.price_grid)})",
                    id="price-hint",
                    classes="ticket-hint",
                    markup=False,
                )
            yield Static("", id="price-msg", classes="ticket-msg", markup=False)
            with Horizontal(classes="ticket-row"):
                yield Static(f"Quantity ({rules.base_asset})", classes="ticket-label", markup=False)
                yield InOrderInput(self.size_text, id="quantity", select_on_focus=False, password=self.host.private)
                yield Static("", id="quantity-hint", classes="ticket-hint", markup=False)
            yield Static("", id="quantity-msg", classes="ticket-msg", markup=False)
            with Horizontal(classes="ticket-row"):
                yield Static("Time in force", classes="ticket-label", markup=False)
                yield TimeInForceSelector(id="tif")
                yield Static("←/→ change", classes="ticket-hint", markup=False)
            yield Static("", id="tif-msg", classes="ticket-msg", markup=False)
            yield Static("", id="ticket-preview", markup=False)
            yield Static("", id="ticket-summary", markup=False)
            yield Static("", id="total-msg", classes="ticket-msg", markup=False)
            yield Static("", id="balance-msg", classes="ticket-msg", markup=False)
            yield Static("", id="ticket-result", markup=False)
            yield Static(self._keys_line(), id="ticket-keys", markup=False)

    def _title(self) -> str:
        rules = self.ticket.rules
        if self.amend is not None:
            return f"AMEND order {int(self.amend.order_id)} · {self.ticket.side} {rules.symbol}"
        if self.marketable:
            cap = format_plain(self.host.max_slippage_pct)
            return f"{self.ticket.side} {rules.symbol} · marketable (IOC, cap {cap} %)"
        return f"{self.ticket.side} {rules.symbol} · limit order"

    def _keys_line(self) -> str:
        """The keys, with ↑/↓ said for the field that has the focus."""
        focused = self.focused.id if self.is_mounted and self.focused is not None else None
        remapped = getattr(getattr(self.app, "user_keys", None), "remapped", None)
        if remapped:  # the config file's [keys] changed some: say every key as it is bound
            return _remapped_keys_line(remapped, focused == "quantity", self.amend is not None)
        arrows = "↑↓ quantity step" if focused == "quantity" else "↑↓ price tick"
        send = "Enter replace" if self.amend is not None else "Enter send"
        mode = "" if self.amend is not None else " · Ctrl+O limit/marketable"
        return f"{send} · Ctrl+T test · Alt+1-4 (F1-F4) 25-100 % · {arrows}{mode} · Tab field · Esc close"

    def on_descendant_focus(self, _event: object) -> None:
        self._show("ticket-keys", self._keys_line())

    def on_mount(self) -> None:
        self.watch(self.app, "private", self.set_private, init=False)  # the app's privacy mode
        self.query_one("#price" if self.amend is not None else "#quantity", Input).focus()
        if self.amend is None and self.size_text:
            self.query_one("#quantity", Input).select_all()  # the last size is offered: typing replaces it
        self.query_one("#ticket-result", Static).display = False
        self.redraw()
        stale = self._stale_note()
        if stale is not None:  # opened on stale data: said from the start
            self.show_result(stale, "warn")

    # -- model <-> widgets --

    def refresh_context(self) -> None:
        """Take the latest balances, fee and prices from the host."""
        for name, value in self.host.market_context(self.symbol).items():
            setattr(self.ticket, name, value)

    def market_changed(self) -> None:
        """New market or account data arrived: update the summary and the checks (if it changed)."""
        before = self._context_now()
        self.refresh_context()
        if self.is_mounted and self._context_now() != before:
            self.redraw()

    def _context_now(self) -> tuple[object, ...]:
        ticket = self.ticket
        balances = ticket.free_balances
        return (
            ticket.last_price,
            ticket.best_bid,
            ticket.best_ask,
            ticket.fee,
            None if balances is None else tuple(sorted(balances.items())),
        )

    def set_private(self, private: bool) -> None:
        if self.is_mounted:
            self.query_one("#quantity", Input).password = private
            self.redraw()

    def on_input_changed(self, event: Input.Changed) -> None:
        cleaned, share = size_key_in(event.value)
        if share is not None:  # Alt+1..4 as the terminal delivered it: a size key, not text
            self._set_input(event.input.id or "", cleaned)
            self.action_size(share)
            return
        before = self.ticket.price_text, self.size_text
        if event.input.id == "price":
            self.ticket.price_text = event.value
        elif event.input.id == "quantity":
            self.size_text = event.value
        if self.result_text.startswith("Not sent") and before != (self.ticket.price_text, self.size_text):
            self.show_result("", "")  # it spoke of the order as it was; it has changed since
        self._apply_size()
        self._repeat_armed = False
        self.redraw()

    def on_time_in_force_selector_changed(self, event: TimeInForceSelector.Changed) -> None:
        self.ticket.time_in_force = event.value
        self._repeat_armed = False
        self.redraw()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_send()

    def _read_fields(self) -> None:
        """Take what the fields hold now (their change messages may still be on their way)."""
        self.ticket.price_text = self.query_one("#price", Input).value
        self.size_text = self.query_one("#quantity", Input).value
        self.ticket.time_in_force = self.query_one("#tif", TimeInForceSelector).value
        self._apply_size()

    def _apply_size(self) -> None:
        """The quantity the size text gives (500usdt, 37% or a plain quantity) becomes the ticket's."""
        self.ticket.quantity_text = effective_ticket(self.ticket, self.size_text).quantity_text
        self.size_result, _ = size_hint(
            self.size_text, dataclasses.replace(self.ticket, quantity_text=""), private=self.host.private
        )

    def _set_input(self, name: str, value: str) -> None:
        field = self.query_one(f"#{name}", Input)
        with field.prevent(Input.Changed):
            field.value = value
        field.cursor_position = len(value)

    # -- drawing --

    def redraw(self) -> None:
        if self.marketable:
            self._price_at_the_cap()
        self._apply_size()
        self._draw_market()
        self._draw_trading_off()
        self._draw_messages()
        self._draw_preview()
        self._draw_summary()

    def _draw_preview(self) -> None:
        """Beside the quantity: what a size by amount gives; below: the marketable estimate."""
        _, hint = size_hint(
            self.size_text, dataclasses.replace(self.ticket, quantity_text=""), private=self.host.private
        )
        self._show("quantity-hint", hint or "500usdt · 37% · Alt+1-4 25-100 %")
        text = ""
        if self.marketable:
            plan = marketable_plan(self.ticket, self.host)
            if isinstance(plan, MarketableRefusal):
                text = f"Marketable: {plan.reason}"
            else:
                self._set_marketable_price(plan.limit_price)
                text = (
                    "Estimate from the book now: " + plan.describe(self.ticket.rules)
                    if not self.host.private
                    else "Estimate hidden (privacy)."
                )
        self._show("ticket-preview", text, hide_empty=True)

    def _price_at_the_cap(self) -> None:
        """The marketable order's limit (the best price moved by the cap) is its price, before sizing,
        so an amount (500usdt) never buys more than it pays for at the cap."""
        one_step = dataclasses.replace(self.ticket, quantity_text=format_decimal(self.ticket.rules.quantity_grid))
        plan = marketable_plan(one_step, self.host)
        if not isinstance(plan, MarketableRefusal):
            self._set_marketable_price(plan.limit_price)

    def _set_marketable_price(self, price: Decimal) -> None:
        text = format_decimal(price, self.ticket.rules.price_decimals)
        if self.ticket.price_text != text:
            self.ticket.price_text = text
            self._set_input("price", text)

    def _draw_market(self) -> None:
        ticket, decimals = self.ticket, self.ticket.rules.price_decimals

        def shown(value: Decimal | None) -> str:
            return "—" if value is None else format_price(value, decimals)

        line = f"Last {shown(ticket.last_price)} · Bid {shown(ticket.best_bid)} · Ask {shown(ticket.best_ask)}"
        self._show("ticket-market", line)

    def _draw_trading_off(self) -> None:
        reason = self.host.trading_off_reason()
        self._show("ticket-off", f"Trading is off: {reason}" if reason else "", hide_empty=True)

    def field_messages(self) -> dict[str, str]:
        """What is wrong, by field, as the ticket shows it now."""
        errors = self.ticket.validate()
        size = self.size_result
        if size is not None and size.text.kind is None and size.error and self.size_text.strip():
            errors[FIELD_QUANTITY] = size.error  # not a size at all: the size reader's words
        if not self.attempted:
            errors = {field: text for field, text in errors.items() if text not in _EMPTY_FIELD_MESSAGES}
        return errors

    def _draw_messages(self) -> None:
        errors = self.field_messages()
        fat_finger = self.ticket.needs_fat_finger_confirmation
        fat_finger = fat_finger and FIELD_PRICE in errors and FIELD_PRICE not in self._other_problems()
        if fat_finger:  # the price's only problem is its distance: the guard that looks at the book words it
            verdict = self._guard()
            if verdict.kind == "clear":
                del errors[FIELD_PRICE]
            else:
                errors[FIELD_PRICE] = verdict.text + (
                    " Enter asks to confirm it." if verdict.needs_confirmation else ""
                )
        by_widget: dict[str, list[str]] = {}
        for field, text in errors.items():
            by_widget.setdefault(_FIELD_MESSAGE_IDS.get(field, "general-msg"), []).append(text)
        for widget_id in dict.fromkeys(_FIELD_MESSAGE_IDS.values()):
            widget = self._show(widget_id, " ".join(by_widget.get(widget_id, [])), hide_empty=True)
            widget.set_class(widget_id == "price-msg" and fat_finger and FIELD_PRICE in errors, "-warn")
        self.query_one("#price", Input).set_class(FIELD_PRICE in errors and not fat_finger, "-problem")
        self.query_one("#quantity", Input).set_class(FIELD_QUANTITY in errors, "-problem")

    def _show(self, widget_id: str, text: str, *, hide_empty: bool = False) -> Static:
        """Put ``text`` in a Static, touching it only when it changes (market data arrives often)."""
        widget = self.query_one(f"#{widget_id}", Static)
        if self._texts_shown.get(widget_id) != text:
            self._texts_shown[widget_id] = text
            widget.update(text)
        if hide_empty and widget.display != bool(text):
            widget.display = bool(text)
        return widget

    def _amount(self, value: Decimal | None, asset: str, decimals: int | None = None) -> str:
        if value is None:
            return "—"
        shown = format_amount(value) if decimals is None else format_fixed(value, decimals)
        return f"{MASK if self.host.private else shown} {asset}"

    def _draw_summary(self) -> None:
        ticket, rules = self.ticket, self.ticket.rules
        estimate = ticket.estimate()
        free = ticket.free_balances
        lines = []
        if estimate is None:
            lines.append(f"{'Total':<17}—")
        else:
            lines.append(f"{'Total':<17}{self._amount(estimate.notional, rules.quote_asset, rules.price_decimals)}")
            fee_label = f"Fee ({estimate.liquidity})"
            if estimate.fee_amount is None or estimate.fee_rate is None:
                lines.append(f"{fee_label:<17}unknown (trade fees not loaded)")
            else:
                rate = (estimate.fee_rate * 100).quantize(Decimal("0.001"))
                lines.append(f"{fee_label:<17}≈ {self._amount(estimate.fee_amount, estimate.fee_asset)} ({rate:f} %)")
        if free is None:
            lines.append(f"{'Free now':<17}balances not loaded yet")
        else:
            base = self._amount(free.get(rules.base_asset, Decimal(0)), rules.base_asset)
            quote = self._amount(free.get(rules.quote_asset, Decimal(0)), rules.quote_asset)
            lines.append(f"{'Free now':<17}{base} · {quote}")
            if estimate is not None and estimate.base_after is not None and estimate.quote_after is not None:
                base_after = self._amount(estimate.base_after, rules.base_asset)
                quote_after = self._amount(estimate.quote_after, rules.quote_asset)
                lines.append(f"{'After full fill':<17}{base_after} · {quote_after}")
        self._show("ticket-summary", "\n".join(lines))

    def show_result(self, text: str, level: str) -> None:
        """The result line (level: ok, error, warn, test, or "" for plain)."""
        self.result_text = text
        if text:
            self.result_history.append(text)
        if not self.is_mounted:
            return
        result = self._show("ticket-result", text, hide_empty=True)
        for name in ("ok", "error", "warn", "test"):
            result.set_class(level == name, f"-{name}")

    # -- keys --

    def action_close(self) -> None:
        if self.in_flight:
            self.app.notify("The order is still being sent; its outcome will be announced.", title="Order ticket")
        self.dismiss(None)

    def action_next_field(self, step: int) -> None:
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_nudge(self, steps: int) -> None:
        self._read_fields()
        focused = self.focused
        if focused is not None and focused.id == "quantity":
            self._step_quantity(steps)
            return
        if self.ticket.nudge_price(steps):
            self._set_input("price", self.ticket.price_text)
            self.redraw()
        else:
            self.show_result("No price to start from yet: type one.", "warn")

    def _step_quantity(self, steps: int) -> None:
        grid = self.ticket.rules.quantity_grid
        current = self.ticket.quantity or Decimal(0)
        count = (current / grid).to_integral_value(rounding=ROUND_FLOOR) + steps
        quantity = max(grid, count * grid)
        self.ticket.quantity_text = format_decimal(quantity, self.ticket.rules.quantity_decimals)
        self.size_text = self.ticket.quantity_text
        self._set_input("quantity", self.ticket.quantity_text)
        self.redraw()

    def action_size(self, pct: int) -> None:
        self._read_fields()
        problem = self.ticket.size_pct(pct)
        if problem is not None:
            self.show_result(f"{pct} %: {problem}", "warn")
            return
        self.size_text = self.ticket.quantity_text
        self._set_input("quantity", self.ticket.quantity_text)
        self.show_result("", "")
        self.redraw()

    def action_test_order(self) -> None:
        self.action_send(dry_run=True)

    def action_send(self, dry_run: bool = False) -> None:
        if self.in_flight:
            self.show_result("Sending… wait for the answer.", "warn")
            return
        reason = self.host.trading_off_reason()
        if reason is not None:
            self.show_result(f"Not sent: trading is off ({reason})", "error")
            return
        self.attempted = True
        self._read_fields()
        self.refresh_context()
        self.redraw()
        if self._other_problems():
            self.show_result("Not sent: fix what is marked above.", "error")
            return
        if self._asked_about_stale_data(dry_run):
            return
        self._check_and_send(dry_run)

    def _check_and_send(self, dry_run: bool) -> None:
        """The marketable price, the guard, then the confirmation and the send."""
        if self.marketable and not self._price_the_marketable():
            return
        verdict = self._guard()
        if verdict.needs_confirmation:
            self._ask_fat_finger(dry_run, verdict)
            return
        self.ticket.confirm_fat_finger()  # the guard is satisfied (a hint, or nothing to say)
        self._confirm_and_send(dry_run)

    def _guard(self) -> GuardVerdict:
        return guard_verdict(self.ticket, self.host, self.host.fat_finger_pct)

    def _price_the_marketable(self) -> bool:
        """Price the marketable order from the book now; False (and why, in words) when it cannot be."""
        plan = marketable_plan(self.ticket, self.host)
        if isinstance(plan, MarketableRefusal):
            self.show_result(f"Not sent: {plan.reason}", "error")
            return False
        self._set_marketable_price(plan.limit_price)
        self.ticket.time_in_force = "IOC"
        self.redraw()
        return True

    def action_toggle_marketable(self) -> None:
        if self.amend is not None:
            self.show_result("An amend keeps the order a limit order.", "warn")
            return
        self.marketable = not self.marketable
        tif = self.query_one("#tif", TimeInForceSelector)
        price = self.query_one("#price", Input)
        price.disabled = self.marketable
        if self.marketable:
            tif.action_choose("IOC")
            self.query_one("#quantity", Input).focus()
        self.query_one("#ticket", Vertical).border_title = self._title()
        self.show_result("", "")
        self.redraw()

    def _stale_note(self) -> str | None:
        note = getattr(self.host, "stale_market_note", None)
        return note(self.symbol) if callable(note) else None

    def _asked_about_stale_data(self, dry_run: bool) -> bool:
        """On stale market data, ask before sending (jextui.ui.stale_ticket); True when asked."""
        from jextui.ui.stale_ticket import STALE_TITLE, stale_question

        note = self._stale_note()
        if note is None:
            return False

        lines, answered = stale_question(
            note,
            lambda: self._check_and_send(dry_run),
            lambda: self.show_result("Not sent: the market data is stale.", "warn"),
        )
        confirm = ConfirmScreen(
            STALE_TITLE, lines, yes_label="Send anyway", no_label="Back", yes_keys=("y",), danger=True
        )
        self.app.push_screen(confirm, answered)
        return True

    def _other_problems(self) -> dict[str, str]:
        """Everything wrong except a price that only needs the fat-finger confirmation."""
        probe = dataclasses.replace(self.ticket)
        probe.confirm_fat_finger()
        return probe.validate()

    def _ask_fat_finger(self, dry_run: bool, verdict: GuardVerdict) -> None:
        price = self.ticket.price_text

        def answered(confirmed: bool | None) -> None:
            if confirmed and self.ticket.price_text == price:
                self.ticket.confirm_fat_finger()
                self.redraw()
                self._confirm_and_send(dry_run)
            else:
                self.show_result("Not sent: change the price, or confirm it with y.", "warn")
                self.query_one("#price", Input).focus()

        lines = [
            verdict.text,
            *verdict.lines,
            "",
            f"Send {self.ticket.side} at {self._price_words()} {self.ticket.rules.quote_asset} anyway?",
        ]
        screen = ConfirmScreen(
            verdict.title, lines, yes_label="Yes, this price", no_label="Change it", yes_keys=("y",), danger=True
        )
        self.app.push_screen(screen, answered)

    def _price_words(self) -> str:
        price = self.ticket.price
        return self.ticket.price_text if price is None else format_fixed(price, self.ticket.rules.price_decimals)

    def _confirm_and_send(self, dry_run: bool) -> None:
        request = self.ticket.order_request()
        if request is None:
            self.redraw()
            self.show_result("Not sent: fix what is marked above.", "error")
            return
        if not dry_run and request == self.last_placed and not self._repeat_armed:
            self._repeat_armed = True
            self.show_result(
                "This exact order was just placed. Press Enter again to place it a second time, or change it.", "warn"
            )
            return
        if dry_run or not self.host.confirm_orders:
            self._send(request, dry_run)
            return
        if self.amend is not None:
            title = f"Replace order {int(self.amend.order_id)}?"
        else:
            title = f"Send this {request.side} order?"

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._send(request, dry_run)
            else:
                self.show_result("Not sent.", "")

        self.app.push_screen(
            ConfirmScreen(title, self.summary_lines(request), yes_label="Send", no_label="Back"), answered
        )

    def summary_lines(self, request: OrderRequest) -> list[str]:
        rules = self.ticket.rules
        quantity = MASK if self.host.private else format_fixed(request.quantity, rules.quantity_decimals)
        lines = [
            f"{request.side} {quantity} {rules.base_asset} at {format_fixed(request.price, rules.price_decimals)} "
            f"{rules.quote_asset}, {request.time_in_force}, limit order on {rules.symbol}."
        ]
        estimate = self.ticket.estimate()
        if estimate is not None:
            lines.append(
                f"Total {self._amount(estimate.notional, rules.quote_asset, rules.price_decimals)}"
                + (
                    ""
                    if estimate.fee_amount is None
                    else f", fee ≈ {self._amount(estimate.fee_amount, estimate.fee_asset)}"
                )
                + "."
            )
        return lines

    def _send(self, request: OrderRequest, dry_run: bool) -> None:
        self._repeat_armed = False
        if not dry_run:
            self.host.remember_size(self.symbol, self.ticket.side, self.size_text)
        self.sent_marketable = self.marketable
        if self.amend is not None and not dry_run:
            self.host.replace_order(self, self.amend, request)
            return
        self.host.send_order(self, request, dry_run)

    # -- how the order is getting on (from the trading controller's worker) --

    def on_order_progress(self, progress: OrderProgress) -> None:
        progress.stop()
        if progress.stage == "refused":
            self.show_result(progress.text, "error")
        elif progress.stage == "sending":
            self.in_flight = True
            self.show_result(
                progress.text
                or ("Sending the TEST order (nothing will be placed)…" if progress.dry_run else "Sending…"),
                "warn",
            )
        elif progress.stage == "replaced":
            self.in_flight = False
            self.show_result(progress.text, progress.level or "warn")
        elif progress.stage == "checking":
            self.show_result("Outcome unknown — checking… (the order is never resent)", "warn")
        elif progress.outcome is not None:
            self._show_outcome(progress.outcome, progress.request)

    def _show_outcome(self, outcome: SubmitOutcome, request: OrderRequest | None) -> None:
        self.in_flight = False
        text, level = outcome_text(outcome, private=self.host.private)
        if outcome.kind in (OutcomeKind.ACCEPTED, OutcomeKind.RESOLVED) and request is not None:
            self.last_placed = request
            if self.sent_marketable:
                text += " " + fill_words(outcome, self.ticket.rules, private=self.host.private)
        self.show_result(text, level)
        if outcome.field_errors:
            self.redraw()


def _remapped_keys_line(remapped: Mapping[str, str], on_quantity: bool, amend: bool) -> str:
    """The ticket's key line with the keys the config file's [keys] rebinds; the others as always."""

    def key(default: str, *action_ids: str) -> str:
        ids = [f"ticket.{action_id}" for action_id in action_ids]
        if not any(action_id in remapped for action_id in ids):
            return default
        return "/".join(keys_label(action_id, remapped) for action_id in ids)

    sizes = key("Alt+1-4 (F1-F4)", "size_25", "size_50", "size_75", "size_100")
    arrows = f"{key('↑↓', 'up', 'down')} {'quantity step' if on_quantity else 'price tick'}"
    mode = "" if amend else f" · {key('Ctrl+O', 'marketable')} limit/marketable"
    return (
        f"{key('Enter', 'send')} {'replace' if amend else 'send'} · {key('Ctrl+T', 'test_order')} test · "
        f"{sizes} 25-100 % · {arrows}{mode} · {key('Tab', 'next_field')} field · {key('Esc', 'close')} close"
    )
