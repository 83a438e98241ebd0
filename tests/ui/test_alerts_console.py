"""Alerts in the console, on the seeded sandbox: firing and re-arming on a
scripted price path (pushed and polled), the marks, a command alert's
environment, a slow command stopped and reported, the add dialog, the alerts
screen's edit and delete, bad alert config said at start."""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support.app_harness import make_test_app, wait_for_data, wait_until
from support.sandbox_prices import trade_at
from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Select, Static

from jextui.alerts import AlertStore, parse_alerts
from jextui.alerts.deliver import ENV_CONDITION, ENV_PRICE, ENV_SYMBOL, ENV_TIME
from jextui.ui.alerts_watch import ALERT_NOTICE_TITLE, AlertsWatch
from jextui.ui.screens.alert_edit import AlertEditScreen
from jextui.ui.screens.alerts import AlertsScreen

D = Decimal
SYMBOL = "BTCUSDT"
FAST_ORDERS = {"orders_per_second": 10_000}  # the price script places four orders per step


def _price_fired(app: Any) -> list[str]:
    """The ids of the price alerts delivered so far, in order (fills left out)."""
    return [d.fired.alert.id for d in app.alerts.delivered if d.fired.alert is not None]


def _on_main(app: Any) -> bool:
    return bool(app.screen is app.main)


def _notices(app: Any, title: str) -> list[str]:
    return [n.message for n in app._notifications if n.title == title]


async def _step(pilot: Any, app: Any, price: Decimal, *, streams: bool) -> None:
    """Trade at ``price`` and wait until the console has seen it as the last price."""
    await trade_at(app.session.client, SYMBOL, price)
    if not streams:
        app.session.refresh_now("tickers", "prices")  # the next polls, now (the clock is fixed)
    await wait_until(
        pilot,
        lambda: app.store.tickers.get(SYMBOL) is not None and app.store.tickers[SYMBOL].last_price == price,
        what=f"the ticker at {price}",
    )


@pytest.mark.parametrize("streams", [True, False], ids=["pushed", "polled"])
async def test_alerts_fire_once_and_rearm_on_a_scripted_price_path(tmp_path: Path, streams: bool) -> None:
    app = make_test_app(tmp_path, streams=streams, sandbox_overrides=FAST_ORDERS)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        start = app.store.last_price(SYMBOL)
        assert start is not None
        level = (start * D("1.01")).quantize(D("0.01"))
        assert app.alerts.add({"symbol": SYMBOL, "above": str(level)}) is None
        path = [
            (level - 100, []),  # below the level
            (level, ["console-1"]),  # touches it: fires
            (level + 50, []),  # still above: fired already
            (level * D("0.997"), []),  # back inside the 0.5 % band: not re-armed
            (level + 10, []),  # so no second notice
            (level * D("0.994"), []),  # past the band: re-armed
            (level + 1, ["console-1"]),  # fires again
        ]
        expected: list[str] = []
        for price, fires in path:
            price = price.quantize(D("0.01"))
            await _step(pilot, app, price, streams=streams)
            expected += fires
            count = len(expected)
            await wait_until(pilot, lambda count=count: len(_price_fired(app)) >= count, what=f"alerts at {price}")
            await pilot.pause()
            assert _price_fired(app) == expected, price
            marked = app.main.panes.watchlist.symbol_marks(SYMBOL).endswith("!")
            assert marked == (app.alerts.center.is_armed(app.alerts.center.active()[0]) is False), price
        # The alerts screen, open while the alert re-arms and fires again, follows both.
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen), what="the alerts screen")
        screen = app.screen
        assert isinstance(screen, AlertsScreen) and screen.rows[0].state == "fired"
        await _step(pilot, app, (level * D("0.994")).quantize(D("0.01")), streams=streams)
        await wait_until(pilot, lambda: screen.rows[0].state == "armed", what="the list to show the re-arm")
        await _step(pilot, app, level + 2, streams=streams)
        await wait_until(pilot, lambda: screen.rows[0].state == "fired", what="the list to show the firing")
        assert len(_price_fired(app)) == 3 and screen.rows[0].last_fired_ms == app.alerts.last_fired["console-1"]
        await pilot.press("escape")
        notices = _notices(app, ALERT_NOTICE_TITLE)
        assert notices and f"(alert: above {level:,f})" in notices[-1]  # grouped, as in the panes
        assert len(notices) == 1  # the second firing replaced the first notice (one of a kind)
        assert app.alerts.last_fired["console-1"] > 0
        tile = app.main.panes.grid.tile(SYMBOL)
        assert tile is not None and tile.alert_mark and str(tile.border_title).endswith("!")


async def test_a_command_alert_runs_with_its_details_in_the_environment(tmp_path: Path) -> None:
    out = tmp_path / "env.json"
    script = (
        "import json, os, sys; json.dump({k: v for k, v in os.environ.items() "
        "if k.startswith('JEXTUI_ALERT_')} | {'argv': sys.argv[1:]}, open(sys.argv[1], 'w'))"
    )
    alerts = parse_alerts([{"symbol": SYMBOL, "above": "0.01", "command": [sys.executable, "-c", script, str(out)]}])
    app = make_test_app(tmp_path, alerts=alerts)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await wait_until(pilot, lambda: bool(app.alerts.command_outcomes), timeout_s=20, what="the command")
        outcome = app.alerts.command_outcomes[0]
        assert outcome.ok, outcome.message
        seen = json.loads(out.read_text())
        fired = app.alerts.delivered[0].fired
        assert seen[ENV_SYMBOL] == SYMBOL and seen[ENV_CONDITION] == "above"
        assert D(seen[ENV_PRICE]) == fired.price and int(seen[ENV_TIME]) == fired.time_ms
        assert seen["argv"] == [str(out)]  # nothing of the market in the command line


async def test_a_slow_command_is_stopped_after_the_timeout_and_reported(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, streams=False)  # polled: the test says when the next prices come
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        app.alerts.center.command_timeout = 0.5
        store_path = app.alerts.center.store.path
        assert (
            app.alerts.add(
                {"symbol": SYMBOL, "above": "0.01", "command": [sys.executable, "-c", "import time; time.sleep(60)"]}
            )
            is None
        )
        started = time.monotonic()
        app.session.refresh_now("tickers", "prices")  # the next prices check it
        await wait_until(
            pilot,
            lambda: app.alerts.commands_running > 0 or bool(app.alerts.command_outcomes),
            what="the command's start",
        )
        await pilot.press("question_mark")  # the console answers keys while the command runs
        await wait_until(pilot, lambda: app.screen is not app.main, what="the help screen")
        await pilot.press("escape")
        await wait_until(pilot, lambda: bool(app.alerts.command_outcomes), timeout_s=20, what="the timeout")
        outcome = app.alerts.command_outcomes[0]
        assert outcome.timed_out and time.monotonic() - started < 15
        assert any("still running after 0.5 s and was stopped" in text for text in _notices(app, "Alert command"))
        assert store_path.exists()


async def test_the_add_dialog_refuses_bad_input_then_keeps_the_alert(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        last = app.store.last_price(SYMBOL)
        await pilot.press("exclamation_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertEditScreen), what="the alert dialog")
        dialog = app.screen
        assert isinstance(dialog, AlertEditScreen)
        assert dialog.condition == "above" and D(dialog.level) == last  # prefilled with the last price
        shown = str(dialog.query_one("#alert-last", Static).content)
        assert shown.startswith("Last price ") and D(shown.removeprefix("Last price ").replace(",", "")) == last
        assert last < 1000 or "," in shown  # thousands grouped as in the panes
        condition = dialog.query_one("#alert-condition", Select)
        condition.value = "change_pct"
        await pilot.pause()
        assert dialog.level == "5"  # an untouched level follows the condition
        condition.value = "above"
        await pilot.pause()
        assert D(dialog.level) == last
        condition.value = "below"  # a price condition to another: the level stays
        await pilot.pause()
        assert D(dialog.level) == last
        condition.value = "above"
        await pilot.pause()
        level = dialog.query_one("#alert-level", Input)
        level.value = ""
        for key in "12x":
            await pilot.press(key)
        await pilot.press("enter")
        assert isinstance(app.screen, AlertEditScreen)
        assert dialog.message.startswith("Level: '12x' is not a number")
        assert app.alerts.center.store.list() == [] and not (app.settings.data_dir / "alerts.json").exists()
        level.value = ""
        await pilot.press("enter")
        assert "type a number" in dialog.message.lower() and isinstance(app.screen, AlertEditScreen)
        condition.value = "spread_pct"
        await pilot.pause()
        assert dialog.level == ""  # typed over: left as it is
        await pilot.press("0", ".", "2", "5", "enter")
        await wait_until(pilot, lambda: _on_main(app), what="the dialog to close")
        again = AlertStore.in_folder(app.settings.data_dir)  # kept on disk: a restart finds it
        assert [(a.id, a.symbol, a.condition.value, a.threshold) for a in again.list()] == [
            ("console-1", SYMBOL, "spread_pct", D("0.25"))
        ]
        assert any("Alert set" in text for text in _notices(app, "Alerts"))


async def test_the_alerts_screen_lists_edits_and_deletes(tmp_path: Path) -> None:
    store = AlertStore.in_folder(tmp_path / "data")
    store.add({"symbol": "ETHUSDT", "below": "1"})
    store.add({"symbol": SYMBOL, "change_pct": "50"})
    alerts = parse_alerts([{"symbol": "LTCBTC", "above": "1000"}])
    app = make_test_app(tmp_path, alerts=alerts)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen), what="the alerts screen")
        screen = app.screen
        assert isinstance(screen, AlertsScreen)
        assert [(r.id, r.state) for r in screen.rows] == [
            ("config-1", "armed"),
            ("console-1", "armed"),
            ("console-2", "armed"),
            ("fills", "on"),
        ]
        await pilot.press("d")  # the config file's alert: read-only here
        assert "from the config file" in screen.status_text and len(screen.rows) == 4
        await pilot.press("down", "d")
        await pilot.pause()
        assert [r.id for r in screen.rows] == ["config-1", "console-2", "fills"]
        assert "Deleted alert console-1" in screen.status_text
        assert [a.id for a in AlertStore.in_folder(app.settings.data_dir).list()] == ["console-2"]
        await pilot.press("e")  # now on console-2
        await wait_until(pilot, lambda: isinstance(app.screen, AlertEditScreen), what="the dialog")
        dialog = app.screen
        assert isinstance(dialog, AlertEditScreen) and dialog.condition == "change_pct" and dialog.level == "50"
        dialog.query_one("#alert-level", Input).value = "40"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, what="back to the list")
        assert [(a.id, a.threshold) for a in AlertStore.in_folder(app.settings.data_dir).list()] == [
            ("console-2", D(40))
        ]
        assert screen.rows[1].level == "40 %"
        await pilot.press("escape")
        assert app.screen is app.main


async def test_bad_alerts_are_said_at_start_and_nothing_else_is_affected(tmp_path: Path) -> None:
    alerts = parse_alerts([{"symbol": "NOPEUSDT", "above": "1"}, {"symbol": SYMBOL, "above": "0.01"}])
    problem = "config.toml: alerts[2].below: an alert has exactly one condition; this alert is ignored"
    app = make_test_app(tmp_path, alerts=alerts, alert_problems=(problem,))
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        assert problem in _notices(app, "Alert config")
        assert "alert config-1: NOPEUSDT is not a symbol of this exchange; the alert is ignored" in _notices(
            app, "Alert symbols"
        )
        await wait_until(pilot, lambda: _price_fired(app) == ["config-2"], what="the good alert")
        assert [a.id for a in app.alerts.center.active()] == ["config-2"]
        assert [r.state for r in app.alerts.rows()][:2] == ["left out", "fired"]


def test_desktop_notifications_follow_the_terminal(tmp_path: Path) -> None:
    from jextui.ui.alerts_watch import notify_escape_kind, terminal_text

    assert notify_escape_kind({"TERM": "dumb"}) is None
    assert notify_escape_kind({"TERM": "xterm-256color"}) == "9"
    assert notify_escape_kind({"TERM": "xterm-256color", "VTE_VERSION": "7600"}) == "777"
    assert notify_escape_kind({"TERM": "foot"}) == "777"
    assert terminal_text("\x1b]9;x\x07", {"TERM": "xterm"}) == "\x1b]9;x\x07"
    assert terminal_text("\x1b]9;x\x07", {"TMUX": "/tmp/t,1,0"}) == "\x1bPtmux;\x1b\x1b]9;x\x07\x1b\\"
    settings = make_test_app(tmp_path).settings
    alerts = parse_alerts([{"symbol": SYMBOL, "above": "1"}])
    written: list[str] = []
    for term, expected in (("dumb", []), ("xterm", ["\x1b]9;jextui: BTCUSDT: last price 2 (alert: above 1)\x07"])):
        written.clear()
        watch = AlertsWatch(
            _with(settings, alerts=alerts),
            notify=lambda *a, **k: None,
            bell=lambda: None,
            write_terminal=written.append,
            show_marks=lambda marks: None,
            private=lambda: False,
            env={"TERM": term},
        )
        from jextui.alerts import PriceUpdate

        watch.check(PriceUpdate(SYMBOL, 1, last=D(2)))
        assert written == expected, term
        assert len(watch.delivered) == 1


def _with(settings: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(settings, **changes)


async def test_a_fill_of_ones_own_order_alerts_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from support.trading_ui import place_from_ticket, resting_buy_price

    monkeypatch.setenv("TERM", "xterm-256color")  # a terminal that takes OSC 9
    for name in ("TMUX", "VTE_VERSION"):
        monkeypatch.delenv(name, raising=False)

    app = make_test_app(tmp_path, sandbox_overrides=FAST_ORDERS)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        price = await resting_buy_price(app, ticks_below_bid=5)
        order_id = await place_from_ticket(pilot, price)
        client = app.session.client
        assert client is not None
        await client.new_order(SYMBOL, "SELL", D("1"), price, time_in_force="IOC")  # takes it

        def fills() -> list[Any]:  # the resting BUY's (the SELL that took it is a fill of one's own too)
            return [d for d in app.alerts.delivered if d.fired.condition == "fill" and "BUY" in d.fired.text]

        await wait_until(pilot, lambda: bool(fills()), what="the fill alert")
        app.session.refresh_now("open_orders")  # the snapshot sees the fill too: still one alert
        await wait_until(
            pilot,
            lambda: all(o.order_id != order_id for o in app.store.orders_of(SYMBOL)),
            what="the order to leave the list",
        )
        await pilot.pause()
        assert len(fills()) == 1 and fills()[0].fired.symbol == SYMBOL
        notified = [text for text in app.alerts.written if f"(order {order_id})" in text]
        assert len(notified) == 1 and notified[0].startswith("\x1b]9;jextui: Filled: BUY")  # the notice's words
        assert [r.last_fired_ms for r in app.alerts.rows() if r.id == "fills"] == [app.alerts.last_fired["fills"]]


async def test_the_palette_opens_the_alert_dialog(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"add alert")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, CommandPalette) and app.screen.query_one(OptionList).option_count > 0,
            what="the palette's hits",
        )
        await pilot.press("down")  # the first hit is highlighted
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertEditScreen), what="the alert dialog")


def test_the_palette_offers_the_alert_commands() -> None:
    from jextui.ui.commands import system_commands

    titles = [command.title for command in system_commands(lambda action: None, [], lambda name: None)]  # type: ignore[arg-type, return-value]
    assert "Add alert (!)" in titles and "Alerts (L)" in titles
