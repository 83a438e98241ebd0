"""`jextui print`: JSON validated against schemas written here, aligned text,
exit codes, and a closed pipe (with real processes) for print and journal."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support.sandbox import DOC_API_KEY, DOC_API_SECRET, root_logging_restored

from jextui.alerts import AlertStore
from jextui.api import JexClient
from jextui.cli import main

# --------------------------------------------------------------------------
# a small schema checker: {"type": ...} with object/array/string/integer/boolean/null,
# "decimal" (a number written as a string), "required", "properties", "items", "enum"

DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


def check(value: Any, schema: dict[str, Any], where: str = "$") -> None:
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    errors = []
    for kind in kinds:
        try:
            _check_one(value, kind, schema, where)
            return
        except AssertionError as exc:
            errors.append(str(exc))
    raise AssertionError(f"{where}: {value!r} matches none of {kinds}: {errors}")


def _check_one(value: Any, kind: str, schema: dict[str, Any], where: str) -> None:
    if kind == "null":
        assert value is None, f"{where}: not null"
    elif kind == "decimal":
        assert isinstance(value, str) and DECIMAL.match(value), f"{where}: {value!r} is not a decimal string"
    elif kind == "string":
        assert isinstance(value, str), f"{where}: not a string"
        if "enum" in schema:
            assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: not an integer"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: not a boolean"
    elif kind == "array":
        assert isinstance(value, list), f"{where}: not an array"
        for index, item in enumerate(value):
            check(item, schema["items"], f"{where}[{index}]")
    elif kind == "object":
        assert isinstance(value, dict), f"{where}: not an object"
        props = schema.get("properties", {})
        missing = [key for key in schema.get("required", props) if key not in value]
        assert not missing, f"{where}: missing {missing}"
        extra = [key for key in value if key not in props]
        assert not extra, f"{where}: unexpected {extra}"
        for key, sub in props.items():
            if key in value:
                check(value[key], sub, f"{where}.{key}")
    else:
        raise AssertionError(f"unknown schema type {kind}")


def test_the_checker_itself_rejects_bad_documents() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "decimal"}, "b": {"type": ["integer", "null"]}}}
    check({"a": "1.50", "b": None}, schema)
    for bad in ({"a": 1.5, "b": 1}, {"a": "1e5", "b": 1}, {"a": "1"}, {"a": "1", "b": 1, "c": 2}, {"a": "1", "b": "2"}):
        with pytest.raises(AssertionError):
            check(bad, schema)


D_ = {"type": "decimal"}
D_OR_NULL = {"type": ["decimal", "null"]}
STR = {"type": "string"}
INT = {"type": "integer"}


def envelope(kind: str, **props: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"kind": {"type": "string", "enum": [kind]}, "exchange": STR, "time": INT, **props},
    }


SCHEMAS = {
    "watchlist": envelope(
        "watchlist",
        missing={"type": "array", "items": STR},
        symbols={
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    k: (STR if k == "symbol" else D_)
                    for k in ("symbol", "last", "change_pct", "bid", "ask", "high", "low", "volume")
                },
            },
        },
    ),
    "balances": envelope(
        "balances",
        balances={
            "type": "array",
            "items": {"type": "object", "properties": {"asset": STR, "free": D_, "locked": D_, "total": D_}},
        },
    ),
    "portfolio": envelope(
        "portfolio",
        valuation_asset=STR,
        total_value=D_,
        value_24h_ago=D_OR_NULL,
        change_24h=D_OR_NULL,
        change_24h_pct=D_OR_NULL,
        realised_total=D_,
        unpriced={"type": "array", "items": STR},
        notes={"type": "array", "items": STR},
        assets={
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "asset": STR,
                    "free": D_,
                    "locked": D_,
                    "total": D_,
                    "price": D_OR_NULL,
                    "value": D_OR_NULL,
                    "share_pct": D_OR_NULL,
                    "average_cost": D_OR_NULL,
                    "realised": D_OR_NULL,
                    "unrealised": D_OR_NULL,
                    "note": STR,
                },
            },
        },
    ),
    "orders": envelope(
        "orders",
        complete={"type": "boolean"},
        notes={"type": "array", "items": STR},
        orders={
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "symbol": STR,
                    "order_id": INT,
                    "side": {"type": "string", "enum": ["BUY", "SELL"]},
                    "price": D_,
                    "quantity": D_,
                    "executed": D_,
                    "remaining": D_,
                    "status": STR,
                    "time": INT,
                },
            },
        },
    ),
    "alerts": envelope(
        "alerts",
        fill_alerts={"type": "boolean"},
        notes={"type": "array", "items": STR},
        alerts={
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": STR,
                    "source": {"type": "string", "enum": ["config", "console"]},
                    "symbol": STR,
                    "condition": {"type": "string", "enum": ["above", "below", "change_pct", "spread_pct"]},
                    "threshold": D_,
                    "command": {"type": ["null", "array"], "items": STR},
                },
            },
        },
    ),
}


# --------------------------------------------------------------------------
# fixtures: folders, and a sandbox with an open order and a fill


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    for name in ("JEX_API_KEY", "JEX_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    env = {}
    for name, sub in (("JEXTUI_CONFIG_DIR", "config"), ("JEXTUI_DATA_DIR", "data"), ("JEXTUI_LOG_DIR", "log")):
        monkeypatch.setenv(name, str(tmp_path / sub))
        env[name] = str(tmp_path / sub)
    (tmp_path / "config").mkdir(mode=0o700)
    with root_logging_restored():
        yield env


@pytest.fixture
def traded(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    async def trade() -> None:
        async with JexClient(sandbox.base_url, DOC_API_KEY, DOC_API_SECRET) as client:
            book = await client.book_ticker("ETHUSDT")
            await client.new_order("ETHUSDT", "BUY", Decimal("0.1"), book.ask_price, time_in_force="IOC")
            await client.new_order("ETHUSDT", "BUY", Decimal("0.2"), book.bid_price - Decimal("100"))

    asyncio.run(trade())
    monkeypatch.setenv("JEX_API_KEY", DOC_API_KEY)
    monkeypatch.setenv("JEX_API_SECRET", DOC_API_SECRET)
    return sandbox


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["print", *argv, "--json"]) == 0, capsys.readouterr().err
    captured = capsys.readouterr()
    assert captured.err == ""
    answer: dict[str, Any] = json.loads(captured.out)
    return answer


@pytest.mark.parametrize("view", ["watchlist", "balances", "portfolio", "orders"])
def test_json_of_each_view_matches_its_schema(
    home: dict[str, str], traded: Any, capsys: pytest.CaptureFixture[str], view: str
) -> None:
    doc = run_json(capsys, view, "--base-url", traded.base_url, "--symbols", "BTCUSDT,ETHUSDT,NOPEUSDT")
    check(doc, SCHEMAS[view])
    assert doc["exchange"] == traded.base_url
    if view == "watchlist":
        assert [s["symbol"] for s in doc["symbols"]] == ["BTCUSDT", "ETHUSDT"] and doc["missing"] == ["NOPEUSDT"]
    if view == "orders":
        (order,) = doc["orders"]
        assert (order["symbol"], order["side"], doc["complete"]) == ("ETHUSDT", "BUY", True)
        assert Decimal(order["quantity"]) == Decimal("0.2") and order["quantity"] == "0.20000"  # as given
    if view == "portfolio":
        eth = next(a for a in doc["assets"] if a["asset"] == "ETH")
        assert eth["locked"] == "0" or Decimal(eth["locked"]) == 0
        assert eth["note"].startswith("cost unknown before")  # the demo account held ETH before its history
    if view == "balances":
        usdt = next(b for b in doc["balances"] if b["asset"] == "USDT")
        assert Decimal(usdt["locked"]) > 0  # the open order's funds
        assert Decimal(usdt["total"]) == Decimal(usdt["free"]) + Decimal(usdt["locked"])


def test_alerts_view_lists_config_and_console_alerts(home: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    config = Path(home["JEXTUI_CONFIG_DIR"]) / "config.toml"
    config.write_text('[[alerts]]\nsymbol = "BTCUSDT"\nabove = "70000.123456789"\ncommand = ["notify-send", "x"]\n')
    os.chmod(config, 0o600)
    AlertStore.in_folder(Path(home["JEXTUI_DATA_DIR"])).add({"symbol": "ETHUSDT", "spread_pct": "0.5"})
    doc = run_json(capsys, "alerts")
    check(doc, SCHEMAS["alerts"])
    assert [(a["id"], a["source"], a["threshold"]) for a in doc["alerts"]] == [
        ("config-1", "config", "70000.123456789"),
        ("console-1", "console", "0.5"),
    ]
    assert main(["print", "alerts"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "SYMBOL", "CONDITION", "LEVEL", "COMMAND"]
    assert lines[1].split() == ["config-1", "BTCUSDT", "above", "70000.123456789", "notify-send", "x"]
    assert lines[2].split() == ["console-1", "ETHUSDT", "spread_pct", "0.5", "-"]


def test_text_is_aligned_with_numbers_right_aligned(
    home: dict[str, str], traded: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["print", "watchlist", "--base-url", traded.base_url, "--symbols", "BTCUSDT,ETHUSDT,JEXBTC"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["SYMBOL", "LAST", "24H"]
    assert [line.split()[0] for line in lines[1:]] == ["BTCUSDT", "ETHUSDT", "JEXBTC"]
    ends = {line.index(line.split()[1]) + len(line.split()[1]) for line in lines[1:]}
    assert ends == {lines[0].index("LAST") + len("LAST")}  # every LAST value ends under the heading
    assert len({len(line) for line in lines}) == 1  # the last column is right-aligned too


def test_demo_mode_when_nothing_is_configured(home: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "balances")
    check(doc, SCHEMAS["balances"])
    assert doc["exchange"] == "demo" and {b["asset"] for b in doc["balances"]} >= {"BTC", "USDT"}


def test_errors_are_words_on_stderr_with_exit_1_or_2(
    home: dict[str, str], sandbox: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["print", "balances", "--base-url", sandbox.base_url]) == 1  # no key configured
    err = capsys.readouterr().err
    assert err == "jextui print: `print balances` needs an API key and secret: none is configured for this profile\n"
    assert main(["print", "watchlist", "--base-url", "http://127.0.0.1:9"]) == 1  # nothing listens there
    err = capsys.readouterr().err
    assert err.startswith("jextui print: ") and "Traceback" not in err and err.count("\n") == 1
    assert main(["print", "everything"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main(["print"]) == 2
    assert main(["print", "watchlist", "--symbols", "btc/usdt"]) == 2
    assert "is not a symbol" in capsys.readouterr().err
    config = Path(home["JEXTUI_CONFIG_DIR"]) / "config.toml"
    config.write_text('[[alerts]]\nsymbol = "BTCUSDT"\nabove = "1"\nbelow = "2"\n')
    os.chmod(config, 0o600)
    assert main(["print", "alerts"]) == 0  # a bad alert table is left out and said, as a note
    out = capsys.readouterr().out
    assert "alerts[0].below: an alert has exactly one condition" in out and "ignored" in out


# --------------------------------------------------------------------------
# a reader that goes away: real processes


def _closed_pipe_run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first write fails with EPIPE
    try:
        return subprocess.run(
            [sys.executable, "-m", "jextui", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize("argv", [["print", "watchlist"], ["print", "alerts", "--json"], ["journal"]])
def test_a_closed_pipe_is_a_quiet_exit(home: dict[str, str], sandbox: Any, argv: list[str]) -> None:
    env = {**os.environ, **home, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    if argv[1:2] == ["watchlist"]:
        argv = [*argv, "--base-url", sandbox.base_url]
    result = _closed_pipe_run(argv, env)
    assert (result.returncode, result.stderr.decode()) == (0, "")


def test_head_reads_part_of_the_output(home: dict[str, str], sandbox: Any) -> None:
    env = {**os.environ, **home, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-m", "jextui", "print", "watchlist", "--base-url", sandbox.base_url]
    producer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert producer.stdout is not None and producer.stderr is not None
    first = producer.stdout.readline()
    producer.stdout.close()  # as `head -1` does
    assert producer.wait(timeout=120) == 0
    assert first.split()[:2] == [b"SYMBOL", b"LAST"]
    assert producer.stderr.read() == b""
    producer.stderr.close()
