"""Open orders pane: selectable rows, selection kept by order id, privacy."""

from __future__ import annotations

import pytest
from support.widget_harness import UTC, HarnessApp, line_with, order, sample_orders, style_in_line

from jextui.ui.messages import OrderActivated, OrderHighlighted
from jextui.ui.widgets.open_orders import OpenOrdersView


def view() -> OpenOrdersView:
    orders = OpenOrdersView(time_zone=UTC)
    orders.set_precisions({"BTCUSDT": (2, 3)})
    return orders


async def test_rows_newest_first_with_every_column() -> None:
    orders = view()
    async with HarnessApp(orders).run_test(size=(90, 10)) as pilot:
        orders.update_orders(sample_orders())
        await pilot.pause()
        lines = orders.plain_lines()
        assert lines[0].startswith("3 open")
        assert lines[1].split() == ["Time", "Symbol", "Side", "Price", "Qty", "Filled", "Status", "Id"]
        assert lines[2].split() == ["22:13:23", "BTCUSDT", "BUY", "43,100.00", "1.000", "0.0%", "new", "1003"]
        assert lines[3].split() == ["22:13:22", "BTCUSDT", "SELL", "43,215.00", "0.250", "40.0%", "partial", "1002"]
        assert style_in_line(orders, "1002", "SELL").color == orders.style_of("pane--sell").color
        assert style_in_line(orders, "1003", "BUY").color == orders.style_of("pane--buy").color


async def test_cursor_moves_and_posts_the_highlighted_order() -> None:
    orders = view()
    app = HarnessApp(orders)
    async with app.run_test(size=(90, 10)) as pilot:
        orders.update_orders(sample_orders())
        orders.focus()
        await pilot.press("down", "j")
        selected = orders.selected_order
        assert selected is not None and int(selected.order_id) == 1001
        await pilot.press("k", "enter")
        await pilot.pause()
        highlighted = [m.order and int(m.order.order_id) for m in app.messages_of(OrderHighlighted)]  # type: ignore[attr-defined]
        assert highlighted == [1003, 1002, 1001, 1002]
        activated = app.messages_of(OrderActivated)
        assert [int(m.order.order_id) for m in activated] == [1002]  # type: ignore[attr-defined]


async def test_selection_survives_updates_by_order_id() -> None:
    orders = view()
    app = HarnessApp(orders)
    async with app.run_test(size=(90, 10)) as pilot:
        orders.update_orders(sample_orders())
        orders.focus()
        await pilot.press("down")
        assert int(orders.selected_order.order_id) == 1002  # type: ignore[union-attr]
        newer = order(1004, "BUY", "43000.00", "2.000", time_offset_ms=9_000)
        orders.update_orders([*sample_orders(), newer])  # a new row on top shifts the others down
        assert int(orders.selected_order.order_id) == 1002  # type: ignore[union-attr]
        filled_more = [o for o in sample_orders() if int(o.order_id) != 1002] + [
            order(1002, "SELL", "43215.00", "0.250", executed="0.200", status="PARTIALLY_FILLED", time_offset_ms=2_000)
        ]
        orders.update_orders([newer, *filled_more])
        assert int(orders.selected_order.order_id) == 1002  # type: ignore[union-attr]
        assert "80.0%" in line_with(orders, "1002")
        # The selected order leaves the book: the cursor goes to its neighbour.
        orders.update_orders([o for o in [newer, *filled_more] if int(o.order_id) != 1002])
        assert int(orders.selected_order.order_id) == 1001  # type: ignore[union-attr]
        await pilot.pause()
        assert [m.order and int(m.order.order_id) for m in app.messages_of(OrderHighlighted)][-1] == 1001  # type: ignore[attr-defined]
        orders.update_orders([])
        assert orders.selected_order is None
        await pilot.pause()
        assert app.messages_of(OrderHighlighted)[-1].order is None  # type: ignore[attr-defined]
        assert "no open orders" in orders.plain_lines()[1]


async def test_an_unpicked_cursor_stays_on_the_top_row_whatever_order_the_listings_arrive_in() -> None:
    # The account-wide listing grows as discovery finds orders: the first order found must not
    # become the selection, or the highlighted row would depend on which answer came first.
    oldest, middle, newest = sample_orders()  # 1001, 1002, 1003
    for arrivals in ([[oldest], [middle, oldest], [newest, middle, oldest]], [[middle], [newest, middle, oldest]]):
        orders = view()
        async with HarnessApp(orders).run_test(size=(90, 10)):
            for listed in arrivals:
                orders.update_orders(listed)
            assert int(orders.selected_order.order_id) == 1003  # type: ignore[union-attr]
            orders.focus()
            orders.action_cursor_down()  # picked: from now on the choice is kept by order id
            newer = order(1004, "BUY", "43000.00", "2.000", time_offset_ms=9_000)
            orders.update_orders([newer, newest, middle, oldest])
            assert int(orders.selected_order.order_id) == 1002  # type: ignore[union-attr]


async def test_privacy_hides_quantities() -> None:
    orders = view()
    async with HarnessApp(orders).run_test(size=(90, 10)) as pilot:
        orders.update_orders(sample_orders())
        orders.set_private(True)
        await pilot.pause()
        assert line_with(orders, "1003").split()[4] == "•••"
        assert "1.000" not in "\n".join(orders.plain_lines())


async def test_narrow_drops_secondary_columns_first() -> None:
    orders = view()
    async with HarnessApp(orders).run_test(size=(40, 10)) as pilot:
        orders.update_orders(sample_orders())
        await pilot.pause()
        assert orders.plain_lines()[2].split() == ["22:13:23", "BUY", "43,100.00", "1.000", "0.0%"]
    orders = view()
    async with HarnessApp(orders).run_test(size=(32, 10)) as pilot:
        orders.update_orders(sample_orders())
        await pilot.pause()
        assert orders.plain_lines()[2].split() == ["BUY", "43,100.00", "1.000", "0.0%"]


async def test_programmatic_selection() -> None:
    orders = view()
    async with HarnessApp(orders).run_test(size=(90, 10)):
        orders.update_orders(sample_orders())
        assert orders.select_order(1001)
        assert int(orders.selected_order.order_id) == 1001  # type: ignore[union-attr]
        assert not orders.select_order(999)


async def test_cursor_stays_visible_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    orders = view()
    app = HarnessApp(orders)
    assert app.no_color
    async with app.run_test(size=(90, 10)) as pilot:
        orders.update_orders(sample_orders())
        orders.focus()
        await pilot.press("down")
        row = next(strip for strip in orders.content_strips() if "1002" in strip.text)
        assert all(segment.style and segment.style.reverse for segment in row if segment.text.strip())
