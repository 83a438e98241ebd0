"""The trading actions' safety nets, through the running console: a fill that
beats a cancel, cancel-all without a fresh order list, and failures nobody
expected while submitting or cancelling."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support.app_harness import make_test_app, sandbox_of, wait_for_data, wait_until
from support.trading_ui import (
    SYMBOL,
    exchange_orders,
    open_ticket,
    place_from_ticket,
    resting_buy_price,
    second_trader,
    type_into,
    wait_for_open_order,
)

from jextui.trading.submit import OrderSubmitter
from jextui.ui.screens.confirm import ConfirmScreen

OPEN_ORDERS_PATH = "/api/v1/spot/openOrders"


def said(app: Any, severity: str) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == severity]


async def test_a_fill_that_beats_the_cancel_is_a_warning_not_an_error(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        bid, ask = app.store.best_bid_ask(SYMBOL)
        assert bid is not None and ask is not None
        inside = ((bid + ask) / 2).quantize(Decimal("0.01"))
        order_id = await place_from_ticket(pilot, inside)
        await wait_for_open_order(pilot, order_id)
        [listed] = [o for o in app.main.panes.open_orders.orders if int(o.order_id) == order_id]
        async with second_trader(app) as other:
            await other.sync_time()
            await other.new_order(SYMBOL, "SELL", Decimal("0.001"), inside, resp_type="RESULT")  # fills it
        app.trading.cancel_order(listed)  # the pane still lists it: the cancel comes too late
        refused = f"Cancel of order {order_id} refused: The order is no longer open (already filled or cancelled)."
        await wait_until(pilot, lambda: refused in said(app, "warning"), what="the late cancel's warning")
        assert not any(str(order_id) in text for text in said(app, "error"))


async def test_cancel_all_uses_the_listed_orders_when_the_exchange_cannot_list_them(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        order_id = await place_from_ticket(pilot, await resting_buy_price(app))
        await wait_for_open_order(pilot, order_id)
        sandbox = sandbox_of(app)
        sandbox.set_faults(error_5xx_rate=1.0, paths=(OPEN_ORDERS_PATH,))  # no fresh list to be had
        try:
            await pilot.press("C", "s")  # the active symbol's orders
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")
            await pilot.press("y")
            await wait_until(
                pilot,
                lambda: f"Cancelled 1 of 1 open order on {SYMBOL}." in app.trading.announcer.announced,
                what="the cancel-all report",
            )
        finally:
            sandbox.set_faults(error_5xx_rate=0.0, paths=())
        assert await exchange_orders(app) == []


async def test_an_unexpected_failure_while_sending_is_an_unknown_outcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken_submit(self: OrderSubmitter, *args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the submit path")

    monkeypatch.setattr(OrderSubmitter, "submit", broken_submit)
    app = make_test_app(tmp_path, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        ticket = await open_ticket(pilot)
        await type_into(pilot, ticket, "price", f"{await resting_buy_price(app):f}")
        await type_into(pilot, ticket, "quantity", "0.001")
        await pilot.press("enter")
        await wait_until(pilot, lambda: ticket.result_text.startswith("OUTCOME UNKNOWN"), what="the outcome")
        assert "not resent" in ticket.result_text and "Unexpected failure" in ticket.result_text
        assert app.is_running and await exchange_orders(app) == []


async def test_an_unexpected_failure_while_cancelling_is_said_and_the_order_can_be_cancelled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_test_app(tmp_path, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        order_id = await place_from_ticket(pilot, await resting_buy_price(app))
        await wait_for_open_order(pilot, order_id)
        working_cancel = OrderSubmitter.cancel

        async def broken_cancel(self: OrderSubmitter, *args: object, **kwargs: object) -> None:
            raise RuntimeError("a bug in the cancel path")

        monkeypatch.setattr(OrderSubmitter, "cancel", broken_cancel)
        pane = app.main.panes.open_orders
        pane.focus()
        assert pane.select_order(order_id)
        await pilot.press("c")
        await wait_until(
            pilot,
            lambda: any(text.startswith(f"Cancel of order {order_id}:") for text in said(app, "error")),
            what="the failed cancel",
        )
        assert [int(o.order_id) for o in await exchange_orders(app)] == [order_id]  # still open
        monkeypatch.setattr(OrderSubmitter, "cancel", working_cancel)
        await pilot.press("c")  # not "already being cancelled": the failed attempt is over
        await wait_for_open_order(pilot, order_id, present=False)
        assert await exchange_orders(app) == []


async def test_amend_with_no_order_selected_says_how_to_pick_one(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        assert app.main.panes.open_orders.orders == []
        await pilot.press("e")
        hint = "No open order is selected: Tab to the open-orders pane and pick one with ↑/↓."
        await wait_until(pilot, lambda: hint in said(app, "warning"), what="the hint to pick an order")
        assert not isinstance(app.screen, ConfirmScreen)


async def test_with_trading_off_a_listed_order_is_not_cancelled(tmp_path: Path) -> None:
    unusable = tmp_path / "journal-is-a-directory"
    unusable.mkdir()  # the journal cannot be opened: trading is off, the account is still shown
    app = make_test_app(tmp_path, journal_path=unusable, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        client = app.session.client
        assert client is not None
        placed = await client.new_order(SYMBOL, "BUY", Decimal("0.001"), await resting_buy_price(app))
        order_id = int(placed.order_id)
        [listed] = [o for o in await exchange_orders(app) if int(o.order_id) == order_id]
        app.trading.cancel_order(listed)
        refused = lambda: any(t.startswith("Cannot cancel: trading is off (") for t in said(app, "error"))  # noqa: E731
        await wait_until(pilot, refused, what="the refusal to cancel")
        assert [int(o.order_id) for o in await exchange_orders(app)] == [order_id]  # nothing was sent
