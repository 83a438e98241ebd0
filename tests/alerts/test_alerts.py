"""Alerts: parsing, firing and re-arming on a scripted sandbox price path, the
console's saved alerts, and bad alert config reported by `jextui config check`."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support.sandbox_prices import trade_at

from jextui.alerts import (
    Alert,
    AlertError,
    AlertEvaluator,
    AlertStore,
    Condition,
    PriceUpdate,
    parse_alert,
    unknown_symbol_messages,
)
from jextui.alerts.evaluate import fill_alert, spread_pct
from jextui.api import JexClient
from jextui.cli import main
from jextui.config import ConfigError, load_config

D = Decimal


# --------------------------------------------------------------------------
# firing and re-arming on the sandbox's real answers


@pytest.fixture
async def client(make_sandbox: Any) -> AsyncIterator[JexClient]:
    sandbox = make_sandbox(orders_per_second=10_000)  # the script places four orders per step
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as jex:
        yield jex


async def test_fire_once_and_rearm_past_the_band_on_a_sandbox_price_path(client: JexClient) -> None:
    start = (await client.ticker_24hr("BTCUSDT")).last_price
    level_up = (start * D("1.01")).quantize(D("0.01"))
    level_down = (start * D("0.99")).quantize(D("0.01"))
    above = parse_alert({"symbol": "BTCUSDT", "above": str(level_up)}, alert_id="a")
    below = parse_alert({"symbol": "BTCUSDT", "below": str(level_down)}, alert_id="b")
    evaluator = AlertEvaluator([above, below])
    # (price to trade at, which alerts must fire on the ticker that follows)
    path = [
        (level_up - D("100"), set()),  # below the level: nothing
        (level_up, {"a"}),  # touches it: fires
        (level_up + D("50"), set()),  # still above: fired already
        (level_up * D("0.997"), set()),  # back, but inside the 0.5 % band: not re-armed
        (level_up + D("10"), set()),  # so no second notice
        (level_up * D("0.994"), set()),  # past the band: re-armed (no notice)
        (level_up + D("1"), {"a"}),  # fires again
        (level_down, {"b"}),  # the other way
        (level_down + D("1"), set()),
        (level_down * D("1.006"), set()),  # re-arms b
        (level_down - D("5"), {"b"}),
    ]
    fired_log = []
    for price, expected in path:
        price = price.quantize(D("0.01"))
        await trade_at(client, "BTCUSDT", price)
        ticker = await client.ticker_24hr("BTCUSDT")
        assert ticker.last_price == price
        fired = evaluator.evaluate(PriceUpdate.from_ticker(ticker))
        assert {f.alert.id for f in fired if f.alert} == expected, (price, fired)
        fired_log.extend(fired)
    assert [f.alert.id for f in fired_log if f.alert] == ["a", "a", "b", "b"]
    first = fired_log[0]
    assert (first.symbol, first.condition, first.price) == ("BTCUSDT", "above", level_up)
    assert first.text == f"BTCUSDT: last price {level_up:,f} (alert: above {level_up:,f})"  # grouped, as in the panes


async def test_change_and_spread_conditions_use_the_tickers_fields(client: JexClient) -> None:
    ticker = await client.ticker_24hr("ETHUSDT")
    update = PriceUpdate.from_ticker(ticker)
    assert update.change_pct == ticker.price_change_percent
    spread = spread_pct(ticker.bid_price, ticker.ask_price)
    assert spread is not None and spread > 0
    change = abs(ticker.price_change_percent)
    fires = AlertEvaluator(
        [
            Alert("ETHUSDT", Condition.CHANGE_PCT, max(change, D("0.001")), id="c"),
            Alert("ETHUSDT", Condition.SPREAD_PCT, spread, id="s"),
            Alert("ETHUSDT", Condition.SPREAD_PCT, spread * 2, id="wide"),
            Alert("BTCUSDT", Condition.ABOVE, D("1"), id="other-symbol"),
        ]
    )
    fired = fires.evaluate(update)
    assert {f.alert.id for f in fired if f.alert} == ({"c", "s"} if change else {"s"})


def test_percent_conditions_rearm_at_nine_tenths() -> None:
    alert = Alert("X1", Condition.CHANGE_PCT, D("5"), id="c")
    ev = AlertEvaluator([alert])

    def step(change: str) -> int:
        return len(ev.evaluate(PriceUpdate("X1", 0, change_pct=D(change))))

    assert [step(v) for v in ("4.9", "-5", "-6", "4.6", "5.2", "4.49", "5")] == [0, 1, 0, 0, 0, 0, 1]
    assert ev.is_armed(alert) is False
    spread = Alert("X1", Condition.SPREAD_PCT, D("1"), id="s")
    ev.set_alerts([alert, spread])  # unchanged alert keeps its state; the new one starts armed
    assert ev.is_armed(alert) is False and ev.is_armed(spread) is True
    assert ev.evaluate(PriceUpdate("X1", 0, bid=D("100"), ask=None)) == []  # one-sided: no spread


def test_fill_alert_text() -> None:
    fired = fill_alert("ETHBTC", "buy", D("0.5"), D("0.05"), 1_700_000_000_000, filled=True)
    assert (fired.symbol, fired.condition, fired.price, fired.alert) == ("ETHBTC", "fill", D("0.05"), None)
    assert fired.text == "ETHBTC: BUY 0.5 at 0.05 filled"


def test_alert_texts_group_thousands_and_keep_the_servers_digits() -> None:
    fired = fill_alert("BTCUSDT", "sell", D("1250.500000"), D("64000.00"), 1_700_000_000_000, filled=False)
    assert fired.text == "BTCUSDT: SELL 1,250.500000 at 64,000.00 partly filled"
    ev = AlertEvaluator([Alert("BTCUSDT", Condition.ABOVE, D("70000"), id="a")])
    [price] = ev.evaluate(PriceUpdate("BTCUSDT", 0, last=D("70000.10")))
    assert price.text == "BTCUSDT: last price 70,000.10 (alert: above 70,000)"


# --------------------------------------------------------------------------
# parsing


BAD_ALERTS = [
    ({"above": "1"}, "symbol", "missing"),
    ({"symbol": "btc/usdt", "above": "1"}, "symbol", "is not a symbol"),
    ({"symbol": "BTCUSDT"}, "", "no condition: give exactly one of above, below, change_pct, spread_pct"),
    ({"symbol": "BTCUSDT", "above": "1", "below": "2"}, "below", "exactly one condition, this one has 2"),
    ({"symbol": "BTCUSDT", "above": "70k"}, "above", "'70k' is not a number"),
    ({"symbol": "BTCUSDT", "above": "-5"}, "above", "must be more than 0"),
    ({"symbol": "BTCUSDT", "above": "nan"}, "above", "not a finite number"),
    ({"symbol": "BTCUSDT", "above": True}, "above", "expected a number"),
    ({"symbol": "BTCUSDT", "change_pct": "5000"}, "change_pct", "at most 1000"),
    ({"symbol": "BTCUSDT", "above": "1", "command": "notify-send hi"}, "command", "not one string"),
    ({"symbol": "BTCUSDT", "above": "1", "command": ["x", 3]}, "command[1]", "expected a string"),
    ({"symbol": "BTCUSDT", "above": "1", "command": []}, "command", "non-empty list"),
    ({"symbol": "BTCUSDT", "above": "1", "when": "now"}, "when", "unknown key"),
]


@pytest.mark.parametrize(("table", "key", "words"), BAD_ALERTS)
def test_bad_alert_tables_name_the_key(table: dict[str, Any], key: str, words: str) -> None:
    with pytest.raises(AlertError) as caught:
        parse_alert(table)
    assert caught.value.key == key
    assert words in caught.value.message


def test_good_alert_forms() -> None:
    alert = parse_alert({"symbol": "ethbtc", "below": 0.05, "command": ["notify-send", "jextui"]})
    assert alert == Alert("ETHBTC", Condition.BELOW, D("0.05"), ("notify-send", "jextui"))
    assert parse_alert({"symbol": "BTCUSDT", "above": "70_000.5"}).threshold == D("70000.5")
    assert alert.as_table() == {"symbol": "ETHBTC", "below": "0.05", "command": ["notify-send", "jextui"]}
    assert parse_alert({"symbol": "X1", "change_pct": "5"}).describe() == "X1 24 h change beyond ±5 %"


def test_unknown_symbols_are_reported_against_the_exchanges_list() -> None:
    alerts = [
        Alert("BTCUSDT", Condition.ABOVE, D(1), id="config-1"),
        Alert("NOPEUSDT", Condition.ABOVE, D(1), id="config-2"),
    ]
    assert unknown_symbol_messages(alerts, {"BTCUSDT"}) == [
        "alert config-2: NOPEUSDT is not a symbol of this exchange; the alert is ignored"
    ]


# --------------------------------------------------------------------------
# config file and `jextui config check`


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("JEX_API_KEY", "JEX_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name, sub in (("JEXTUI_CONFIG_DIR", "config"), ("JEXTUI_DATA_DIR", "data"), ("JEXTUI_LOG_DIR", "log")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    (tmp_path / "config").mkdir(mode=0o700)
    return tmp_path / "config" / "config.toml"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return path


BAD_CONFIG_ALERTS = [
    ('[[alerts]]\nsymbol = "BTCUSDT"\nabove = "1"\nbelow = "2"\n', "alerts[0].below", "exactly one condition"),
    (
        '[[alerts]]\nsymbol = "BTCUSDT"\nabove = "1"\n[[alerts]]\nsymbol = "BTCUSDT"\nabove = "x"\n',
        "alerts[1].above",
        "'x' is not a number",
    ),
    ('[[alerts]]\nsymbol = "BTC-USDT"\nabove = "1"\n', "alerts[0].symbol", "is not a symbol"),
    ("alerts = 3\n", "alerts", "expected a list"),
]


@pytest.mark.parametrize(("text", "key", "words"), BAD_CONFIG_ALERTS)
def test_config_check_reports_bad_alerts_and_keeps_the_rest(
    config_home: Path, capfd: pytest.CaptureFixture[str], text: str, key: str, words: str
) -> None:
    path = _write(config_home, 'watchlist = ["ETHUSDT"]\nbell = true\n' + text)
    config = load_config(path)  # a bad alert costs only itself
    assert config.watchlist == ("ETHUSDT",) and config.bell is True
    assert len(config.alert_problems) == 1
    assert config.alert_problems[0].startswith(f"{path}: {key}: ") and words in config.alert_problems[0]
    good = [a.id for a in config.alerts]
    assert good == (["config-1"] if key == "alerts[1].above" else [])
    assert main(["config", "check"]) == 1
    captured = capfd.readouterr()
    assert re.search(r"watchlist\s+ETHUSDT", captured.out)
    err = captured.err
    assert err.startswith(f"jextui: {path}: {key}: ") and words in err and "ignored" in err, err
    assert "Traceback" not in err and err.count("\n") == 1


def test_other_config_mistakes_still_stop_the_config(config_home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = _write(config_home, 'valuation_asset = "usd t"\n')
    with pytest.raises(ConfigError, match=re.escape(f"{path}: valuation_asset: ")):
        load_config(path)
    assert main(["config", "check"]) == 2
    assert "is not an asset" in capfd.readouterr().err


def test_config_alerts_are_loaded_and_shown(config_home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = _write(
        config_home,
        'valuation_asset = "BTC"\nalert_fills = false\n'
        '[[alerts]]\nsymbol = "BTCUSDT"\nabove = "70000"\ncommand = ["notify-send", "jextui"]\n'
        '[[alerts]]\nsymbol = "ETHUSDT"\nchange_pct = 5\n',
    )
    config = load_config(path)
    assert [a.id for a in config.alerts] == ["config-1", "config-2"]
    assert config.alerts[0].command == ("notify-send", "jextui") and config.alerts[1].threshold == D(5)
    assert (config.valuation_asset, config.alert_fills) == ("BTC", False)
    assert main(["config", "check"]) == 0
    out = capfd.readouterr().out
    assert "BTCUSDT last price at or above 70,000; ETHUSDT 24 h change beyond ±5 %" in out
    assert re.search(r"valuation\s+BTC", out) and re.search(r"fill alerts\s+no", out)


# --------------------------------------------------------------------------
# the console's saved alerts


def test_store_survives_a_restart_and_lists_edits_deletes(tmp_path: Path) -> None:
    store = AlertStore.in_folder(tmp_path / "data")
    first = store.add({"symbol": "BTCUSDT", "above": "70000"})
    second = store.add({"symbol": "ETHUSDT", "spread_pct": "0.5", "command": ["true"]})
    assert (first.id, second.id) == ("console-1", "console-2")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    again = AlertStore.in_folder(tmp_path / "data")
    assert again.list() == [first, second] and again.load_problem() is None
    edited = again.replace("console-1", {"symbol": "BTCUSDT", "below": "60000"})
    assert edited.id == "console-1" and edited.condition is Condition.BELOW
    assert again.delete("console-2") is True and again.delete("console-2") is False
    with pytest.raises(AlertError):
        again.add({"symbol": "BTCUSDT", "above": "1", "below": "2"})  # nothing changes
    third = AlertStore.in_folder(tmp_path / "data")
    assert third.list() == [edited]
    assert third.add({"symbol": "LTCBTC", "above": "1"}).id == "console-3"  # ids are never reused
    with pytest.raises(KeyError):
        third.replace("console-9", {"symbol": "LTCBTC", "above": "1"})


def test_a_damaged_alerts_file_is_reported_and_treated_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "alerts.json"
    path.write_text('{"alerts": [{"id": "console-1", "symbol": "BTCUSDT", "above": "oops"}]}')
    store = AlertStore(path)
    assert store.list() == []
    assert "damaged" in (store.load_problem() or "")
    path.write_text("not json")
    assert "damaged" in (AlertStore(path).load_problem() or "")
