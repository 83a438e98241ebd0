"""Helpers shared by the trading and account UI tests (no tests of its own).

Everything runs on the real console (``tests/ui/app_harness.py``): a seeded,
quiet sandbox with a fixed clock, the documented key pair, UTC times.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from jextui.api.client import JexClient
from jextui.api.models import Order
from jextui.ui.app import JexApp
from jextui.ui.screens.ticket import TicketScreen
from support.app_harness import HarnessJexApp, wait_until

SYMBOL = "BTCUSDT"


def text_of(screen: Any, selector: str) -> str:
    """What a Static shows ("" when it is hidden)."""
    widget = screen.query_one(selector, Static)
    return str(widget.content) if widget.display else ""


async def open_ticket(pilot: Pilot[Any], side: str = "BUY") -> TicketScreen:
    """Press b / s and wait until the ticket has the balances and the book."""
    app = pilot.app
    await pilot.press("b" if side == "BUY" else "s")
    await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen), what="the ticket")
    ticket = app.screen
    assert isinstance(ticket, TicketScreen)
    await wait_until(
        pilot,
        lambda: ticket.ticket.free_balances is not None and ticket.ticket.best_ask is not None,
        what="balances and the book in the ticket",
    )
    return ticket


async def type_into(pilot: Pilot[Any], ticket: TicketScreen, field: str, text: str, *, keys: bool = False) -> None:
    """Replace a field's text: focus it and set it (``keys=True``: clear it and type key by key)."""
    widget = ticket.query_one(f"#{field}", Input)
    widget.focus()
    if keys:
        widget.value = ""
        await pilot.pause()
        await pilot.press(*text)
    else:
        widget.value = text
    await pilot.pause()


def burst(app: Any, *keys: str) -> None:
    """Send keys all at once, as a fast typist or a terminal paste delivers them."""
    from textual import events

    names = {".": "full_stop"}
    for key in keys:
        character = key if len(key) == 1 else None
        event = events.Key(names.get(key, key), character)
        event.set_sender(app)
        app._driver.send_message(event)


async def resting_buy_price(app: HarnessJexApp, ticks_below_bid: int = 100) -> Decimal:
    """A BUY price that rests on the book (below the best bid)."""
    bid, _ = app.store.best_bid_ask(SYMBOL)
    assert bid is not None
    return bid - Decimal("0.01") * ticks_below_bid


async def place_from_ticket(pilot: Pilot[Any], price: Decimal, quantity: str = "0.001", side: str = "BUY") -> int:
    """Open a ticket, fill it, send it (confirming), wait for PLACED; the order id."""
    ticket = await open_ticket(pilot, side)
    await type_into(pilot, ticket, "price", f"{price:f}")
    await type_into(pilot, ticket, "quantity", quantity)
    await pilot.press("enter")
    await pilot.pause()
    app = pilot.app
    assert isinstance(app, JexApp)
    if app.settings.confirm_orders:
        await pilot.press("y")
    await wait_until(pilot, lambda: ticket.result_text.startswith("PLACED"), what="the order to be placed")
    order_id = int(ticket.result_text.split("order ")[1].split(",")[0])
    await pilot.press("escape")
    await pilot.pause()
    return order_id


async def wait_for_open_order(pilot: Pilot[Any], order_id: int, present: bool = True) -> None:
    app = pilot.app
    assert isinstance(app, JexApp)
    listed = lambda: any(int(o.order_id) == order_id for o in app.main.panes.open_orders.orders)  # noqa: E731
    await wait_until(
        pilot,
        lambda: listed() == present,
        what=f"order {order_id} {'in' if present else 'out of'} the open-orders pane",
    )


def second_trader(app: HarnessJexApp, account: str = "other-trader") -> JexClient:
    """A client for another funded account on the same sandbox (to cross our orders)."""
    sandbox = app.session.sandbox
    assert sandbox is not None
    key, secret = sandbox.add_api_key(account)
    return JexClient(sandbox.base_url, key, secret, time_ms=app.clock.now_ms)


async def exchange_orders(app: HarnessJexApp, symbol: str = SYMBOL) -> list[Order]:
    client = app.session.client
    assert client is not None
    return await client.open_orders(symbol)
