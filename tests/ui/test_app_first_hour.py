"""What a new user meets in the first hour: the palette, quitting, notices, small terminals."""

from __future__ import annotations

from pathlib import Path

from support.app_harness import make_test_app, wait_for_data, wait_for_start, wait_until


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


async def test_ctrl_c_quits_like_q_with_no_ctrl_q_toast(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running and app.return_code == 0
        assert not any("quit" in notice.message.lower() for notice in app._notifications)


async def test_over_the_ticket_no_footer_says_q_quits_and_ctrl_c_still_quits(tmp_path: Path) -> None:
    from jextui.ui.screens.ticket import TicketScreen
    from jextui.ui.widgets.footer import KeyFooter

    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        footer = app.main.query_one(KeyFooter)
        assert footer.visible
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen), what="the ticket")
        await pilot.pause()
        assert not footer.visible  # the main screen's "q Quit" is not shown over the ticket
        assert "q" not in [key for key, active in app.active_bindings.items() if active.binding.show]
        await pilot.press("q")
        assert app.is_running and isinstance(app.screen, TicketScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, what="the ticket closed")
        assert footer.visible
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen), what="the ticket again")
        await pilot.press("ctrl+c", "y")  # a ticket holds an order not sent: asked first
        await pilot.pause()
        assert not app.is_running


async def test_quitting_asks_first_while_an_order_is_being_sent(tmp_path: Path) -> None:
    from jextui.ui.screens.main import QuitScreen

    app = make_test_app(tmp_path, start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        app.trading._orders_in_flight = 1
        await pilot.press("q")
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("n")
        assert app.screen is app.main and app.is_running
        await pilot.press("ctrl+c", "ctrl+c")  # pressed again over the question: quit
        await pilot.pause()
        assert not app.is_running


async def test_below_80x24_a_screen_says_the_size_needed(tmp_path: Path) -> None:
    from textual.widgets import Static

    from jextui.ui.screens.too_small import TooSmallScreen

    app = make_test_app(tmp_path, start_feed=False)
    async with app.run_test(size=(70, 20)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TooSmallScreen), what="the too-small screen")
        text = str(app.screen.query_one(Static).render())
        assert "terminal too small: 70×20, needs 80×24" in text
        assert "(ctrl+c quits)" in text
        await pilot.resize_terminal(79, 30)
        await wait_until(pilot, lambda: "79×30" in str(app.screen.query_one(Static).render()), what="the new size")
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: app.screen is app.main, what="the console back")


async def test_the_too_small_screen_names_a_remapped_quit_key(tmp_path: Path) -> None:
    from textual.widgets import Static

    from jextui.ui.screens.too_small import TooSmallScreen

    app = make_test_app(tmp_path, start_feed=False, keys={"quit_anywhere": "ctrl+x"})
    async with app.run_test(size=(70, 20)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TooSmallScreen), what="the too-small screen")
        assert "(ctrl+x quits)" in str(app.screen.query_one(Static).render())
        await pilot.press("ctrl+x")
        await wait_until(pilot, lambda: not app.is_running, what="the console to quit")


def test_a_dumb_terminal_gets_one_line_not_escape_codes(tmp_path: Path, monkeypatch, capsys) -> None:
    from support.app_harness import make_settings

    from jextui.ui.app import run_console

    monkeypatch.setenv("TERM", "dumb")
    assert run_console(make_settings(tmp_path)) == 2
    printed = capsys.readouterr()
    assert "TERM=dumb" in printed.err and "\x1b" not in printed.err + printed.out
