"""An empty watchlist says how to add a symbol, in the pane and in the grid view."""

from __future__ import annotations

from pathlib import Path

from support.app_harness import make_test_app, wait_for_start, wait_until
from support.widget_harness import UTC, HarnessApp

from jextui.ui.widgets.watchlist import WatchlistView


async def test_an_empty_watchlist_says_how_to_add_a_symbol() -> None:
    watchlist = WatchlistView(time_zone=UTC)
    async with HarnessApp(watchlist).run_test(size=(40, 12)) as pilot:
        watchlist.set_symbols([])
        await pilot.pause()
        shown = " ".join(" ".join(watchlist.plain_lines()).split())
        assert "The watchlist is empty: press a to add a symbol, or / to search every symbol." in shown


async def test_the_console_with_no_watched_symbol_says_how_to_add_one(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, watchlist=(), start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        watchlist = app.main.panes.watchlist
        await wait_until(
            pilot,
            lambda: "press a to add a symbol" in " ".join(watchlist.plain_lines()),
            what="the empty watchlist's hint",
        )
