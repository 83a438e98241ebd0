"""The console's alert centre: config and console alerts together, unknown
symbols left out, deliveries (notice, bell, escape, command) and the mark."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from jextui.alerts import AlertCenter, AlertError, AlertStore, PriceUpdate, parse_alerts
from jextui.alerts.deliver import CommandOutcome
from jextui.trading.fills import FillEvent, FillEventKind

D = Decimal
CONFIG = parse_alerts([{"symbol": "BTCUSDT", "above": "100"}, {"symbol": "NOPEUSDT", "below": "1"}])


def center(tmp_path: Path, **options: object) -> AlertCenter:
    return AlertCenter(CONFIG, AlertStore.in_folder(tmp_path), **options)  # type: ignore[arg-type]


def test_unknown_symbols_are_left_out_and_reported(tmp_path: Path) -> None:
    c = center(tmp_path)
    assert [a.id for a in c.active()] == ["config-1", "config-2"]
    messages = c.set_known_symbols({"BTCUSDT", "ETHUSDT"})
    assert messages == ["alert config-2: NOPEUSDT is not a symbol of this exchange; the alert is ignored"]
    assert [a.id for a in c.active()] == ["config-1"]
    assert [a.id for a in c.alerts()] == ["config-1", "config-2"]  # still listed on the screen
    with pytest.raises(AlertError, match="NOPEUSDT is not a symbol of this exchange"):
        c.add({"symbol": "NOPEUSDT", "above": "1"})
    assert c.store.list() == []


def test_add_edit_delete_and_config_alerts_stay_read_only(tmp_path: Path) -> None:
    c = center(tmp_path)
    table = c.prefill("ETHUSDT", D("3150.25"))
    assert table == {"symbol": "ETHUSDT", "above": "3150.25"}
    added = c.add(table)
    assert added.id == "console-1" and added in c.active()
    edited = c.edit("console-1", {"symbol": "ETHUSDT", "below": "3000"})
    assert edited in c.active() and added not in c.active()
    with pytest.raises(AlertError, match="comes from the config file"):
        c.delete("config-1")
    assert c.delete("console-1") is True and [a.id for a in c.alerts()] == ["config-1", "config-2"]
    assert AlertCenter(CONFIG, AlertStore.in_folder(tmp_path)).alerts() == c.alerts()  # kept on disk


def test_deliveries_and_the_symbol_mark(tmp_path: Path) -> None:
    c = center(tmp_path, bell=True, notify_escape="777")
    assert c.on_price(PriceUpdate("BTCUSDT", 1, last=D("99"))) == []
    (delivery,) = c.on_price(PriceUpdate("BTCUSDT", 2, last=D("100.5")))
    assert delivery.notice == "Alert: BTCUSDT: last price 100.5 (alert: above 100)"
    assert delivery.bell == "\a" and delivery.escape.startswith("\x1b]777;notify;jextui;BTCUSDT")
    assert delivery.command is None and c.start_command(delivery, lambda _: None) is None
    assert c.marked_symbols() == {"BTCUSDT"}
    assert c.on_price(PriceUpdate("BTCUSDT", 3, last=D("99.6"))) == []  # within the band: still marked
    assert c.marked_symbols() == {"BTCUSDT"}
    c.on_price(PriceUpdate("BTCUSDT", 4, last=D("99.4")))  # re-armed: the mark goes
    assert c.marked_symbols() == set()
    quiet = center(tmp_path / "q", notify_escape=None)
    (plain,) = quiet.on_price(PriceUpdate("BTCUSDT", 2, last=D("101")))
    assert (plain.bell, plain.escape) == ("", "")


def _fill(kind: FillEventKind) -> FillEvent:
    return FillEvent(
        kind, "ETHUSDT", 7, "BUY", D("3000"), D("1"), D("0.4"), D("0.4"), D("2999.5"), "PARTIALLY_FILLED", ""
    )


def test_fill_alerts_are_on_by_default_and_can_be_off(tmp_path: Path) -> None:
    delivery = center(tmp_path).on_fill(_fill(FillEventKind.PARTIAL_FILL), time_ms=5)
    assert delivery is not None and delivery.notice == "Alert: ETHUSDT: BUY 0.4 at 2,999.5 partly filled"
    assert delivery.fired.condition == "fill" and delivery.fired.time_ms == 5
    assert center(tmp_path).on_fill(_fill(FillEventKind.CANCELED)) is None
    assert center(tmp_path, fill_alerts=False).on_fill(_fill(FillEventKind.FILLED)) is None


async def test_a_command_alert_runs_through_the_center(tmp_path: Path) -> None:
    out = tmp_path / "env.json"
    script = tmp_path / "dump.py"
    script.write_text(
        "import json, os, sys\njson.dump({k: v for k, v in os.environ.items() "
        "if k.startswith('JEXTUI_ALERT_')}, open(sys.argv[1], 'w'))\n"
    )
    c = AlertCenter([], AlertStore.in_folder(tmp_path))
    c.add({"symbol": "ETHUSDT", "spread_pct": "0.5", "command": [sys.executable, str(script), str(out)]})
    (delivery,) = c.on_price(PriceUpdate("ETHUSDT", 1_700_000_000_000, bid=D("99"), ask=D("101")))
    outcomes: list[CommandOutcome] = []
    task = c.start_command(delivery, outcomes.append)
    assert task is not None
    assert (await task).ok and outcomes == [task.result()]
    assert json.loads(out.read_text()) == {
        "JEXTUI_ALERT_SYMBOL": "ETHUSDT",
        "JEXTUI_ALERT_CONDITION": "spread_pct",
        "JEXTUI_ALERT_PRICE": "2.0000",
        "JEXTUI_ALERT_TIME": "1700000000000",
    }
