"""Open orders from the keyboard: detail, cancel, cancel all, and fills announced."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from support.app_harness import make_test_app, wait_for_data, wait_until
from support.trading_ui import (
    SYMBOL,
    exchange_orders,
    place_from_ticket,
    resting_buy_price,
    second_trader,
    wait_for_open_order,
)
from textual.widgets import Static

from jextui.ui.screens.cancel_scope import CancelScopeScreen
from jextui.ui.screens.confirm import ConfirmScreen
from jextui.ui.screens.order_detail import OrderDetailScreen


def notifications(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_detail_cancel_and_cancel_all_from_the_open_orders_pane(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await pilot.press("c")  # nothing to cancel yet: said, not an error
        assert "There is no open order to cancel." in app.trading.announcer.announced[-1]
        await pilot.press("C")
        assert app.trading.announcer.announced[-1] == "No open orders on the account to cancel."

        price = await resting_buy_price(app)
        first = await place_from_ticket(pilot, price)
        second = await place_from_ticket(pilot, price - Decimal(1))
        third = await place_from_ticket(pilot, price - Decimal(2))
        fourth = await place_from_ticket(pilot, price - Decimal(3))
        for order_id in (first, second, third, fourth):
            await wait_for_open_order(pilot, order_id)

        # Enter on the pane: the order's detail, read fresh from the exchange
        pane = app.main.panes.open_orders
        pane.focus()
        assert pane.select_order(second)
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: isinstance(app.screen, OrderDetailScreen) and app.screen.fresh, what="the order detail"
        )
        detail = app.screen
        assert isinstance(detail, OrderDetailScreen)
        assert f"Order {second}" in str(detail.query_one("#order-detail").border_title)
        fields = str(detail.query_one("#order-fields", Static).content)
        assert "NEW — open, nothing filled yet" in fields and "0.001000" in fields
        await pilot.press("escape")
        await pilot.pause()

        # c on the detail screen cancels that order, and the detail reads it again
        assert pane.select_order(third)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, OrderDetailScreen) and app.screen.fresh,
            what="the third order's detail",
        )
        detail = app.screen
        assert isinstance(detail, OrderDetailScreen)
        await pilot.press("c")
        await wait_until(pilot, lambda: detail.order.status == "CANCELED", what="the detail to show CANCELED")
        assert "CANCELED — cancelled" in str(detail.query_one("#order-fields", Static).content)
        await pilot.press("escape")
        await wait_for_open_order(pilot, third, present=False)

        # c: the selected one is cancelled, and it says so
        assert pane.select_order(second)
        await pilot.press("c")
        await wait_for_open_order(pilot, second, present=False)
        assert any(f"Order {second} on {SYMBOL} cancelled" in text for text in app.trading.announcer.announced)
        assert sorted(int(o.order_id) for o in await exchange_orders(app)) == sorted([first, fourth])

        # C: a declined confirmation cancels nothing
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CancelScopeScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert len(await exchange_orders(app)) == 2

        # C: after a confirmation, every open order of the symbol; it reports how many
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "2 open orders on BTCUSDT will be cancelled" in str(app.screen.lines[0])
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: "Cancelled 2 of 2 open orders on BTCUSDT." in app.trading.announcer.announced,
            what="the cancel-all report",
        )
        assert await exchange_orders(app) == []
        await wait_for_open_order(pilot, first, present=False)
        assert "Cancelled 2 of 2 open orders on BTCUSDT." in notifications(app)


async def test_fills_of_known_orders_are_announced_with_the_bell(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, confirm_orders=False, bell=True)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        bid, ask = app.store.best_bid_ask(SYMBOL)
        assert bid is not None and ask is not None
        inside = ((bid + ask) / 2).quantize(Decimal("0.01"))  # the best bid once placed: filled first
        order_id = await place_from_ticket(pilot, inside, quantity="0.004")
        await wait_for_open_order(pilot, order_id)
        async with second_trader(app) as other:
            await other.sync_time()
            await other.new_order(SYMBOL, "SELL", Decimal("0.001"), inside, resp_type="RESULT")
            app.session.refresh_now("open_orders")
            # amounts at the symbol's precisions and grouped digits, as the panes show them
            partial = (
                f"Partly filled: 0.001000 of BUY 0.004000 {SYMBOL} @ {inside:,.2f} (order {order_id}) "
                f"at {inside:,.2f} on average; 0.003000 left."
            )
            await wait_until(
                pilot, lambda: partial in app.trading.announcer.announced, what="the partial fill notification"
            )
            await other.new_order(SYMBOL, "SELL", Decimal("0.003"), inside, resp_type="RESULT")
            app.session.refresh_now("open_orders")
            await wait_until(
                pilot,
                lambda: any(
                    text.startswith(f"Filled: BUY 0.004000 {SYMBOL}") for text in app.trading.announcer.announced
                ),
                what="the fill notification",
            )
        fills = [text for text in notifications(app) if text.startswith(("Filled", "Partly filled"))]
        assert len(fills) == 2 and f"(order {order_id})" in fills[1]
        assert len(bells) == 2
        await wait_for_open_order(pilot, order_id, present=False)
