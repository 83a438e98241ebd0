"""What a new user meets in the first hour: the palette, quitting, notices, small terminals."""

from __future__ import annotations

from pathlib import Path

from .app_harness import make_test_app, wait_for_start


async def test_the_palette_lists_one_quit_and_no_keys_panel_or_screenshot(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        titles = [command.title for command in app.get_system_commands(app.main)]
        assert [title for title in titles if "quit" in title.lower()] == ["Quit (q)"]
        assert "Keys" not in titles and "Screenshot" not in titles and "Theme" not in titles
        assert "Theme: jextui-light" in titles and "Help (?)" in titles


async def test_p_ten_times_leaves_one_privacy_notice(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        await pilot.press(*"p" * 10)
        await pilot.pause()
        shown = [notice.message for notice in app._notifications]
        assert shown == ["Privacy off: amounts are shown (p toggles)."]


async def test_fill_notices_still_stack(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        app.notify("Filled: BUY 1 BTCUSDT (order 1).", title="Order filled")
        app.notify("Filled: BUY 2 BTCUSDT (order 2).", title="Order filled")
        app.notify("BTCUSDT is already in the watchlist.")
        app.notify("BTCUSDT is already in the watchlist.")
        await pilot.pause()
        assert len(list(app._notifications)) == 3
