"""The [keys] table: action ids, checking (conflicts, unknown ids, unknown keys), `jextui keys`."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.sandbox import root_logging_restored
from textual.binding import Binding

from jextui.cli import main
from jextui.config import load_config
from jextui.ui.keymap import KEYMAP, spec_by_id
from jextui.ui.keymap_user import is_key_name, normalize_key, resolve_user_keys


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("JEX_API_KEY", "JEX_API_SECRET", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, sub in (("JEXTUI_CONFIG_DIR", "config"), ("JEXTUI_DATA_DIR", "data"), ("JEXTUI_LOG_DIR", "log")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    with root_logging_restored():
        yield tmp_path


def write_config(home: Path, text: str) -> Path:
    path = home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)
    return path


# --------------------------------------------------------------------------
# every binding has a stable id, and every class binds from the keymap


def _bound_classes() -> list[type]:
    from jextui.ui.app import JexApp
    from jextui.ui.screens.account.base import AccountScreen, PagedAccountScreen
    from jextui.ui.screens.account.deposit_address import DepositAddressScreen
    from jextui.ui.screens.help import HelpScreen
    from jextui.ui.screens.main import QuitScreen
    from jextui.ui.screens.order_detail import OrderDetailScreen
    from jextui.ui.screens.symbol_search import SymbolSearchScreen
    from jextui.ui.screens.ticket import TicketScreen, TimeInForceSelector
    from jextui.ui.widgets.balances import BalancesView
    from jextui.ui.widgets.grid import GridView
    from jextui.ui.widgets.klines import KlinesView
    from jextui.ui.widgets.open_orders import OpenOrdersView
    from jextui.ui.widgets.order_book import OrderBookView
    from jextui.ui.widgets.symbol_tile import SymbolTile
    from jextui.ui.widgets.watchlist import WatchlistView

    return [
        JexApp,
        AccountScreen,
        PagedAccountScreen,
        DepositAddressScreen,
        HelpScreen,
        QuitScreen,
        OrderDetailScreen,
        SymbolSearchScreen,
        TicketScreen,
        TimeInForceSelector,
        BalancesView,
        GridView,
        KlinesView,
        OpenOrdersView,
        OrderBookView,
        SymbolTile,
        WatchlistView,
    ]


def test_every_action_has_one_stable_id() -> None:
    ids = [spec.action_id for spec in KEYMAP]
    assert all(ids) and not [name for name, count in Counter(ids).items() if count > 1]
    assert {"buy", "sell", "quit", "help", "ticket.send", "account.close", "order_detail.cancel"} <= set(ids)


def test_every_binding_of_the_console_comes_from_the_keymap_with_its_id() -> None:
    for cls in _bound_classes():
        bindings = [binding for binding in cls.__dict__["BINDINGS"] if isinstance(binding, Binding)]
        assert bindings and len(bindings) == len(cls.__dict__["BINDINGS"]), cls
        for binding in bindings:
            assert binding.id, (cls, binding)
            spec = spec_by_id(binding.id)
            assert (binding.key, binding.action) == (spec.keys, spec.action), (cls, binding)


# --------------------------------------------------------------------------
# resolving the table


def test_a_remap_replaces_the_default_keys() -> None:
    user = resolve_user_keys({"buy": "B", "sell": ["S", "f5"], "watchlist": {"up": "w"}, "ticket.close": "f9"})
    assert user.problems == ()
    assert user.remapped == {"buy": "B", "sell": "S,f5", "watchlist.up": "w", "ticket.close": "f9"}


def test_keys_are_read_as_textual_names() -> None:
    assert normalize_key("?") == "question_mark" and normalize_key("Ctrl+Q") == "ctrl+q"
    assert normalize_key("B") == "B" and normalize_key("F5") == "f5" and normalize_key(",") == "comma"
    assert all(is_key_name(key) for key in ("b", "B", "ctrl+q", "f5", "enter", "up", "pagedown", "slash"))
    assert not any(is_key_name(key) for key in ("ctrl+bogus", "bogus", "hyperspace+x", "ctrl+"))


def test_every_default_key_is_a_key_name() -> None:
    assert all(is_key_name(key) for spec in KEYMAP for key in spec.keys.split(",")), [
        spec.keys for spec in KEYMAP if not all(is_key_name(key) for key in spec.keys.split(","))
    ]


def test_swapping_two_keys_is_no_conflict() -> None:
    user = resolve_user_keys({"buy": "s", "sell": "b"})
    assert user.problems == () and user.remapped == {"buy": "s", "sell": "b"}


def test_a_conflict_keeps_the_defaults_of_the_action_in_question() -> None:
    user = resolve_user_keys({"buy": "s", "grid": "G"})
    assert user.remapped == {"grid": "G"}
    assert len(user.problems) == 1
    assert "keys.buy" in user.problems[0] and "already the key of sell" in user.problems[0]
    assert "buy keeps its default b" in user.problems[0]


def test_keys_of_one_screen_conflict_across_its_scopes_but_not_with_other_screens() -> None:
    problem = resolve_user_keys({"account_pages.older": "r"}).problems
    assert problem and "account.reload" in problem[0]
    assert resolve_user_keys({"order_detail.reload": "b"}).problems == ()  # the app's b is another scope


def test_unknown_ids_and_key_names_are_said_and_change_nothing() -> None:
    user = resolve_user_keys({"byu": "x", "sell": "ctrl+bogus", "help": 5, "grid": ""})
    assert user.remapped == {}
    words = "\n".join(user.problems)
    assert "keys.byu: no action has this id (did you mean buy?)" in words
    assert "'ctrl+bogus' is not a key name" in words and "sell keeps its default s" in words
    assert "keys.help: give a key as a string" in words and "keys.grid: no key given" in words


def test_a_ticket_or_search_key_the_text_field_would_swallow_is_refused() -> None:
    user = resolve_user_keys(
        {"ticket.send": "x", "ticket.close": "ctrl+w", "search.watch": "ctrl+a", "ticket.test_order": ["enter", "f8"]}
    )
    words = "\n".join(user.problems)
    assert "keys.ticket.send: x cannot work in the order ticket (it types into the text field)" in words
    assert "keys.ticket.close: ctrl+w cannot work in the order ticket (the text field uses it for editing)" in words
    assert "keys.search.watch: ctrl+a cannot work" in words
    assert "keys.ticket.test_order" in words  # enter is already ticket.send's: a conflict
    assert user.remapped == {}
    assert resolve_user_keys({"ticket.send": ["enter", "f8"]}).remapped == {"ticket.send": "enter,f8"}


def test_binding_quit_to_its_twins_key_takes_q_away_and_keeps_ctrl_q_everywhere() -> None:
    user = resolve_user_keys({"quit": "ctrl+q"})
    assert user.problems == ()
    assert user.textual_keymap() == {"quit": "ctrl+q", "quit_anywhere": "ctrl+c,ctrl+q"}


def test_a_key_that_types_a_character_is_refused_for_an_action_over_text_fields() -> None:
    user = resolve_user_keys({"quit_anywhere": "Q", "next_pane": "n", "ticket.next_field": ["tab", "space"]})
    words = "\n".join(user.problems)
    assert "keys.quit_anywhere: Q cannot be its key (it acts over every text field" in words
    assert "quit_anywhere keeps its default" not in words and "keeps its default ctrl+c ctrl+q" in words
    assert "keys.next_pane: n cannot be its key" in words and "keys.ticket.next_field: space cannot" in words
    assert user.remapped == {}
    sound = resolve_user_keys({"quit_anywhere": "ctrl+x,f10", "next_pane": "f6"})
    assert sound.problems == () and sound.remapped == {"quit_anywhere": "ctrl+x,f10", "next_pane": "f6"}


def test_the_config_file_keeps_the_table_and_a_bad_one_is_not_fatal(home: Path) -> None:
    path = write_config(home, '[keys]\nbuy = "B"\nnope = "x"\n[keys.watchlist]\ndown = "J"\n')
    assert load_config(path).keys == {"buy": "B", "nope": "x", "watchlist": {"down": "J"}}


# --------------------------------------------------------------------------
# the command line


def test_config_check_shows_the_remaps(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(home, '[keys]\nbuy = "B"\nquit = "ctrl+q"\n')
    assert main(["config", "check"]) == 0
    captured = capsys.readouterr()
    assert "keys            buy=B, quit=ctrl+q" in captured.out and captured.err == ""


def test_config_check_reports_every_key_problem(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(home, '[keys]\nbuy = "s"\nbyu = "x"\nsell = "ctrl+bogus"\ngrid = "G"\n')
    assert main(["config", "check"]) == 2
    captured = capsys.readouterr()
    assert "keys            grid=G" in captured.out
    err_lines = captured.err.splitlines()
    assert len(err_lines) == 3 and all(line.startswith("jextui: ") for line in err_lines)
    assert "keys.buy" in captured.err and "keys.byu" in captured.err and "keys.sell" in captured.err
    assert "Traceback" not in captured.err


def test_jextui_keys_lists_every_action_with_its_scope_and_keys(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ACTION", "SCOPE", "KEYS", "WHAT", "IT", "DOES"]
    rows = {line.split()[0]: line for line in lines[1:] if line}
    assert set(rows) == {spec.action_id for spec in KEYMAP}
    assert rows["buy"].split()[:3] == ["buy", "app", "b"]
    assert rows["ticket.send"].split()[:3] == ["ticket.send", "ticket", "enter"]
    columns = {line.index(" app ") for line in lines[1:] if " app " in line}
    assert len(columns) == 1  # aligned


def test_jextui_keys_follows_the_config_file(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(home, '[keys]\nbuy = "B"\nsell = "b"\n')
    assert main(["keys"]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[1:] if line}
    assert rows["buy"][:4] == ["buy", "app", "B", "*"] and rows["sell"][:4] == ["sell", "app", "b", "*"]


def test_jextui_keys_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(home, '[keys]\nbuy = ["B", "f5"]\nnope = "x"\n')
    assert main(["keys", "--json"]) == 2  # the unknown id is a problem of the config file
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    actions = {action["id"]: action for action in document["actions"]}
    assert actions["buy"] == {
        "id": "buy",
        "scope": "app",
        "keys": ["B", "f5"],
        "remapped": True,
        "description": spec_by_id("buy").help,
    }
    assert actions["sell"]["keys"] == ["s"] and not actions["sell"]["remapped"]
    assert document["scopes"]["ticket"] == "Order ticket"
    assert len(document["problems"]) == 1 and "keys.nope" in captured.err


def test_jextui_keys_markdown(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(home, '[keys]\nbuy = "B"\n')
    assert main(["keys", "--markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["| Action | Scope | Keys | What it does |", "|---|---|---|---|"]
    assert len(lines) == 2 + len(KEYMAP)
    assert f"| `buy` | Everywhere | `B` | {spec_by_id('buy').help} |" in lines
    assert f"| `watchlist.up` | Watchlist pane | `↑` `k` | {spec_by_id('watchlist.up').help} |" in lines


def test_the_readmes_keys_example_is_sound() -> None:
    import re
    import textwrap
    import tomllib

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    found = re.search(r"```toml\n( *\[keys\]\n.*?)```", readme, re.DOTALL)
    assert found is not None
    table = tomllib.loads(textwrap.dedent(found.group(1)))["keys"]
    user = resolve_user_keys(table)
    assert user.problems == () and len(user.remapped) == 5, user


def test_the_templates_keys_example_is_sound() -> None:
    import tomllib

    from jextui.config import config_template

    template = config_template()
    example = template[template.index("# [keys]") :].splitlines()
    table = tomllib.loads("\n".join(line.removeprefix("# ") for line in example if line.startswith("# ")))["keys"]
    user = resolve_user_keys(table)
    assert user.problems == () and set(user.remapped) == {"buy", "sell", "quit", "watchlist.up"}
