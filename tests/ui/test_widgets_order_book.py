"""Order book pane: layout around the spread, depth bars, own orders, level selection."""

from __future__ import annotations

from decimal import Decimal

from support.widget_harness import (
    UTC,
    HarnessApp,
    level,
    line_with,
    sample_depth,
    sample_orders,
)

from jextui.api.models import Depth
from jextui.ui.messages import LevelSelected
from jextui.ui.widgets.order_book import BookLevel, OrderBookView


def book() -> OrderBookView:
    return OrderBookView(time_zone=UTC)


def feed(view: OrderBookView) -> None:
    view.set_precision(2, 3)
    view.update_book(sample_depth())


async def test_asks_above_spread_above_bids() -> None:
    view = book()
    async with HarnessApp(view).run_test(size=(50, 18)) as pilot:
        feed(view)
        await pilot.pause()
        lines = view.plain_lines()
        spread_row = next(i for i, line in enumerate(lines) if "spread" in line)
        assert "43,210.50" in lines[spread_row - 1]  # best ask just above the spread line
        assert "43,209.50" in lines[spread_row + 1]  # best bid just below
        assert "spread 1.00" in lines[spread_row] and "mid 43,210" in lines[spread_row]
        ask_prices = [line.split()[0] for line in lines[2:spread_row]]
        assert ask_prices == sorted(ask_prices, reverse=True)  # highest ask on top


async def test_levels_fill_the_height() -> None:
    view = book()
    async with HarnessApp(view).run_test(size=(50, 10)) as pilot:
        feed(view)
        await pilot.pause()
        small = sum(1 for line in view.plain_lines() if "43," in line and "spread" not in line)
    view = book()
    async with HarnessApp(view).run_test(size=(50, 20)) as pilot:
        feed(view)
        await pilot.pause()
        large = sum(1 for line in view.plain_lines() if "43," in line and "spread" not in line)
    assert small == 5  # 8 content rows: header, column titles, spread line, 2 asks, 3 bids
    assert large == 15  # 18 content rows: 7 asks, 8 bids


async def test_prices_and_quantities_at_the_symbol_precision() -> None:
    view = book()
    async with HarnessApp(view).run_test(size=(50, 18)) as pilot:
        view.set_precision(1, 4)
        view.update_book(sample_depth())
        await pilot.pause()
        assert "43,210.5" in line_with(view, "0.5000")
        view.set_precision(2, 2)
        await pilot.pause()
        assert "43,210.50" in line_with(view, "0.50 ")


async def test_cumulative_totals_and_depth_bars() -> None:
    view = book()
    async with HarnessApp(view).run_test(size=(50, 18)) as pilot:
        feed(view)
        await pilot.pause()
        assert line_with(view, "43,211.00").split()[1:3] == ["1.250", "1.750"]
        assert line_with(view, "43,205.00").split()[1:3] == ["1.600", "2.550"]
        ask_bar = view.background_of("book--ask-bar").bgcolor
        bid_bar = view.background_of("book--bid-bar").bgcolor
        assert ask_bar != bid_bar

        def bar_cells(fragment: str, colour: object) -> int:
            strip = next(s for s in view.content_strips() if fragment in s.text)
            return sum(len(seg.text) for seg in strip if seg.style and seg.style.bgcolor == colour)

        # Bigger cumulative quantity, longer bar; both sides on one scale.
        assert 0 < bar_cells("43,210.50", ask_bar) < bar_cells("43,215.00", ask_bar)
        assert 0 < bar_cells("43,209.50", bid_bar) < bar_cells("43,150.00", bid_bar)
        assert bar_cells("43,150.00", bid_bar) == 46  # the largest total spans the width


async def test_own_orders_are_marked_with_remaining_qty() -> None:
    view = book()
    async with HarnessApp(view).run_test(size=(50, 18)) as pilot:
        feed(view)
        view.set_own_orders(sample_orders())
        await pilot.pause()
        own_ask = line_with(view, "43,215.00")
        assert own_ask.startswith("●") and own_ask.rstrip().endswith("0.150")  # 0.250 - 0.100 filled
        assert line_with(view, "43,205.00").startswith("●")
        assert not line_with(view, "43,211.00").startswith("●")
        assert view.own_qty_at("bid", Decimal("43205.00")) == Decimal("0.500")
        view.set_private(True)
        await pilot.pause()
        assert line_with(view, "43,215.00").rstrip().endswith("•••")
        view.set_own_orders([])
        await pilot.pause()
        assert not line_with(view, "43,215.00").startswith("●")


async def test_level_selection_posts_the_price_and_follows_the_keys() -> None:
    view = book()
    app = HarnessApp(view)
    async with app.run_test(size=(50, 18)) as pilot:
        feed(view)
        view.focus()
        await pilot.press("down")  # first move down: the best bid
        assert view.selected_level == BookLevel("bid", Decimal("43209.50"), Decimal("0.800"))
        await pilot.press("down", "j")
        assert view.selected_level == BookLevel("bid", Decimal("43205.00"), Decimal("1.600"))
        await pilot.press("k", "up", "up")  # crosses the spread line onto the best ask
        assert view.selected_level == BookLevel("ask", Decimal("43210.50"), Decimal("0.500"))
        await pilot.pause()
        selected = app.messages_of(LevelSelected)
        assert [(m.side, m.price) for m in selected][-1] == ("ask", Decimal("43210.50"))  # type: ignore[attr-defined]
        assert [m.price for m in selected] == [  # type: ignore[attr-defined]
            Decimal("43209.50"),
            Decimal("43209.00"),
            Decimal("43205.00"),
            Decimal("43209.00"),
            Decimal("43209.50"),
            Decimal("43210.50"),
        ]
        assert "ask 43,210.50" in view.plain_lines()[0]
        await pilot.press("escape")
        assert view.selected_level is None


async def test_first_move_up_selects_the_best_ask() -> None:
    view = book()
    async with HarnessApp(view).run_test(size=(50, 18)) as pilot:
        feed(view)
        view.focus()
        await pilot.press("up")
        assert view.selected_level == BookLevel("ask", Decimal("43210.50"), Decimal("0.500"))


async def test_selection_stays_on_its_price_across_updates() -> None:
    view = book()
    async with HarnessApp(view).run_test(size=(50, 18)) as pilot:
        feed(view)
        view.focus()
        await pilot.press("down", "down", "down")
        assert view.selected_level is not None and view.selected_level.price == Decimal("43205.00")
        depth = sample_depth()
        new_bids = [level("43209.90", "0.100"), *depth.bids]  # a better bid arrives above
        view.update_book(Depth(last_update_id=2, bids=new_bids, asks=depth.asks))
        assert view.selected_level == BookLevel("bid", Decimal("43205.00"), Decimal("1.600"))
        gone = [lvl for lvl in depth.bids if lvl.price != Decimal("43205.00")]
        view.update_book(Depth(last_update_id=3, bids=gone, asks=depth.asks))
        # The level left the book: the cursor moves to the nearest bid price.
        assert view.selected_level == BookLevel("bid", Decimal("43209.00"), Decimal("0.150"))


async def test_empty_side_and_placeholder() -> None:
    view = book()
    async with HarnessApp(view).run_test(size=(50, 12)) as pilot:
        await pilot.pause()
        assert "waiting for data…" in view.plain_lines()[1]
        view.update_book(Depth(last_update_id=1, bids=[level("1.00", "2")], asks=[]))
        await pilot.pause()
        assert any("no asks" in line for line in view.plain_lines())


async def test_unknown_precision_shows_values_exactly() -> None:
    view = book()
    async with HarnessApp(view).run_test(size=(50, 12)) as pilot:
        view.update_book(Depth(last_update_id=1, bids=[level("0.0001234", "15")], asks=[level("0.0001240", "2.5")]))
        await pilot.pause()
        assert "0.0001234" in line_with(view, "15.0")


async def test_unexpected_values_show_a_message_instead_of_crashing() -> None:
    view = book()
    async with HarnessApp(view).run_test(size=(50, 12)) as pilot:
        view.update_book(Depth(last_update_id=1, bids=[level("1.00", "NaN")], asks=[level("1.10", "2")]))
        await pilot.pause()
        assert any("could not draw this data" in line for line in view.plain_lines())
        view.update_book(sample_depth())  # and it recovers with good data
        await pilot.pause()
        assert any("43,210.5" in line for line in view.plain_lines())
