"""Recent trades pane: newest first, taker-side or tick-direction colouring."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from support.widget_harness import (
    UTC,
    HarnessApp,
    line_with,
    sample_historical_trades,
    sample_trades,
    style_in_line,
)

from jextui.ui.widgets.trades import TradesView, classify_trades


def _newest_first(trades: list[Any]) -> list[Any]:
    """The feed's order (the samples are oldest first, as the API lists them)."""
    return trades[::-1]


def test_tick_direction_without_side() -> None:
    rows = classify_trades(_newest_first(sample_trades()), has_side=False)
    # newest first; prices oldest→newest: 43208, 43209.5, 43209.5, 43207, 43210.5, 43211
    newest_first = ("43211.00", "43210.50", "43207.00", "43209.50", "43209.50", "43208.00")
    assert [row.price for row in rows] == [Decimal(p) for p in newest_first]
    assert [row.mark for row in rows] == ["up", "up", "down", "up", "up", None]  # equal price keeps the last direction


def test_taker_side_from_buyer_maker() -> None:
    rows = classify_trades(_newest_first(sample_historical_trades()), has_side=True)
    # buyerMaker true: the resting order bought, the taker sold.
    assert [row.mark for row in rows] == ["buy", "sell", "sell", "buy"][::-1]


async def test_newest_first_with_time_price_qty() -> None:
    view = TradesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(40, 12)) as pilot:
        view.set_precision(2, 3)
        view.update_trades(_newest_first(sample_trades()), has_side=False)
        await pilot.pause()
        lines = view.plain_lines()
        assert "tick direction" in lines[0]
        assert lines[2].split() == ["22:13:27", "43,211.00", "0.300", "▲"]
        assert lines[7].split() == ["22:13:20", "43,208.00", "0.010"]


async def test_colours_follow_taker_side() -> None:
    view = TradesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(40, 12)) as pilot:
        view.set_precision(2, 3)
        view.update_trades(_newest_first(sample_historical_trades()), has_side=True)
        await pilot.pause()
        assert "taker side" in view.plain_lines()[0]
        sell = view.style_of("pane--sell").color
        buy = view.style_of("pane--buy").color
        assert style_in_line(view, "1.500", "43,207.00").color == sell
        assert style_in_line(view, "0.300", "43,211.00").color == buy
        assert line_with(view, "1.500").rstrip().endswith("▼")


async def test_narrow_drops_the_time_first() -> None:
    view = TradesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(24, 10)) as pilot:
        view.set_precision(2, 3)
        view.update_trades(_newest_first(sample_trades()), has_side=False)
        await pilot.pause()
        newest = view.plain_lines()[2]
        assert "43,211.00" in newest and "0.300" in newest and ":" not in newest


async def test_rows_are_cut_to_the_height_and_placeholder_first() -> None:
    view = TradesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        assert "waiting for data…" in view.plain_lines()[1]
        view.update_trades(_newest_first(sample_trades()), has_side=False)
        await pilot.pause()
        assert len([line for line in view.plain_lines() if "43," in line]) == 2  # 4 content rows
        view.update_trades([], has_side=False)
        await pilot.pause()
        assert "no trades yet" in view.plain_lines()[1]
