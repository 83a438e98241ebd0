"""Keys remapped in the config file's [keys] table, in the running console."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from support.app_harness import make_test_app, wait_for_data, wait_for_start, wait_until
from textual.pilot import Pilot
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from jextui.ui.screens.help import HelpScreen
from jextui.ui.screens.main import QuitScreen
from jextui.ui.screens.ticket import TicketScreen
from jextui.ui.widgets.footer import KeyFooter


def _footer_keys(app: Any) -> dict[str, str]:
    """description -> key as the main screen's footer shows it."""
    return {key.description: key.key_display for key in app.main.query(FooterKey)}


def _help_text(screen: HelpScreen) -> str:
    console = Console(width=100, record=True, color_system=None)
    console.print(screen.query_one("#help-text", Static).content)
    return console.export_text()


def _ticket_side(app: Any) -> str | None:
    """The open ticket's side, or None when no ticket is on top."""
    screen = app.screen
    return screen.ticket.side if isinstance(screen, TicketScreen) else None


def _on_main(app: Any) -> bool:
    return bool(app.screen is app.main)


def _on(app: Any, screen: object) -> bool:
    return bool(app.screen is screen)


async def _press_until(pilot: Pilot[Any], key: str, condition: Any, what: str) -> None:
    await pilot.press(key)
    await wait_until(pilot, condition, what=what)


async def test_a_remapped_key_works_and_the_old_key_no_longer_does(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, keys={"buy": "B", "sell": "b"})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await _press_until(pilot, "B", lambda: _ticket_side(app) is not None, "a ticket from B")
        assert _ticket_side(app) == "BUY"
        await _press_until(pilot, "escape", lambda: _on_main(app), "the ticket closed")
        await _press_until(pilot, "b", lambda: _ticket_side(app) is not None, "a ticket from b")
        assert _ticket_side(app) == "SELL"  # b sells now
        await _press_until(pilot, "escape", lambda: _on_main(app), "the ticket closed")
        await pilot.press("s")  # s sells no more: nothing opens
        await pilot.pause()
        assert _on_main(app)


async def test_the_footer_the_help_and_the_palette_show_the_new_key(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False, keys={"buy": "B", "help": "f1", "ticket.send": "ctrl+s"})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        await wait_until(pilot, lambda: "Buy" in _footer_keys(app), what="the footer")
        footer = _footer_keys(app)
        assert footer["Buy"] == "B" and footer["Help"] == "f1" and footer["Sell"] == "s"
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Buy (B)" in titles and "Help (f1)" in titles and "Buy (b)" not in titles
        await pilot.press("question_mark")  # ? is no longer help
        await pilot.pause()
        assert _on_main(app)
        await _press_until(pilot, "f1", lambda: isinstance(app.screen, HelpScreen), "the help from f1")
        assert isinstance(app.screen, HelpScreen)
        text = _help_text(app.screen)
        assert "B   " in text and "Open a buy ticket for the active symbol" in text
        lines = {line.strip() for line in text.splitlines()}
        assert any(line.startswith("B ") and "Open a buy ticket" in line for line in lines)
        assert any(line.startswith("ctrl+s ") and "Send the order" in line for line in lines)
        for section in ("Order ticket", "Account screens", "Order detail", "Confirmation dialogs", "Quit dialog"):
            assert section in lines, section


async def test_a_ticket_key_and_a_dialog_key_follow_the_table(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, keys={"ticket.close": "f9", "quit_anywhere": "ctrl+x", "quit_dialog.yes": "Y"})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await _press_until(pilot, "b", lambda: _ticket_side(app) is not None, "the ticket")
        ticket = app.screen
        assert "f9 close" in str(ticket.query_one("#ticket-keys", Static).content)
        await pilot.press("escape")  # Esc no longer closes the ticket
        await pilot.pause()
        assert app.screen is ticket
        await _press_until(pilot, "ctrl+x", lambda: isinstance(app.screen, QuitScreen), "the quit question")
        await pilot.press("y")  # y no longer answers yes
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen) and app.is_running
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is ticket, what="back to the ticket")
        await _press_until(pilot, "f9", lambda: _on_main(app), "the ticket closed by f9")


async def test_binding_quit_elsewhere_takes_q_away(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False, keys={"quit": "ctrl+q"})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running, what="quit by ctrl+q")
    assert app.return_code == 0


async def test_problems_are_said_at_start_and_the_defaults_kept(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, keys={"buy": "s", "nope": "x", "grid": "ctrl+bogus", "help": "f1"})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        notices = [notice for notice in app._notifications if notice.title == "Keys in the config file"]
        assert len(notices) == 1 and notices[0].severity == "warning"
        message = notices[0].message
        assert "keys.buy" in message and "buy keeps its default b" in message
        assert "keys.nope: no action has this id" in message and "'ctrl+bogus' is not a key name" in message
        assert app.user_keys.remapped == {"help": "f1"}  # the sound remap is kept
        await _press_until(pilot, "b", lambda: _ticket_side(app) is not None, "a buy ticket from b")
        assert _ticket_side(app) == "BUY"
        await _press_until(pilot, "escape", lambda: _on_main(app), "the ticket closed")
        await _press_until(pilot, "s", lambda: _ticket_side(app) is not None, "a sell ticket from s")
        assert _ticket_side(app) == "SELL"
        await _press_until(pilot, "escape", lambda: _on_main(app), "the ticket closed")
        await _press_until(pilot, "g", lambda: app.main.grid_shown, "the grid from its default g")


async def test_without_a_keys_table_nothing_is_said(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        assert app.user_keys.remapped == {} and app.user_keys.problems == ()
        assert not [notice for notice in app._notifications if notice.title == "Keys in the config file"]


async def test_the_confirmation_and_cancel_all_dialogs_follow_the_table(tmp_path: Path) -> None:
    from jextui.ui.screens.cancel_scope import CancelScopeScreen
    from jextui.ui.screens.confirm import ConfirmScreen

    app = make_test_app(
        tmp_path, start_feed=False, keys={"confirm.yes": "o", "confirm.no": "x", "cancel_scope.account": "e"}
    )
    answers: list[object] = []
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        dialog = ConfirmScreen("Send?", ["BUY 1 BTCUSDT"])
        app.push_screen(dialog, answers.append)
        await wait_until(pilot, lambda: _on(app, dialog), what="the confirmation")
        assert str(dialog.query_one("#confirm-keys", Static).content) == "o / Enter: Confirm    x: Back"
        await pilot.press("y", "n", "escape")  # the old keys answer nothing
        await pilot.pause()
        assert _on(app, dialog) and answers == []
        await _press_until(pilot, "o", lambda: answers == [True], "yes from o")
        scope = CancelScopeScreen("BTCUSDT", 1, 3, 2)
        app.push_screen(scope, answers.append)
        await wait_until(pilot, lambda: _on(app, scope), what="the cancel-all question")
        assert "e: the whole account" in str(scope.query_one("#scope-keys", Static).content)
        await pilot.press("a")
        await pilot.pause()
        assert _on(app, scope)
        await _press_until(pilot, "e", lambda: answers == [True, "account"], "the account from e")


def _footer_entries(app: Any) -> list[tuple[str, str]]:
    """(description, key) of the main screen's footer, in order."""
    return [(key.description, key.key_display) for key in app.main.query(FooterKey)]


async def _footer_ready(pilot: Pilot[Any], app: Any) -> list[tuple[str, str]]:
    await wait_until(pilot, lambda: ("Buy", "b") in _footer_entries(app), what="the footer")
    return _footer_entries(app)


async def test_quit_bound_to_ctrl_q_is_still_in_the_footer_first_and_in_the_help(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False, keys={"quit": "ctrl+q"})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        footer = await _footer_ready(pilot, app)
        assert footer[0] == ("Quit", "^q")  # where q was, under its new key
        assert [key for _, key in footer].count("q") == 0
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Quit (ctrl+q)" in titles
        await _press_until(pilot, "question_mark", lambda: isinstance(app.screen, HelpScreen), "the help")
        assert isinstance(app.screen, HelpScreen)
        lines = [line.strip() for line in _help_text(app.screen).splitlines()]
        assert any(line.startswith("ctrl+q ") and "Quit (asks first" in line for line in lines)
        assert not any(line.startswith("q ") and "Quit" in line for line in lines)
        assert any("Quit from any screen, as the quit key does" in line for line in lines)
        await _press_until(pilot, "escape", lambda: _on_main(app), "the help closed")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running, what="quit by ctrl+q")
    assert app.return_code == 0


async def test_over_the_ticket_the_footer_offers_no_quit_and_the_new_key_still_asks(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, keys={"quit": "ctrl+q"})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        assert ("Quit", "^q") in await _footer_ready(pilot, app)
        await _press_until(pilot, "b", lambda: _ticket_side(app) is not None, "the ticket")
        ticket = app.screen
        footer = app.main.query_one(KeyFooter)
        assert footer.styles.visibility == "hidden"  # the main screen's keys are not the ticket's
        assert not ticket.query(FooterKey)
        await pilot.press("q")  # q types (or is refused by the field); it never quits
        await pilot.pause()
        assert app.screen is ticket and app.is_running
        await _press_until(pilot, "ctrl+q", lambda: isinstance(app.screen, QuitScreen), "the quit question")
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is ticket, what="back to the ticket")
        await _press_until(pilot, "escape", lambda: _on_main(app), "the ticket closed")
        await wait_until(pilot, lambda: footer.styles.visibility == "visible", what="the footer back")
        assert ("Quit", "^q") in _footer_entries(app)


async def test_two_keys_for_quit_the_footer_shows_the_first_and_both_quit(tmp_path: Path) -> None:
    for number, keys in enumerate(("f10,ctrl+q", "ctrl+q,f10")):
        app = make_test_app(tmp_path / str(number), start_feed=False, keys={"quit": keys})
        async with app.run_test(size=app.size_for_tests) as pilot:
            await wait_for_start(pilot)
            footer = await _footer_ready(pilot, app)
            first = "f10" if keys.startswith("f10") else "^q"
            assert footer[0] == ("Quit", first)
            assert [description for description, _ in footer].count("Quit") == 1
            await pilot.press("f10" if number == 0 else "ctrl+q")
            await wait_until(pilot, lambda: not app.is_running, what=f"quit by the first of {keys}")  # noqa: B023


async def test_quit_on_a_letter_is_offered_on_the_main_screen_and_types_in_the_search(tmp_path: Path) -> None:
    from textual.widgets import Input

    from jextui.ui.screens.symbol_search import SymbolSearchScreen

    app = make_test_app(tmp_path, keys={"quit": "Q,ctrl+q"})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        assert (await _footer_ready(pilot, app))[0] == ("Quit", "Q")
        await _press_until(pilot, "slash", lambda: isinstance(app.screen, SymbolSearchScreen), "the search")
        search = app.screen
        await pilot.press("Q")
        await wait_until(pilot, lambda: search.query_one(Input).value == "Q", what="Q typed into the search")
        assert app.screen is search and app.is_running
        assert app.main.query_one(KeyFooter).styles.visibility == "hidden"
        await pilot.press("ctrl+q")  # the priority twin quits from the search
        await wait_until(pilot, lambda: not app.is_running, what="quit by ctrl+q over the search")


async def test_a_palette_bound_elsewhere_is_still_in_the_footer(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False, keys={"command_palette": "f2"})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        footer = await _footer_ready(pilot, app)
        assert footer[-1] == ("Palette", "f2") and footer[0] == ("Quit", "q")
