"""Help, quit confirmation, themes, the command palette and errors kept off the screen."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from support.app_harness import make_test_app, wait_for_data, wait_for_start, wait_until
from textual.command import CommandPalette

from jextui.config.state import load_state
from jextui.ui.keymap import KEYMAP, key_label
from jextui.ui.screens.help import HelpScreen, help_rows


def test_the_help_lists_every_binding_of_the_keymap() -> None:
    listed = {(keys, text) for _, keys, text in help_rows()}
    for spec in KEYMAP:
        if spec.keys.isdigit():
            assert ("1 … 9", "Make watchlist symbol 1 … 9 active") in listed
        else:
            assert (key_label(spec.keys), spec.help) in listed, spec


async def test_question_mark_opens_the_help_and_escape_closes_it(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("g")  # the console's keys do not act behind the help
        assert not app.main.grid_shown
        await pilot.press("escape")
        assert app.screen is app.main


async def test_q_quits_at_once_without_an_open_ticket(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0 and not app.is_running


async def test_a_theme_chosen_in_the_palette_is_remembered(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        assert app.theme == "jextui-dark"
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"ui-light")
        await wait_until(pilot, lambda: "jextui-light" in _palette_hits(app), what="the theme command")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.theme == "jextui-light", what="the light theme")
    assert load_state(app.settings.state_path).theme == "jextui-light"


async def test_the_palette_offers_symbols_and_account_screens(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await pilot.press("ctrl+p", *"dash")
        await wait_until(pilot, lambda: "DASHUSDT — make active" in _palette_hits(app), what="the symbol")
        assert "Watch DASHUSDT — add to the watchlist" in _palette_hits(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.active_symbol == "DASHUSDT", what="DASHUSDT active")

        opened: list[str] = []
        app.trading.open_account_screen = opened.append  # type: ignore[method-assign,assignment]  # records the call instead
        await pilot.press("ctrl+p", *"deposit h")
        await wait_until(pilot, lambda: "Deposit history (I)" in _palette_hits(app), what="the account screen")
        await pilot.press("enter")
        await wait_until(pilot, lambda: opened == ["deposits"], what="the account screen opened")


def _palette_hits(app: Any) -> str:
    screen = app.screen
    if not isinstance(screen, CommandPalette):
        return ""
    from textual.widgets import OptionList

    options = screen.query_one(OptionList)
    return " ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))


async def test_an_unexpected_error_goes_to_the_log_not_the_screen(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    app = make_test_app(tmp_path, start_feed=False)

    def broken() -> None:
        raise RuntimeError("boom inside an action")

    app.action_toggle_chart = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="jextui.ui"), pytest.raises(RuntimeError):
        async with app.run_test(size=app.size_for_tests) as pilot:
            await wait_for_start(pilot)
            await pilot.press("v")
            await pilot.pause()
    assert app.return_code == 1
    assert "boom inside an action" in caplog.text  # the traceback is in the log
    printed = capfd.readouterr()
    shown = printed.out + printed.err
    assert "jextui: unexpected error (RuntimeError)" in shown
    assert "Traceback" not in shown and "boom" not in shown
